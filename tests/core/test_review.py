"""Issue item 3: nothing is published until the workflow's last step approves it.

Every path a reviewer could take around the review (the editor's 发布 button, scheduling, the
bulk action, the admin API, copy and publish) publishes nothing; the last approval publishes;
an edit during review sends the page through every step again; superusers may publish
directly, and that is audit-logged; reviewers may still take a page down.
"""

import datetime
import time

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page, PageLogEntry
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from jingjian.core.review import DIRECT_PUBLISH
from tests.factories import CaseStudyPageFactory, ExemplarPageFactory

pytestmark = pytest.mark.django_db


def exemplar_form(page, **changes):
    fields = {
        "title": page.title,
        "slug": page.slug,
        "date": "2024-05-01",
        "name": page.name,
        "gender": page.gender,
        "ethnicity": page.ethnicity,
        "birth_year": "1978",
        "birth_month": "6",
        "political_status": page.political_status,
        "unit": page.unit,
        "post": page.post,
        "category": str(page.category_id),
        "summary": page.summary,
        "citation": page.citation,
        "deeds": streamfield([]),
        "honours": inline_formset([]),
        "comments": inline_formset([]),
    }
    fields.update(changes)
    return nested_form_data(fields)


@pytest.fixture
def draft():
    """An exemplar that has never been published."""
    page = ExemplarPageFactory(title="尚未审核的典型", live=False)
    page.save_revision()
    return Page.objects.get(pk=page.pk).specific


def approve(client, page, user):
    client.force_login(user)
    state = Page.objects.get(pk=page.pk).specific.current_workflow_state
    url = reverse(
        "wagtailadmin_pages:workflow_action",
        args=[page.pk, "approve", state.current_task_state.pk],
    )
    return client.post(url, {"comment": "同意"})


def live(page):
    return Page.objects.get(pk=page.pk).live


@pytest.mark.parametrize("who", ["reviewer", "discipline_user"])
def test_reviewers_have_no_publish_button_and_a_publish_post_only_saves(
    client, request, draft, who
):
    user = request.getfixturevalue(who)
    page = draft
    if who == "discipline_user":
        page = CaseStudyPageFactory(live=False)
        page.save_revision()
    client.force_login(user)
    url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    html = client.get(url).content.decode()
    assert 'name="action-publish"' not in html
    assert 'name="action-submit"' in html  # what they may do instead: 提交审核

    if who == "reviewer":
        data = exemplar_form(page, title="改过的标题")
        data["action-publish"] = "action-publish"
        response = client.post(url, data)
        assert response.status_code == 302
        assert not live(page)
        latest = Page.objects.get(pk=page.pk).get_latest_revision()
        assert latest.as_object().title == "改过的标题"
        assert not PageLogEntry.objects.filter(page=page, action="wagtail.publish").exists()


def test_a_superuser_has_the_button(client, draft, superuser):
    client.force_login(superuser)
    html = client.get(reverse("wagtailadmin_pages:edit", args=[draft.pk])).content.decode()
    assert 'name="action-publish"' in html


def test_a_reviewer_cannot_schedule_a_publication(client, draft, reviewer):
    client.force_login(reviewer)
    later = timezone.localtime() + datetime.timedelta(days=2)
    data = exemplar_form(draft, go_live_at=later.strftime("%Y-%m-%d %H:%M"))
    data["action-publish"] = "action-publish"
    client.post(reverse("wagtailadmin_pages:edit", args=[draft.pk]), data)
    assert not draft.revisions.filter(approved_go_live_at__isnull=False).exists()
    call_command("publish_scheduled")
    assert not live(draft)


def test_the_bulk_action_and_the_admin_api_publish_nothing(client, draft, reviewer):
    client.force_login(reviewer)
    url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "publish"])
    client.post(f"{url}?id={draft.pk}", {"include_descendants": ""})
    assert not live(draft)
    response = client.post(f"/admin/api/main/pages/{draft.pk}/action/publish/")
    assert response.status_code == 403
    assert not live(draft)


def test_copy_and_publish_publishes_nothing(client, reviewer):
    page = ExemplarPageFactory(title="已发布的典型")
    client.force_login(reviewer)
    client.post(
        reverse("wagtailadmin_pages:copy", args=[page.pk]),
        {
            "new_title": "复制出来的典型",
            "new_slug": "copied-exemplar",
            "new_parent_page": str(page.get_parent().pk),
            "copy_subpages": "",
            "publish_copies": "on",
            "alias": "",
        },
    )
    copy = Page.objects.filter(slug="copied-exemplar").first()
    assert copy is None or not copy.live


def test_the_last_approval_publishes_though_no_approver_may_publish(
    client, draft, editor, reviewer
):
    draft.get_workflow().start(draft, editor)
    for step in range(3):
        assert not live(draft), step
        approve(client, draft, reviewer)
    assert live(draft)
    entries = PageLogEntry.objects.filter(page=draft)
    assert entries.filter(action="wagtail.publish", user=reviewer).exists()
    assert not entries.filter(action=DIRECT_PUBLISH).exists()


def test_a_case_study_goes_through_its_three_steps(client, discipline_user, reviewer):
    page = CaseStudyPageFactory(live=False)
    page.save_revision()
    page.get_workflow().start(page, discipline_user)
    for user in (discipline_user, reviewer, discipline_user):
        assert not live(page)
        approve(client, page, user)
    assert live(page)


