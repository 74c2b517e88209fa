"""Deliveries: one publish, one delivery per chosen channel, sent exactly once.

- ``queue_publication`` (on publish) creates a ``Delivery`` per active channel chosen on the page,
  keyed by page revision, channel and event, so publishing the same revision again, a repeated
  signal or a retried task never makes a second one; renditions that fail validation become
  ``failed`` deliveries with the Chinese reason, and only that channel is skipped.
- ``queue_retractions`` (unpublish, delete, made private) sends a retraction for what was sent.
- ``send(delivery_id)`` claims a delivery (queued/retrying → sending, in one UPDATE), has the
  adapter of the channel's kind (``syndication.channels``) render and deliver or retract it, and
  records the outcome; failures retry with exponential backoff up to the channel's limit.
  ``send_due()`` (``manage.py send_deliveries``, also run by the worker's schedule) picks up
  whatever is due, including deliveries left ``sending`` by a worker that died: nothing is lost.
- Only live, public pages leave, and a case study only if the anonymization gate passes; the
  check is repeated at send time, so a page made private in between is never sent.
"""

import datetime
import logging

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from jingjian.core import content_types, visibility
from jingjian.syndication import channel_secrets, channels, clients, tasks
from jingjian.syndication.channels.common import NotEligible
from jingjian.syndication.models import (
    Channel,
    ChannelKind,
    Delivery,
    DeliveryEvent,
    DeliveryStatus,
)

logger = logging.getLogger(__name__)

# A delivery still "sending" after this long belonged to a worker that died: send it again.
# (Channels time out after at most 30 s per request; a WeChat delivery makes a dozen requests.)
SENDING_LEASE = datetime.timedelta(minutes=15)
MAX_BACKOFF = datetime.timedelta(hours=6)


def check_public(page):
    """Raise ``NotEligible`` unless ``page`` is live and public."""
    if not page.live:
        raise NotEligible("页面未发布或已撤下，不能对外发送。")
    if visibility.visibility_of(page) != visibility.Visibility.PUBLIC:
        raise NotEligible("页面为内部或限定访问，不能对外发送。")


def check_eligible(page, trust_revision=False):
    """Raise ``NotEligible`` unless ``page`` is live, public and nothing its content type knows
    holds it back (a case study's gate).

    ``trust_revision`` (at send time): the content type may trust a live revision it passed
    before."""
    check_public(page)
    reason = content_types.withheld_reason(page, trust_revision=trust_revision)
    if reason:
        raise NotEligible(reason)


def chosen_channels(page):
    channels = getattr(page, "channels", None)
    if channels is None:
        return Channel.objects.none()
    return channels.filter(active=True)


def _sent_before(page, channel):
    return Delivery.objects.filter(
        page_id=page.pk,
        channel=channel,
        event__in=[DeliveryEvent.PUBLISHED, DeliveryEvent.UPDATED],
        status__in=[DeliveryStatus.SENT, DeliveryStatus.SENDING, DeliveryStatus.RETRYING],
    ).exists()


def queue_publication(page, revision=None):
    """Create and enqueue the deliveries of a publish; returns the new deliveries."""
    page = page.specific
    revision = revision or page.live_revision
    try:
        check_eligible(page)
    except NotEligible:
        return []
    created = []
    for channel in chosen_channels(page):
        if channel.kind == ChannelKind.WEIBO and _sent_before(page, channel):
            continue  # Weibo gets the first publication only: a second post would be noise
        event = DeliveryEvent.UPDATED if _sent_before(page, channel) else DeliveryEvent.PUBLISHED
        # Publishing the same revision again after a retraction is a new publication.
        generation = Delivery.objects.filter(
            page_ref=page.pk, channel=channel, event=DeliveryEvent.UNPUBLISHED
        ).count()
        delivery, new = Delivery.objects.get_or_create(
            idempotency_key=Delivery.key_for(channel, page, revision, f"{event}:{generation}"),
            defaults={
                "channel": channel,
                "page": page,
                "page_ref": page.pk,
                "page_title": page.title[:255],
                "revision": revision,
                "event": event,
            },
        )
        if new:
            problems = _validation_problems(page, channel)
            if problems:
                delivery.status = DeliveryStatus.FAILED
                delivery.last_error = "；".join(problems)
                delivery.save(update_fields=["status", "last_error", "updated_at"])
            else:
                created.append(delivery)
    _enqueue_after_commit([d.pk for d in created])
    return created


def queue_retractions(page, reason=""):
    """Retract every sent publication of ``page`` (the latest per channel and receiver id)."""
    # Deliveries on their way (sending) are retracted too: the retraction waits for them.
    sent = Delivery.objects.filter(
        page_id=page.pk,
        status__in=[DeliveryStatus.SENT, DeliveryStatus.SENDING],
        event__in=[DeliveryEvent.PUBLISHED, DeliveryEvent.UPDATED],
    ).select_related("channel")
    created = []
    for original in sent:
        if original.retractions.exclude(status=DeliveryStatus.FAILED).exists():
            continue
        delivery, new = Delivery.objects.get_or_create(
            idempotency_key=Delivery.key_for(
                original.channel, page, original.revision, f"unpublished:{original.pk}"
            ),
            defaults={
                "channel": original.channel,
                "page": page,
                "page_ref": page.pk,
                "page_title": original.page_title,
                "revision": original.revision,
                "event": DeliveryEvent.UNPUBLISHED,
                "retracts": original,
                "last_error": reason,
            },
        )
        if new:
            created.append(delivery)
    _enqueue_after_commit([d.pk for d in created])
    return created


