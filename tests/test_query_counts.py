"""Queries per page type: within a budget, and the same with 3 results as with 30.

The home page, the case listing (filtered and not), the exemplar listing, the search page, API
search and the listing feed each ask a fixed number of queries however many pages they list;
a page asking one more query per result would fail here long before it is slow at 10,000.
Measured for an anonymous reader and for a logged-in intranet reader (who also sees intranet
pages and their 内部 marks), with every third page intranet and every exemplar with a portrait.
"""

import datetime

import pytest
import wagtail_factories
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import CaseStudyPageFactory, ExemplarPageFactory, HandlingFactory

pytestmark = pytest.mark.django_db

# The most queries each page type may ask (anonymous reader, logged-in reader).
BUDGETS = {
    "home": (17, 22),
    "case_listing": (13, 18),
    "case_listing_filtered": (15, 20),
    "exemplar_listing": (15, 20),
    # One more query when a tier's count finds index entries other tests left behind (the
    # index's bulk writes commit on a second connection): 29/34 and 11/16 on a fresh database.
    "search": (31, 36),
    "api_search": (13, 18),
    "case_feed": (10, 14),
}
URLS = {
    "home": "/",
    "case_listing": "/cases/",
    "case_listing_filtered": "/cases/?problem_type=推诿扯皮&year=2024",
    "exemplar_listing": "/exemplars/",
    "search": "/search/?q=担当",
    "api_search": "/api/v2/pages/?search=担当",
    "case_feed": "/cases/feed/",
}
# Search ranks a tier at a time (title, summary, the rest: ``search.RankedPages``) and stops as
# soon as a page of results is full: three matches probe every tier, thirty fill the page from
# the first. Its count may fall as results grow, never rise.
TIERED = {"search", "api_search"}


@pytest.fixture(autouse=True)
def empty_cache():
    """What earlier tests left in the cache (renditions, the sites' root paths, keyed by ids a
    rolled-back database hands out again) must not save or cost a query here."""
    cache.clear()
    yield
    cache.clear()


def add_pages(count, start, make_page_visible):
    """``count`` case studies and exemplars matching the listing's filter and the search term,
    every third one intranet; each exemplar with its own portrait."""
    for n in range(start, start + count):
        case = CaseStudyPageFactory(
            title=f"担当不力问题{n:02d}",
            slug=f"count-case-{n}",
            date_handled=datetime.date(2024, 1 + n % 12, 1),
            problem_types=["推诿扯皮"],
        )
        HandlingFactory(page=case)
        exemplar = ExemplarPageFactory(
            title=f"担当作为的好干部{n:02d}",
            slug=f"count-exemplar-{n}",
            portrait=wagtail_factories.ImageFactory(title=f"肖像{n}"),
        )
        if n % 3 == 0:
            make_page_visible(case, "intranet")
            make_page_visible(exemplar, "intranet")


def queries(client, url):
    client.get(url)  # the first request warms what every later one finds ready (site roots)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def counts(client):
    return {name: queries(client, url) for name, url in URLS.items()}


@pytest.mark.parametrize("audience", ["anonymous", "reader"])
def test_queries_per_page_type_do_not_grow_with_results(
    audience, client, reader, make_page_visible
):
    if audience == "reader":
        client.force_login(reader)
    add_pages(3, 0, make_page_visible)
    few = counts(client)
    add_pages(27, 3, make_page_visible)
    many = counts(client)
    assert {n: c for n, c in many.items() if n not in TIERED} == {
        n: c for n, c in few.items() if n not in TIERED
    }
    assert all(many[name] <= few[name] for name in TIERED), (few, many)
    budget = {name: limits[audience == "reader"] for name, limits in BUDGETS.items()}
    over = {name: n for name, n in few.items() if n > budget[name]}
    assert not over, f"over budget {budget}: {few}"


def test_detail_pages_within_budget(client, reader, make_page_visible):
    add_pages(3, 0, make_page_visible)
    case, exemplar = "/cases/count-case-1/", "/exemplars/count-exemplar-1/"
    anonymous = queries(client, case), queries(client, exemplar)
    client.force_login(reader)
    logged_in = queries(client, case), queries(client, exemplar)
    assert anonymous[0] <= 17 and anonymous[1] <= 18, anonymous
    assert logged_in[0] <= 22 and logged_in[1] <= 23, logged_in
