"""A bulletin waiting at 案例复审 whose item became hidden from 审核 does not wait unseen: 审核's
dashboard says a bulletin waits that they cannot open and that 纪检监察 must act (no title),
and 纪检监察's names the bulletin, the step and the item's number, with the way to its editor."""

import pytest
from django.urls import reverse

from casestudies.models import BulletinPage
from tests.casestudies.bulletin_support import approve_step, make_bulletin, make_study

pytestmark = pytest.mark.django_db

SECRET = "纪检监察专属的未公开案例"
TITLE = "关于几起不作为不担当典型问题的通报"


@pytest.fixture
def at_second_review(client, discipline_user):
    """A bulletin of two case studies, approved by 纪检监察 at its first step: at 案例复审."""
    first = make_study("某局干部甲推诿扯皮问题")
    second = make_study(SECRET)
    bulletin = make_bulletin([first, second], publish=False)
    bulletin.get_workflow().start(bulletin, discipline_user)
    approve_step(client, discipline_user, bulletin)
    client.logout()
    return bulletin, second


def dashboard(client, user):
    client.force_login(user)
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    return response.content.decode()


def test_nothing_shows_while_the_reviewers_see_every_item(
    client, at_second_review, reviewer, discipline_user
):
    assert "通报审核受阻" not in dashboard(client, reviewer)
    assert "通报审核受阻" not in dashboard(client, discipline_user)


def test_a_hidden_item_shows_to_the_reviewer_and_to_discipline_staff(
    client, at_second_review, reviewer, discipline_user, make_page_visible
):
    bulletin, second = at_second_review
    make_page_visible(second, "restricted", ["纪检监察"])

    body = dashboard(client, reviewer)
    assert "通报审核受阻" in body
    assert "有 1 份通报在您审核的步骤等待，但其中有您无权查看的案例" in body
    assert "纪检监察撤回审核" in body
    assert SECRET not in body and TITLE not in body

    body = dashboard(client, discipline_user)
    panel = body[body.index("jingjian-bulletin-review") :]
    assert TITLE in panel
    assert "“案例复审”的审核人看不到第2条" in panel
    assert reverse("wagtailadmin_pages:edit", args=[bulletin.pk]) in panel
    # And the reviewer's notice is not theirs: they can open it.
    assert "您无法打开审核" not in body


def test_other_groups_see_nothing_of_it(client, at_second_review, editor, make_page_visible):
    _bulletin, second = at_second_review
    make_page_visible(second, "restricted", ["纪检监察"])
    body = dashboard(client, editor)
    assert "通报审核受阻" not in body and TITLE not in body


def test_the_notice_goes_once_the_review_is_withdrawn(
    client, at_second_review, reviewer, discipline_user, make_page_visible
):
    bulletin, second = at_second_review
    make_page_visible(second, "restricted", ["纪检监察"])
    BulletinPage.objects.get(pk=bulletin.pk).current_workflow_state.cancel(user=discipline_user)
    assert "通报审核受阻" not in dashboard(client, reviewer)
    assert "通报审核受阻" not in dashboard(client, discipline_user)
