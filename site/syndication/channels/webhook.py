"""The news app (新闻客户端) and generic webhooks: the JSON payload adapter.

The page as the API v2 detail view shows it, with the event and idempotency key, signed over the
exact body bytes (``clients.sign``); delivered as a signed POST to the channel's address,
retracted by an ``unpublished`` event carrying only the page's id and type.
"""

import functools
import json
import secrets
import threading
from dataclasses import dataclass, field
from html import escape
from urllib.parse import urlsplit

from django.contrib.auth.models import AnonymousUser
from django.core.serializers.json import DjangoJSONEncoder
from django.test import RequestFactory
from rest_framework.request import Request
from wagtail.models import Page

from jingjian.core.public_address import public_base_url
from jingjian.syndication import clients
from jingjian.syndication.channels import common
from jingjian.syndication.choices import DeliveryEvent
from jingjian.syndication.clients import sign

NO_SIGNING_KEY = "没有签名密钥：请在发布渠道设置中填写“密钥”，接收方用它核对签名。"


@dataclass
class JsonPayload:
    """The page as the API v2 detail view shows it, with event, idempotency key and signature."""

    body: bytes
    event: str
    idempotency_key: str
    signature: str
    problems: list[str] = field(default_factory=list)


@functools.cache
def _payload_view_class():
    # Lazy: jingjian.core.api loads Wagtail's API and the search engines (Elasticsearch's client
    # among them), about 0.5 s, which only a process that sends JSON needs.
    from jingjian.core.api import VisiblePagesAPIViewSet

    class PayloadPagesView(VisiblePagesAPIViewSet):
        """The API's page endpoint, minus the per-request visibility query (two thirds of the
        time): only public pages are sent (the delivery gate checks), and a public page's
        parent is public too, so "is the parent live" gives the API's answer."""

        def get_base_queryset(self):
            return Page.objects.live()

    return PayloadPagesView


_serializers = threading.local()


def _serializer_for(page):
    """The API's detail serializer for ``page``'s type, built once per thread: building its
    fields is most of the cost of a render, and they do not depend on the page."""
    # Lazy: as in ``_payload_view_class`` (about 0.5 s to import).
    from jingjian.core.api import api_router

    base = urlsplit(public_base_url())
    key = (type(page), bool(page.pk), base)
    cache = _serializers.__dict__.setdefault("by_key", {})
    if key not in cache:
        # A page not saved yet (a preview) has no API address and may have no parent.
        query = {} if page.pk else {"fields": "-detail_url,-parent"}
        request = RequestFactory().get(
            f"/api/v2/pages/{page.pk or 0}/", query, secure=base.scheme == "https"
        )
        request.get_host = lambda: base.netloc  # the public host, whatever ALLOWED_HOSTS says
        request.user = AnonymousUser()
        request.wagtailapi_router = api_router
        view = _payload_view_class()(
            request=Request(request),
            action="detail_view",
            kwargs={"pk": page.pk},
            format_kwarg=None,
        )
        view._cached_object = page
        cache[key] = view.get_serializer(page)
    return cache[key]


def _api_data(page):
    """The page as ``/api/v2/pages/<id>/`` shows it, produced by the API's own view and
    serializer (so the shape never drifts, links included), for the object given rather than a
    database copy."""
    return _serializer_for(page).to_representation(page)


def _type_label(page):
    model = getattr(page, "specific_class", None) or type(page)
    meta = getattr(model, "_meta", None)
    return meta.label if meta is not None and not meta.abstract else "wagtailcore.Page"


# (page id, revision id, public address) → API data: one serialization per publish; a new
# public address (the Site edited) makes new links.
_revision_data = {}
_REVISION_DATA_SIZE = 256
_revision_data_lock = threading.Lock()


