"""Atomic writes to the outbox folder the stations and the paper collect from.

Failures are real ones: a file-size limit set on a child process (the kernel refuses the write
half-way, as a full disk or a dropped share would), a folder path that is a file, and data that
cannot be written. No database is needed.
"""

import json
import os
import subprocess
import sys
import textwrap
import threading

import pytest

from jingjian.syndication.clients import ChannelError
from jingjian.syndication.outbox import write_atomic


def leftovers(folder):
    """Temporary files a collector would have to ignore."""
    return sorted(name for name in os.listdir(folder) if name.startswith("."))


def test_write_creates_the_folder_and_the_exact_file(tmp_path):
    folder = tmp_path / "电视台" / "口播稿"
    data = "镜鉴湖畔的守护者\n他每天清晨六点巡湖。\n".encode()

    path = write_atomic(folder, "20260511-镜鉴湖畔的守护者.txt", data)

    assert path == folder / "20260511-镜鉴湖畔的守护者.txt"
    assert path.read_bytes() == data
    assert os.listdir(folder) == [path.name]


def test_written_file_is_readable_by_the_collectors_like_any_other_file(tmp_path):
    umask = os.umask(0o022)
    os.umask(umask)

    path = write_atomic(tmp_path, "script.txt", b"data")

    assert path.stat().st_mode & 0o777 == 0o666 & ~umask


def test_write_replaces_an_older_version(tmp_path):
    write_atomic(tmp_path, "manuscript.docx", b"first version")

    write_atomic(tmp_path, "manuscript.docx", b"second")

    assert (tmp_path / "manuscript.docx").read_bytes() == b"second"
    assert leftovers(tmp_path) == []


def test_empty_file_is_written(tmp_path):
    assert write_atomic(tmp_path, "empty.txt", b"").read_bytes() == b""


@pytest.mark.parametrize(
    "filename",
    ["", "   ", "../escape.txt", "sub/file.txt", "sub\\file.txt", "..", ".hidden", "a.txt.part"],
)
def test_unsafe_file_names_are_refused_in_chinese(tmp_path, filename):
    with pytest.raises(ValueError) as info:
        write_atomic(tmp_path / "outbox", filename, b"data")

    assert any("\u4e00" <= ch <= "\u9fff" for ch in str(info.value))
    assert not (tmp_path / "outbox").exists()
    assert not (tmp_path / "escape.txt").exists()


def test_failure_midway_leaves_the_old_file_and_no_temporary_file(tmp_path):
    # The child process may not write files over 64 KB (RLIMIT_FSIZE): the kernel refuses the
    # write half-way, like a disk filling up. The earlier version must survive untouched.
    write_atomic(tmp_path, "script.txt", b"old complete version")
    child = textwrap.dedent(
        f"""
        import json, resource, signal
        from jingjian.syndication.clients import ChannelError
        from jingjian.syndication.outbox import write_atomic

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))
        try:
            write_atomic({str(tmp_path)!r}, "script.txt", b"x" * (1024 * 1024))
        except ChannelError as error:
            print(json.dumps({{"retryable": error.retryable, "message": error.message}}))
        """
    )

    result = subprocess.run(
        [sys.executable, "-c", child], capture_output=True, text=True, timeout=60, check=True
    )

    outcome = json.loads(result.stdout)
    assert outcome["retryable"] is True
    assert "script.txt" in outcome["message"] and "自动重试" in outcome["message"]
    assert (tmp_path / "script.txt").read_bytes() == b"old complete version"
    assert leftovers(tmp_path) == []


def test_failure_midway_without_an_older_file_leaves_nothing(tmp_path):
    with pytest.raises(ChannelError) as info:
        write_atomic(tmp_path, "script.txt", "not bytes")  # fails inside the write

    assert info.value.retryable is False
    assert os.listdir(tmp_path) == []


def test_folder_that_cannot_be_created_is_a_retryable_error(tmp_path):
    blocker = tmp_path / "share"
    blocker.write_bytes(b"a file where the share's folder should be")

    with pytest.raises(ChannelError) as info:
        write_atomic(blocker / "报社", "manuscript.docx", b"data")

    assert info.value.retryable is True
    assert "投递文件夹" in info.value.message
    assert sorted(os.listdir(tmp_path)) == ["share"]


def test_concurrent_writers_of_different_files(tmp_path):
    payloads = {f"稿件-{n:02d}.docx": os.urandom(200_000) for n in range(16)}
    errors = []

    def write(name):
        try:
            write_atomic(tmp_path, name, payloads[name])
        except Exception as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(name,)) for name in payloads]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(os.listdir(tmp_path)) == sorted(payloads)
    for name, data in payloads.items():
        assert (tmp_path / name).read_bytes() == data


def test_a_collector_never_sees_a_partial_file(tmp_path):
    # Writers keep replacing one file while a collector keeps reading it: every read must be
    # one complete version.
    versions = [bytes([n]) * 300_000 for n in range(8)]
    target = tmp_path / "broadcast.txt"
    done = threading.Event()
    seen = []

    def collect():
        while not done.is_set():
            try:
                seen.append(target.read_bytes())
            except FileNotFoundError:
                pass

    def write(data):
        for _ in range(5):
            write_atomic(tmp_path, "broadcast.txt", data)

    collector = threading.Thread(target=collect)
    collector.start()
    writers = [threading.Thread(target=write, args=(data,)) for data in versions]
    for thread in writers:
        thread.start()
    for thread in writers:
        thread.join()
    done.set()
    collector.join()

    assert seen, "the collector read nothing"
    assert all(data in versions for data in seen)
    assert target.read_bytes() in versions
    assert leftovers(tmp_path) == []
