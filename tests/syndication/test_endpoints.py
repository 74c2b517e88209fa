"""Channels reach only the hosts an administrator lists (SYNDICATION_ALLOWED_HOSTS).

Checked twice: when an editor saves a channel (the admin form) and when a delivery is sent
(every address the name resolves to, then a connection to the address checked). The loopback
servers of tests/support listen on 127.0.0.1, which tests/settings.py lists.
"""

import socket

import pytest
from django.urls import reverse

from jingjian.syndication import endpoints
from jingjian.syndication.clients import ChannelError, WebhookClient
from jingjian.syndication.models import Channel, Delivery
from tests.factories import ExemplarPageFactory
from tests.support.channels import Redirector, WebhookReceiver

SECRET = "hook-secret-地址"
NOT_LISTED = "不在允许的发送地址中：请管理员把它加入设置“SYNDICATION_ALLOWED_HOSTS”"

INTERNAL = [
    ("http://169.254.169.254/latest/meta-data/", "169.254.169.254"),
    ("http://10.0.0.1/hook", "10.0.0.1"),
    ("http://[::1]:8080/hook", "::1"),
    ("http://localhost:8080/hook", "localhost"),
    ("http://[::ffff:127.0.0.2]/hook", "::ffff:127.0.0.2"),
]
# 127.0.0.1 as one number: the form's URL field already refuses it; stored anyway, it is
# refused at send time by name.
AT_SEND = [*INTERNAL, ("http://2130706433/hook", "2130706433")]


@pytest.fixture
def receiver():
    with WebhookReceiver(SECRET) as server:
        yield server


def form_data(endpoint):
    return {
        "name": "合作网站",
        "slug": "partner",
        "kind": "webhook",
        "active": "on",
        "endpoint": endpoint,
        "app_id": "",
        "secret": SECRET,
        "outbox_folder": "",
        "author": "",
        "max_duration_seconds": "180",
        "max_attempts": "1",
        "retry_base_seconds": "0",
        "timeout_seconds": "2",
    }


def publish_to(channel, capture):
    page = ExemplarPageFactory(title="扎根山村的好书记")
    page.channels.set([channel])
    with capture(execute=True):
        page.save_revision().publish()
    return Delivery.objects.get(channel=channel)


# --- on save ---------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("url, host", INTERNAL)
def test_an_internal_address_that_is_not_listed_is_refused_on_save(client, superuser, url, host):
    client.force_login(superuser)
    response = client.post(reverse("wagtailsnippets_syndication_channel:add"), form_data(url))
    assert response.status_code == 200
    html = response.content.decode()
    assert f"接口地址的主机“{host}”{NOT_LISTED}" in html
    assert not Channel.objects.exists()


@pytest.mark.django_db
def test_a_listed_address_is_saved(client, superuser, receiver):
    client.force_login(superuser)
    response = client.post(
        reverse("wagtailsnippets_syndication_channel:add"), form_data(receiver.url)
    )
    assert response.status_code == 302
    assert Channel.objects.get().endpoint == receiver.url


@pytest.mark.django_db
def test_an_address_with_a_user_name_is_refused(client, superuser):
    client.force_login(superuser)
    url = "http://api.weixin.qq.com@10.0.0.1/hook"
    response = client.post(reverse("wagtailsnippets_syndication_channel:add"), form_data(url))
    assert "接口地址不能包含用户名或密码" in response.content.decode()
    assert not Channel.objects.exists()


@pytest.mark.django_db
def test_wechat_and_weibo_default_addresses_must_be_allowed_too(client, superuser, settings):
    settings.SYNDICATION_ALLOWED_HOSTS = ["127.0.0.1"]
    client.force_login(superuser)
    data = {**form_data(""), "kind": "wechat", "app_id": "wx1"}
    response = client.post(reverse("wagtailsnippets_syndication_channel:add"), data)
    assert f"接口地址的主机“api.weixin.qq.com”{NOT_LISTED}" in response.content.decode()


