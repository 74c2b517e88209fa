"""WeChat access tokens are shared by every process through Django's cache.

The task worker, cron's ``send_deliveries`` and the web servers are separate processes; each
fetching its own token would make WeChat retire the others'. Here two real processes, sharing
a file cache, start at the same moment against the loopback WeChat: one token request between
them. No database is needed.
"""

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from jingjian.syndication.clients import WeChatClient
from tests.support.channels import FakeWeChat

ROOT = Path(__file__).resolve().parents[2]
APP_ID = "wx-shared-token"
APP_SECRET = "app-secret-共享"

PROCESS = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path

    import django

    django.setup()
    from jingjian.syndication.clients import WeChatClient

    url, folder, name, signal = sys.argv[1], Path(sys.argv[2]), sys.argv[3], sys.argv[4]
    client = WeChatClient(url, {app_id!r}, {app_secret!r}, timeout=5)
    (folder / f"{{name}}.ready").touch()
    while not (folder / signal).exists():
        time.sleep(0.001)
    first = client.access_token()
    second = client.access_token()
    print(json.dumps({{"first": first, "second": second}}))
    """
).format(app_id=APP_ID, app_secret=APP_SECRET)


@pytest.fixture
def wechat():
    with FakeWeChat(APP_ID, APP_SECRET) as fake:
        yield fake


@pytest.fixture
def shared_cache_settings(tmp_path):
    """A settings module: the tests' settings with a file cache every process shares."""
    (tmp_path / "shared_cache_settings.py").write_text(
        "from tests.settings import *  # noqa: F403\n"
        "CACHES = {'default': {'BACKEND': 'django.core.cache.backends.filebased.FileBasedCache',"
        f" 'LOCATION': {str(tmp_path / 'cache')!r}}}}}\n",
        encoding="utf-8",
    )
    return tmp_path


def start(name, signal, wechat, folder):
    """A process that sets Django up, then fetches a token when the file ``signal`` appears."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "shared_cache_settings",
        "PYTHONPATH": os.pathsep.join([str(folder), str(ROOT)]),
    }
    return subprocess.Popen(
        [sys.executable, "-c", PROCESS, wechat.url, str(folder), name, signal],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def result(process):
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    return json.loads(out.strip().splitlines()[-1])


def test_two_processes_starting_together_fetch_one_token(wechat, shared_cache_settings):
    folder = shared_cache_settings
    worker, scheduler = (start(name, "go", wechat, folder) for name in ["worker", "scheduler"])
    later = start("later", "go-later", wechat, folder)  # cron's next send_deliveries
    deadline = time.monotonic() + 180
    while not all((folder / f"{name}.ready").exists() for name in ["worker", "scheduler", "later"]):
        assert time.monotonic() < deadline, "the processes did not start"
        time.sleep(0.02)
    (folder / "go").touch()  # the worker and the scheduler at the same moment
    worker, scheduler = result(worker), result(scheduler)
    assert worker["first"] == worker["second"] == scheduler["first"] == scheduler["second"]
    assert wechat.token_requests == 1
    assert wechat.tokens_issued == 1

    (folder / "go-later").touch()  # a process started later finds the token in the cache
    assert result(later)["first"] == worker["first"]
    assert wechat.token_requests == 1


def test_a_refused_token_is_replaced_once_and_not_the_newer_one(wechat):
    """Two clients (as two processes would) share one token through the cache. When WeChat
    refuses it, the first to notice replaces it; the second, refused with the same old token,
    takes the replacement instead of replacing the replacement."""
    worker = WeChatClient(wechat.url, APP_ID, APP_SECRET, timeout=2)
    scheduler = WeChatClient(wechat.url, APP_ID, APP_SECRET, timeout=2)
    old = worker.access_token()
    assert scheduler.access_token() == old
    assert wechat.token_requests == 1

    wechat.expire_tokens()
    new = worker._replace(old)
    assert new != old
    assert scheduler._replace(old) == new  # no second fetch: the cache has a newer token
    assert wechat.token_requests == 2

    thumb = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(2000)
    assert scheduler.add_thumb(thumb, "cover.jpg")
    assert wechat.token_requests == 2


def test_an_expired_token_during_a_call_is_replaced_for_every_process(wechat):
    worker = WeChatClient(wechat.url, APP_ID, APP_SECRET, timeout=2)
    scheduler = WeChatClient(wechat.url, APP_ID, APP_SECRET, timeout=2)
    thumb = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(2000)
    worker.add_thumb(thumb, "cover.jpg")
    wechat.expire_tokens()
    worker.add_thumb(thumb, "cover.jpg")  # refused with 42001, replaced, retried
    scheduler.add_thumb(thumb, "cover.jpg")  # uses the replacement at once
    assert wechat.token_requests == 2
    assert len([u for u in wechat.uploads if u["kind"] == "thumb"]) == 3


def test_a_token_wechat_still_hands_out_but_refuses_is_force_refreshed(wechat):
    client = WeChatClient(wechat.url, APP_ID, APP_SECRET, timeout=2)
    token = client.access_token()
    # WeChat says the token is invalid (40001), yet the normal mode hands out the same one.
    assert client._replace(token) != token
    assert wechat.token_requests == 3  # the normal fetch, then the forced one
