"""Groups, permissions and the three-step review (初审 → 复审 → 终审), created by migrations."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import Collection, CollectionViewRestriction

from tests.factories import CaseStudyPageFactory, ExemplarPageFactory

pytestmark = pytest.mark.django_db


def test_groups_exist():
    assert set(Group.objects.values_list("name", flat=True)) >= {"编辑", "审核", "纪检监察", "读者"}
    assert not Group.objects.filter(name__in=["Editors", "Moderators"]).exists()


def test_workflows_have_three_steps():
    exemplar = ExemplarPageFactory()
    case = CaseStudyPageFactory()
    assert [t.name for t in exemplar.get_workflow().tasks] == ["初审", "复审", "终审"]
    assert [t.name for t in case.get_workflow().tasks] == ["案例初审", "案例复审", "案例终审"]


def test_permissions(editor, reviewer, discipline_user, reader, superuser):
    """Only superusers publish directly; a page's reviewers may take it down."""
    exemplar = ExemplarPageFactory()
    case = CaseStudyPageFactory()
    assert exemplar.permissions_for_user(editor).can_edit()
    for user in (editor, reviewer, discipline_user):
        assert not exemplar.permissions_for_user(user).can_publish()
        assert not case.permissions_for_user(user).can_publish()
    assert exemplar.permissions_for_user(superuser).can_publish()
    assert exemplar.permissions_for_user(reviewer).can_unpublish()
    assert case.permissions_for_user(discipline_user).can_unpublish()
    assert case.permissions_for_user(reviewer).can_unpublish()  # 审核 holds 案例复审
    assert not exemplar.permissions_for_user(editor).can_unpublish()
    assert not exemplar.permissions_for_user(discipline_user).can_unpublish()
    assert not exemplar.permissions_for_user(discipline_user).can_edit()
    assert not case.permissions_for_user(reader).can_edit()


def test_readers_cannot_enter_the_admin(client, reader, editor):
    client.force_login(reader)
    assert client.get("/admin/").status_code == 302
    client.force_login(editor)
    assert client.get("/admin/").status_code == 200


def test_media_collections_are_restricted():
    intranet = Collection.objects.get(name="内部资料")
    restricted = Collection.objects.get(name="限定资料")
    assert CollectionViewRestriction.objects.get(collection=intranet).restriction_type == "login"
    restriction = CollectionViewRestriction.objects.get(collection=restricted)
    assert [g.name for g in restriction.groups.all()] == ["纪检监察"]


def approve(client, page, user):
    client.force_login(user)
    state = page.current_workflow_state
    url = reverse(
        "wagtailadmin_pages:workflow_action",
        args=[page.pk, "approve", state.current_task_state.pk],
    )
    response = client.post(url, {"comment": "同意"})
    assert response.status_code in (200, 302), response.content[:500]


def test_a_draft_goes_through_three_reviews_before_it_is_live(client, editor, reviewer, superuser):
    page = ExemplarPageFactory(title="初稿标题")
    page.title = "修改后的标题"
    page.save_revision(user=editor)
    workflow = page.get_workflow()
    workflow.start(page, editor)
    page.refresh_from_db()

    steps_seen = []
    for _ in range(3):
        page.refresh_from_db()
        state = page.current_workflow_state
        assert state is not None
        steps_seen.append(state.current_task_state.task.name)
        assert page.title == "初稿标题"  # nothing is published until the last approval
        # An editor cannot approve a step; a reviewer can.
        task = state.current_task_state.task.specific
        assert "approve" not in [action[0] for action in task.get_actions(page, editor)]
        assert "approve" in [action[0] for action in task.get_actions(page, reviewer)]
        approve(client, page, reviewer)

    page.refresh_from_db()
    assert steps_seen == ["初审", "复审", "终审"]
    assert page.title == "修改后的标题"
    assert page.live
    assert page.current_workflow_state is None
