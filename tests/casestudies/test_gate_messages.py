"""Who reads a refusal of the publication gate, and what it tells them.

The case file's strings (a full name behind a given name, "案卷中的…") are for 纪检监察 only;
everyone else is told the string as it is on their page and where it is. Someone who may not
publish cannot make the gate run at all.
"""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from wagtail.models import Page
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from casestudies.drafts import generate_draft
from casestudies.models import CandidateDecision, CaseStudyPage
from tests.casestudies.test_case_files import make_case_file, write_lessons

pytestmark = pytest.mark.django_db

CASE_FILE_WORDS = ("王建国", "案卷", "的名字", "疑似姓名")


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private-media"


@pytest.fixture
def case_file(db):
    case_file = make_case_file()
    CandidateDecision.objects.create(case_file=case_file, text="张志强", decision="accepted")
    return case_file


@pytest.fixture
def draft(case_file, discipline_user):
    """A generated draft that passes the gate, its 以案说法 written."""
    page, _ = generate_draft(case_file, user=discipline_user)
    write_lessons(page, discipline_user)
    return CaseStudyPage.objects.get(pk=page.pk)


def _form(page, facts="<p>2023年，王某推诿扯皮。</p>", **changes):
    page = page.get_latest_revision_as_object()
    fields = {
        "title": page.title,
        "slug": page.slug,
        "seo_title": page.seo_title,
        "search_description": page.search_description,
        "subject": page.subject,
        "summary": page.summary,
        "unit_type": str(page.unit_type_id),
        "source": page.source,
        "date_handled": page.date_handled.isoformat(),
        "facts": streamfield([("paragraph", rich_text(facts))]),
        "handlings": inline_formset(
            [{"pseudonym": "王某", "post": "某局原副局长", "discipline_form": "2"}]
        ),
        "lessons": page.lessons,
        "comments": inline_formset([]),
    }
    fields.update(changes)
    return nested_form_data(fields)


# The traditional form of the given name of 王建国: the page says 建國, the case file 建国.
LEAKY_FACTS = "<p>2023年，建國收受购物卡。</p>"


def _everything_shown(response):
    """The response and every message the user is shown, as one text."""
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    return response.content.decode() + "\n".join(shown)


def test_an_editor_posting_publish_learns_nothing_of_the_case_file(client, draft, editor):
    client.force_login(editor)
    url = reverse("wagtailadmin_pages:edit", args=[draft.pk])
    data = _form(draft, facts=LEAKY_FACTS)
    data["action-publish"] = "action-publish"
    response = client.post(url, data)
    shown = _everything_shown(response)
    assert not CaseStudyPage.objects.get(pk=draft.pk).live
    for word in CASE_FILE_WORDS + ("脱敏检查未通过",):
        assert word not in shown, word
    # Wagtail saved the edit as a draft (the editor may not publish) and said so.
    assert response.status_code == 302
    saved = CaseStudyPage.objects.get(pk=draft.pk).get_latest_revision_as_object()
    assert "建國收受购物卡" in str(saved.facts.raw_data)


def _to_review_step(client, page, discipline_user):
    """Start the case-study review and approve 案例初审 (→ 案例复审, the gated step)."""
    page.get_workflow().start(page, discipline_user)
    client.force_login(discipline_user)
    state = Page.objects.get(pk=page.pk).specific.current_workflow_state
    client.post(
        reverse(
            "wagtailadmin_pages:workflow_action",
            args=[page.pk, "approve", state.current_task_state.pk],
        ),
        {"comment": ""},
    )
    state.refresh_from_db()
    assert state.current_task_state.task.name == "案例复审"
    return state


def test_a_reviewer_at_a_gated_step_is_told_only_what_is_on_the_page(
    client, draft, discipline_user, reviewer
):
    state = _to_review_step(client, draft, discipline_user)
    client.force_login(reviewer)
    data = _form(draft, facts=LEAKY_FACTS)
    data["action-workflow-action"] = "action-workflow-action"
    data["workflow-action-name"] = "approve"
    response = client.post(reverse("wagtailadmin_pages:edit", args=[draft.pk]), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        "脱敏检查未通过，不能发布或进入终审：“建國”出现在“基本案情第1段”。"
        "请修改上述内容；如有疑问，请联系纪检监察室。"
    ) in html
    for word in CASE_FILE_WORDS:
        assert word not in html.split("脱敏检查未通过", 1)[1].split("</", 1)[0], word
    state.refresh_from_db()
    assert state.current_task_state.task.name == "案例复审"
    assert not CaseStudyPage.objects.get(pk=draft.pk).live


def _approve(client, page, state, user):
    client.force_login(user)
    return client.post(
        reverse(
            "wagtailadmin_pages:workflow_action",
            args=[page.pk, "approve", state.current_task_state.pk],
        ),
        {"comment": ""},
        follow=True,
    )


def test_discipline_staff_get_the_full_explanation(client, draft, discipline_user, reviewer):
    """At 案例终审 (approved by 纪检监察) the refusal names the case file's strings."""
    state = _to_review_step(client, draft, discipline_user)
    _approve(client, draft, state, reviewer)
    state.refresh_from_db()
    assert state.current_task_state.task.name == "案例终审"
    client.force_login(discipline_user)
    data = _form(draft, facts=LEAKY_FACTS)
    data["action-workflow-action"] = "action-workflow-action"
    data["workflow-action-name"] = "approve"
    response = client.post(reverse("wagtailadmin_pages:edit", args=[draft.pk]), data)
    assert response.status_code == 200
    assert (
        "脱敏检查未通过，不能发布或进入终审："
        "“建國”（即“建国”，案卷人员“王建国”的名字）出现在“基本案情第1段”。"
        "请修改上述内容；疑似姓名请在案卷的“脱敏审核”页逐一确认后再提交。"
    ) in response.content.decode()
    assert not CaseStudyPage.objects.get(pk=draft.pk).live


def test_a_refusal_in_the_workflow_view_follows_the_reader_too(client, draft, discipline_user):
    """The approve button of the workflow (not the editor's form): 案例初审 would hand a failing
    draft to 审核, and 纪检监察 are told why in full: which case-file person it is. (A reviewer
    at 案例复审 is told only the page's string: ``test_gate``.)"""
    page = draft.get_latest_revision_as_object()
    page.summary = "王建國推诿扯皮。"
    page.save_revision(user=discipline_user)
    draft.get_workflow().start(draft, discipline_user)
    state = Page.objects.get(pk=draft.pk).specific.current_workflow_state
    response = _approve(client, draft, state, discipline_user)
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert len(shown) == 1
    assert shown[0].startswith("脱敏检查未通过，不能交给纪检监察以外的人员审核：")
    assert "王建国" in shown[0]  # the case file's own name, for the people who own it
    assert shown[0].endswith("疑似姓名请在案卷的“脱敏审核”页逐一确认后再提交。")
    state.refresh_from_db()
    assert state.current_task_state.task.name == "案例初审"
    assert state.current_task_state.status == "in_progress"
