"""The admin dashboard names no page the user may not see in the admin (Wagtail's home panels
query pages directly: recent edits, locked pages, pages in moderation, pages to review)."""

import pytest
from django.utils import timezone
from wagtail.log_actions import log
from wagtail.models import Page

from jingjian.core.visibility import Visibility, set_visibility
from tests.factories import ExemplarPageFactory

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
