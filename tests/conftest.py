import os
import shutil
import tempfile

import pytest
from django.core.cache import caches

from jingjian.core import routing, visibility
from jingjian.settings.base import elasticsearch_search_backends
from tests.factories import UserFactory


def pytest_configure(config):
    # Uploaded and rendered images go to a throwaway folder, never the developer's media/.
    from django.conf import settings

    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="jingjian-test-media-")
    settings.PRIVATE_MEDIA_ROOT = tempfile.mkdtemp(prefix="jingjian-test-private-")
    settings.SYNDICATION_OUTBOX_ROOT = os.path.join(settings.MEDIA_ROOT, "outbox")


def pytest_collection_modifyitems(config, items):
    """Tests marked ``postgres`` exercise what only PostgreSQL does (rebuilding a table beside
    itself); on SQLite they are deselected, not skipped, and run in CI's PostgreSQL pass."""
    from django.db import connection

    if connection.vendor == "postgresql":
        return
    deselected = [item for item in items if item.get_closest_marker("postgres")]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if not item.get_closest_marker("postgres")]


def pytest_unconfigure(config):
    from django.conf import settings

    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)
    shutil.rmtree(settings.PRIVATE_MEDIA_ROOT, ignore_errors=True)


@pytest.fixture
def make_page_visible():
    """Set a page's visibility through the one visibility module."""

    def apply(page, level, groups=None):
        visibility.set_visibility(page, level, groups)
        return page

    return apply


@pytest.fixture
def reader(db):
    return UserFactory(username="duzhe", groups=["读者"])


@pytest.fixture
def discipline_user(db):
    return UserFactory(username="jijian", groups=["纪检监察"])


@pytest.fixture
def editor(db):
    return UserFactory(username="bianji", groups=["编辑"])


@pytest.fixture
def reviewer(db):
    return UserFactory(username="shenhe", groups=["审核"])


@pytest.fixture
def superuser(db):
    return UserFactory(username="admin", is_superuser=True, is_staff=True)


@pytest.fixture
def in_ci():
    return os.environ.get("CI", "").lower() == "true"


ENGINES = ["database", "elasticsearch"]


@pytest.fixture(params=ENGINES)
def search_engine(request, settings, db):
    """Run a test on the database backend and on Elasticsearch."""
    if request.param == "elasticsearch":
        _use_elasticsearch(request, settings)
    yield request.param


@pytest.fixture
def elasticsearch(request, settings, db):
    """Elasticsearch as the search engine for this test."""
    _use_elasticsearch(request, settings)
    from jingjian.search import elastic as search_elasticsearch

    return search_elasticsearch.client()


def _use_elasticsearch(request, settings):
    """Point search at Elasticsearch, with empty indexes.

    Needs ELASTICSEARCH_URL: without it the test is skipped on a laptop and fails in CI
    (CI=true), where a missing engine must never pass unnoticed.
    """
    url = settings.TEST_ELASTICSEARCH_URL
    if not url:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI=true but ELASTICSEARCH_URL is not set: Elasticsearch tests cannot run.")
        pytest.skip("Elasticsearch not configured (set ELASTICSEARCH_URL to run these tests)")
    from django.core.management import call_command

    from jingjian.search import elastic as search_elasticsearch
    from tests.support import elasticsearch as support_elasticsearch

    # A failure an earlier test provoked must not send this one to the database fallback.
    search_elasticsearch.mark_available()
    prefix = f"jingjian_test_{os.getpid()}"
    settings.ELASTICSEARCH_INDEX_PREFIX = prefix
    settings.ELASTICSEARCH_REFRESH_ON_WRITE = True
    settings.WAGTAILSEARCH_BACKENDS = elasticsearch_search_backends(url, prefix)
    if not _ELASTICSEARCH_READY:
        support_elasticsearch.wait_for_cluster()
        call_command("update_index", verbosity=0)  # creates both indexes with their mappings
        _ELASTICSEARCH_READY.append(prefix)
        es = search_elasticsearch.client()
        request.session.addfinalizer(
            lambda: support_elasticsearch.delete_indices(f"{prefix}_*", es=es)
        )
    else:
        # Same indexes, emptied: much faster than rebuilding them for every test.
        support_elasticsearch.delete_all_documents(f"{prefix}_*")


_ELASTICSEARCH_READY = []


@pytest.fixture(scope="module")
def demo_content(django_db_setup, django_db_blocker):
    """The demo content, loaded once for a test module and removed again afterwards
    (it lives outside the per-test transactions)."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from wagtail.images import get_image_model

    from casestudies.models import BulletinPage, CaseFile, CaseStudyPage
    from exemplars.models import ExemplarPage
    from jingjian.syndication.models import Channel
    from study.models import StudyList, Unit

    with django_db_blocker.unblock():
        call_command("load_demo_content", verbosity=0)
        try:
            yield
        finally:
            BulletinPage.objects.all().delete()
            CaseStudyPage.objects.all().delete()  # before the case files they protect
            CaseFile.objects.all().delete()
            Channel.objects.all().delete()
            StudyList.objects.all().delete()
            Unit.objects.all().delete()
            ExemplarPage.objects.all().delete()
            get_image_model().objects.all().delete()
            get_user_model().objects.all().delete()


@pytest.fixture(autouse=True)
def empty_page_cache():
    """Each test starts with an empty page cache: a test's rolled-back writes never purge it.
    (The "default" cache is left alone, as before: Wagtail keeps the sites' root paths there.)"""
    from jingjian.core import page_cache

    caches["pages"].clear()
    page_cache.reset_for_tests()
    # Nor does a transactional test's flush: the restrictions a process kept go with the pages.
    visibility.forget_process_roots()
    routing.forget()
    yield


@pytest.fixture
def redis_url(settings):
    """The Redis CI starts (REDIS_URL), emptied: without it the test is skipped on a laptop and
    fails in CI (CI=true), where a missing Redis must never pass unnoticed."""
    url = settings.TEST_REDIS_URL
    if not url:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI=true but REDIS_URL is not set: the Redis cache tests cannot run.")
        pytest.skip("Redis not configured (set REDIS_URL to run these tests)")
    import redis  # Here, not at the top: only the Redis tests need the client.

    redis.Redis.from_url(url, socket_connect_timeout=2).flushdb()  # emptied, as said above
    return url


@pytest.fixture
def redis_server():
    """A redis-server of the test's own (Debian's package), which the test may stop."""
    from tests.support.redis import RedisServer

    server = RedisServer()
    if server.binary is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI=true but redis-server is not installed: the fault tests cannot run.")
        pytest.skip("redis-server not installed (apt-get install redis-server)")
    server.start()
    yield server
    server.stop()
