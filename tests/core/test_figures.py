"""Counts kept per content generation (``core.figures``): reused until the content changes,
never across readers who see different pages, computed afresh when the cache cannot be read."""

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from jingjian.core import page_cache
from jingjian.core.visibility import Visibility, set_visibility
from jingjian.settings.base import redis_caches
from tests.factories import CaseStudyPageFactory, UserFactory, case_index
from tests.support.redis import closed_port

pytestmark = pytest.mark.django_db


def counting(client, url):
    """The response and how many of its queries counted rows."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return response, sum("COUNT(" in query["sql"] for query in captured)


def reader():
    client = Client()
    client.force_login(UserFactory(groups=["读者"]))
    return client


@override_settings(PAGE_CACHE_ENABLED=False)  # the figures alone, not whole pages
def test_a_listings_count_is_kept_until_the_content_changes(client):
    CaseStudyPageFactory.create_batch(3)
    url = case_index().url
    first, counted_first = counting(client, url)
    again, counted_again = counting(client, url)
    assert first.context["result_count"] == again.context["result_count"] == 3
    assert (counted_first, counted_again) == (1, 0)  # the second time from the kept figure

    CaseStudyPageFactory()  # a write: the generation changes
    changed, counted = counting(client, url)
    assert changed.context["result_count"] == 4 and counted == 1


@override_settings(PAGE_CACHE_ENABLED=False)
def test_figures_never_cross_readers_who_see_different_pages(client):
    CaseStudyPageFactory()
    set_visibility(CaseStudyPageFactory(), Visibility.INTRANET)
    official = reader()
    for _ in range(2):  # in turns, each time from the kept figures
        assert client.get("/").context["counts"]["cases"] == 1
        assert official.get("/").context["counts"]["cases"] == 2
        assert client.get(case_index().url).context["result_count"] == 1
        assert official.get(case_index().url).context["result_count"] == 2


@override_settings(PAGE_CACHE_ENABLED=False)
def test_a_restriction_set_later_changes_the_figures(client):
    page = CaseStudyPageFactory()
    CaseStudyPageFactory()
    assert client.get("/").context["counts"]["cases"] == 2
    set_visibility(page, Visibility.INTRANET)
    assert client.get("/").context["counts"]["cases"] == 1
    assert client.get(case_index().url).context["result_count"] == 1


def test_figures_are_computed_when_the_cache_cannot_be_read(settings, client):
    settings.CACHES = redis_caches(f"redis://127.0.0.1:{closed_port()}/0")
    CaseStudyPageFactory.create_batch(2)
    for _ in range(2):
        response = client.get(case_index().url)
        assert response.status_code == 200 and response.context["result_count"] == 2
    page_cache.reset_for_tests()


@override_settings(PAGE_CACHE_ENABLED=False)
def test_search_figures_never_cross_readers_or_changes(search_engine, client):
    """The ranked ids, the total and the facet counts of a search are kept per generation:
    never shown to a reader who may not see a page they count, nor after it is hidden."""
    CaseStudyPageFactory(title="敢于担当的公开案例")
    hidden = CaseStudyPageFactory(title="敢于担当的内部案例")
    set_visibility(hidden, Visibility.INTRANET)
    official = reader()
    url = "/search/?q=担当"
    for _ in range(2):
        public = client.get(url).content.decode()
        assert "公开案例" in public and "内部案例" not in public
        assert client.get(url).context["outcome"].total == 1
        assert "内部案例" in official.get(url).content.decode()
        assert official.get(url).context["outcome"].total == 2
    set_visibility(hidden, Visibility.RESTRICTED, groups=["纪检监察"])
    assert official.get(url).context["outcome"].total == 1
    assert "内部案例" not in official.get(url).content.decode()
