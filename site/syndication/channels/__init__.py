"""Channel adapters: one module per kind of outlet, each with the same five functions.

- ``render(page, channel, **options)``: the rendition of ``page`` for ``channel``, a dataclass
  whose ``problems`` list, in Chinese, what keeps it from being sent and what to do;
- ``validate(channel)``: ``{field: message}``, what a channel of the kind still needs configured
  (the admin's channel form asks);
- ``deliver(delivery, page)``: render the page, refuse it on problems (``common.NotEligible``)
  and send it; returns the receiver's id (a file name, a draft, a status);
- ``retract(delivery)``: take back what ``delivery.retracts`` sent; returns the receiver's id;
- ``preview(page, channel)``: ``(problems, html)``, the rendition as the editor's preview shows it.

TV and radio share ``broadcast``; the news app and generic webhooks share ``webhook``. Shared
pieces live once: the page's reading in ``syndication.reading``, sentences in
``syndication.sentences``, the signature and the Weibo length in ``syndication.clients``, and
what the adapters share besides in ``common``.
"""

from typing import Protocol, runtime_checkable

from jingjian.syndication.channels import broadcast, manuscript, webhook, wechat, weibo
from jingjian.syndication.choices import ChannelKind


@runtime_checkable
class ChannelAdapter(Protocol):
    """What every adapter module provides (see the module docstring)."""

    def render(self, page, channel, **options): ...

    def validate(self, channel) -> dict[str, str]: ...

    def deliver(self, delivery, page) -> str: ...

    def retract(self, delivery) -> str: ...

    def preview(self, page, channel) -> tuple[list[str], str]: ...


ADAPTERS = {
    ChannelKind.TV: broadcast,
    ChannelKind.RADIO: broadcast,
    ChannelKind.NEWSPAPER: manuscript,
    ChannelKind.WECHAT: wechat,
    ChannelKind.WEIBO: weibo,
    ChannelKind.APP: webhook,
    ChannelKind.WEBHOOK: webhook,
}


def adapter_for(kind) -> ChannelAdapter:
    """The adapter of channel kind ``kind``; ValueError for a kind there is none for."""
    try:
        return ADAPTERS[kind]
    except KeyError:
        raise ValueError(f"unknown channel kind {kind!r}") from None


def render(page, channel, **options):
    """The rendition of ``page`` for ``channel``'s kind. ``options`` go to the adapter's
    ``render``: ``upload`` for WeChat; ``event``, ``idempotency_key`` and ``secret`` for JSON
    (defaults: published, a preview key and the channel's secret)."""
    return adapter_for(channel.kind).render(page, channel, **options)
