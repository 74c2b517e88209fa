"""Elasticsearch stopped: readers' searches (the search page and the API) are answered from
the database with a notice, never a 500, within a second; a process stops asking a dead engine
for a while and asks again afterwards, so search recovers without anyone acting.

The dead engine is real: a loopback port nothing listens on (connections refused), a port that
accepts and never answers (a hung engine), and, for recovery, CI's Elasticsearch behind a
loopback forwarder that is stopped and started again on the same port."""

import re
import time
from urllib.parse import urlsplit

import pytest
from django.test import Client

from jingjian.search import elastic
from jingjian.search import reader as search
from jingjian.settings.base import elasticsearch_search_backends
from tests.factories import CaseStudyPageFactory, ExemplarPageFactory
from tests.support import elasticsearch as support_elasticsearch

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_breaker():
    elastic.mark_available()
    yield
    elastic.mark_available()


@pytest.fixture
def pages():
    return [
        CaseStudyPageFactory(title="某街道推诿扯皮问题", summary="群众办事多次跑腿。"),
        ExemplarPageFactory(title="敢于担当的村支书", summary="他带领村民修路。"),
    ]


def engine_at(settings, url):
    settings.WAGTAILSEARCH_BACKENDS = elasticsearch_search_backends(
        url, settings.ELASTICSEARCH_INDEX_PREFIX
    )


def page_text(response):
    """What the reader reads (the highlighting's <mark> tags split the titles)."""
    return re.sub(r"<[^>]+>", "", response.content.decode())


def test_a_stopped_engine_leaves_the_search_page_to_the_database(pages, settings):
    engine_at(settings, f"http://127.0.0.1:{support_elasticsearch.closed_port()}")
    client = Client()

    response = client.get("/search/?q=推诿扯皮")

    assert response.status_code == 200
    text = page_text(response)
    assert search.FALLBACK_NOTICE in text
    assert "某街道推诿扯皮问题" in text and "敢于担当的村支书" not in text
    assert "共找到 1 条结果" in text


def test_a_stopped_engine_leaves_the_api_search_to_the_database(pages, settings):
    engine_at(settings, f"http://127.0.0.1:{support_elasticsearch.closed_port()}")

    response = Client().get("/api/v2/pages/?search=担当")

    assert response.status_code == 200
    body = response.json()
    assert body["meta"]["notice"] == search.FALLBACK_NOTICE
    assert [item["title"] for item in body["items"]] == ["敢于担当的村支书"]


def test_a_hung_engine_is_waited_for_once_then_left_alone(pages, settings):
    """A hung engine is asked once; the searches after it go to the database without asking
    it again until ELASTICSEARCH_RETRY_AFTER has passed."""
    hung = support_elasticsearch.Silent()
    try:
        engine_at(settings, hung.url)
        client = Client()
        answers = [client.get("/search/?q=担当") for _ in range(3)]
        api = client.get("/api/v2/pages/?search=担当")
    finally:
        hung.close()

    assert all(a.status_code == 200 for a in answers)
    assert all(search.FALLBACK_NOTICE in page_text(a) for a in answers)
    assert api.json()["meta"]["notice"] == search.FALLBACK_NOTICE
    assert hung.connections == 1


@pytest.mark.parametrize("dead", ["refused", "hung"])
def test_a_dead_engine_costs_a_search_less_than_a_second(pages, settings, dead):
    hung = support_elasticsearch.Silent() if dead == "hung" else None
    url = hung.url if hung else f"http://127.0.0.1:{support_elasticsearch.closed_port()}"
    engine_at(settings, url)
    try:
        start = time.monotonic()
        with pytest.raises(elastic.UNAVAILABLE):
            elastic.engine().run_search("担当", {}, None, 1, 10)
        seconds = time.monotonic() - start
    finally:
        if hung:
            hung.close()
    assert seconds < 1


def test_searches_return_to_the_engine_by_themselves_when_it_is_back(
    elasticsearch, pages, settings
):
    """CI's Elasticsearch behind a forwarder: stopped, the page says it searched the database;
    started again, once ELASTICSEARCH_RETRY_AFTER has passed, the engine answers (it finds the
    word in the body, which the database's fallback does not read)."""
    CaseStudyPageFactory(
        title="某局窗口服务问题",
        summary="企业反映办事难。",
        facts=[{"type": "paragraph", "value": "<p>工作人员对申请推诿扯皮。</p>"}],
    )
    target = urlsplit(settings.TEST_ELASTICSEARCH_URL)
    forwarder = support_elasticsearch.Forwarder(target.hostname, target.port or 9200)
    settings.ELASTICSEARCH_RETRY_AFTER = 0.5
    # The engine's answers, not the page cache's copy of the first one (a fallback page is
    # never stored: test_a_fallback_page_is_not_kept).
    settings.PAGE_CACHE_ENABLED = False
    client = Client()
    with forwarder:
        engine_at(settings, forwarder.url)
        healthy = page_text(client.get("/search/?q=推诿扯皮"))
        forwarder.stop()
        stopped = page_text(client.get("/search/?q=推诿扯皮"))
        forwarder.start()
        time.sleep(1.1)  # past the retry interval and the client's own 1 s node back-off
        recovered = page_text(client.get("/search/?q=推诿扯皮"))
        api = client.get("/api/v2/pages/?search=推诿扯皮").json()

    assert search.FALLBACK_NOTICE not in healthy and "某局窗口服务问题" in healthy
    assert search.FALLBACK_NOTICE in stopped and "某局窗口服务问题" not in stopped
    assert search.FALLBACK_NOTICE not in recovered and "某局窗口服务问题" in recovered
    assert "notice" not in api["meta"]
    assert {item["title"] for item in api["items"]} == {"某街道推诿扯皮问题", "某局窗口服务问题"}


def test_a_fallback_page_is_not_kept(settings):
    """While the engine is down the page is answered from the database and not stored: the
    same search asked again is answered again, not from the cache (which marks what it
    stores and serves with X-Page-Cache)."""
    engine_at(settings, f"http://127.0.0.1:{support_elasticsearch.closed_port()}")
    client = Client()
    first = client.get("/search/?q=推诿扯皮")
    second = client.get("/search/?q=推诿扯皮")
    assert search.FALLBACK_NOTICE in page_text(first)
    assert search.FALLBACK_NOTICE in page_text(second)
    assert "X-Page-Cache" not in first and "X-Page-Cache" not in second
    api = [client.get("/api/v2/pages/?search=推诿扯皮") for _ in range(2)]
    assert all(answer.json()["meta"]["notice"] == search.FALLBACK_NOTICE for answer in api)
    assert all("X-Page-Cache" not in answer for answer in api)


def test_publishing_goes_on_while_the_engine_is_stopped(settings):
    engine_at(settings, f"http://127.0.0.1:{support_elasticsearch.closed_port()}")
    page = ExemplarPageFactory(title="停电夜里守岗的所长", live=False)

    page.save_revision().publish()

    page.refresh_from_db()
    assert page.live
    text = page_text(Client().get("/search/?q=守岗"))
    assert search.FALLBACK_NOTICE in text and "停电夜里守岗的所长" in text
