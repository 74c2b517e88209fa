"""Deliveries that failed, and the people who look at them in the admin; a clean cache."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.cache import caches
from django.test import Client

from jingjian.syndication.models import Channel, Delivery
from tests.factories import ExemplarPageFactory, UserFactory
from tests.support.channels import WebhookReceiver

LOOPBACK_SECRET = "hmac-secret-重试"


@pytest.fixture(autouse=True)
def no_shared_wechat_tokens():
    """WeChat tokens are kept in the cache, keyed by the API's address and the AppID: a fake
    started on a port an earlier test's fake used must not find that fake's token."""
    caches["default"].clear()


@pytest.fixture
def loopback():
    """A webhook receiver on 127.0.0.1 that checks signatures."""
    with WebhookReceiver(LOOPBACK_SECRET) as server:
        yield server


@pytest.fixture
def failed_page(loopback, django_capture_on_commit_callbacks):
    """A page whose deliveries to two channels failed (the receiver answered 500 and each
    channel tries once); the receiver answers again afterwards."""
    channels = [
        Channel.objects.create(
            name=name,
            kind="webhook",
            endpoint=loopback.url,
            secret=LOOPBACK_SECRET,
            retry_base_seconds=0,
            timeout_seconds=1,
            max_attempts=1,
        )
        for name in ["鉴湖客户端", "鉴湖发布"]
    ]
    loopback.mode = "error500"
    page = ExemplarPageFactory(title="扎根山村的好书记")
    page.channels.set(channels)
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    assert set(Delivery.objects.values_list("status", flat=True)) == {"failed"}
    loopback.mode = "ok"
    return page


@pytest.fixture
def browser(editor):
    """The editor's browser: a client that checks CSRF tokens as the live site does."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    return client


@pytest.fixture
def editor_without_retry(db):
    """In the admin and allowed to read the delivery report, but not to retry."""
    group = Group.objects.create(name="实习编辑")
    group.permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="view_delivery"),
    )
    return UserFactory(username="shixi", groups=["实习编辑"])