def test_listing_by_network_and_by_domain(settings):
    settings.SYNDICATION_ALLOWED_HOSTS = ["10.2.0.0/16", ".jianhu.gov.cn", "[fd00::1]"]
    assert endpoints.refusal("http://10.2.3.4/hook") is None
    assert endpoints.refusal("http://10.3.0.1/hook") is not None
    assert endpoints.refusal("https://app.jianhu.gov.cn/hook") is None
    assert endpoints.refusal("https://jianhu.gov.cn.evil.example/hook") is not None
    assert endpoints.refusal("http://[fd00::1]:9000/hook") is None
    assert endpoints.refusal("ftp://10.2.3.4/") is not None


# --- at send time -----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("url, host", AT_SEND)
def test_an_internal_address_stored_without_the_form_is_refused_at_send(
    url, host, django_capture_on_commit_callbacks
):
    channel = Channel.objects.create(
        name="合作网站", kind="webhook", endpoint=url, secret=SECRET, max_attempts=3
    )
    delivery = publish_to(channel, django_capture_on_commit_callbacks)
    assert delivery.status == "failed"  # not retried: waiting would not make it allowed
    assert delivery.attempts == 1
    assert delivery.last_error.startswith("未发送：")
    assert f"接口地址的主机“{host}”{NOT_LISTED}" in delivery.last_error


@pytest.mark.django_db
def test_a_name_for_loopback_is_refused_at_send_and_nothing_reaches_the_server(
    receiver, django_capture_on_commit_callbacks
):
    url = f"http://localhost:{receiver.port}/webhook"
    channel = Channel.objects.create(name="本机", kind="webhook", endpoint=url, secret=SECRET)
    delivery = publish_to(channel, django_capture_on_commit_callbacks)
    assert delivery.status == "failed"
    assert f"接口地址的主机“localhost”{NOT_LISTED}" in delivery.last_error
    assert receiver.requests == 0


@pytest.mark.django_db
def test_a_listed_name_that_resolves_to_an_unlisted_internal_address_is_refused(
    receiver, settings, django_capture_on_commit_callbacks
):
    settings.SYNDICATION_ALLOWED_HOSTS = ["localhost"]  # the name, not its address
    url = f"http://localhost:{receiver.port}/webhook"
    channel = Channel.objects.create(name="本机", kind="webhook", endpoint=url, secret=SECRET)
    delivery = publish_to(channel, django_capture_on_commit_callbacks)
    assert delivery.status == "failed"
    assert "接口地址的主机“localhost”解析到内部或保留地址" in delivery.last_error
    assert "加入设置“SYNDICATION_ALLOWED_HOSTS”" in delivery.last_error
    assert receiver.requests == 0


@pytest.mark.django_db
def test_a_listed_name_and_its_listed_address_are_sent(
    receiver, settings, django_capture_on_commit_callbacks
):
    settings.SYNDICATION_ALLOWED_HOSTS = ["localhost", "127.0.0.0/8", "::1"]
    url = f"http://localhost:{receiver.port}/webhook"
    channel = Channel.objects.create(name="本机", kind="webhook", endpoint=url, secret=SECRET)
    delivery = publish_to(channel, django_capture_on_commit_callbacks)
    assert delivery.status == "sent", delivery.last_error
    assert len(receiver.received) == 1


def test_the_connection_goes_to_the_address_that_was_checked(receiver, settings, monkeypatch):
    """DNS rebinding: the name answers a listed address when checked and an internal one
    afterwards; the client never asks again, so the checked address is the one reached."""
    settings.SYNDICATION_ALLOWED_HOSTS = ["rebind.example", "127.0.0.1"]
    real_getaddrinfo = socket.getaddrinfo
    answers = iter(["127.0.0.1", "10.0.0.1", "10.0.0.1"])
    asked = []

    def rebinding(host, port, *args, **kwargs):
        if host == "rebind.example":
            asked.append(host)
            host = next(answers)
        return real_getaddrinfo(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    client = WebhookClient(f"http://rebind.example:{receiver.port}/webhook", SECRET, timeout=2)
    assert client.send(b'{"id": 1}', "published", "key-rebind").startswith("rcv-")
    assert asked == ["rebind.example"]  # resolved once, for the check
    key, _event, _payload = receiver.received[0]
    assert key == "key-rebind"


def test_an_address_resolving_to_public_and_internal_addresses_is_refused(settings, monkeypatch):
    settings.SYNDICATION_ALLOWED_HOSTS = ["mixed.example"]
    monkeypatch.setattr(
        socket,
        "getaddrinfo",
        lambda host, port, *a, **k: [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("192.168.1.5", port)),
        ],
    )
    with pytest.raises(endpoints.EndpointRefused, match="192.168.1.5"):
        endpoints.resolve("https://mixed.example/hook")


