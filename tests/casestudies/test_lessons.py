"""A generated draft's 以案说法 starts with a prompt; a case study still holding it may be saved
and reviewed, but it is never published and never enters its final step, whichever way someone
tries, and the refusal says what to do in the same words for everyone."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageLogEntry

from casestudies.drafts import generate_draft
from casestudies.lessons import LESSONS_PROMPT, REFUSAL, LessonsPromptError, holds_prompt
from casestudies.models import CandidateDecision, CaseFile, CaseStudyPage, GateStatus
from tests.casestudies.test_case_files import WRITTEN_LESSONS, make_case_file, write_lessons
from tests.casestudies.test_gate_messages import _form

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private-media"


@pytest.fixture
def draft(discipline_user):
    """A generated draft whose names are all reviewed: only its 以案说法 is left to write."""
    case_file = make_case_file()
    CandidateDecision.objects.create(case_file=case_file, text="张志强", decision="accepted")
    page, _ = generate_draft(case_file, user=discipline_user)
    return CaseStudyPage.objects.get(pk=page.pk)


def test_a_new_draft_starts_its_lessons_with_the_prompt_and_keeps_what_staff_wrote(
    discipline_user,
):
    case_file = make_case_file()
    page, _ = generate_draft(case_file, user=discipline_user)
    assert CaseStudyPage.objects.get(pk=page.pk).lessons == LESSONS_PROMPT
    assert LESSONS_PROMPT.startswith("【待撰写】") and "删除本提示" in LESSONS_PROMPT
    write_lessons(page, discipline_user)
    generate_draft(CaseFile.objects.get(pk=case_file.pk), user=discipline_user)
    draft = CaseStudyPage.objects.get(pk=page.pk).get_latest_revision_as_object()
    assert draft.lessons == WRITTEN_LESSONS
    # Emptied by someone: the prompt comes back, so the empty field is not published unnoticed.
    write_lessons(page, discipline_user, lessons="")
    generate_draft(CaseFile.objects.get(pk=case_file.pk), user=discipline_user)
    draft = CaseStudyPage.objects.get(pk=page.pk).get_latest_revision_as_object()
    assert draft.lessons == LESSONS_PROMPT


def latest(page):
    return CaseStudyPage.objects.get(pk=page.pk).get_latest_revision_as_object()


@pytest.mark.parametrize(
    "lessons",
    [
        LESSONS_PROMPT,
        WRITTEN_LESSONS + LESSONS_PROMPT,  # written above the prompt, which was left below
        "【待撰写】" + WRITTEN_LESSONS,  # the marker left in front
        WRITTEN_LESSONS + "写好后删除本提示。",  # the instruction left behind
        "【 待 撰写 】" + WRITTEN_LESSONS,  # spaced out
        "删除本\n提示",
    ],
)
def test_what_counts_as_the_prompt_still_there(lessons):
    assert holds_prompt(lessons)


@pytest.mark.parametrize("lessons", ["", WRITTEN_LESSONS, "待撰写的材料要及时报送。"])
def test_written_lessons_are_not_the_prompt(lessons):
    assert not holds_prompt(lessons)


def test_the_prompt_is_no_problem_of_the_gate(draft, client, editor):
    """The gate's verdict hides a failing draft from 编辑 and 审核; a draft that names nobody
    stays visible to them while its 以案说法 is still to be written."""
    assert latest(draft).lessons == LESSONS_PROMPT
    assert GateStatus.objects.get(page=draft).draft_passes
    client.force_login(editor)
    assert client.get(reverse("wagtailadmin_pages:edit", args=[draft.pk])).status_code == 200


def test_publishing_from_the_editor_is_refused_beside_the_field(client, draft, superuser):
    client.force_login(superuser)
    url = reverse("wagtailadmin_pages:edit", args=[draft.pk])
    data = _form(draft, lessons=LESSONS_PROMPT)
    data["action-publish"] = "action-publish"
    response = client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    field = html.split('data-contentpath="lessons"', 1)[1].split("data-field-input", 1)[0]
    assert "w-field__errors" in field and REFUSAL in field  # beside the field it is about
    assert not CaseStudyPage.objects.get(pk=draft.pk).live

    data = _form(draft, lessons=WRITTEN_LESSONS)
    data["action-publish"] = "action-publish"
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert CaseStudyPage.objects.get(pk=draft.pk).live
    assert CaseStudyPage.objects.get(pk=draft.pk).lessons == WRITTEN_LESSONS


def test_saving_and_the_first_review_steps_are_not_refused(client, draft, discipline_user):
    client.force_login(discipline_user)
    url = reverse("wagtailadmin_pages:edit", args=[draft.pk])
    response = client.post(url, _form(draft, lessons=LESSONS_PROMPT))
    assert response.status_code == 302
    data = _form(draft, lessons=LESSONS_PROMPT)
    data["action-submit"] = "action-submit"
    assert client.post(url, data).status_code == 302
    state = CaseStudyPage.objects.get(pk=draft.pk).current_workflow_state
    assert state.current_task_state.task.name == "案例初审"


def _approve(client, page, user):
    client.force_login(user)
    state = CaseStudyPage.objects.get(pk=page.pk).current_workflow_state
    return client.post(
        reverse(
            "wagtailadmin_pages:workflow_action",
            args=[page.pk, "approve", state.current_task_state.pk],
        ),
        {"comment": ""},
        follow=True,
    )


def _step(page):
    state = CaseStudyPage.objects.get(pk=page.pk).current_workflow_state
    return state.current_task_state.task.name


def test_the_workflow_does_not_enter_its_final_step_with_the_prompt(
    client, draft, discipline_user, reviewer
):
    draft.get_workflow().start(draft, discipline_user)
    _approve(client, draft, discipline_user)  # 案例初审 → 案例复审
    assert _step(draft) == "案例复审"

    # 审核 approves with the dashboard's or the history's button: refused, in plain words.
    response = _approve(client, draft, reviewer)
    assert [str(m) for m in get_messages(response.wsgi_request)] == [REFUSAL]
    assert _step(draft) == "案例复审"

    # … and from the editor's form: the refusal stands beside the 以案说法 field.
    client.force_login(reviewer)
    data = _form(draft, lessons=LESSONS_PROMPT)
    data["action-workflow-action"] = "action-workflow-action"
    data["workflow-action-name"] = "approve"
    response = client.post(reverse("wagtailadmin_pages:edit", args=[draft.pk]), data)
    assert response.status_code == 200 and REFUSAL in response.content.decode()
    assert _step(draft) == "案例复审"

    # Written: an edit during review sends it back to 案例初审 (every step approves what is
    # published), and from there it enters 案例终审.
    data = _form(draft, lessons=WRITTEN_LESSONS)
    data["action-workflow-action"] = "action-workflow-action"
    data["workflow-action-name"] = "approve"
    response = client.post(reverse("wagtailadmin_pages:edit", args=[draft.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert _step(draft) == "案例初审"
    _approve(client, draft, discipline_user)
    response = _approve(client, draft, reviewer)
    assert REFUSAL not in str([str(m) for m in get_messages(response.wsgi_request)])
    assert _step(draft) == "案例终审"


def test_every_other_way_of_publishing_is_refused(draft, discipline_user):
    with pytest.raises(LessonsPromptError) as raised:
        draft.get_latest_revision().publish()
    assert str(raised.value) == REFUSAL
    assert raised.value.message_for(discipline_user) == REFUSAL
    assert not CaseStudyPage.objects.get(pk=draft.pk).live

    # A schedule: cancelled and logged, and the scheduler goes on.
    revision = draft.get_latest_revision()
    revision.approved_go_live_at = timezone.now() - datetime.timedelta(minutes=5)
    revision.save()
    call_command("publish_scheduled")
    revision.refresh_from_db()
    assert revision.approved_go_live_at is None
    assert not CaseStudyPage.objects.get(pk=draft.pk).live
    refusal = PageLogEntry.objects.get(page=draft, action="jingjian.gate.refused")
    assert refusal.data["message"] == REFUSAL

    page = write_lessons(draft, discipline_user)
    page.get_latest_revision().publish()
    assert CaseStudyPage.objects.get(pk=draft.pk).live