def test_an_edit_during_review_sends_the_page_through_every_step_again(
    client, draft, editor, reviewer
):
    draft.get_workflow().start(draft, editor)
    approve(client, draft, reviewer)
    approve(client, draft, reviewer)  # now at 终审
    # The reviewers may edit a page in review (it is locked for everyone else).
    client.force_login(reviewer)
    data = exemplar_form(draft, title="终审前改的标题")
    client.post(reverse("wagtailadmin_pages:edit", args=[draft.pk]), data)
    approve(client, draft, reviewer)
    assert not live(draft)
    state = Page.objects.get(pk=draft.pk).specific.current_workflow_state
    assert state.current_task_state.task.name == "初审"
    approve(client, draft, reviewer)
    approve(client, draft, reviewer)
    approve(client, draft, reviewer)
    published = Page.objects.get(pk=draft.pk)
    assert published.live and published.title == "终审前改的标题"


def test_an_approved_scheduled_publication_waits_for_its_time(client, editor, reviewer):
    soon = timezone.now() + datetime.timedelta(seconds=3)
    page = ExemplarPageFactory(title="定时发布的典型", live=False, go_live_at=soon)
    page.save_revision()
    page.get_workflow().start(page, editor)
    for _ in range(3):
        approve(client, page, reviewer)
    assert page.revisions.filter(approved_go_live_at__isnull=False).exists()
    call_command("publish_scheduled")
    assert not live(page)
    time.sleep(max(0, (soon - timezone.now()).total_seconds()) + 0.1)
    call_command("publish_scheduled")
    assert live(page)
    actions = set(PageLogEntry.objects.filter(page=page).values_list("action", flat=True))
    assert "wagtail.publish.scheduled" in actions and DIRECT_PUBLISH not in actions


def test_a_superusers_direct_publish_is_audit_logged(client, draft, superuser):
    client.force_login(superuser)
    data = exemplar_form(draft)
    data["action-publish"] = "action-publish"
    client.post(reverse("wagtailadmin_pages:edit", args=[draft.pk]), data)
    assert live(draft)
    entry = PageLogEntry.objects.get(page=draft, action=DIRECT_PUBLISH)
    assert entry.user == superuser
    assert "系统管理员" in entry.data["by"]
    # The site history shows it in Chinese.
    html = client.get(reverse("wagtailadmin_reports:site_history")).content.decode()
    assert "未经审核直接发布" in html


def test_a_script_publishing_directly_is_audit_logged(draft):
    draft.get_latest_revision().publish()
    entry = PageLogEntry.objects.get(page=draft, action=DIRECT_PUBLISH)
    assert entry.user is None and entry.data["by"] == "脚本或管理命令"


def test_reviewers_may_take_a_page_down_and_editors_may_not(client, editor, reviewer):
    page = ExemplarPageFactory(title="要撤下的典型")
    url = reverse("wagtailadmin_pages:unpublish", args=[page.pk])
    client.force_login(editor)
    client.post(url)
    assert live(page)
    client.force_login(reviewer)
    assert client.get(url).status_code == 200
    client.post(url)
    assert not live(page)


def test_pages_an_administrators_command_publishes_are_logged_as_such(tmp_path):
    import json

    rows = tmp_path / "rows.jsonl"
    row = {
        "type": "exemplar",
        "source_id": "review-log-1",
        "title": "导入的典型",
        "summary": "导入命令写入的典型。",
        "name": "陈立新",
        "gender": "男",
        "ethnicity": "汉族",
        "birth": "1980-05",
        "political_status": "中共党员",
        "unit": "临江镇",
        "post": "镇长",
        "category": "担当作为",
    }
    rows.write_text(json.dumps(row, ensure_ascii=False) + "\n", encoding="utf-8")
    call_command("import_content", str(rows))
    page = Page.objects.get(title="导入的典型")
    entry = PageLogEntry.objects.get(page=page, action=DIRECT_PUBLISH)
    assert entry.data == {"by": "管理命令 import_content", "command": "import_content"}


def test_a_superusers_scheduled_publish_is_logged_as_unreviewed(client, superuser):
    """发布 with a 上线时间 outside any workflow is logged when scheduled, and carried out later."""
    page = ExemplarPageFactory(title="超级用户定时发布", live=False)
    page.save_revision()
    client.force_login(superuser)
    soon = timezone.localtime() + datetime.timedelta(seconds=2)
    data = exemplar_form(
        Page.objects.get(pk=page.pk).specific, go_live_at=soon.strftime("%Y-%m-%d %H:%M:%S")
    )
    data["action-publish"] = "action-publish"
    client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)
    entries = PageLogEntry.objects.filter(page=page)
    direct = entries.get(action=DIRECT_PUBLISH)
    assert direct.data["by"] == f"系统管理员 {superuser.get_username()}（定时发布）"
    assert not Page.objects.get(pk=page.pk).live
    time.sleep(max(0, (soon - timezone.localtime()).total_seconds()) + 0.5)
    call_command("publish_scheduled")
    assert Page.objects.get(pk=page.pk).live
    assert entries.filter(action=DIRECT_PUBLISH).count() == 1


def test_a_revision_scheduled_without_a_publish_is_logged_when_it_goes_live(superuser):
    """A script's ``save_revision(approved_go_live_at=…)`` skips the publish that would log it:
    ``publish_scheduled`` logs it as unreviewed when it carries it out."""
    page = ExemplarPageFactory(title="脚本定时发布", live=False)
    soon = timezone.now() + datetime.timedelta(seconds=1)
    page.save_revision(user=superuser, approved_go_live_at=soon)
    time.sleep(1.5)
    call_command("publish_scheduled")
    assert Page.objects.get(pk=page.pk).live
    direct = PageLogEntry.objects.get(page=page, action=DIRECT_PUBLISH)
    assert direct.data["command"] == "publish_scheduled"
    assert direct.data["by"].endswith("（定时发布）")