def _validation_problems(page, channel):
    if channel_secrets.is_unreadable(channel.secret):
        return [channel_secrets.UNREADABLE]
    try:
        return list(channels.render(page, channel).problems)
    except Exception as error:  # a renderer bug blocks this channel, never the publish
        logger.exception("rendering %s for channel %s failed", page.pk, channel.pk)
        return [f"生成稿件出错（{type(error).__name__}），请联系管理员。"]


def _enqueue_after_commit(ids):
    if ids:
        transaction.on_commit(lambda: enqueue(ids))


def enqueue(ids, run_after=None):
    task = tasks.deliver
    if run_after is not None:
        if not task.get_backend().supports_defer:
            return  # picked up by ``send_due`` when due
        task = task.using(run_after=run_after)
    for pk in ids:
        task.enqueue(pk)


# --- sending ---------------------------------------------------------------------------------


def _claim(delivery_id, now):
    stale = now - SENDING_LEASE
    return Delivery.objects.filter(
        Q(status__in=[DeliveryStatus.QUEUED, DeliveryStatus.RETRYING])
        & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        | Q(status=DeliveryStatus.SENDING, updated_at__lt=stale),
        pk=delivery_id,
    ).update(status=DeliveryStatus.SENDING, attempts=F("attempts") + 1, updated_at=now)


def send(delivery_id, now=None):
    """Send one delivery if it is due (at ``now``) and nobody else has it. Returns its status."""
    if not _claim(delivery_id, now or timezone.now()):
        return None
    delivery = Delivery.objects.select_related("channel", "retracts", "page").get(pk=delivery_id)
    try:
        receiver_id = _deliver(delivery)
    except NotEligible as error:
        return _finish(delivery, DeliveryStatus.FAILED, error=str(error))
    except clients.ChannelError as error:
        return _failed(delivery, str(error), error.retryable)
    except Exception as error:
        logger.exception("delivery %s failed unexpectedly", delivery.pk)
        return _failed(delivery, f"内部错误（{type(error).__name__}），将自动重试。", True)
    if delivery.event == DeliveryEvent.UNPUBLISHED and delivery.retracts_id:
        Delivery.objects.filter(pk=delivery.retracts_id).update(
            status=DeliveryStatus.RETRACTED, updated_at=timezone.now()
        )
    return _finish(delivery, DeliveryStatus.SENT, receiver_id=receiver_id or "")


def _finish(delivery, status, error="", receiver_id=""):
    delivery.status = status
    delivery.last_error = error
    delivery.next_attempt_at = None
    fields = ["status", "last_error", "next_attempt_at", "updated_at"]
    if status == DeliveryStatus.SENT:
        delivery.receiver_id = receiver_id[:200]
        delivery.sent_at = timezone.now()
        fields += ["receiver_id", "sent_at"]
    delivery.save(update_fields=fields)
    return status


def _failed(delivery, error, retryable):
    channel = delivery.channel
    if not retryable or delivery.attempts >= channel.max_attempts:
        prefix = "" if retryable is False else f"已尝试 {delivery.attempts} 次仍失败："
        return _finish(delivery, DeliveryStatus.FAILED, error=prefix + error)
    delay = datetime.timedelta(seconds=channel.retry_base_seconds * 2 ** (delivery.attempts - 1))
    delivery.status = DeliveryStatus.RETRYING
    delivery.last_error = error
    delivery.next_attempt_at = timezone.now() + min(delay, MAX_BACKOFF)
    delivery.save(update_fields=["status", "last_error", "next_attempt_at", "updated_at"])
    transaction.on_commit(lambda: enqueue([delivery.pk], run_after=delivery.next_attempt_at))
    return DeliveryStatus.RETRYING


def retry(delivery):
    """An editor's retry of a failed delivery: queue it again, attempts reset."""
    updated = Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.FAILED).update(
        status=DeliveryStatus.QUEUED, attempts=0, next_attempt_at=None, updated_at=timezone.now()
    )
    if updated:
        _enqueue_after_commit([delivery.pk])
    return bool(updated)


def due_ids(now=None):
    now = now or timezone.now()
    return list(
        Delivery.objects.filter(
            Q(status__in=[DeliveryStatus.QUEUED, DeliveryStatus.RETRYING])
            & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
            | Q(status=DeliveryStatus.SENDING, updated_at__lt=now - SENDING_LEASE)
        )
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)
    )


def send_due(now=None):
    """Send everything that is due; returns {status: count}."""
    counts = {}
    for pk in due_ids(now):
        status = send(pk, now)
        if status:
            counts[status] = counts.get(status, 0) + 1
    return counts


# --- the channels ----------------------------------------------------------------------------


def _deliver(delivery):
    channel = delivery.channel
    if channel_secrets.is_unreadable(channel.secret):
        raise clients.ChannelError(channel_secrets.UNREADABLE, retryable=False)
    if delivery.event == DeliveryEvent.UNPUBLISHED:
        return _retract(delivery)
    page = delivery.page  # the base page: enough to check; adapters load the rest if needed
    if page is None:
        raise NotEligible("页面已删除，不再发送。")
    # Again: the page may have been made private or unpublished since it was queued, and a case
    # study's case file may have gained a name.
    if not channel.active:
        raise NotEligible("渠道已停用，未发送。重新启用后可在投递记录中重试。")
    check_eligible(page, trust_revision=True)
    return channels.adapter_for(channel.kind).deliver(delivery, page)


def _retract(delivery):
    original = delivery.retracts
    if original is not None and original.status == DeliveryStatus.SENDING:
        raise clients.ChannelError("原投递仍在发送中，稍后自动撤回。", retryable=True)
    if original is None or not original.receiver_id:
        return ""
    return channels.adapter_for(delivery.channel.kind).retract(delivery)
