"""Property test: whatever readers ask for and whatever editors change in between, a page served
with the cache is exactly the page served without it, for every reader (so nothing stored for
one scope ever reaches another, and nothing stale survives a change)."""

import re

import pytest
from django.contrib.auth.models import Group
from django.db import transaction
from django.test import Client, override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jingjian.core import page_cache, visibility
from jingjian.core.visibility import Visibility
from tests.factories import CaseStudyPageFactory, UserFactory, case_index

pytestmark = pytest.mark.django_db

READERS = ["anonymous", "official", "outsider", "both"]
PAGES = ["public", "intranet", "restricted"]
LEVELS = ["public", "intranet", "restricted"]
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')

request_step = st.tuples(
    st.just("get"),
    st.sampled_from(READERS),
    st.sampled_from(PAGES + ["listing", "home", "search", "api", "api search"]),
)
change_step = st.one_of(
    st.tuples(st.just("visibility"), st.sampled_from(PAGES), st.sampled_from(LEVELS)),
    st.tuples(st.just("retitle"), st.sampled_from(PAGES), st.integers(0, 9)),
    st.tuples(st.just("unpublish"), st.sampled_from(PAGES), st.none()),
    st.tuples(st.just("publish"), st.sampled_from(PAGES), st.none()),
)
steps = st.lists(st.one_of(request_step, request_step, change_step), min_size=4, max_size=16)


def build():
    outsiders = Group.objects.create(name="宣传员")
    pages = {name: CaseStudyPageFactory(title=f"属性缓存{name}案例") for name in PAGES}
    visibility.set_visibility(pages["intranet"], Visibility.INTRANET)
    visibility.set_visibility(pages["restricted"], Visibility.RESTRICTED, groups=["宣传员"])
    users = {
        "official": UserFactory(username="prop-official", groups=["读者"]),
        "outsider": UserFactory(username="prop-outsider", groups=[outsiders.name]),
        "both": UserFactory(username="prop-both", groups=["读者", outsiders.name]),
    }
    clients = {"anonymous": Client()}
    for name, user in users.items():
        clients[name] = Client()
        clients[name].force_login(user)
    return pages, clients


def address(target, pages):
    if target == "listing":
        return case_index().url
    if target == "home":
        return "/"
    if target == "search":
        return "/search/?q=属性缓存"
    if target == "api":
        return "/api/v2/pages/?type=casestudies.CaseStudyPage&fields=title"
    if target == "api search":
        return "/api/v2/pages/?search=属性缓存"
    return pages[target].url


def seen(response):
    return (
        response.status_code,
        response.get("Location"),
        TOKEN.sub("", response.content.decode()),
    )


def change(step, pages):
    kind, name, value = step
    page = pages[name].specific
    page.refresh_from_db()
    if kind == "visibility":
        groups = ["宣传员"] if value == "restricted" else None
        visibility.set_visibility(page, value, groups=groups)
    elif kind == "retitle":
        page.title = f"属性缓存{name}案例第{value}版"
        page.save_revision().publish()
    elif kind == "unpublish" and page.live:
        page.unpublish()
    elif kind == "publish" and not page.live:
        page.save_revision().publish()


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(sequence=steps)
def test_cached_pages_are_the_uncached_pages_for_every_reader(sequence):
    with transaction.atomic():
        pages, clients = build()
        page_cache.purge()  # entries of an earlier, rolled-back example are misses
        hits = 0
        for step in sequence:
            if step[0] != "get":
                change(step, pages)
                continue
            _get, reader, target = step
            client, url = clients[reader], address(target, pages)
            first, second = client.get(url), client.get(url)
            hits += second.get("X-Page-Cache") == "hit"
            with override_settings(PAGE_CACHE_ENABLED=False):
                fresh = client.get(url)
            assert seen(first) == seen(fresh), (reader, url, first.get("X-Page-Cache"))
            assert seen(second) == seen(fresh), (reader, url, second.get("X-Page-Cache"))
        transaction.set_rollback(True)
