"""Deliveries end to end: publish → one delivery per chosen channel → real HTTP on loopback.

Faults come from the loopback servers in ``tests.support.channels`` (500s, timeouts,
refused connections, responses cut off, expired tokens); every delivery must end ``sent``
exactly once, and nothing private may ever leave.
"""

import datetime

import pytest
import wagtail_factories
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageViewRestriction

from jingjian.syndication.channels import webhook as webhook_adapter
from jingjian.syndication.clients import verify
from jingjian.syndication.delivery import send_due
from jingjian.syndication.models import Channel, Delivery
from tests.factories import CaseStudyPageFactory, ExemplarPageFactory
from tests.support.channels import FakeWeChat, FakeWeibo, WebhookReceiver

pytestmark = pytest.mark.django_db

SECRET = "hmac-secret-不会显示"


@pytest.fixture
def receiver():
    with WebhookReceiver(SECRET, timeout_delay=1.5) as server:
        yield server


def make_channel(kind, **fields):
    defaults = {
        "name": f"测试渠道-{kind}-{Channel.objects.count()}",
        "kind": kind,
        "secret": SECRET,
        "retry_base_seconds": 0,
        "timeout_seconds": 1,
        "max_attempts": 4,
    }
    defaults.update(fields)
    return Channel.objects.create(**defaults)


@pytest.fixture
def webhook(receiver):
    return make_channel("webhook", endpoint=receiver.url)


def publish(page, capture, user=None):
    with capture(execute=True):
        page.save_revision(user=user).publish()
    return page


