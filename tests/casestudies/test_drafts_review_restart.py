"""Generating a draft again while its case study is in review starts the review again at its
first step, on the new revision, so the next approval moves it on."""

import pytest

from casestudies.drafts import generate_draft
from casestudies.models import CandidateDecision, CaseStudyPage
from tests.casestudies.test_case_files import make_case_file, write_lessons
from tests.casestudies.test_gate import _approve

pytestmark = pytest.mark.django_db


def test_a_regenerated_draft_starts_its_review_again(client, discipline_user, reviewer):
    case_file = make_case_file()
    CandidateDecision.objects.create(case_file=case_file, text="张志强", decision="rejected")
    page, _ = generate_draft(case_file, user=discipline_user)
    write_lessons(page, discipline_user)
    page = CaseStudyPage.objects.get(pk=page.pk)
    page.get_workflow().start(page, discipline_user)
    _approve(client, page, discipline_user)
    state = CaseStudyPage.objects.get(pk=page.pk).current_workflow_state
    assert state.current_task_state.task.name == "案例复审"

    CandidateDecision.objects.filter(case_file=case_file).update(decision="accepted")
    generate_draft(case_file, user=discipline_user)
    state.refresh_from_db()
    latest = CaseStudyPage.objects.get(pk=page.pk).get_latest_revision()
    assert state.current_task_state.task.name == "案例初审"
    assert state.current_task_state.revision_id == latest.pk
    assert state.task_states.filter(status="cancelled").count() == 1

    _approve(client, page, discipline_user)  # one approval moves it on, as it reads
    state.refresh_from_db()
    assert state.current_task_state.task.name == "案例复审"
