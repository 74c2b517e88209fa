"""设置 → 登录锁定: a superuser sees who is locked out and lifts it, with a CSRF-checked POST."""

import json
import re

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.urls import reverse
from wagtail.models import PageViewRestriction

from tests.factories import ExemplarPageFactory, UserFactory
from tests.support.admin_text import english, shown_texts

LIMIT = settings.AXES_FAILURE_LIMIT


def _items(value):
    """Every menu item (``{"_type": …, "_args": [{"label": …}, …]}``) in the sidebar's JSON."""
    if isinstance(value, dict):
        if "_type" in value:
            yield value
        for item in value.values():
            yield from _items(item)
    elif isinstance(value, list):
        for item in value:
            yield from _items(item)


def _label(item):
    first = (item.get("_args") or [None])[0]
    return first.get("label") if isinstance(first, dict) else None


def settings_menu_urls(html):
    """The addresses of 登录锁定 under 设置 in the admin's sidebar."""
    props = re.search(r'<script id="wagtail-sidebar-props"[^>]*>(.*?)</script>', html, re.S)
    menus = [menu for menu in _items(json.loads(props.group(1))) if _label(menu) == "设置"]
    return {
        item["_args"][0]["url"]
        for menu in menus
        for item in _items(menu["_args"][1:])
        if _label(item) == "登录锁定"
    }


def lock_out(username, address="127.0.0.1"):
    client = Client(REMOTE_ADDR=address)
    for _ in range(LIMIT):
        response = client.post(reverse("login"), {"username": username, "password": "wrong"})
    assert response.status_code == 429
    return client


@pytest.mark.django_db
def test_a_superuser_finds_and_lifts_a_lock_out_from_the_admin(superuser):
    UserFactory(username="duzhe")
    reader = lock_out("duzhe", "127.0.0.5")

    admin = Client(enforce_csrf_checks=True)
    admin.force_login(superuser)
    # Reached from the admin's menu: 设置 → 登录锁定.
    dashboard = admin.get(reverse("wagtailadmin_home")).content.decode()
    assert settings_menu_urls(dashboard) == {reverse("security_lockouts")}
    listing = admin.get(reverse("security_lockouts"))
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "账号“duzhe”" in html and "127.0.0.5" in html and f"<td>{LIMIT}</td>" in html
    assert "已锁定，至" in html
    assert not english(shown_texts(html), also_allowed={"duzhe"})

    attempt = AccessAttempt.objects.get(username="duzhe")
    unlock = reverse("security_unlock", args=[attempt.pk])
    assert f'action="{unlock}"' in html
    # Without the CSRF token the POST is refused and the lock stays.
    assert admin.post(unlock).status_code == 403
    assert AccessAttempt.objects.filter(username="duzhe").exists()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    done = admin.post(unlock, {"csrfmiddlewaretoken": token}, follow=True)
    assert done.redirect_chain[-1][0] == reverse("security_lockouts")
    assert "已解除账号“duzhe”在 127.0.0.5 的登录锁定" in done.content.decode()
    assert "目前没有被锁定的账号" in done.content.decode()

    # The reader logs in again at once, with the right password.
    assert (
        reader.post(reverse("login"), {"username": "duzhe", "password": "pw-for-tests"}).status_code
        == 302
    )


@pytest.mark.django_db
def test_a_page_password_lock_out_is_listed_by_its_form(client, superuser):
    page = ExemplarPageFactory()
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.PASSWORD, password="kaimen-zhi-ma"
    )
    url = reverse("wagtailcore_authenticate_with_password", args=[restriction.pk, page.pk])
    for _ in range(LIMIT):
        client.post(url, {"password": "wrong", "return_url": page.url})
    client.force_login(superuser)
    html = client.get(reverse("security_lockouts")).content.decode()
    assert f"页面访问密码（限制 #{restriction.pk}）" in html and "已锁定" in html


@pytest.mark.django_db
def test_only_superusers_see_or_lift_lock_outs(client, editor):
    lock_out("bianji")
    attempt = AccessAttempt.objects.get()
    client.force_login(editor)
    assert client.get(reverse("security_lockouts")).status_code in (302, 403)
    assert client.post(reverse("security_unlock", args=[attempt.pk])).status_code in (302, 403)
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()
    assert not settings_menu_urls(client.get(reverse("wagtailadmin_home")).content.decode())


@pytest.mark.django_db
def test_unlocking_answers_post_only(client, superuser):
    lock_out("bianji")
    attempt = AccessAttempt.objects.get()
    client.force_login(superuser)
    assert client.get(reverse("security_unlock", args=[attempt.pk])).status_code == 405
    assert client.post(reverse("security_unlock", args=[attempt.pk + 1000])).status_code == 404
