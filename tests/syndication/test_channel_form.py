"""The channel form in the admin: each kind asks for the settings it cannot work without."""

import pytest
from django.urls import reverse

from jingjian.syndication.models import Channel

pytestmark = pytest.mark.django_db

SECRET_MISSING = "请填写密钥（微信 AppSecret、微博 access_token 或签名密钥）。"


def channel_form(kind, **fields):
    data = {
        "name": f"新渠道-{kind}",
        "slug": f"new-{kind}",
        "kind": kind,
        "active": "on",
        "endpoint": "",
        "app_id": "",
        "secret": "",
        "outbox_folder": "",
        "author": "",
        "max_duration_seconds": "180",
        "max_attempts": "6",
        "retry_base_seconds": "30",
        "timeout_seconds": "10",
    }
    data.update(fields)
    return data


@pytest.mark.parametrize(
    "kind, missing",
    [
        ("wechat", [SECRET_MISSING, "微信公众号必须填写 AppID。"]),
        ("weibo", [SECRET_MISSING]),
        ("app", ["客户端和通用接口必须填写接收地址。", SECRET_MISSING]),
        ("webhook", ["客户端和通用接口必须填写接收地址。", SECRET_MISSING]),
    ],
)
def test_a_channel_without_its_settings_is_not_saved_and_says_what_is_missing(
    client, superuser, kind, missing
):
    client.force_login(superuser)
    response = client.post(reverse("wagtailsnippets_syndication_channel:add"), channel_form(kind))
    assert response.status_code == 200
    html = response.content.decode()
    for message in missing:
        assert message in html
    assert not Channel.objects.exists()


@pytest.mark.parametrize("kind", ["tv", "radio", "newspaper"])
def test_an_outbox_folder_is_a_relative_path_inside_the_root(client, superuser, kind):
    client.force_login(superuser)
    url = reverse("wagtailsnippets_syndication_channel:add")
    response = client.post(url, channel_form(kind, outbox_folder="share/tv"))
    assert response.status_code == 302
    assert Channel.objects.get().outbox_folder == "share/tv"


@pytest.mark.parametrize(
    "folder, message",
    [
        ("/mnt/share/tv", "不能是绝对路径"),
        ("~/share", "不能是绝对路径或以“~”开头"),
        ("C:\\share", "不能是绝对路径"),
        ("\\\\server\\share", "不能是绝对路径"),
        ("tv/../../etc", "不能包含“..”"),
        ("..", "不能包含“..”"),
    ],
)
def test_an_outbox_folder_outside_the_root_is_refused_on_save(client, superuser, folder, message):
    client.force_login(superuser)
    url = reverse("wagtailsnippets_syndication_channel:add")
    response = client.post(url, channel_form("tv", outbox_folder=folder))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Channel.objects.exists()


def test_an_outbox_folder_that_links_out_of_the_root_is_refused_on_save(
    client, superuser, settings, tmp_path
):
    settings.SYNDICATION_OUTBOX_ROOT = str(tmp_path / "outbox")
    (tmp_path / "outbox").mkdir()
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "outbox" / "tv").symlink_to(tmp_path / "elsewhere")
    client.force_login(superuser)
    url = reverse("wagtailsnippets_syndication_channel:add")
    response = client.post(url, channel_form("tv", outbox_folder="tv/scripts"))
    assert response.status_code == 200
    assert "经符号链接指向了投递根目录" in response.content.decode()
    assert not Channel.objects.exists()


def test_a_configured_wechat_channel_is_saved(client, superuser):
    client.force_login(superuser)
    data = channel_form("wechat", app_id="wx1234", secret="app-secret")
    response = client.post(reverse("wagtailsnippets_syndication_channel:add"), data)
    assert response.status_code == 302
    assert Channel.objects.get().app_id == "wx1234"
