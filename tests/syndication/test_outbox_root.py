"""Every outbox file lands inside SYNDICATION_OUTBOX_ROOT or nowhere.

A channel's folder is a relative path inside the root: checked when the channel is saved
(tests/syndication/test_channel_form.py) and again, after resolving symbolic links, when a file
is written, so a folder stored some other way, or a link made later, writes nothing outside.
"""

import os

import pytest
from django.core import checks
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from jingjian.syndication import outbox
from jingjian.syndication.clients import ChannelError
from jingjian.syndication.models import Channel, Delivery
from tests.factories import ExemplarPageFactory


@pytest.fixture
def root(settings, tmp_path):
    folder = tmp_path / "outbox"
    folder.mkdir()
    settings.SYNDICATION_OUTBOX_ROOT = str(folder)
    return folder


def publish_to(channel, capture):
    page = ExemplarPageFactory(title="扎根山村的好书记")
    page.channels.set([channel])
    with capture(execute=True):
        page.save_revision().publish()
    return Delivery.objects.get(channel=channel)


def files_under(folder):
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def test_a_relative_folder_is_written_inside_the_root(root):
    path = outbox.write("tv/scripts", "稿件.txt", b"text")
    assert path == root / "tv" / "scripts" / "稿件.txt"
    assert path.read_bytes() == b"text"


@pytest.mark.parametrize("folder", ["/tmp/elsewhere", "../elsewhere", "tv/../../elsewhere", "~"])
def test_a_folder_outside_the_root_is_refused_at_write_time(root, tmp_path, folder):
    with pytest.raises(ChannelError) as info:
        outbox.write(folder, "稿件.txt", b"text")
    assert info.value.retryable is False
    assert info.value.message.startswith("文件“稿件.txt”没有写入：投递文件夹")
    assert not (tmp_path / "elsewhere").exists()
    assert files_under(tmp_path) == []


def test_a_link_made_after_the_channel_was_saved_is_refused(root, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    assert outbox.folder_problem("tv") is None  # fine when saved
    (root / "tv").symlink_to(outside)  # later, someone links it out of the root
    with pytest.raises(ChannelError, match="经符号链接指向了投递根目录"):
        outbox.write("tv", "稿件.txt", b"text")
    with pytest.raises(ChannelError, match="经符号链接指向了投递根目录"):
        outbox.write("tv/deeper", "稿件.txt", b"text")  # nor is a folder made through it
    assert list(outside.iterdir()) == []


def test_a_link_that_stays_inside_the_root_is_fine(root):
    (root / "shared").mkdir()
    (root / "tv").symlink_to(root / "shared")
    outbox.write("tv", "稿件.txt", b"text")
    assert (root / "shared" / "稿件.txt").read_bytes() == b"text"


@pytest.mark.django_db
def test_a_delivery_to_a_folder_outside_the_root_fails_with_the_reason(
    root, tmp_path, django_capture_on_commit_callbacks
):
    elsewhere = tmp_path / "elsewhere"
    channel = Channel.objects.create(
        name="电视台", kind="tv", outbox_folder=str(elsewhere), max_attempts=3
    )
    delivery = publish_to(channel, django_capture_on_commit_callbacks)
    assert delivery.status == "failed" and delivery.attempts == 1
    assert "不能是绝对路径" in delivery.last_error
    assert not elsewhere.exists()


@pytest.mark.django_db
def test_the_system_check_names_channels_outside_the_root(root, tmp_path):
    inside = Channel.objects.create(name="报社", kind="newspaper", outbox_folder="paper")
    outside = Channel.objects.create(name="电台", kind="radio", outbox_folder="/srv/radio")
    found = checks.run_checks(databases=["default"], tags=[checks.Tags.database])
    named = [w.msg for w in found if w.id == "syndication.W001"]
    assert len(named) == 1 and f"Channel {outside.pk}" in named[0]
    assert not any(f"Channel {inside.pk} " in message for message in named)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_makes_folders_inside_the_root_relative(root, tmp_path):
    before = [("syndication", "0005_channel_secret_encrypted")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    OldChannel = executor.loader.project_state(before).apps.get_model("syndication", "Channel")
    inside = OldChannel.objects.create(
        name="电视台", slug="tv", kind="tv", outbox_folder=os.path.join(root, "tv", "news")
    )
    outside = OldChannel.objects.create(
        name="电台", slug="radio", kind="radio", outbox_folder="/srv/radio"
    )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert Channel.objects.get(pk=inside.pk).outbox_folder == "tv/news"
    assert Channel.objects.get(pk=outside.pk).outbox_folder == "/srv/radio"  # left, and reported
