"""The test suite's settings: ``jingjian.settings.test`` plus the apps that exist only for tests.

``tests.films`` is a content type written as one app and nothing else: the proof that a new
type needs no change under ``site/`` (see ``tests/films/apps.py``)."""

from jingjian.settings.test import *  # noqa: F403
from jingjian.settings.test import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS[:7], "tests.films", *INSTALLED_APPS[7:]]

# --- Syndication: the loopback fakes of the channels' APIs (tests/support/channels.py) listen on
# 127.0.0.1, which no channel may reach unless an administrator lists it (WeChat's and Weibo's
# API hosts stay listed, as by default).
SYNDICATION_ALLOWED_HOSTS = ["api.weixin.qq.com", "api.weibo.com", "127.0.0.1"]
# Each process looks for missed purges at most this often; the tests that need the look set it
# to 0 (a test counting an anonymous hit's queries must not meet it by chance on a slow machine).
PAGE_CACHE_DEBT_SECONDS = 3600
