"""投递失败 on the admin dashboard: staff who may read the delivery report land on the failures,
retry one with the button the panel shows (clicked as a person would, CSRF checked), and are
back on the dashboard; no one else sees the panel, and no failure of a page hidden from them."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jingjian.core.visibility import Visibility, set_visibility
from jingjian.syndication.admin_home import FailedDeliveriesPanel
from jingjian.syndication.channels import webhook
from jingjian.syndication.models import Channel, Delivery
from tests.factories import ExemplarPageFactory, UserFactory
from tests.support.dashboard import panel_html, render_panel
from tests.support.forms import click, forms_labelled

pytestmark = pytest.mark.django_db

PANEL = "jingjian-failed-deliveries"


@pytest.fixture(autouse=True)
def forget_webhook_bodies():
    """The webhook adapter keeps each (page id, revision id)'s body for the process; SQLite gives
    the next test's page and revision the same ids after a rollback, so a body rendered here
    would be sent there. Forgotten after each test of this module."""
    yield
    webhook._revision_data.clear()


def dashboard(client):
    response = client.get("/admin/")
    assert response.status_code == 200
    return panel_html(response.content.decode(), PANEL)


def test_the_failures_with_a_retry_button_that_sends_one_again(
    browser, failed_page, loopback, django_capture_on_commit_callbacks
):
    html = dashboard(browser)
    assert "投递失败" in html
    assert html.count(failed_page.title) == 2  # one row per channel
    assert "鉴湖客户端" in html and "鉴湖发布" in html
    first = Delivery.objects.order_by("pk").first()
    (button,) = [
        form
        for form in forms_labelled(html, "重试")
        if form["action"] == reverse("deliveries:retry", args=[first.pk])
    ]
    with django_capture_on_commit_callbacks(execute=True):
        response = click(browser, button)
    assert response.redirect_chain[-1][0] == reverse("wagtailadmin_home")  # back on the dashboard
    assert "已将 1 条失败投递重新排队。" in response.content.decode()
    first.refresh_from_db()
    assert first.status == "sent"
    assert panel_html(response.content.decode(), PANEL).count(failed_page.title) == 1

    # The other links: the page's report and every failure.
    assert reverse("deliveries:index") + f"?page={failed_page.pk}" in html
    assert reverse("deliveries:index") + "?status=failed" in html
    assert browser.get(reverse("deliveries:index") + "?status=failed").status_code == 200


def test_without_retry_permission_the_failures_are_listed_without_buttons(
    client, failed_page, editor_without_retry
):
    client.force_login(editor_without_retry)
    html = dashboard(client)
    assert failed_page.title in html
    assert not forms_labelled(html, "重试")


def test_only_those_who_may_read_the_report_see_the_panel(client, failed_page):
    group = Group.objects.create(name="只进后台")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(UserFactory(groups=["只进后台"]))
    response = client.get("/admin/")
    assert response.status_code == 200
    assert PANEL not in response.content.decode()
    assert failed_page.title not in response.content.decode()


@pytest.mark.parametrize("who", ["editor", "reviewer", "discipline_user", "superuser"])
def test_every_staff_group_sees_the_panel_and_its_empty_state(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert "没有投递失败的稿件。" in dashboard(client)


def test_a_failure_of_a_page_hidden_from_the_user_is_left_out(
    client, failed_page, editor, discipline_user
):
    set_visibility(failed_page, Visibility.RESTRICTED, ["纪检监察"])
    client.force_login(editor)
    html = dashboard(client)
    assert failed_page.title not in html and "没有投递失败的稿件。" in html
    client.force_login(discipline_user)
    assert failed_page.title in dashboard(client)


def test_the_panel_asks_a_fixed_number_of_queries(editor, django_assert_max_num_queries):
    channel = Channel.objects.create(name="鉴湖日报", kind="newspaper")
    pages = [ExemplarPageFactory(title=f"失败稿件{n}") for n in range(12)]

    def fail(page):
        Delivery.objects.create(
            channel=channel,
            page=page,
            page_ref=page.pk,
            page_title=page.title,
            event="published",
            idempotency_key=f"key-{page.pk}",
            status="failed",
            last_error="投递文件夹不可写",
        )

    def render_counted():
        """Rendered twice for a fresh user, counted the second time (the first reads what a
        process reads once, whatever the rows)."""
        render_panel(FailedDeliveriesPanel(), type(editor).objects.get(pk=editor.pk))
        fresh = type(editor).objects.get(pk=editor.pk)
        with CaptureQueriesContext(connection) as counted:
            html = render_panel(FailedDeliveriesPanel(), fresh)
        return html, len(counted)

    fail(pages[0])
    _html, with_one = render_counted()
    for page in pages[1:]:
        fail(page)
    html, with_twelve = render_counted()
    assert with_twelve <= with_one
    assert "共 12 条失败投递" in html and html.count("投递文件夹不可写") == 10
    # The user and their permissions, the restrictions covering pages (one query and its groups,
    # now that the 通报 section is an intranet page), aliases, the groups, whether any bulletin
    # exists (``casestudies.bulletins.hidden_in_admin``), the rows and the count.
    assert with_one <= 11
