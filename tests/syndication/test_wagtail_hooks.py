"""The page editor's header: beside 投递记录, a button that retries the page's failed
deliveries, shown only when some failed and only to users who may retry; the channel list."""

import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse

from jingjian.syndication.models import Channel, Delivery
from tests.support.admin_text import shown_texts
from tests.support.forms import click, forms_labelled

pytestmark = pytest.mark.django_db

LABEL = "重试失败的投递"


def test_the_page_header_retries_the_failures_of_the_page(
    browser, failed_page, loopback, django_capture_on_commit_callbacks
):
    edit_url = reverse("wagtailadmin_pages:edit", args=[failed_page.pk])
    (button,) = forms_labelled(browser.get(edit_url).content.decode(), LABEL)
    with django_capture_on_commit_callbacks(execute=True):
        response = click(browser, button)
    html = response.content.decode()
    assert "已将 2 条失败投递重新排队。" in html
    assert failed_page.title in html  # the page's deliveries in the report
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}
    assert len(loopback.received) == 2
    # Nothing failed any more: no retry button, the report link stays.
    html = browser.get(edit_url).content.decode()
    assert not forms_labelled(html, LABEL) and "投递记录" in html


def test_the_header_button_is_only_for_users_who_may_retry(failed_page, editor):
    edit_url = reverse("wagtailadmin_pages:edit", args=[failed_page.pk])
    client = Client()
    client.force_login(editor)
    assert forms_labelled(client.get(edit_url).content.decode(), LABEL)
    Group.objects.get(name="编辑").permissions.remove(
        Permission.objects.get(codename="retry_delivery")
    )
    assert not forms_labelled(client.get(edit_url).content.decode(), LABEL)


def test_the_channel_list_says_whether_a_channel_is_active_in_words(editor):
    """是/否, not the True/False Wagtail makes of a boolean."""
    Channel.objects.create(name="鉴湖电视台", kind="tv", active=True)
    Channel.objects.create(name="鉴湖发布", kind="weibo", active=False)
    client = Client()
    client.force_login(editor)
    html = client.get(reverse("wagtailsnippets_syndication_channel:list")).content.decode()
    rows = [shown_texts(row) for row in re.findall(r"<tr.*?</tr>", html, re.S)]
    (tv,) = [row for row in rows if "鉴湖电视台" in row]
    (weibo,) = [row for row in rows if "鉴湖发布" in row]
    assert "是" in tv and "否" not in tv
    assert "否" in weibo and "是" not in weibo
    assert "启用" in shown_texts(html)
    assert not {"True", "False"} & set(shown_texts(html))
