"""The admin dashboard: each user lands on what they must do (待我审核, 我的草稿), and it names no
page the user may not see in the admin (Wagtail's home panels query pages directly: recent
edits, locked pages, pages in moderation)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.log_actions import log
from wagtail.models import Page

from casestudies.drafts import generate_draft
from casestudies.models import CandidateDecision, CaseFile, UnitType
from jingjian.core.admin_home import MyDraftsPanel, PagesToReviewPanel
from jingjian.core.visibility import Visibility, set_visibility
from tests.factories import CaseStudyPageFactory, ExemplarPageFactory
from tests.support.dashboard import panel_html, render_panel

pytestmark = pytest.mark.django_db

SECRET = "限定后的典型材料标题"


def _written_by(editor, how):
    page = ExemplarPageFactory(title=SECRET, owner=editor)
    if how == "edited":
        revision = page.save_revision(user=editor)
        log(instance=page, action="wagtail.edit", user=editor, revision=revision)
    elif how == "locked":
        Page.objects.filter(pk=page.pk).update(
            locked=True, locked_by=editor, locked_at=timezone.now()
        )
    else:
        page.save_revision(user=editor)
        page.get_workflow().start(page, editor)
    return page


@pytest.mark.parametrize("how", ["edited", "locked", "in_workflow"])
def test_the_dashboard_forgets_a_page_restricted_after_the_editor_worked_on_it(client, editor, how):
    page = _written_by(editor, how)
    client.force_login(editor)
    assert SECRET in client.get("/admin/").content.decode()  # while the editor may see it

    set_visibility(page, Visibility.RESTRICTED, ["纪检监察"])
    response = client.get("/admin/")
    assert response.status_code == 200
    assert SECRET not in response.content.decode()


def test_a_reviewer_still_finds_on_the_dashboard_the_restricted_page_waiting_for_them(
    client, editor, reviewer
):
    page = _written_by(editor, "in_workflow")
    set_visibility(page, Visibility.RESTRICTED, ["纪检监察"])
    client.force_login(reviewer)
    assert SECRET in client.get("/admin/").content.decode()


def test_the_discipline_group_sees_its_own_restricted_page_on_its_dashboard(
    client, discipline_user
):
    page = _written_by(discipline_user, "locked")
    set_visibility(page, Visibility.RESTRICTED, ["纪检监察"])
    client.force_login(discipline_user)
    assert SECRET in client.get("/admin/").content.decode()


# --- 待我审核 and 我的草稿: what the user must do first -----------------------------------------

REVIEW_PANEL = "jingjian-pages-to-review"
DRAFTS_PANEL = "jingjian-my-drafts"


def dashboard(client, user):
    client.force_login(user)
    response = client.get("/admin/")
    assert response.status_code == 200
    return response.content.decode()


def submitted(editor, title):
    """An exemplar ``editor`` wrote and sent to review (it waits at 初审, approved by 审核)."""
    page = ExemplarPageFactory(title=title, owner=editor, live=False)
    page.save_revision(user=editor)
    page.get_workflow().start(page, editor)
    return page


def test_a_reviewer_lands_on_the_pages_waiting_for_their_step(client, editor, reviewer):
    page = submitted(editor, "待审的典型材料")
    html = panel_html(dashboard(client, reviewer), REVIEW_PANEL)
    assert "待我审核" in html and "待审的典型材料" in html
    assert "初审" in html and "先进典型" in html
    edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    assert f'<a class="button button-small" href="{edit_url}">审核</a>' in html
    # The link leads to the editor, which offers this reviewer the step's actions.
    editor_html = client.get(edit_url).content.decode()
    assert 'data-workflow-action-name="approve"' in editor_html or "approve" in editor_html
    # Wagtail's own “Awaiting your review” is gone: the page is listed once.
    assert dashboard(client, reviewer).count("待审的典型材料") == 1


def test_nobody_else_is_asked_to_review_it(client, editor, reviewer, discipline_user):
    submitted(editor, "待审的典型材料")
    for user in (editor, discipline_user):
        html = panel_html(dashboard(client, user), REVIEW_PANEL)
        assert "待审的典型材料" not in html
        assert "没有等待您审核的页面。" in html


def test_each_group_finds_the_case_study_at_its_own_step(client, discipline_user, reviewer):
    """警示案例三审: 案例初审 by 纪检监察, then 案例复审 by 审核."""
    page = CaseStudyPageFactory(title="某局推诿扯皮问题待审稿", live=False)
    page.save_revision(user=discipline_user)
    page.get_workflow().start(page, discipline_user)
    assert "某局推诿扯皮问题待审稿" in panel_html(dashboard(client, discipline_user), REVIEW_PANEL)
    assert "某局推诿扯皮问题待审稿" not in panel_html(dashboard(client, reviewer), REVIEW_PANEL)
    state = Page.objects.get(pk=page.pk).specific.current_workflow_state
    state.current_task_state.approve(user=discipline_user)
    html = panel_html(dashboard(client, reviewer), REVIEW_PANEL)
    assert "某局推诿扯皮问题待审稿" in html and "案例复审" in html
    assert "某局推诿扯皮问题待审稿" not in panel_html(
        dashboard(client, discipline_user), REVIEW_PANEL
    )


def test_a_draft_hidden_from_the_reviewer_is_not_named_even_at_their_step(
    client, discipline_user, reviewer
):
    """A draft that names someone again once it waits at 案例复审 (a decision on its candidate
    withdrawn; it could not have been handed to 审核 so), which 审核 approves: the admin hides it
    from 审核 until it passes the gate, and so does the dashboard."""
    case_file = CaseFile.objects.create(
        number="鉴纪案〔2025〕51号",
        title="孙立平推诿扯皮问题",
        raw_account="2024年,某局科员孙立平推诿扯皮。",
        unit_type=UnitType.objects.get(name="区直部门"),
        source="complaint",
        date_handled=datetime.date(2025, 3, 1),
    )
    page, _ = generate_draft(case_file, user=discipline_user)
    assert "孙立平" in page.title  # the tagger's candidate stays until someone decides
    decision = CandidateDecision.objects.create(
        case_file=case_file, text="孙立平", decision="rejected"
    )
    page.get_workflow().start(page, discipline_user)
    state = Page.objects.get(pk=page.pk).specific.current_workflow_state
    state.current_task_state.approve(user=discipline_user)  # → 案例复审 (审核)
    decision.delete()
    html = dashboard(client, reviewer)
    assert "孙立平" not in html
    assert "没有等待您审核的页面。" in panel_html(html, REVIEW_PANEL)
    assert "孙立平" in dashboard(client, discipline_user)  # among the pages they sent to review


def test_an_editor_lands_on_their_drafts(client, editor, reviewer):
    never = ExemplarPageFactory(title="尚未发布的稿件", live=False)
    never.save_revision(user=editor)
    changed = ExemplarPageFactory(title="已发布的稿件")
    changed.title = "已发布的稿件（修改中）"
    changed.save_revision(user=editor)
    ExemplarPageFactory(title="别人改过的稿件", live=False).save_revision(user=reviewer)
    ExemplarPageFactory(title="已发布无修改的稿件").save_revision(user=editor).publish()
    submitted(editor, "审核中的稿件")

    html = panel_html(dashboard(client, editor), DRAFTS_PANEL)
    assert "我的草稿" in html
    rows = html.split("<tbody>")[1]
    assert "尚未发布的稿件" in rows and "已发布的稿件（修改中）" in rows
    assert "别人改过的稿件" not in rows and "已发布无修改的稿件" not in rows
    assert "审核中的稿件" not in rows  # waiting for a reviewer: nothing for the editor to do
    assert rows.index("已发布的稿件（修改中）") < rows.index("尚未发布的稿件")  # newest first
    assert "未发布" in rows and "有未发布的修改" in rows
    edit_url = reverse("wagtailadmin_pages:edit", args=[never.pk])
    assert f'<a class="button button-small" href="{edit_url}">继续编辑</a>' in rows
    assert client.get(edit_url).status_code == 200


def test_a_page_sent_back_for_changes_is_the_editors_to_do(client, editor, reviewer):
    page = submitted(editor, "被退回的稿件")
    state = Page.objects.get(pk=page.pk).specific.current_workflow_state
    state.current_task_state.reject(user=reviewer)
    html = panel_html(dashboard(client, editor), DRAFTS_PANEL)
    assert "被退回的稿件" in html and "退回修改" in html and "修改后重新提交" in html


def test_empty_panels_say_so(client, editor):
    html = dashboard(client, editor)
    assert "没有等待您审核的页面。" in panel_html(html, REVIEW_PANEL)
    assert "没有未发布的草稿" in panel_html(html, DRAFTS_PANEL)


def test_each_panel_asks_a_fixed_number_of_queries(editor, reviewer, django_assert_max_num_queries):
    """Ten pages waiting and ten drafts cost what one does (the counts the report gives)."""

    def measure(panel, user):
        user = type(user).objects.get(pk=user.pk)  # a fresh user: nothing cached yet
        with CaptureQueriesContext(connection) as queries:
            render_panel(panel, user)
        return len(queries)

    submitted(editor, "待审0")
    ExemplarPageFactory(title="草稿0", live=False).save_revision(user=editor)
    one = {
        "review": measure(PagesToReviewPanel(), reviewer),
        "drafts": measure(MyDraftsPanel(), editor),
    }
    for n in range(1, 12):
        submitted(editor, f"待审{n}")
        ExemplarPageFactory(title=f"草稿{n}", live=False).save_revision(user=editor)
    fresh_reviewer, fresh_editor = (type(u).objects.get(pk=u.pk) for u in (reviewer, editor))
    with django_assert_max_num_queries(one["review"]):
        html = render_panel(PagesToReviewPanel(), fresh_reviewer)
    assert "共 12 篇等待您审核" in html
    with django_assert_max_num_queries(one["drafts"]):
        html = render_panel(MyDraftsPanel(), fresh_editor)
    assert "共 12 篇草稿" in html
    # Two of them are the restrictions covering pages (one query and its groups): the 通报
    # section is an intranet page from its migration on. One more for the drafts panel:
    # whether any bulletin exists (``casestudies.bulletins.hidden_in_admin``).
    assert one["review"] <= 10 and one["drafts"] <= 9, one


PANELS = {
    "jingjian-pages-to-review": "待我审核",
    "jingjian-case-file-tasks": "案卷待办",
    "jingjian-my-drafts": "我的草稿",
    "jingjian-failed-deliveries": "投递失败",
}
SEES = {
    "editor": ["待我审核", "我的草稿", "投递失败"],
    "reviewer": ["待我审核", "我的草稿", "投递失败"],
    "discipline_user": ["待我审核", "案卷待办", "我的草稿", "投递失败"],
    "superuser": ["待我审核", "案卷待办", "我的草稿", "投递失败"],
}


@pytest.mark.parametrize("who", list(SEES))
def test_each_group_lands_on_its_own_panels_first(client, request, who):
    html = dashboard(client, request.getfixturevalue(who))
    shown = sorted(
        (html.index(f'id="{panel_id}-section"'), heading)
        for panel_id, heading in PANELS.items()
        if f'id="{panel_id}-section"' in html
    )
    assert [heading for _, heading in shown] == SEES[who]


def test_readers_have_no_dashboard(client, reader):
    client.force_login(reader)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert not any(heading in response.content.decode() for heading in PANELS.values())
