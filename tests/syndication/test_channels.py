"""The channel adapters: every kind has one, and each offers the same five functions."""

import pytest

from jingjian.syndication import channels
from jingjian.syndication.models import Channel, ChannelKind


@pytest.mark.parametrize("kind", ChannelKind.values)
def test_every_kind_has_an_adapter_with_the_whole_interface(kind):
    adapter = channels.adapter_for(kind)
    assert isinstance(adapter, channels.ChannelAdapter)


def test_kinds_that_share_an_outlet_share_an_adapter():
    assert channels.adapter_for(ChannelKind.TV) is channels.adapter_for(ChannelKind.RADIO)
    assert channels.adapter_for(ChannelKind.APP) is channels.adapter_for(ChannelKind.WEBHOOK)
    assert len(set(channels.ADAPTERS.values())) == 5


def test_an_unknown_kind_has_no_adapter():
    with pytest.raises(ValueError, match="unknown channel kind 'fax'"):
        channels.adapter_for("fax")


@pytest.mark.parametrize(
    "kind, settings, missing",
    [
        (ChannelKind.TV, {"outbox_folder": "~/tv"}, {"outbox_folder"}),
        (ChannelKind.NEWSPAPER, {}, set()),
        (ChannelKind.WECHAT, {"secret": "s"}, {"app_id"}),
        (ChannelKind.WEIBO, {}, {"secret"}),
        (ChannelKind.APP, {"secret": "s"}, {"endpoint"}),
        (ChannelKind.WEBHOOK, {"endpoint": "http://127.0.0.1:9/hook", "secret": "s"}, set()),
        (
            ChannelKind.WEBHOOK,
            {"endpoint": "https://example.com/hook", "secret": "s"},
            {"endpoint"},
        ),
    ],
)
def test_validate_names_the_settings_a_kind_still_needs(kind, settings, missing):
    channel = Channel(name="渠道", kind=kind, **settings)
    assert set(channels.adapter_for(kind).validate(channel)) == missing