def render(page, channel, event="published", idempotency_key=None, secret=None, revision_id=None):
    """The page as JSON (the API v2 detail shape) with ``event`` and ``idempotency_key``,
    signed over the exact body bytes. An ``unpublished`` event carries only id and type.

    With ``revision_id`` (deliveries pass the published revision), the page's data is
    serialized once for all channels receiving that revision; previews never pass it. Without
    ``idempotency_key`` or ``secret`` (a preview), a preview key and the channel's secret."""
    if idempotency_key is None:
        idempotency_key = f"preview-{page.pk or 0}"
    if secret is None:
        secret = channel.secret
    event = str(event)
    if event == "unpublished":
        data = {"id": page.pk, "meta": {"type": _type_label(page)}}
    else:
        key = (page.pk, revision_id, public_base_url()) if revision_id and page.pk else None
        cached = _revision_data.get(key) if key else None
        if cached is None:
            if type(page).__name__ == "Page" and page.pk:
                page = page.specific
            cached = _api_data(page)
            if key:
                with _revision_data_lock:
                    while len(_revision_data) >= _REVISION_DATA_SIZE:
                        _revision_data.pop(next(iter(_revision_data)))
                    _revision_data[key] = cached
        data = dict(cached)
    data["event"] = event
    data["idempotency_key"] = idempotency_key
    body = json.dumps(
        data, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True, separators=(",", ":")
    ).encode("utf-8")
    problems = []
    if not secret:
        problems.append(NO_SIGNING_KEY)
    return JsonPayload(body, event, idempotency_key, sign(body, secret), problems)


def validate(channel):
    """What an app or webhook channel needs configured: the receiver's address, on an allowed
    host, and the key the payloads are signed with."""
    errors = common.validate_endpoint(channel.endpoint)
    if not channel.endpoint:
        errors["endpoint"] = "客户端和通用接口必须填写接收地址。"
    if not channel.secret:
        errors["secret"] = common.MISSING_SECRET
    return errors


_sessions = threading.local()


def _session():
    """One HTTP session per worker thread: connections to a receiver are kept and reused."""
    session = getattr(_sessions, "session", None)
    if session is None:
        session = _sessions.session = clients.new_session()
    return session


def deliver(delivery, page):
    """POST the signed payload of the published revision; returns the receiver's id."""
    channel = delivery.channel
    payload = render(
        page,
        channel,
        delivery.event,
        delivery.idempotency_key,
        channel.secret,
        revision_id=delivery.revision_id,
    )
    common.refuse_problems(payload)
    client = clients.WebhookClient(
        channel.endpoint, channel.secret, timeout=channel.timeout_seconds, session=_session()
    )
    return client.send(payload.body, delivery.event, delivery.idempotency_key, payload.signature)


def retract(delivery):
    """POST an ``unpublished`` event for the page (deleted pages too); returns the receiver's id."""
    channel = delivery.channel
    payload = render(
        delivery.page or _GonePage(delivery),
        channel,
        DeliveryEvent.UNPUBLISHED,
        delivery.idempotency_key,
        channel.secret,
    )
    client = clients.WebhookClient(
        channel.endpoint, channel.secret, timeout=channel.timeout_seconds
    )
    return client.send(
        payload.body, DeliveryEvent.UNPUBLISHED, delivery.idempotency_key, payload.signature
    )


class _GonePage:
    """What a retraction needs of a page that has been deleted."""

    live = False

    def __init__(self, delivery):
        self.pk = self.id = delivery.page_ref
        self.title = delivery.page_title
        self.specific_class = None


_PREVIEW_KEY = secrets.token_hex(16)  # a throwaway key, never the channel's


def preview(page, channel):
    """The payload, pretty-printed. Never signed with the channel's secret: a draft (or a
    private page) signed with it could be posted to the receiver by hand, around the gate and
    the public-only rule."""
    payload = render(page, channel, secret=_PREVIEW_KEY)
    problems = [p for p in payload.problems if "签名密钥" not in p]
    if not channel.secret:
        problems.append(NO_SIGNING_KEY)
    pretty = json.dumps(json.loads(payload.body), ensure_ascii=False, indent=2, sort_keys=True)
    return problems, (
        f'<div class="sheet"><p class="meta">事件：{escape(payload.event)} · '
        "签名头：发送时用渠道密钥签名（预览不签名）</p>"
        f"<pre>{escape(pretty)}</pre></div>"
    )