def test_redirects_are_not_followed(receiver):
    with Redirector(f"http://10.0.0.1:{receiver.port}/webhook") as redirector:
        client = WebhookClient(redirector.url, SECRET, timeout=2)
        with pytest.raises(ChannelError) as info:
            client.send(b"{}", "published", "key-redirect")
    assert "发生了跳转（HTTP 302）" in info.value.message
    assert info.value.retryable is False
    assert redirector.requests == 1 and receiver.requests == 0


def test_proxies_from_the_environment_are_not_used(receiver, monkeypatch):
    # A proxy would be reached instead of the checked address; one that does not exist would
    # make the delivery fail if it were used.
    monkeypatch.setenv("HTTP_PROXY", "http://10.9.9.9:3128")
    monkeypatch.setenv("http_proxy", "http://10.9.9.9:3128")
    client = WebhookClient(receiver.url, SECRET, timeout=2)
    assert client.send(b'{"id": 2}', "published", "key-proxy").startswith("rcv-")


# --- HTTPS: pinned to the address, verified for the name --------------------------------------


def _certificate(tmp_path, name):
    """A self-signed certificate for ``name`` and its key, as PEM files."""
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / f"{name}.pem", tmp_path / f"{name}.key"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@pytest.fixture
def tls_receiver(tmp_path):
    """The webhook receiver behind TLS with a certificate for ``hooks.jianhu.test``."""
    import ssl

    cert_path, key_path = _certificate(tmp_path, "hooks.jianhu.test")
    with WebhookReceiver(SECRET) as server:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert_path, key_path)
        server._httpd.socket = context.wrap_socket(server._httpd.socket, server_side=True)
        server.ca = str(cert_path)
        yield server


@pytest.mark.parametrize("name, ok", [("hooks.jianhu.test", True), ("other.jianhu.test", False)])
def test_https_connects_to_the_checked_address_and_verifies_the_name(
    tls_receiver, settings, monkeypatch, name, ok
):
    from jingjian.syndication.clients import new_session

    settings.SYNDICATION_ALLOWED_HOSTS = [".jianhu.test", "127.0.0.1"]
    real_getaddrinfo = socket.getaddrinfo

    def resolver(host, port, *args, **kwargs):
        return real_getaddrinfo("127.0.0.1" if host.endswith(".jianhu.test") else host, port)

    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    session = new_session()
    session.verify = tls_receiver.ca
    url = f"https://{name}:{tls_receiver.port}/webhook"
    client = WebhookClient(url, SECRET, timeout=2, session=session)
    if ok:
        assert client.send(b'{"id": 3}', "published", "key-tls").startswith("rcv-")
    else:  # the certificate is for another name: refused, never sent
        with pytest.raises(ChannelError) as info:
            client.send(b'{"id": 3}', "published", "key-tls")
        assert "无法连接到接收方" in info.value.message and info.value.retryable
        assert tls_receiver.received == []


def test_a_checked_address_that_refuses_the_connection_falls_back_to_the_next(
    receiver, settings, monkeypatch
):
    """A name with an IPv6 and an IPv4 address, the receiver listening on IPv4 only."""
    settings.SYNDICATION_ALLOWED_HOSTS = ["dual.example", "::1", "127.0.0.1"]
    monkeypatch.setattr(
        socket,
        "getaddrinfo",
        lambda host, port, *a, **k: (
            [
                (socket.AF_INET6, socket.SOCK_STREAM, 6, "", ("::1", port, 0, 0)),
                (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port)),
            ]
            if host == "dual.example"
            else [
                (
                    socket.AF_INET6 if ":" in host else socket.AF_INET,
                    socket.SOCK_STREAM,
                    6,
                    "",
                    (host, port, 0, 0) if ":" in host else (host, port),
                )
            ]
        ),
    )
    client = WebhookClient(f"http://dual.example:{receiver.port}/webhook", SECRET, timeout=2)
    assert client.send(b'{"id": 4}', "published", "key-dual").startswith("rcv-")
    assert len(receiver.received) == 1
