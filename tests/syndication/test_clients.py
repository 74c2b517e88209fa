"""The channel clients against loopback fakes of WeChat, Weibo and a webhook receiver.

Everything here is real HTTP on 127.0.0.1: no mocks. No database is needed.
"""

import json
import logging
import threading
import time

import pytest
import requests

from jingjian.syndication.clients import (
    ChannelError,
    WebhookClient,
    WeChatClient,
    WeiboClient,
    mask_url,
    sign,
    verify,
    weibo_length,
)
from tests.support.channels import FakeWeChat, FakeWeibo, WebhookReceiver

APP_ID = "wx1234567890abcdef"
APP_SECRET = "app-secret-never-shown"
WEIBO_TOKEN = "2.00weibo-token-never-shown"
HOOK_SECRET = "hook-secret"

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 40  # ~10 KB, a JPEG header
PNG = b"\x89PNG\r\n\x1a\n" + bytes(2000)
GIF = b"GIF89a" + bytes(100)


@pytest.fixture
def wechat():
    with FakeWeChat(APP_ID, APP_SECRET) as fake:
        yield fake


@pytest.fixture
def wechat_client(wechat):
    return WeChatClient(wechat.url, APP_ID, APP_SECRET, timeout=2)


@pytest.fixture
def weibo():
    with FakeWeibo(WEIBO_TOKEN, safe_domain="jingjian.example.cn") as fake:
        yield fake


@pytest.fixture
def weibo_client(weibo):
    return WeiboClient(weibo.url, WEIBO_TOKEN, timeout=2)


@pytest.fixture
def receiver():
    with WebhookReceiver(HOOK_SECRET, timeout_delay=2.0) as fake:
        yield fake


@pytest.fixture
def webhook(receiver):
    return WebhookClient(receiver.url, HOOK_SECRET, timeout=0.5)


def article(thumb, **fields):
    return {
        "title": "镜鉴湖畔的守护者",
        "author": "鉴湖区融媒体中心",
        "digest": "一位基层干部二十年如一日的坚守。",
        "content": '<p style="text-indent:2em">他每天清晨六点巡湖,风雨无阻。</p>',
        "content_source_url": "https://jingjian.example.cn/exemplars/shouhuzhe/",
        "thumb_media_id": thumb,
        "need_open_comment": 0,
        "only_fans_can_comment": 0,
        **fields,
    }


def raises_channel_error(call, *args, **kwargs) -> ChannelError:
    with pytest.raises(ChannelError) as info:
        call(*args, **kwargs)
    return info.value


# --------------------------------------------------------------------------- WeChat: token


def test_wechat_access_token_is_fetched_once_and_reused(wechat, wechat_client):
    first = wechat_client.access_token()
    thumb = wechat_client.add_thumb(JPEG, "cover.jpg")
    wechat_client.upload_image(PNG, "figure.png")
    wechat_client.add_draft(article(thumb))

    assert wechat_client.access_token() == first
    assert wechat.tokens_issued == 1


