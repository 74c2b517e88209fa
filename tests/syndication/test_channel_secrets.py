"""Channel secrets are encrypted at rest (Fernet keys from CHANNEL_SECRET_KEYS), rotatable,
never shown back in the admin, and a key that does not fit is explained instead of failing."""

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from jingjian.syndication import channel_secrets
from jingjian.syndication.models import Channel, Delivery
from tests.factories import ExemplarPageFactory
from tests.support.channels import WebhookReceiver

SECRET = "webhook-签名密钥-Zq9"
OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()


def stored(channel):
    """The secret column as the database holds it (raw SQL, no model field in between)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM syndication_channel WHERE id = %s", [channel.pk])
        return cursor.fetchone()[0]


def make_channel(**fields):
    return Channel.objects.create(
        **{"name": "鉴湖客户端", "kind": "webhook", "endpoint": "http://127.0.0.1:9/hook"}
        | {"secret": SECRET, "max_attempts": 1, **fields}
    )


@pytest.mark.django_db
def test_the_column_holds_a_token_not_the_secret():
    channel = make_channel()
    raw = stored(channel)
    assert raw and SECRET not in raw and "签名" not in raw
    assert raw.startswith("gAAAAA")  # a Fernet token
    assert Channel.objects.get(pk=channel.pk).secret == SECRET
    assert channel_secrets.decrypt(raw) == SECRET


@pytest.mark.django_db
def test_an_empty_secret_stays_empty():
    channel = make_channel(secret="")
    assert stored(channel) == ""
    assert Channel.objects.get(pk=channel.pk).secret == ""


@pytest.mark.django_db
def test_the_admin_never_shows_the_secret_and_a_blank_field_keeps_it(client, superuser):
    channel = make_channel(endpoint="http://127.0.0.1:9/hook")
    client.force_login(superuser)
    url = reverse("wagtailsnippets_syndication_channel:edit", args=[channel.pk])
    page = client.get(url).content.decode()
    assert SECRET not in page and stored(channel) not in page
    assert 'type="password"' in page
    assert "已保存密钥（加密保存，不显示）" in page
    data = {
        "name": channel.name,
        "slug": channel.slug,
        "kind": "webhook",
        "active": "on",
        "endpoint": channel.endpoint,
        "app_id": "",
        "secret": "",
        "outbox_folder": "",
        "author": "新署名",
        "max_duration_seconds": "180",
        "max_attempts": "1",
        "retry_base_seconds": "30",
        "timeout_seconds": "10",
    }
    assert client.post(url, data).status_code == 302
    channel.refresh_from_db()
    assert channel.author == "新署名" and channel.secret == SECRET
    assert SECRET not in stored(channel)


@pytest.mark.django_db
def test_rotation_re_encrypts_every_secret_with_the_first_key(settings, capsys):
    settings.CHANNEL_SECRET_KEYS = [OLD_KEY]
    channels = [make_channel(name=f"渠道{n}", secret=f"{SECRET}-{n}") for n in range(3)]
    make_channel(name="没有密钥", secret="")
    before = [stored(c) for c in channels]

    settings.CHANNEL_SECRET_KEYS = [NEW_KEY, OLD_KEY]  # new first, old still opens
    assert [c.secret for c in Channel.objects.filter(pk__in=[c.pk for c in channels])]
    call_command("rotate_channel_secrets")
    assert "已用新密钥重新加密 3 个渠道的密钥。" in capsys.readouterr().out

    new_only = Fernet(NEW_KEY.encode())
    for number, channel in enumerate(channels):
        raw = stored(channel)
        assert raw != before[number]
        assert new_only.decrypt(raw.encode()).decode() == f"{SECRET}-{number}"

    settings.CHANNEL_SECRET_KEYS = [NEW_KEY]  # the old key retired
    assert Channel.objects.get(pk=channels[1].pk).secret == f"{SECRET}-1"


@pytest.mark.django_db
def test_rotation_reports_secrets_no_key_opens(settings):
    settings.CHANNEL_SECRET_KEYS = [OLD_KEY]
    make_channel(name="旧渠道")
    settings.CHANNEL_SECRET_KEYS = [NEW_KEY]
    with pytest.raises(CommandError, match="1 个渠道的密钥无法用现有加密密钥解密，未处理：旧渠道"):
        call_command("rotate_channel_secrets")


@pytest.mark.django_db
def test_a_wrong_key_is_explained_in_the_admin_not_a_server_error(client, superuser, settings):
    settings.CHANNEL_SECRET_KEYS = [OLD_KEY]
    channel = make_channel()
    token = stored(channel)
    settings.CHANNEL_SECRET_KEYS = [NEW_KEY]
    client.force_login(superuser)

    listing = client.get(reverse("wagtailsnippets_syndication_channel:list"))
    assert listing.status_code == 200
    url = reverse("wagtailsnippets_syndication_channel:edit", args=[channel.pk])
    edit = client.get(url)
    assert edit.status_code == 200
    assert "已保存的密钥无法解密" in edit.content.decode()

    # Saved without a new secret: refused with the reason; the stored token is untouched.
    data = {
        "name": channel.name,
        "slug": channel.slug,
        "kind": "webhook",
        "active": "on",
        "endpoint": channel.endpoint,
        "app_id": "",
        "secret": "",
        "outbox_folder": "",
        "author": "",
        "max_duration_seconds": "180",
        "max_attempts": "1",
        "retry_base_seconds": "30",
        "timeout_seconds": "10",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "请管理员恢复原来的加密密钥，或在渠道设置中重新填写密钥。" in response.content.decode()
    assert stored(channel) == token

    # Saving another field through the model keeps the token as it was, too.
    unreadable = Channel.objects.get(pk=channel.pk)
    unreadable.author = "署名"
    unreadable.save()
    assert stored(channel) == token

    # Typed again: sealed with the current key.
    response = client.post(url, {**data, "secret": "新的密钥"})
    assert response.status_code == 302
    assert Channel.objects.get(pk=channel.pk).secret == "新的密钥"


@pytest.mark.django_db
def test_a_wrong_key_fails_the_delivery_with_the_reason(
    settings, django_capture_on_commit_callbacks
):
    with WebhookReceiver(SECRET) as receiver:
        settings.CHANNEL_SECRET_KEYS = [OLD_KEY]
        channel = make_channel(endpoint=receiver.url)
        settings.CHANNEL_SECRET_KEYS = [NEW_KEY]
        page = ExemplarPageFactory()
        page.channels.set([channel])
        with django_capture_on_commit_callbacks(execute=True):
            page.save_revision().publish()
        delivery = Delivery.objects.get()
        assert delivery.status == "failed"
        assert "已保存的密钥无法解密" in delivery.last_error
        assert receiver.requests == 0


@pytest.mark.django_db
def test_the_system_check_names_channels_with_unreadable_secrets(settings):
    from django.core import checks

    settings.CHANNEL_SECRET_KEYS = [OLD_KEY]
    make_channel()
    settings.CHANNEL_SECRET_KEYS = [NEW_KEY]
    found = checks.run_checks(databases=["default"], tags=[checks.Tags.database])
    assert "syndication.W002" in {warning.id for warning in found}


def test_the_development_key_is_fixed_and_used_when_none_is_configured(settings):
    settings.CHANNEL_SECRET_KEYS = []
    token = channel_secrets.encrypt("x")
    assert Fernet(channel_secrets.development_key()).decrypt(token.encode()) == b"x"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_seals_secrets_stored_in_plain_text():
    before = [("syndication", "0004_full_width_channel_labels")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old_apps = executor.loader.project_state(before).apps
    OldChannel = old_apps.get_model("syndication", "Channel")
    plain = OldChannel.objects.create(name="旧微博", slug="old-weibo", kind="weibo", secret=SECRET)
    assert stored(plain) == SECRET

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    raw = stored(plain)
    assert SECRET not in raw
    assert Channel.objects.get(pk=plain.pk).secret == SECRET
