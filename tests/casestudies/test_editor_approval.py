"""Approving a case study's steps in the editor (the form 审核 and 纪检监察 post when they click
批准 on the edit view): the gate reads the form's handlings to check them, and what is saved is
still what the editor sent, so the next step opens, validates and approves as it reads."""

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from casestudies.drafts import generate_draft
from casestudies.models import CandidateDecision, CaseStudyPage, Handling
from tests.casestudies.test_case_files import make_case_file, write_lessons

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private-media"


@pytest.fixture
def draft(discipline_user):
    """A generated draft the gate clears (its candidate decided, its 以案说法 written), in review
    at 案例初审."""
    case_file = make_case_file()
    CandidateDecision.objects.create(case_file=case_file, text="张志强", decision="accepted")
    page, _ = generate_draft(case_file, user=discipline_user)
    write_lessons(page, discipline_user)
    page = CaseStudyPage.objects.get(pk=page.pk)
    page.get_workflow().start(page, discipline_user)
    return page


def editor_form(page):
    """What the edit view posts for ``page``'s latest revision, unchanged."""
    shown = CaseStudyPage.objects.get(pk=page.pk).get_latest_revision_as_object()
    blocks = {"count": str(len(shown.facts.raw_data))}
    for index, block in enumerate(shown.facts.raw_data):
        value = block["value"]
        blocks[str(index)] = {
            "type": block["type"],
            "value": rich_text(value) if block["type"] == "paragraph" else value,
            "id": block.get("id", ""),  # the editor sends each block's id back
            "deleted": "",
            "order": str(index),
        }
    handlings = [
        {
            "id": str(h.pk or ""),
            "pseudonym": h.pseudonym,
            "post": h.post,
            "discipline_form": str(h.discipline_form),
            "party_sanction": h.party_sanction,
            "administrative_sanction": h.administrative_sanction,
            "accountability": h.accountability,
            "detained": "on" if h.detained else "",
            "referred": "on" if h.referred else "",
            "ORDER": str(number),  # as the form renders it
        }
        for number, h in enumerate(shown.handlings.all(), start=1)
    ]
    for handling in handlings:
        for flag in ("detained", "referred"):
            if not handling[flag]:
                del handling[flag]
    data = nested_form_data(
        {
            "title": shown.title,
            "slug": shown.slug,
            "seo_title": shown.seo_title,
            "search_description": shown.search_description,
            "subject": shown.subject,
            "summary": shown.summary,
            "unit_type": str(shown.unit_type_id),
            "work_area": str(shown.work_area_id or ""),
            "source": shown.source,
            "date_handled": shown.date_handled.isoformat(),
            "facts": blocks,
            "handlings": inline_formset(handlings, initial=len(handlings)),
            "lessons": shown.lessons,
            "comments": inline_formset([]),
        }
    )
    data["problem_types"] = [str(t.pk) for t in shown.problem_types.all()]
    data["action-workflow-action"] = "action-workflow-action"
    data["workflow-action-name"] = "approve"
    return data


def approve_in_the_editor(client, page, user):
    client.force_login(user)
    return client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), editor_form(page))


def step(page):
    state = CaseStudyPage.objects.get(pk=page.pk).current_workflow_state
    return state.current_task_state.task.name if state and state.current_task_state else None


def sanctions(handlings):
    return sorted((h.pseudonym, h.discipline_form, h.party_sanction) for h in handlings)


def test_every_step_approved_in_the_editor_publishes_the_handlings_as_generated(
    client, draft, discipline_user, reviewer
):
    generated = sanctions(draft.get_latest_revision_as_object().handlings.all())
    assert generated and all(form for _, form, _ in generated)

    response = approve_in_the_editor(client, draft, discipline_user)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert step(draft) == "案例复审"
    # What was saved names the rows the database holds, with the sanctions the editor sent.
    saved = CaseStudyPage.objects.get(pk=draft.pk).get_latest_revision_as_object()
    assert sanctions(saved.handlings.all()) == generated
    stored = set(Handling.objects.filter(page=draft).values_list("pk", flat=True))
    assert {h.pk for h in saved.handlings.all()} <= stored

    response = approve_in_the_editor(client, draft, reviewer)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert step(draft) == "案例终审"

    response = approve_in_the_editor(client, draft, discipline_user)
    assert response.status_code == 302, response.content.decode()[:2000]
    published = CaseStudyPage.objects.get(pk=draft.pk)
    assert published.live
    assert sanctions(published.handlings.all()) == generated


def test_a_regenerated_draft_is_approved_once_in_the_editor(client, draft, discipline_user):
    """Regenerating restarts the review (``test_drafts_review_restart``); the regenerated draft,
    opened in the editor and approved unchanged, is no edit: one approval moves it on."""
    case_file = draft.source_case_file
    before = set(Handling.objects.filter(page=draft).values_list("pk", flat=True))
    generate_draft(case_file, user=discipline_user)
    after = set(Handling.objects.filter(page=draft).values_list("pk", flat=True))
    assert after == before  # the rows keep their ids
    saved = CaseStudyPage.objects.get(pk=draft.pk).get_latest_revision_as_object()
    assert {h.pk for h in saved.handlings.all()} == after

    response = approve_in_the_editor(client, draft, discipline_user)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert step(draft) == "案例复审"


def test_regenerating_a_published_case_study_leaves_its_live_rows_alone(
    client, draft, discipline_user, reviewer
):
    for user in (discipline_user, reviewer, discipline_user):
        approve_in_the_editor(client, draft, user)
    published = CaseStudyPage.objects.get(pk=draft.pk)
    assert published.live
    live_rows = sanctions(published.handlings.all())
    case_file = draft.source_case_file
    case_file.persons.filter(role="subject").update(party_sanction="")
    generate_draft(case_file, user=discipline_user)
    # The new values are in the draft revision; the live page reads the rows as published.
    assert sanctions(Handling.objects.filter(page=draft)) == live_rows
    drafted = CaseStudyPage.objects.get(pk=draft.pk).get_latest_revision_as_object()
    assert all(not h.party_sanction for h in drafted.handlings.all())
