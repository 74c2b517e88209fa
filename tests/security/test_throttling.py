"""Login throttling on every login and password form: the intranet's, the admin's, Wagtail's
page and collection passwords. After the limit, even the right password is refused."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from wagtail.models import Collection, CollectionViewRestriction, PageViewRestriction

from tests.factories import ExemplarPageFactory, UserFactory

RIGHT = "pw-for-tests"  # UserFactory's password
LIMIT = settings.AXES_FAILURE_LIMIT

LOGIN_FORMS = {
    "intranet": lambda: reverse("login"),
    "admin": lambda: reverse("wagtailadmin_login"),
    "wagtail front end": lambda: reverse("wagtailcore_login"),
}


def fail(client, url, username, times, **extra):
    responses = [
        client.post(url, {"username": username, "password": "wrong-guess"}, **extra)
        for _ in range(times)
    ]
    return responses[-1]


@pytest.mark.django_db
@pytest.mark.parametrize("form", sorted(LOGIN_FORMS))
def test_the_right_password_is_refused_after_the_limit(client, form):
    user = UserFactory(username="bianji", is_superuser=True)
    url = LOGIN_FORMS[form]()
    assert fail(client, url, "bianji", LIMIT - 1).status_code == 200  # the form again
    locked = fail(client, url, "bianji", 1)
    assert locked.status_code == 429
    text = locked.content.decode()
    assert "登录已暂时锁定" in text
    assert f"已连续 {LIMIT} 次输错账号“bianji”的密码" in text
    assert "分钟后）再试" in text and "即使输入正确的密码也不能通过" in text
    assert "系统管理员" in text and "设置 → 登录锁定" in text

    refused = client.post(url, {"username": "bianji", "password": RIGHT})
    assert refused.status_code == 429
    assert "_auth_user_id" not in client.session
    # Not from another address, and not another account from here.
    other = client.post(url, {"username": "bianji", "password": RIGHT}, REMOTE_ADDR="127.0.0.2")
    assert other.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.django_db
def test_a_success_clears_the_count_and_the_cool_off_ends_the_lock(client):
    UserFactory(username="duzhe")
    url = reverse("login")
    fail(client, url, "duzhe", LIMIT - 1)
    assert client.post(url, {"username": "duzhe", "password": RIGHT}).status_code == 302
    client.logout()
    assert fail(client, url, "duzhe", LIMIT - 1).status_code == 200
    assert fail(client, url, "duzhe", 1).status_code == 429
    # The cool-off counts from the last failure; once it has passed, the right password works.
    AccessAttempt.objects.update(
        attempt_time=datetime.datetime.now(datetime.UTC)
        - settings.AXES_COOLOFF_TIME
        - datetime.timedelta(seconds=1)
    )
    assert client.post(url, {"username": "duzhe", "password": RIGHT}).status_code == 302


@pytest.mark.django_db
def test_a_forwarded_address_counts_only_behind_a_trusted_proxy(client):
    UserFactory(username="duzhe")
    url = reverse("login")
    # No trusted proxy: a client inventing X-Forwarded-For is still counted by its own address.
    for n in range(LIMIT):
        client.post(
            url, {"username": "duzhe", "password": "x"}, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}"
        )
    assert client.post(url, {"username": "duzhe", "password": RIGHT}).status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"127.0.0.1"}

    # Behind one proxy (REMOTE_ADDR is the proxy): the address the proxy appended counts, and
    # what the client wrote before it does not.
    AccessAttempt.objects.all().delete()
    with override_settings(TRUSTED_PROXY_COUNT=1):
        for _ in range(LIMIT):
            client.post(
                url,
                {"username": "duzhe", "password": "x"},
                HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.7",
            )
        assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.7"}
        elsewhere = client.post(
            url,
            {"username": "duzhe", "password": RIGHT},
            HTTP_X_FORWARDED_FOR="198.51.100.7, 198.51.100.8",
        )
        assert elsewhere.status_code == 302


def _password_page(password="kaimen-zhi-ma"):
    page = ExemplarPageFactory()
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.PASSWORD, password=password
    )
    return page, restriction


@pytest.mark.django_db
def test_a_page_password_is_throttled_per_restriction(client):
    page, restriction = _password_page()
    other_page, _ = _password_page()
    form = client.get(page.url)
    action = reverse("wagtailcore_authenticate_with_password", args=[restriction.pk, page.pk])
    assert action in form.content.decode()

    def attempt(password, target=page, restriction=restriction):
        return client.post(
            reverse("wagtailcore_authenticate_with_password", args=[restriction.pk, target.pk]),
            {"password": password, "return_url": target.url},
        )

    for _ in range(LIMIT - 1):
        assert attempt("wrong-guess").status_code == 200
    locked = attempt("wrong-guess")
    assert locked.status_code == 429
    text = locked.content.decode()
    assert f"已连续 {LIMIT} 次输错页面访问密码" in text and "系统管理员" in text
    # The right password now is refused too, and the page stays closed.
    assert attempt("kaimen-zhi-ma").status_code == 429
    still_closed = client.get(page.url)
    assert still_closed.status_code == 200
    assert page.title not in still_closed.content.decode()  # the password form, not the page
    # Another restriction is counted apart.
    other_restriction = PageViewRestriction.objects.get(page=other_page)
    passed = attempt("kaimen-zhi-ma", other_page, other_restriction)
    assert passed.status_code == 302
    assert AccessAttempt.objects.get().username == f"page-password:{restriction.pk}"


@pytest.mark.django_db
def test_a_right_page_password_before_the_limit_opens_the_page(client):
    page, restriction = _password_page()
    url = reverse("wagtailcore_authenticate_with_password", args=[restriction.pk, page.pk])
    for _ in range(LIMIT - 1):
        client.post(url, {"password": "wrong-guess", "return_url": page.url})
    passed = client.post(url, {"password": "kaimen-zhi-ma", "return_url": page.url})
    assert passed.status_code == 302
    assert page.title in client.get(page.url).content.decode()
    assert not AccessAttempt.objects.exists()


@pytest.mark.django_db
def test_a_collection_password_is_throttled(client):
    collection = Collection.get_first_root_node().add_child(name="口令资料")
    restriction = CollectionViewRestriction.objects.create(
        collection=collection,
        restriction_type=CollectionViewRestriction.PASSWORD,
        password="kaimen-zhi-ma",
    )
    url = reverse("wagtaildocs_authenticate_with_password", args=[restriction.pk])
    for _ in range(LIMIT):
        response = client.post(url, {"password": "wrong-guess", "return_url": "/"})
    assert response.status_code == 429
    assert "文档集访问密码" in response.content.decode()
    assert client.post(url, {"password": "kaimen-zhi-ma", "return_url": "/"}).status_code == 429