def exemplar_form_data(page):
    """What the page editor posts for ``page`` (an exemplar), unchanged."""
    from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

    return nested_form_data(
        {
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
    )


def exemplar_with(channels, **fields):
    page = ExemplarPageFactory(**fields)
    page.channels.set(channels)
    page.save()
    return page


def test_publishing_sends_one_signed_delivery(
    webhook, receiver, django_capture_on_commit_callbacks
):
    page = publish(exemplar_with([webhook]), django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.event, delivery.attempts) == ("sent", "published", 1)
    assert delivery.receiver_id.startswith("rcv-")
    [(key, event, body)] = receiver.received
    assert (key, event) == (delivery.idempotency_key, "published")
    assert body["id"] == page.pk and body["title"] == page.title
    assert body["meta"]["type"] == "exemplars.ExemplarPage"
    assert receiver.rejected_signatures == 0  # the receiver checked the HMAC of each body


def test_the_same_revision_is_never_sent_twice(
    webhook, receiver, django_capture_on_commit_callbacks
):
    page = exemplar_with([webhook])
    revision = page.save_revision()
    with django_capture_on_commit_callbacks(execute=True):
        revision.publish()
        revision.publish()  # published again: same revision, same key
    call_command("send_deliveries", stdout=open("/dev/null", "w"))
    assert Delivery.objects.count() == 1
    assert len(receiver.received) == 1 and receiver.duplicates == 0

    # A new revision is an update, delivered once more.
    page.title = "扎根基层的好干部(修订)"
    publish(page, django_capture_on_commit_callbacks)
    events = [e for _key, e, _body in receiver.received]
    assert events == ["published", "updated"]


@pytest.mark.parametrize("fault", ["error500", "timeout", "refuse", "close_mid"])
def test_every_delivery_ends_sent_exactly_once_after_faults(
    fault, webhook, receiver, django_capture_on_commit_callbacks
):
    receiver.mode = fault
    publish(exemplar_with([webhook]), django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get()
    assert delivery.status == "retrying" and delivery.attempts == 1
    assert delivery.last_error  # a Chinese explanation of what went wrong
    assert delivery.next_attempt_at is not None

    send_due()  # still failing: second attempt
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("retrying", 2)

    receiver.mode = "ok"
    send_due()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("sent", 3, "")
    assert len(receiver.received) == 1 and receiver.duplicates == 0
    send_due()  # nothing left to do
    assert len(receiver.received) == 1


def test_backoff_doubles_and_gives_up_at_the_limit(receiver, django_capture_on_commit_callbacks):
    channel = make_channel("webhook", endpoint=receiver.url, retry_base_seconds=60, max_attempts=3)
    receiver.mode = "error500"
    publish(exemplar_with([channel]), django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get()
    first_wait = delivery.next_attempt_at - delivery.updated_at
    assert datetime.timedelta(seconds=55) < first_wait <= datetime.timedelta(seconds=61)

    assert send_due() == {}  # not due yet
    later = timezone.now() + datetime.timedelta(seconds=61)
    send_due(now=later)
    delivery.refresh_from_db()
    assert delivery.attempts == 2
    second_wait = delivery.next_attempt_at - delivery.updated_at
    assert datetime.timedelta(seconds=115) < second_wait <= datetime.timedelta(seconds=121)

    send_due(now=later + datetime.timedelta(seconds=121))
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", 3)
    assert delivery.last_error.startswith("已尝试 3 次仍失败")


def test_a_refused_signature_is_not_retried(receiver, django_capture_on_commit_callbacks):
    channel = make_channel("webhook", endpoint=receiver.url, secret="wrong-secret")
    publish(exemplar_with([channel]), django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("failed", 1)
    assert receiver.rejected_signatures == 1 and receiver.received == []


def test_a_worker_that_died_mid_send_loses_nothing(webhook, receiver, settings):
    """Deliveries queued while no worker runs, and one left "sending" by a crashed worker, are
    all sent by ``send_deliveries`` — each once."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    pages = [exemplar_with([webhook]) for _ in range(3)]
    for page in pages:
        page.save_revision().publish()  # the on-commit enqueue never runs: the worker is down
    assert set(Delivery.objects.values_list("status", flat=True)) == {"queued"}
    crashed = Delivery.objects.first()
    Delivery.objects.filter(pk=crashed.pk).update(
        status="sending", attempts=1, updated_at=timezone.now() - datetime.timedelta(hours=1)
    )
    busy = Delivery.objects.last()
    Delivery.objects.filter(pk=busy.pk).update(status="sending", attempts=1)  # a live worker's

    assert send_due() == {"sent": 2}
    Delivery.objects.filter(pk=busy.pk).update(
        updated_at=timezone.now() - datetime.timedelta(hours=1)
    )
    assert send_due() == {"sent": 1}
    assert sorted(k for k, _e, _b in receiver.received) == sorted(
        Delivery.objects.values_list("idempotency_key", flat=True)
    )
    assert receiver.duplicates == 0


# --- nothing private leaves ------------------------------------------------------------------


def test_intranet_and_restricted_pages_never_leave(
    webhook, receiver, make_page_visible, django_capture_on_commit_callbacks
):
    for level in ["intranet", "restricted"]:
        page = exemplar_with([webhook])
        make_page_visible(page, level)
        publish(page, django_capture_on_commit_callbacks)
    assert Delivery.objects.count() == 0
    assert receiver.requests == 0


def test_a_page_made_private_after_publication_is_retracted(
    webhook, receiver, make_page_visible, django_capture_on_commit_callbacks
):
    page = publish(exemplar_with([webhook]), django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        make_page_visible(page, "intranet")
    original = Delivery.objects.get(event="published")
    retraction = Delivery.objects.get(event="unpublished")
    assert (original.status, retraction.status) == ("retracted", "sent")
    assert retraction.retracts == original
    assert [e for _k, e, _b in receiver.received] == ["published", "unpublished"]
    assert receiver.received[1][2]["id"] == page.pk
    assert "title" not in receiver.received[1][2]  # a retraction carries no content


def test_a_page_queued_then_made_private_is_not_sent(
    webhook, receiver, settings, make_page_visible
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    page = exemplar_with([webhook])
    page.save_revision().publish()
    PageViewRestriction.objects.create(page=page, restriction_type="login")
    send_due()
    delivery = Delivery.objects.get(event="published")
    assert delivery.status == "failed" and "内部或限定" in delivery.last_error
    assert receiver.received == []


def test_unpublishing_retracts(webhook, receiver, django_capture_on_commit_callbacks):
    page = publish(exemplar_with([webhook]), django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        page.unpublish()
    assert Delivery.objects.get(event="published").status == "retracted"
    assert [e for _k, e, _b in receiver.received] == ["published", "unpublished"]


def test_a_case_study_leaves_only_when_it_passes_the_gate(
    webhook, receiver, django_capture_on_commit_callbacks
):
    page = CaseStudyPageFactory()
    page.channels.set([webhook])
    page.save()
    publish(page, django_capture_on_commit_callbacks)
    assert Delivery.objects.get().status == "sent"

    # Someone writes a phone number straight into the database; the next send refuses it.
    from casestudies.models import CaseStudyPage

    CaseStudyPage.objects.filter(pk=page.pk).update(summary="联系人手机13912345678。")
    Delivery.objects.all().delete()
    page.refresh_from_db()
    from jingjian.syndication.delivery import queue_publication

    assert queue_publication(page) == []
    assert len(receiver.received) == 1


# --- WeChat, Weibo and the outbox ---------------------------------------------------------------


@pytest.fixture
def photo():
    return wagtail_factories.ImageFactory(title="在茶园", description="她在茶园里查看长势")


def test_wechat_gets_a_draft_with_uploaded_images(photo, django_capture_on_commit_callbacks):
    with FakeWeChat("wx-app", "wx-secret") as wechat:
        channel = make_channel("wechat", endpoint=wechat.url, app_id="wx-app", secret="wx-secret")
        page = publish(exemplar_with([channel], portrait=photo), django_capture_on_commit_callbacks)
        delivery = Delivery.objects.get()
        assert delivery.status == "sent", delivery.last_error
        [draft] = wechat.drafts
        assert draft["title"] == page.title
        assert draft["content_source_url"].endswith(page.url)
        assert "mmbiz.qpic.cn" in draft["content"]  # body images point at WeChat's copies
        assert draft["thumb_media_id"] in wechat.materials
        assert delivery.receiver_id == draft["media_id"]
        assert wechat.tokens_issued == 1

        # The token expires; the next delivery refreshes it once and carries on.
        wechat.expire_tokens()
        page.title = "扎根基层的好干部(更新)"
        publish(page, django_capture_on_commit_callbacks)
        assert Delivery.objects.get(event="updated").status == "sent"
        assert wechat.tokens_issued == 2 and len(wechat.drafts) == 2

        with django_capture_on_commit_callbacks(execute=True):
            page.unpublish()
        assert set(
            Delivery.objects.exclude(event="unpublished").values_list("status", flat=True)
        ) == {"retracted"}
        assert sorted(wechat.deleted_drafts) == sorted(d["media_id"] for d in wechat.drafts) or (
            wechat.drafts == []
        )


def test_wechat_without_a_cover_image_blocks_only_that_channel(
    receiver, webhook, django_capture_on_commit_callbacks
):
    with FakeWeChat("wx-app", "wx-secret") as wechat:
        channel = make_channel("wechat", endpoint=wechat.url, app_id="wx-app", secret="wx-secret")
        publish(exemplar_with([channel, webhook]), django_capture_on_commit_callbacks)
        failed = Delivery.objects.get(channel=channel)
        assert failed.status == "failed" and "封面" in failed.last_error
        assert wechat.drafts == []
    assert Delivery.objects.get(channel=webhook).status == "sent"


def test_weibo_posts_the_lead_with_a_link_and_an_expired_token_fails_clearly(
    photo, django_capture_on_commit_callbacks
):
    with FakeWeibo("weibo-token") as weibo:
        channel = make_channel("weibo", endpoint=weibo.url, secret="weibo-token")
        page = publish(exemplar_with([channel], portrait=photo), django_capture_on_commit_callbacks)
        [post] = weibo.posts
        assert "http" in post["text"] and page.url in post["text"]
        assert Delivery.objects.get().receiver_id == post["idstr"]

        weibo.expire_token()
        other = exemplar_with([channel], portrait=photo)
        publish(other, django_capture_on_commit_callbacks)
        failed = Delivery.objects.get(page_ref=other.pk)
        assert failed.status == "failed" and "重新授权" in failed.last_error


def test_broadcast_and_newspaper_land_in_the_outbox(
    settings, tmp_path, photo, django_capture_on_commit_callbacks
):
    settings.SYNDICATION_OUTBOX_ROOT = str(tmp_path)
    tv = make_channel("tv", outbox_folder="tv", secret="")
    paper = make_channel("newspaper", outbox_folder="", secret="")  # the root's <slug>/
    page = publish(exemplar_with([tv, paper], portrait=photo), django_capture_on_commit_callbacks)
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}
    tv_files = sorted(p.name for p in (tmp_path / "tv").iterdir())
    assert [name.rsplit(".", 1)[1] for name in tv_files] == ["docx", "txt"]
    assert not any(name.startswith(".") for name in tv_files)  # no temp files left behind
    text = next((tmp_path / "tv").glob("*.txt")).read_text(encoding="utf-8")
    assert page.title in text
    assert len(list((tmp_path / paper.slug).glob("*.docx"))) == 1

    with django_capture_on_commit_callbacks(execute=True):
        page.unpublish()
    notices = list((tmp_path / "tv").glob("*撤稿通知*"))
    assert len(notices) == 1 and page.title in notices[0].read_text(encoding="utf-8")


# --- the admin ---------------------------------------------------------------------------------


def test_editors_see_the_report_filter_it_and_retry_failures(
    client, editor, receiver, webhook, django_capture_on_commit_callbacks
):
    receiver.mode = "error500"
    webhook.max_attempts = 1
    webhook.save()
    page = publish(exemplar_with([webhook]), django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get()
    assert delivery.status == "failed"

    client.force_login(editor)
    report = client.get(reverse("deliveries:index"), {"status": "failed", "page": page.pk})
    assert report.status_code == 200
    assert page.title in report.content.decode()
    assert (
        page.title
        not in client.get(reverse("deliveries:index"), {"status": "sent"})
        .content.decode()
        .split("<tbody")[-1]
    )

    receiver.mode = "ok"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("deliveries:retry", args=[delivery.pk]))
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == "sent" and len(receiver.received) == 1


def test_readers_cannot_open_the_report(client, reader):
    client.force_login(reader)
    assert client.get(reverse("deliveries:index")).status_code == 302  # not in the admin at all


def test_the_channel_secret_is_never_shown_back(client, editor, webhook):
    client.force_login(editor)
    url = reverse("wagtailsnippets_syndication_channel:edit", args=[webhook.pk])
    html = client.get(url).content.decode()
    assert SECRET not in html
    assert SECRET not in repr(webhook) and SECRET not in str(webhook)
    # Saving the form with the secret left blank keeps it.
    data = {
        "name": webhook.name,
        "slug": webhook.slug,
        "kind": "webhook",
        "active": "on",
        "endpoint": webhook.endpoint,
        "app_id": "",
        "secret": "",
        "outbox_folder": "",
        "author": "",
        "max_duration_seconds": "180",
        "max_attempts": "4",
        "retry_base_seconds": "0",
        "timeout_seconds": "1",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    webhook.refresh_from_db()
    assert webhook.secret == SECRET


def test_private_pages_cannot_choose_channels_in_the_editor(
    client, superuser, webhook, make_page_visible
):
    page = ExemplarPageFactory()
    make_page_visible(page, "intranet")
    client.force_login(superuser)
    data = exemplar_form_data(page)
    data["channels"] = [str(webhook.pk)]
    response = client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)
    assert response.status_code == 200
    assert "不能选择对外发布渠道" in response.content.decode()
    assert not page.channels.exists()


def test_each_chosen_channel_has_a_preview(rf, webhook):
    tv = make_channel("tv", secret="")
    page = exemplar_with([tv, webhook])
    modes = dict(page.preview_modes)
    assert f"channel-{tv.pk}" in modes and f"channel-{webhook.pk}" in modes
    html = page.serve_preview(rf.get("/"), f"channel-{tv.pk}").content.decode()
    assert page.title in html and "口播" in html
    html = page.serve_preview(rf.get("/"), f"channel-{webhook.pk}").content.decode()
    assert page.title in html


def test_the_signature_verifies(webhook, receiver, django_capture_on_commit_callbacks):
    page = exemplar_with([webhook])
    publish(page, django_capture_on_commit_callbacks)
    payload = webhook_adapter.render(page, webhook, "published", "k-1", SECRET)
    assert verify(payload.body, SECRET, payload.signature)
    assert not verify(payload.body + b" ", SECRET, payload.signature)


def test_channel_feeds_are_served_and_public_only(client, make_page_visible):
    channel = make_channel("app", endpoint="http://127.0.0.1:9/")
    public = ExemplarPageFactory(title="公开的先进典型")
    hidden = ExemplarPageFactory(title="内部的先进典型")
    make_page_visible(hidden, "intranet")
    for name in ["rss.xml", "atom.xml", "feed.json"]:
        response = client.get(f"/syndication/{channel.slug}/{name}")
        assert response.status_code == 200, name
        body = response.content.decode()
        assert public.title in body and hidden.title not in body
    assert client.get("/syndication/no-such-channel/rss.xml").status_code == 404
    channel.active = False
    channel.save()
    assert client.get(f"/syndication/{channel.slug}/feed.json").status_code == 404


def test_the_editor_is_told_which_channel_a_publish_could_not_reach(
    client, superuser, webhook, django_capture_on_commit_callbacks
):
    wechat = make_channel("wechat", endpoint="http://127.0.0.1:9", app_id="wx", secret="s")
    page = exemplar_with([wechat, webhook])
    client.force_login(superuser)
    data = exemplar_form_data(page)
    data["channels"] = [str(wechat.pk), str(webhook.pk)]
    data["action-publish"] = "action-publish"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("wagtailadmin_pages:edit", args=[page.pk]), data, follow=True
        )
    html = response.content.decode()
    assert "未发送到“" in html and "封面" in html  # no cover image for WeChat
    assert Delivery.objects.get(channel=webhook).status == "sent"


def test_republishing_after_a_retraction_is_a_new_publication(
    webhook, receiver, django_capture_on_commit_callbacks
):
    page = exemplar_with([webhook])
    revision = page.save_revision()
    with django_capture_on_commit_callbacks(execute=True):
        revision.publish()
    with django_capture_on_commit_callbacks(execute=True):
        page.unpublish()
    with django_capture_on_commit_callbacks(execute=True):
        revision.publish()  # the same revision, published again
    events = [e for _k, e, _b in receiver.received]
    assert events == ["published", "unpublished", "published"]
    assert receiver.duplicates == 0


def test_a_page_made_private_while_its_delivery_was_on_the_way_is_taken_back(
    webhook, receiver, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    page = exemplar_with([webhook])
    page.save_revision().publish()
    delivery = Delivery.objects.get()
    # The worker has checked the page and is sending when an editor restricts it.
    from jingjian.syndication import delivery as engine

    original = webhook_adapter.deliver

    def restrict_then_send(*args, **kwargs):
        # The editor's change commits while the worker is sending: the signal's work runs now.
        from jingjian.syndication.signals import _retract_subtree

        PageViewRestriction.objects.create(page=page, restriction_type="login")
        _retract_subtree(page, "页面已设为内部或限定访问")
        retraction = Delivery.objects.get(event="unpublished")
        assert engine.send(retraction.pk) == "retrying"  # waits for the delivery on its way
        return original(*args, **kwargs)

    webhook_adapter.deliver = restrict_then_send
    try:
        engine.send(delivery.pk)
    finally:
        webhook_adapter.deliver = original
    send_due()
    assert [e for _k, e, _b in receiver.received] == ["published", "unpublished"]
    assert Delivery.objects.get(pk=delivery.pk).status == "retracted"


def test_previews_are_never_signed_with_the_channel_secret(rf, webhook):
    page = exemplar_with([webhook])
    html = page.serve_preview(rf.get("/"), f"channel-{webhook.pk}").content.decode()
    real = webhook_adapter.render(page, webhook, "published", f"preview-{page.pk}", SECRET)
    assert real.signature not in html and "预览不签名" in html


def test_an_alias_does_not_send_the_story_again(
    webhook, receiver, django_capture_on_commit_callbacks
):
    page = publish(exemplar_with([webhook]), django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        page.create_alias(update_slug=f"{page.slug}-alias")
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()  # updates the alias too
    assert [e for _k, e, _b in receiver.received] == ["published", "updated"]


def test_a_deactivated_channel_sends_nothing(webhook, receiver, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    exemplar_with([webhook]).save_revision().publish()
    Channel.objects.filter(pk=webhook.pk).update(active=False)
    send_due()
    delivery = Delivery.objects.get()
    assert delivery.status == "failed" and "渠道已停用" in delivery.last_error
    assert receiver.received == []
