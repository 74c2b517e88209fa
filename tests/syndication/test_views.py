"""The delivery report (投递记录): staff retry one failed delivery, or every failure of a page,
with the buttons the report shows, clicked as a person would (the form's action and fields
read from the HTML, posted with CSRF checks on); no one else may, and GET retries nothing."""

import re

import pytest
from django.urls import reverse

from jingjian.syndication.models import Delivery
from tests.factories import ExemplarPageFactory
from tests.support.forms import click, forms_labelled

pytestmark = pytest.mark.django_db


def report(client, **query):
    return client.get(reverse("deliveries:index"), query).content.decode()


def statuses():
    return set(Delivery.objects.values_list("status", flat=True))


def test_each_failed_row_has_a_retry_button_that_sends_it_again(
    browser, failed_page, loopback, django_capture_on_commit_callbacks
):
    first, second = Delivery.objects.order_by("pk")
    buttons = forms_labelled(report(browser), "重试")
    assert len(buttons) == 2  # one per failed row
    (button,) = [f for f in buttons if f["action"] == reverse("deliveries:retry", args=[first.pk])]
    assert button["fields"]["csrfmiddlewaretoken"]

    with django_capture_on_commit_callbacks(execute=True):
        response = click(browser, button)
    assert response.status_code == 200
    assert "已将 1 条失败投递重新排队。" in response.content.decode()
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("sent", "failed")
    assert [key for key, _event, _body in loopback.received] == [first.idempotency_key]


def test_a_report_filtered_by_page_retries_all_its_failures(
    browser, failed_page, loopback, django_capture_on_commit_callbacks
):
    assert not forms_labelled(report(browser), "全部重试")  # only for one page's deliveries
    other = ExemplarPageFactory(title="另一篇")
    assert not forms_labelled(report(browser, page=other.pk), "全部重试")  # nothing failed

    (button,) = forms_labelled(report(browser, page=failed_page.pk), "全部重试")
    with django_capture_on_commit_callbacks(execute=True):
        response = click(browser, button)
    html = response.content.decode()
    assert "已将 2 条失败投递重新排队。" in html
    assert statuses() == {"sent"}
    assert len(loopback.received) == 2 and loopback.duplicates == 0
    assert not forms_labelled(html, "全部重试")  # back on the report: nothing left to retry


def test_with_the_worker_down_the_retried_rows_show_queued(
    browser, failed_page, loopback, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    (button,) = forms_labelled(report(browser, page=failed_page.pk), "全部重试")
    rows = click(browser, button).content.decode().split("<tbody")[-1]
    assert len(re.findall(r">\s*排队中\s*<", rows)) == 2
    assert not re.search(r">\s*失败\s*<", rows)
    assert statuses() == {"queued"} and loopback.received == []


def test_only_users_who_may_retry_see_the_buttons_and_others_get_403(
    client, failed_page, loopback, editor_without_retry
):
    client.force_login(editor_without_retry)
    html = report(client, page=failed_page.pk)
    assert failed_page.title in html  # they may read the report
    assert not forms_labelled(html, "重试") and not forms_labelled(html, "全部重试")
    delivery = Delivery.objects.first()
    response = client.post(reverse("deliveries:retry", args=[delivery.pk]))
    assert response.status_code == 403
    assert "您没有重试投递的权限" in response.content.decode()
    response = client.post(reverse("deliveries:retry_all"), {"page": failed_page.pk})
    assert response.status_code == 403
    assert statuses() == {"failed"} and loopback.received == []


def test_get_on_a_retry_address_retries_nothing(
    browser, failed_page, loopback, django_capture_on_commit_callbacks
):
    html = report(browser, page=failed_page.pk)
    forms = forms_labelled(html, "重试") + forms_labelled(html, "全部重试")
    assert len(forms) == 3
    with django_capture_on_commit_callbacks(execute=True):
        for form in forms:
            assert browser.get(form["action"], form["fields"]).status_code == 405
    assert statuses() == {"failed"} and loopback.received == []


def test_a_delivery_that_did_not_fail_is_not_sent_again(
    browser, failed_page, loopback, django_capture_on_commit_callbacks
):
    button = forms_labelled(report(browser), "重试")[0]
    with django_capture_on_commit_callbacks(execute=True):
        click(browser, button)
    assert len(loopback.received) == 1
    with django_capture_on_commit_callbacks(execute=True):
        response = click(browser, button)  # the same button again, from a page left open
    assert "只有“失败”的投递可以重试" in response.content.decode()
    assert len(loopback.received) == 1 and loopback.duplicates == 0


def test_a_page_no_longer_public_is_not_sent_on_retry(
    browser, failed_page, loopback, make_page_visible, django_capture_on_commit_callbacks
):
    make_page_visible(failed_page, "intranet")
    (button,) = forms_labelled(report(browser, page=failed_page.pk), "全部重试")
    with django_capture_on_commit_callbacks(execute=True):
        click(browser, button)
    assert loopback.received == []
    for delivery in Delivery.objects.all():
        assert delivery.status == "failed" and "内部或限定" in delivery.last_error


@pytest.mark.parametrize("page", ["", "abc", "-3", "1.5", "9" * 30, "١٢"])
def test_a_bad_page_number_is_refused_in_chinese(browser, failed_page, page):
    (button,) = forms_labelled(report(browser, page=failed_page.pk), "全部重试")
    button["fields"]["page"] = page
    response = click(browser, button)
    assert response.status_code == 200
    assert "页面编号" in response.content.decode()
    assert statuses() == {"failed"}


@pytest.mark.parametrize("pk", ["123456", str(2**70)])
def test_an_unknown_delivery_is_a_404(browser, failed_page, pk):
    button = forms_labelled(report(browser), "重试")[0]
    action = re.sub(r"/\d+/$", f"/{pk}/", button["action"])
    assert browser.post(action, button["fields"]).status_code == 404