def test_wechat_access_token_is_shared_by_threads(wechat, wechat_client):
    tokens = []
    threads = [
        threading.Thread(target=lambda: tokens.append(wechat_client.access_token()))
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(set(tokens)) == 1
    assert wechat.tokens_issued == 1


def test_wechat_expired_token_is_refreshed_and_the_call_retried_once(wechat, wechat_client):
    thumb = wechat_client.add_thumb(JPEG, "cover.jpg")
    old = wechat_client.access_token()
    wechat.expire_tokens()  # the next call with the old token gets 42001

    media_id = wechat_client.add_draft(article(thumb))

    assert media_id == wechat.drafts[0]["media_id"]
    assert wechat.tokens_issued == 2
    assert wechat_client.access_token() != old


def test_wechat_short_lived_token_is_renewed_before_it_expires():
    with FakeWeChat(APP_ID, APP_SECRET, token_ttl=4) as wechat:
        client = WeChatClient(wechat.url, APP_ID, APP_SECRET, timeout=2)
        first = client.access_token()
        time.sleep(2.3)  # past the refresh margin (half of a 4 s token), before expiry

        assert client.access_token() != first
        assert wechat.tokens_issued == 2


def test_wechat_wrong_secret_is_a_clear_error_that_does_not_leak_the_secret(wechat, caplog):
    client = WeChatClient(wechat.url, APP_ID, "wrong-secret-value", timeout=2)
    caplog.set_level(logging.DEBUG, logger="jingjian.syndication")

    error = raises_channel_error(client.access_token)

    assert error.code == 40125
    assert error.retryable is False
    assert "AppSecret" in error.message and "渠道设置" in error.message
    for text in (error.message, repr(error), repr(client), caplog.text):
        assert "wrong-secret-value" not in text


def test_wechat_unreachable_server_is_retryable_and_logs_no_secret(caplog):
    with FakeWeChat(APP_ID, APP_SECRET) as wechat:
        url = wechat.url
    client = WeChatClient(url, APP_ID, APP_SECRET, timeout=2)  # nothing listens any more
    caplog.set_level(logging.DEBUG, logger="jingjian.syndication")

    error = raises_channel_error(client.access_token)

    assert error.retryable is True
    assert error.code is None
    for text in (error.message, repr(error), caplog.text):
        assert APP_SECRET not in text
    assert error.__cause__ is None and error.__suppress_context__  # no URL in a traceback


def test_urls_are_masked_before_logging():
    url = "https://api.weixin.qq.com/cgi-bin/token?grant_type=client_credential&appid=wx1&secret=s3"

    assert mask_url(url).endswith("appid=wx1&secret=***")
    assert mask_url("/cgi-bin/draft/add?access_token=abc&type=thumb") == (
        "/cgi-bin/draft/add?access_token=***&type=thumb"
    )


def test_wechat_access_token_is_never_logged(wechat, wechat_client, caplog):
    caplog.set_level(logging.DEBUG, logger="jingjian.syndication")
    token = wechat_client.access_token()
    wechat.fail_next(1, errcode=-1)

    raises_channel_error(wechat_client.upload_image, PNG, "figure.png")
    wechat.expire_tokens()
    wechat_client.upload_image(PNG, "figure.png")  # refreshed: logged, but without the token

    assert token not in caplog.text
    assert wechat_client.access_token() not in caplog.text


# --------------------------------------------------------------------------- WeChat: errcodes


@pytest.mark.parametrize(
    ("errcode", "http_status", "code"),
    [(-1, 200, -1), (45009, 200, 45009), (-1, 502, 502), (-1, 503, 503)],
    ids=["system-busy", "rate-limit", "http-502", "http-503"],
)
def test_wechat_busy_rate_limit_and_5xx_are_retryable(
    wechat, wechat_client, errcode, http_status, code
):
    thumb = wechat_client.add_thumb(JPEG, "cover.jpg")
    wechat.fail_next(1, errcode=errcode, http_status=http_status)

    error = raises_channel_error(wechat_client.add_draft, article(thumb))

    assert error.retryable is True
    assert error.code == code
    assert "自动重试" in error.message
    assert wechat_client.add_draft(article(thumb))  # the retry goes through
    assert len(wechat.drafts) == 1


@pytest.mark.parametrize(
    ("fields", "errcode", "hint"),
    [
        ({"title": "镜" * 33}, 45003, "32"),
        ({"digest": "鉴" * 129}, 45004, "128"),
        ({"content": "<p>a</p><script>alert(1)</script>"}, 45166, "脚本"),
        ({"content": "<style>p{color:red}</style><p>a</p>"}, 45166, "样式"),
        ({"content": "<p>" + "字" * 20_000 + "</p>"}, 45002, "2 万"),
        ({"thumb_media_id": "not-a-permanent-material"}, 40007, "封面"),
    ],
    ids=["title", "digest", "script", "style", "content-size", "thumb"],
)
def test_wechat_rejected_drafts_are_not_retryable_and_say_why(
    wechat, wechat_client, fields, errcode, hint
):
    thumb = wechat_client.add_thumb(JPEG, "cover.jpg")

    error = raises_channel_error(wechat_client.add_draft, article(thumb, **fields))

    assert error.code == errcode
    assert error.retryable is False
    assert str(errcode) in error.message and hint in error.message
    assert wechat.drafts == []


def test_wechat_title_of_32_characters_is_accepted(wechat, wechat_client):
    thumb = wechat_client.add_thumb(JPEG, "cover.jpg")

    wechat_client.add_draft(article(thumb, title="镜" * 32))

    assert wechat.drafts[0]["title"] == "镜" * 32


def test_wechat_ip_whitelist_error_tells_what_to_do():
    from jingjian.syndication.clients import wechat_error

    error = wechat_error(40164, "invalid ip 1.2.3.4, not in whitelist")

    assert (
        error.message
        == "微信接口返回错误 40164（IP 不在白名单）：请在公众号后台把服务器 IP 加入白名单。"
    )
    assert error.retryable is False


def test_channel_error_survives_pickling():
    import pickle

    error = pickle.loads(pickle.dumps(ChannelError("微信系统繁忙", retryable=True, code=-1)))

    assert (error.message, error.retryable, error.code) == ("微信系统繁忙", True, -1)


def test_wechat_unknown_errcode_is_not_retryable():
    from jingjian.syndication.clients import wechat_error

    error = wechat_error(61024, "must use api(api_component_token)")

    assert error.retryable is False
    assert "61024" in error.message and "api_component_token" in error.message


def test_wechat_truncated_response_is_retryable(receiver):
    receiver.mode = "close_mid"  # answers a status line and half a body, then hangs up
    client = WeChatClient(receiver.url, APP_ID, APP_SECRET, timeout=2)

    error = raises_channel_error(client.access_token)

    assert error.retryable is True


# --------------------------------------------------------------------------- WeChat: content


def test_wechat_draft_arrives_as_raw_utf8_chinese(wechat, wechat_client):
    thumb = wechat_client.add_thumb(JPEG, "cover.jpg")
    sent = article(thumb)

    media_id = wechat_client.add_draft(sent)

    draft = wechat.drafts[0]
    assert draft == {"media_id": media_id, **sent}
    assert draft["title"] == "镜鉴湖畔的守护者"


def test_fake_wechat_refuses_unicode_escaped_json_as_wechat_does(wechat, wechat_client):
    # Guards the check above: an ensure_ascii JSON body would be refused with 40033.
    thumb = wechat_client.add_thumb(JPEG, "cover.jpg")
    response = requests.post(
        f"{wechat.url}/cgi-bin/draft/add",
        params={"access_token": wechat_client.access_token()},
        json={"articles": [article(thumb)]},
        timeout=2,
    )

    assert response.json()["errcode"] == 40033
    assert wechat.drafts == []


def test_wechat_upload_image_returns_the_url_to_use_in_the_body(wechat, wechat_client):
    url = wechat_client.upload_image(JPEG, "figure.jpg")

    assert url.startswith("http://mmbiz.qpic.cn/")
    assert wechat.uploads == [
        {"kind": "image", "filename": "figure.jpg", "size": len(JPEG), "url": url}
    ]


@pytest.mark.parametrize(
    ("data", "hint"),
    [
        (b"\xff\xd8\xff\xe0" + bytes(1024 * 1024), "1MB"),
        (GIF, "JPG 或 PNG"),
        (b"not an image at all", "JPG 或 PNG"),
    ],
    ids=["too-big", "gif", "not-an-image"],
)
def test_wechat_upload_image_limits_are_checked_before_sending(wechat, wechat_client, data, hint):
    error = raises_channel_error(wechat_client.upload_image, data, "figure")

    assert error.retryable is False
    assert hint in error.message
    assert wechat.requests == 0


def test_wechat_image_just_under_one_megabyte_is_uploaded(wechat, wechat_client):
    data = b"\xff\xd8\xff\xe0" + bytes(1024 * 1024 - 5)

    wechat_client.upload_image(data, "big.jpg")

    assert wechat.uploads[0]["size"] == 1024 * 1024 - 1


def test_wechat_thumb_is_permanent_material_usable_as_cover(wechat, wechat_client):
    media_id = wechat_client.add_thumb(JPEG, "cover.jpg")

    assert wechat.uploads[0]["kind"] == "thumb"
    assert wechat.uploads[0]["media_id"] == media_id
    assert media_id in wechat.materials


@pytest.mark.parametrize(
    ("data", "hint"), [(PNG, "JPG"), (b"\xff\xd8\xff\xe0" + bytes(64 * 1024), "64KB")]
)
def test_wechat_thumb_must_be_a_small_jpeg(wechat, wechat_client, data, hint):
    error = raises_channel_error(wechat_client.add_thumb, data, "cover")

    assert error.retryable is False
    assert hint in error.message
    assert wechat.requests == 0


def test_wechat_delete_draft_and_deleting_again(wechat, wechat_client):
    thumb = wechat_client.add_thumb(JPEG, "cover.jpg")
    media_id = wechat_client.add_draft(article(thumb))

    assert wechat_client.delete_draft(media_id) is True
    assert wechat.drafts == []
    assert wechat.deleted_drafts == [media_id]
    assert wechat_client.delete_draft(media_id) is False  # already gone: a retried retraction


# --------------------------------------------------------------------------- Weibo

LEAD = "【镜鉴】鉴湖区一位基层干部二十年如一日巡湖护水。"
LINK = "https://jingjian.example.cn/exemplars/shouhuzhe/"


def test_weibo_share_returns_the_status_id(weibo, weibo_client):
    status_id = weibo_client.share(f"{LEAD} {LINK}")

    assert status_id == weibo.posts[0]["idstr"]
    assert weibo.posts[0]["text"] == f"{LEAD} {LINK}"
    assert weibo.posts[0]["image"] is None


def test_weibo_share_with_a_picture_sends_it_intact(weibo, weibo_client):
    weibo_client.share(f"{LEAD} {LINK}", image=JPEG, filename="cover.jpg")

    assert weibo.posts[0]["image"] == JPEG
    assert weibo.posts[0]["filename"] == "cover.jpg"


def test_weibo_destroy_and_destroying_again(weibo, weibo_client):
    status_id = weibo_client.share(f"{LEAD} {LINK}")

    assert weibo_client.destroy(status_id) is True
    assert weibo.deleted == [status_id]
    assert weibo_client.destroy(status_id) is False  # 20101: already deleted


def test_weibo_expired_token_asks_for_a_new_authorization(weibo, weibo_client, caplog):
    caplog.set_level(logging.DEBUG, logger="jingjian.syndication")
    weibo.expire_token()

    error = raises_channel_error(weibo_client.share, f"{LEAD} {LINK}")

    assert error.code == 21332
    assert error.retryable is False
    assert "微博授权已过期，请重新授权并在渠道设置中更新 access_token" in error.message
    assert weibo.posts == []
    for text in (error.message, repr(error), repr(weibo_client), caplog.text):
        assert WEIBO_TOKEN not in text


def test_weibo_wrong_token_is_refused(weibo):
    client = WeiboClient(weibo.url, "someone-elses-token", timeout=2)

    error = raises_channel_error(client.share, f"{LEAD} {LINK}")

    assert (error.code, error.retryable) == (21332, False)


@pytest.mark.parametrize("code", [10022, 10023, 10024])
def test_weibo_rate_limits_are_retryable(weibo, weibo_client, code):
    weibo.fail_next(1, error_code=code, http_status=403)

    error = raises_channel_error(weibo_client.share, f"{LEAD} {LINK}")

    assert (error.code, error.retryable) == (code, True)
    assert weibo_client.share(f"{LEAD} {LINK}")


def test_weibo_server_errors_are_retryable(weibo, weibo_client):
    weibo.fail_next(1, error_code=10001, http_status=500)

    error = raises_channel_error(weibo_client.share, f"{LEAD} {LINK}")

    assert error.retryable is True


def test_weibo_unreachable_is_retryable():
    with FakeWeibo(WEIBO_TOKEN) as weibo:
        url = weibo.url
    error = raises_channel_error(WeiboClient(url, WEIBO_TOKEN, timeout=2).share, f"{LEAD} {LINK}")

    assert error.retryable is True


def test_weibo_counts_two_ascii_characters_as_one():
    assert weibo_length("镜" * 140) == 140
    assert weibo_length("a" * 280) == 140
    assert weibo_length("a" * 281) == 141
    assert weibo_length("镜鉴 ab") == 4


def test_weibo_status_over_140_is_refused_before_sending(weibo, weibo_client):
    error = raises_channel_error(weibo_client.share, "镜" * 120 + " " + LINK)

    assert error.retryable is False
    assert "140" in error.message
    assert weibo.requests == 0


def test_weibo_status_of_exactly_140_is_posted(weibo, weibo_client):
    status = "镜" * (140 - weibo_length(" " + LINK)) + " " + LINK
    assert weibo_length(status) == 140

    weibo_client.share(status)

    assert weibo.posts[0]["text"] == status


@pytest.mark.parametrize(
    ("status", "code"),
    [(LEAD, 10017), (f"{LEAD} https://elsewhere.example.com/", 10017)],
    ids=["no-link", "link-off-the-safe-domain"],
)
def test_weibo_status_must_link_to_the_registered_domain(weibo, weibo_client, status, code):
    error = raises_channel_error(weibo_client.share, status)

    assert (error.code, error.retryable) == (code, False)
    assert "安全域名" in error.message


def test_weibo_refuses_the_same_text_twice(weibo, weibo_client):
    weibo_client.share(f"{LEAD} {LINK}")

    error = raises_channel_error(weibo_client.share, f"{LEAD} {LINK}")

    assert (error.code, error.retryable) == (20019, False)
    assert len(weibo.posts) == 1


# --------------------------------------------------------------------------- webhooks

BODY = json.dumps(
    {"id": 42, "meta": {"type": "exemplars.ExemplarPage"}, "title": "镜鉴湖畔的守护者"},
    ensure_ascii=False,
).encode("utf-8")


def test_sign_and_verify():
    signature = sign(BODY, HOOK_SECRET)

    assert signature.startswith("sha256=") and len(signature) == len("sha256=") + 64
    assert verify(BODY, HOOK_SECRET, signature)
    assert not verify(BODY + b" ", HOOK_SECRET, signature)
    assert not verify(BODY, "another-secret", signature)
    assert not verify(BODY, HOOK_SECRET, signature.upper())
    assert not verify(BODY, HOOK_SECRET, None)
    assert not verify(BODY, "", sign(BODY, ""))


def test_webhook_delivery_returns_the_receivers_id(receiver, webhook):
    receiver_id = webhook.send(BODY, "published", "key-1", sign(BODY, HOOK_SECRET))

    assert receiver_id == "rcv-1"
    assert receiver.received == [("key-1", "published", json.loads(BODY))]


def test_webhook_signs_the_body_when_no_signature_is_given(receiver, webhook):
    webhook.send(BODY, "updated", "key-1")

    assert receiver.received[0][:2] == ("key-1", "updated")
    assert receiver.rejected_signatures == 0


def test_webhook_duplicate_key_is_success_and_counted_by_the_receiver(receiver, webhook):
    first = webhook.send(BODY, "published", "key-1")

    assert webhook.send(BODY, "published", "key-1") == first  # 409: already received
    assert len(receiver.received) == 1
    assert receiver.duplicates == 1


def test_webhook_receiver_error_is_retryable(receiver, webhook):
    receiver.mode = "error500"

    error = raises_channel_error(webhook.send, BODY, "published", "key-1")

    assert (error.code, error.retryable) == (500, True)
    assert receiver.received == []


def test_webhook_timeout_is_retryable_and_does_not_wait_for_the_receiver(receiver, webhook):
    receiver.mode = "timeout"  # hangs for 2 s; the client gives up after 0.5 s
    started = time.monotonic()

    error = raises_channel_error(webhook.send, BODY, "published", "key-1")

    assert error.retryable is True
    assert "超时" in error.message
    assert time.monotonic() - started < 1.5
    assert receiver.received == []


def test_webhook_refused_connection_is_retryable(receiver, webhook):
    receiver.mode = "refuse"

    error = raises_channel_error(webhook.send, BODY, "published", "key-1")

    assert error.retryable is True
    assert "无法连接" in error.message


def test_webhook_receiver_that_starts_refusing_can_come_back():
    with WebhookReceiver(HOOK_SECRET, mode="refuse") as receiver:
        client = WebhookClient(receiver.url, HOOK_SECRET, timeout=0.5)
        assert raises_channel_error(client.send, BODY, "published", "key-1").retryable

        receiver.mode = "ok"

        assert client.send(BODY, "published", "key-1") == "rcv-1"


def test_webhook_response_closed_midway_is_retryable(receiver, webhook):
    receiver.mode = "close_mid"

    error = raises_channel_error(webhook.send, BODY, "published", "key-1")

    assert error.retryable is True
    assert receiver.received == []


def test_webhook_bad_signature_is_not_retryable(receiver, webhook):
    error = raises_channel_error(webhook.send, BODY, "published", "key-1", sign(BODY, "wrong"))

    assert (error.code, error.retryable) == (401, False)
    assert "密钥" in error.message
    assert receiver.rejected_signatures == 1
    assert receiver.received == []


def test_webhook_other_client_errors_are_not_retryable(receiver, webhook):
    error = raises_channel_error(webhook.send, b"not json", "published", "key-1")

    assert (error.code, error.retryable) == (400, False)


def test_webhook_every_delivery_arrives_once_when_every_fifth_request_fails():
    with WebhookReceiver(HOOK_SECRET, fail_every=5) as receiver:
        client = WebhookClient(receiver.url, HOOK_SECRET, timeout=2)
        keys = [f"key-{n}" for n in range(20)]
        for key in keys:
            for _attempt in range(3):
                try:
                    client.send(BODY, "published", key)
                    break
                except ChannelError as error:
                    assert error.retryable

        assert [key for key, _event, _payload in receiver.received] == keys
        assert receiver.duplicates == 0
        assert receiver.failures == receiver.requests // 5 == 4
