"""The whole-page cache: what is stored for whom, what purges it, its headers and its faults."""

import datetime
import gzip
import re
import time

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.cache import caches
from django.test import Client
from django.urls import reverse
from django.utils.http import http_date
from wagtail.models import Page, PageViewRestriction

from casestudies.models import CaseFile, CaseFilePerson, ProblemType, UnitType
from jingjian.core import page_cache
from jingjian.core.models import PageCacheDebt
from jingjian.core.visibility import Visibility, set_visibility
from jingjian.settings.base import redis_caches
from jingjian.syndication.choices import ChannelKind
from jingjian.syndication.models import Channel
from tests.factories import CaseStudyPageFactory, UserFactory, case_index
from tests.support.page_cache import body, logged_in, state
from tests.support.redis import closed_port

pytestmark = pytest.mark.django_db

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def directives(response):
    return {part.strip() for part in response["Cache-Control"].split(",")}


@pytest.fixture
def public_page():
    return CaseStudyPageFactory(title="公开的警示案例")


@pytest.fixture
def intranet_page():
    page = CaseStudyPageFactory(title="内部通报的案例")
    set_visibility(page, Visibility.INTRANET)
    return page


# --- anonymous readers -------------------------------------------------------------------------


def test_a_public_page_is_served_again_without_the_database(
    client, public_page, django_assert_num_queries
):
    first = client.get(public_page.url)
    assert first.status_code == 200 and state(first) == "miss"
    with django_assert_num_queries(0):
        again = client.get(public_page.url)
    assert state(again) == "hit"
    assert body(again) == body(first)
    assert directives(again) == {"public", "max-age=60", "s-maxage=0"}
    assert "Cookie" in again["Vary"]
    assert again["X-Frame-Options"] == first["X-Frame-Options"]


def test_conditional_get_answers_304_from_the_cache(client, public_page):
    first = client.get(public_page.url)
    etag, modified = first["ETag"], first["Last-Modified"]
    assert client.get(public_page.url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get(public_page.url, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    page = public_page.specific
    page.title = "改过标题的案例"
    page.save_revision().publish()
    # Changed since: the full page again, under a new tag.
    changed = client.get(public_page.url, HTTP_IF_NONE_MATCH=etag, HTTP_IF_MODIFIED_SINCE=modified)
    assert changed.status_code == 200 and "改过标题的案例" in body(changed)
    assert changed["ETag"] != etag


def test_html_is_compressed_for_browsers_that_ask(client, public_page):
    response = client.get(public_page.url, HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    assert "公开的警示案例" in gzip.decompress(response.content).decode()
    again = client.get(public_page.url, HTTP_ACCEPT_ENCODING="gzip")
    assert state(again) == "hit" and response["Content-Encoding"] == "gzip"


def test_the_query_string_is_part_of_the_address(client, public_page):
    index = case_index()
    assert state(client.get(index.url + "?year=2022&source=complaint")) == "miss"
    assert state(client.get(index.url + "?source=complaint&year=2022")) == "hit"  # same query
    assert state(client.get(index.url + "?year=2021")) == "miss"


def test_search_results_are_stored_per_full_query(client, public_page):
    assert state(client.get("/search/?q=推诿扯皮")) == "miss"
    hit = client.get("/search/?q=推诿扯皮")
    assert state(hit) == "hit" and "公开的警示案例" in body(hit)
    assert state(client.get("/search/?q=推诿扯皮&page=2")) == "miss"
    assert state(client.get("/search/?q=担当")) == "miss"


# --- logged-in readers -------------------------------------------------------------------------


def test_an_intranet_page_is_shared_by_readers_of_the_same_groups(intranet_page):
    first_reader = UserFactory(username="reader-a", first_name="甲", groups=["读者"])
    second_reader = UserFactory(username="reader-b", first_name="乙", groups=["读者"])
    first = logged_in(first_reader).get(intranet_page.url)
    assert first.status_code == 200 and state(first) == "miss"
    # Restricted: browsers and proxies keep no copy (as Wagtail marks it).
    assert {"private", "no-store"} <= directives(first)
    second = logged_in(second_reader).get(intranet_page.url)
    assert state(second) == "hit" and directives(second) == directives(first)
    # The header is each reader's own: their name, their logout form with their token.
    assert '<span class="site-nav__user">乙</span>' in body(second)
    assert '<span class="site-nav__user">甲</span>' not in body(second)
    assert CSRF.sub("", body(first)).replace("甲", "乙") == CSRF.sub("", body(second))
    assert second["ETag"] != first["ETag"]


def test_the_logout_form_of_a_cached_page_logs_out(reader, intranet_page):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(reader)
    browser.get(intranet_page.url)
    page = browser.get(intranet_page.url)
    assert state(page) == "hit"
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body(page)).group(1)
    response = browser.post("/accounts/logout/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 302 and response["Location"] == "/accounts/logged-out/"
    assert browser.get(intranet_page.url).status_code == 302  # asks for the login again


def test_no_page_is_served_across_groups(reader, outsiders, intranet_page, restricted_page):
    outsider = logged_in(UserFactory(username="xuanchuan", groups=["宣传员"]))
    both = logged_in(UserFactory(username="both", groups=["宣传员", "读者"]))
    official = logged_in(reader)
    assert outsider.get(restricted_page.url).status_code == 200
    assert state(outsider.get(restricted_page.url)) == "hit"
    # Same page, other groups: never the stored copy.
    refused = official.get(restricted_page.url)
    assert refused.status_code == 403 and state(refused) is None
    assert state(both.get(restricted_page.url)) == "miss"
    anonymous = Client().get(restricted_page.url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    # The listing shows each scope what it may see.
    index = case_index().url
    assert "限定宣传员阅读的案例" in body(outsider.get(index))
    assert "限定宣传员阅读的案例" not in body(official.get(index))
    assert "限定宣传员阅读的案例" not in body(Client().get(index))
    assert "内部通报的案例" in body(official.get(index))
    assert "内部通报的案例" not in body(Client().get(index))


def test_anonymous_readers_never_get_what_a_reader_cached(reader, intranet_page):
    official = logged_in(reader)
    index = case_index().url
    official.get(index)
    assert state(official.get(index)) == "hit"
    anonymous = Client().get(index)
    assert state(anonymous) == "miss"
    assert "内部通报的案例" not in body(anonymous)
    assert Client().get(intranet_page.url).status_code == 302


def test_a_reader_moved_to_another_group_gets_that_groups_pages(reader, outsiders, restricted_page):
    official = logged_in(reader)
    assert official.get(restricted_page.url).status_code == 403
    reader.groups.add(outsiders)
    assert official.get(restricted_page.url).status_code == 200
    reader.groups.remove(outsiders)
    assert official.get(restricted_page.url).status_code == 403


def test_a_stored_page_is_served_to_a_reader_reading_only_the_auth_version(
    reader, intranet_page, django_assert_num_queries
):
    reader.first_name, reader.last_name = "婉清", "苏"
    reader.save()
    official = logged_in(reader)
    official.get(intranet_page.url)
    official.get(intranet_page.url)  # their card is kept from here
    with django_assert_num_queries(1) as queries:  # the auth version: no session, user or group
        again = official.get(intranet_page.url)
    assert "core_authversion" in queries.captured_queries[0]["sql"]
    assert state(again) == "hit"
    assert f'<span class="site-nav__user">{reader.get_full_name()}</span>' in body(again)
    assert 'name="csrfmiddlewaretoken"' in body(again)


@pytest.mark.parametrize("change", ["groups", "admin access", "deactivated", "password"])
def test_a_kept_reader_card_never_outlives_a_change_to_the_reader(
    change, reader, outsiders, restricted_page, intranet_page
):
    """Same browser, same session: after each change the next request is judged afresh."""
    official = logged_in(reader)
    reader.groups.add(outsiders)
    for _ in range(2):
        assert state(official.get(restricted_page.url)) in ("miss", "hit")
    assert state(official.get(restricted_page.url)) == "hit"
    if change == "groups":
        reader.groups.remove(outsiders)
        assert official.get(restricted_page.url).status_code == 403
    elif change == "admin access":
        Group.objects.get(name="宣传员").permissions.add(
            Permission.objects.get(codename="access_admin")
        )
        assert state(official.get(restricted_page.url)) is None  # an editor now: fresh pages
    elif change == "deactivated":
        reader.is_active = False
        reader.save()
        assert official.get(restricted_page.url).status_code == 302  # to the login
        assert official.get(intranet_page.url).status_code == 302
    else:
        reader.set_password("另一个足够长的新口令2026")
        reader.save()
        assert official.get(restricted_page.url).status_code == 302  # logged out by Django


def test_a_reader_change_cache_cannot_record_is_made_up_for(
    settings, reader, restricted_page, outsiders, redis_url
):
    """The admin's process cannot reach Redis when a reader loses a group; the others forget
    that reader's card from the missed purge recorded in the database."""
    settings.PAGE_CACHE_DEBT_SECONDS = 0
    settings.CACHES = redis_caches(redis_url)
    reader.groups.add(outsiders)
    official = logged_in(reader)
    both = logged_in(UserFactory(username="both", groups=["读者", "宣传员"]))
    for _ in range(3):
        assert official.get(restricted_page.url).status_code == 200
        assert both.get(restricted_page.url).status_code == 200
    settings.CACHES = redis_caches(f"redis://127.0.0.1:{closed_port()}/0")
    reader.groups.remove(outsiders)
    settings.CACHES = redis_caches(redis_url)
    page_cache.reset_for_tests()  # another process, which saw no failure
    for _ in range(2):
        assert official.get(restricted_page.url).status_code == 403
        assert both.get(restricted_page.url).status_code == 200  # stored for 读者 + 宣传员


# --- never stored ------------------------------------------------------------------------------


def test_editors_and_superusers_are_served_fresh_pages(editor, superuser, public_page):
    for user in (editor, superuser):
        browser = logged_in(user)
        for _ in range(2):
            response = browser.get(public_page.url)
            assert response.status_code == 200 and state(response) is None
            assert directives(response) == {"private", "no-cache"}


def test_a_reader_with_admin_access_is_served_fresh_pages(reader, public_page):
    readers = Group.objects.get(name="读者")
    access = Permission.objects.get(codename="access_admin")
    reader.user_permissions.add(access)
    assert state(logged_in(reader).get(public_page.url)) is None
    reader.user_permissions.remove(access)
    readers.permissions.add(access)
    assert state(logged_in(reader).get(public_page.url)) is None


def test_the_admin_is_never_stored(superuser):
    browser = logged_in(superuser)
    response = browser.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and state(response) is None


def test_a_password_page_is_never_stored(public_page):
    PageViewRestriction.objects.create(page=public_page, restriction_type="password", password="x1")
    browser = Client()
    form = browser.get(public_page.url)
    assert "no-store" in form["Cache-Control"]
    restriction = PageViewRestriction.objects.get(page=public_page)
    action = reverse(
        "wagtailcore_authenticate_with_password", args=[restriction.pk, public_page.pk]
    )
    browser.post(action, {"password": "x1", "return_url": public_page.url})
    opened = browser.get(public_page.url)
    assert "公开的警示案例" in body(opened) and state(opened) is None
    # Someone who has not typed the password gets the form, never the page.
    assert "公开的警示案例</h1>" not in body(Client().get(public_page.url))


def test_posts_errors_and_pending_messages_are_never_stored(client, public_page):
    assert state(client.post(public_page.url)) is None
    assert state(client.get("/no-such-page/")) is None
    assert state(client.get("/no-such-page/")) is None
    client.cookies["messages"] = "whatever"
    assert state(client.get(public_page.url)) is None


def test_a_session_holding_more_than_the_login_is_served_fresh(reader, public_page):
    browser = logged_in(reader)
    session = browser.session
    session["passed_page_view_restrictions"] = [1]
    session.save()
    assert state(browser.get(public_page.url)) is None


# --- purges: every way a page, its listing or its restriction changes --------------------------


@pytest.fixture
def cached(client):
    """Fetch ``url`` twice and return the stored copy's text (a hit)."""

    def fetch(url, browser=None):
        browser = browser or client
        browser.get(url)
        response = browser.get(url)
        assert state(response) == "hit"
        return response

    return fetch


def fresh(url, browser=None):
    response = (browser or Client()).get(url)
    assert state(response) != "hit"
    return response


def test_publishing_a_new_revision_purges(cached, public_page):
    cached(public_page.url)
    cached(case_index().url)
    page = public_page.specific
    page.title = "新标题的案例"
    page.save_revision().publish()
    assert "新标题的案例" in body(fresh(public_page.url))
    assert "新标题的案例" in body(fresh(case_index().url))  # the listing it appears in


def test_publishing_a_new_page_purges_its_listing(cached, public_page):
    cached(case_index().url)
    CaseStudyPageFactory(title="刚刚发布的案例")
    assert "刚刚发布的案例" in body(fresh(case_index().url))


def test_unpublishing_purges(cached, public_page):
    cached(public_page.url)
    cached("/search/?q=推诿扯皮")
    public_page.unpublish()
    assert fresh(public_page.url).status_code == 404
    assert "公开的警示案例" not in body(fresh("/search/?q=推诿扯皮"))


def test_deleting_purges(cached, public_page):
    url = public_page.url
    cached(url)
    cached(case_index().url)
    public_page.delete()
    assert fresh(url).status_code == 404
    assert "公开的警示案例" not in body(fresh(case_index().url))


def test_moving_under_a_restricted_section_purges(cached, public_page, superuser):
    """``Page.move`` (what the admin's move runs, without its page-type rule, so that a plain
    section page can hold the study)."""
    url = public_page.url
    cached(url)
    section = case_index().add_child(instance=Page(title="内部专栏", slug="neibu"))
    set_visibility(section, Visibility.INTRANET)
    cached(case_index().url)
    public_page.move(section, pos="last-child")
    assert fresh(url).status_code in (301, 302, 404)  # moved: the old address is gone
    moved = Page.objects.get(pk=public_page.pk)
    assert moved.url != url
    refused = fresh(moved.url)
    assert refused.status_code == 302 and "/accounts/login/" in refused["Location"]
    assert "公开的警示案例" not in body(fresh(case_index().url))


def test_a_restriction_set_in_the_admins_privacy_dialog_purges(cached, public_page, superuser):
    cached(public_page.url)
    cached(case_index().url)
    admin = logged_in(superuser)
    privacy = reverse("wagtailadmin_pages:set_privacy", args=[public_page.pk])
    assert admin.post(privacy, {"restriction_type": "login"}).status_code == 200
    assert PageViewRestriction.objects.filter(page=public_page).exists()
    assert fresh(public_page.url).status_code == 302
    assert "公开的警示案例" not in body(fresh(case_index().url))
    # And lifted again.
    assert admin.post(privacy, {"restriction_type": "none"}).status_code == 200
    assert fresh(public_page.url).status_code == 200


def test_a_restriction_on_an_ancestor_purges(cached, public_page):
    cached(public_page.url)
    set_visibility(case_index(), Visibility.INTRANET)
    assert fresh(public_page.url).status_code == 302


def test_changing_a_restrictions_groups_purges(cached, restricted_page, outsiders, reader):
    outsider = logged_in(UserFactory(username="xuanchuan", groups=["宣传员"]))
    cached(restricted_page.url, outsider)
    restriction = PageViewRestriction.objects.get(page=restricted_page)
    restriction.groups.set([Group.objects.get(name="读者")])
    assert outsider.get(restricted_page.url).status_code == 403
    assert logged_in(reader).get(restricted_page.url).status_code == 200


def test_a_taxonomy_renamed_purges_the_pages_showing_it(cached):
    page = CaseStudyPageFactory(title="带问题类型的案例", problem_types=["推诿扯皮"])
    cached(page.url)
    problem_type = ProblemType.objects.get(name="推诿扯皮")
    problem_type.name = "推诿扯皮（更名）"
    problem_type.save()
    assert "推诿扯皮（更名）" in body(fresh(page.url))


def test_the_gate_taking_a_study_down_purges(cached, django_capture_on_commit_callbacks):
    """A name added to the case file takes its live study down (casestudies.publication):
    neither the page nor the listing is served from the cache afterwards."""
    case_file = CaseFile.objects.create(
        number="鉴纪案〔2025〕31号",
        title="某局推诿扯皮问题",
        raw_account="2024年,某局原副局长王建国推诿扯皮。",
        unit_type=UnitType.objects.get(name="区直部门"),
        source="complaint",
        date_handled=datetime.date(2025, 3, 1),
    )
    CaseFilePerson.objects.create(case_file=case_file, name="王建国", role="subject")
    page = CaseStudyPageFactory(
        title="某局原副局长王某推诿扯皮问题",
        subject="某局原副局长王某",
        summary="王某推诿扯皮,其下属孙立平未予制止。",
        source_case_file=case_file,
    )
    page.refresh_from_db()
    assert page.live
    cached(page.url)
    cached(case_index().url)
    with django_capture_on_commit_callbacks(execute=True):
        CaseFilePerson.objects.create(case_file=case_file, name="孙立平", role="witness")
    assert not Page.objects.get(pk=page.pk).live
    assert fresh(page.url).status_code == 404
    assert page.title not in body(fresh(case_index().url))


def test_a_site_change_purges(cached, public_page):
    from wagtail.models import Site

    cached(public_page.url)
    site = Site.objects.get(is_default_site=True)
    site.site_name = "改名的站点"
    site.save()
    assert state(Client().get(public_page.url)) == "miss"


def test_the_purge_after_commit_beats_a_request_that_read_the_old_state(
    public_page, django_capture_on_commit_callbacks
):
    """A request that read the generation before a change commits stores an entry that the
    purge after the commit makes a miss."""
    with django_capture_on_commit_callbacks(execute=True):
        page = public_page.specific
        page.title = "提交后的标题"
        page.save_revision().publish()
        # A request rendered now (before the commit) would store under this generation...
        during = caches["pages"].get(page_cache.GENERATION_KEY)
    after = caches["pages"].get(page_cache.GENERATION_KEY)
    assert during != after  # ...which the commit replaced


# --- faults ----------------------------------------------------------------------------------


def test_pages_are_served_uncached_when_redis_is_unreachable(settings, client, public_page):
    settings.CACHES = redis_caches(f"redis://127.0.0.1:{closed_port()}/0")
    started = time.monotonic()
    for _ in range(3):
        response = client.get(public_page.url)
        assert response.status_code == 200 and "公开的警示案例" in body(response)
    assert time.monotonic() - started < 5
    # Publishing still works (its purge fails quietly, and is done again when Redis answers).
    page = public_page.specific
    page.title = "缓存停了也能发布"
    page.save_revision().publish()
    assert "缓存停了也能发布" in body(client.get(public_page.url))


def test_redis_stopped_then_back(settings, client, public_page, redis_server):
    settings.CACHES = redis_caches(redis_server.url)
    settings.PAGE_CACHE_RETRY_SECONDS = 0
    client.get(public_page.url)
    assert state(client.get(public_page.url)) == "hit"
    redis_server.stop()
    started = time.monotonic()
    down = client.get(public_page.url)
    assert down.status_code == 200 and state(down) is None
    assert time.monotonic() - started < 2
    page = public_page.specific
    page.title = "停机期间改的标题"
    page.save_revision().publish()  # its purge cannot reach Redis
    redis_server.start()
    # Back: the missed purge is made up for before anything stored is served.
    back = client.get(public_page.url)
    assert "停机期间改的标题" in body(back)
    assert state(client.get(public_page.url)) == "hit"


def test_a_purge_missed_by_another_process_is_made_up_for(settings, client, public_page, redis_url):
    """The writer (a command, the task worker) cannot reach Redis, which still holds the old
    page for every other process; those purge on its behalf, from the record in the database."""
    settings.PAGE_CACHE_DEBT_SECONDS = 0
    settings.CACHES = redis_caches(redis_url)
    client.get(public_page.url)
    assert state(client.get(public_page.url)) == "hit"

    settings.CACHES = redis_caches(f"redis://127.0.0.1:{closed_port()}/0")  # the writer's view
    page = public_page.specific
    page.title = "写入方连不上缓存时改的标题"
    page.save_revision().publish()
    assert PageCacheDebt.objects.exists()

    # Another process, which never saw the failure, with Redis in reach (its entry still there).
    settings.CACHES = redis_caches(redis_url)
    page_cache.reset_for_tests()
    served = client.get(public_page.url)
    assert "写入方连不上缓存时改的标题" in body(served)
    assert not PageCacheDebt.objects.exists()
    assert state(client.get(public_page.url)) == "hit"


def test_a_missed_purge_waits_while_the_cache_is_still_unreachable(settings, client, public_page):
    settings.PAGE_CACHE_DEBT_SECONDS = 0
    settings.CACHES = redis_caches(f"redis://127.0.0.1:{closed_port()}/0")
    page_cache.purge()
    assert PageCacheDebt.objects.count() == 1
    page_cache.reset_for_tests()
    assert client.get(public_page.url).status_code == 200
    assert PageCacheDebt.objects.count() == 1  # kept until a process can purge


def test_looking_for_missed_purges_is_rare(
    settings, client, public_page, django_assert_num_queries
):
    """An anonymous hit touches the database once per PAGE_CACHE_DEBT_SECONDS, not per request."""
    settings.PAGE_CACHE_DEBT_SECONDS = 60
    client.get(public_page.url)
    page_cache._Health.debts_checked_at = None  # as in a process that has not looked yet
    with django_assert_num_queries(1):
        assert state(client.get(public_page.url)) == "hit"
    with django_assert_num_queries(0):
        assert state(client.get(public_page.url)) == "hit"


def test_the_cache_in_redis(settings, client, public_page, redis_url):
    settings.CACHES = redis_caches(redis_url)
    caches["pages"].clear()
    client.get(public_page.url)
    assert state(client.get(public_page.url)) == "hit"
    page = public_page.specific
    page.title = "Redis 里也会清除"
    page.save_revision().publish()
    assert "Redis 里也会清除" in body(client.get(public_page.url))


def test_last_modified_is_when_the_content_last_changed(client, public_page):
    before = time.time()
    page_cache.purge()
    response = client.get(public_page.url)
    assert response["Last-Modified"] in (http_date(before), http_date(before + 1))


# --- feeds and the embedded default ------------------------------------------------------------


@pytest.mark.parametrize("name", ["rss.xml", "atom.xml", "feed.json"])
def test_channel_feeds_answer_304_to_if_modified_since(client, editor, public_page, name):
    Channel.objects.create(name="新闻客户端", slug="app", kind=ChannelKind.APP)
    url = f"/syndication/app/{name}"
    first = client.get(url)
    assert first.status_code == 200 and "Last-Modified" in first
    since = first["Last-Modified"]
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=since).status_code == 304
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    # Not from the cache (an editor): the feed's own dates answer.
    if name != "feed.json":
        fresh_one = logged_in(editor).get(url, HTTP_IF_MODIFIED_SINCE=since)
        assert state(fresh_one) is None and fresh_one.status_code == 304


def test_listing_feeds_answer_304_to_if_modified_since(client, public_page):
    url = case_index().url + "feed/"
    first = client.get(url)
    assert first.status_code == 200
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304


def test_the_embedded_default_keeps_pages_in_files(settings, tmp_path, client, public_page):
    settings.CACHES = {
        alias: {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / alias),
        }
        for alias in ("default", "pages")
    }
    client.get(public_page.url)
    assert state(client.get(public_page.url)) == "hit"
    assert any((tmp_path / "pages").iterdir())
    page = public_page.specific
    page.title = "文件缓存也会清除"
    page.save_revision().publish()
    assert "文件缓存也会清除" in body(client.get(public_page.url))


# --- the pages API -------------------------------------------------------------------------------

API = "/api/v2/pages/?type=casestudies.CaseStudyPage&fields=title"


def api_titles(response):
    return {item["title"] for item in response.json()["items"]}


def test_the_pages_api_is_served_again_from_the_cache(client, public_page):
    first = client.get(API)
    second = client.get(API)
    assert state(first) == "miss" and state(second) == "hit"
    assert second.json() == first.json() and "公开的警示案例" in api_titles(second)
    assert second["Content-Type"].startswith("application/json")
    assert client.get(API, HTTP_IF_NONE_MATCH=second["ETag"]).status_code == 304
    detail = f"/api/v2/pages/{public_page.pk}/"
    assert state(client.get(detail)) == "miss" and state(client.get(detail)) == "hit"


def test_a_published_page_reaches_the_cached_api(client, public_page):
    client.get(API)
    CaseStudyPageFactory(title="新发布的警示案例")
    fresh_answer = client.get(API)
    assert state(fresh_answer) == "miss" and "新发布的警示案例" in api_titles(fresh_answer)


def test_the_api_is_never_shared_across_scopes(reader, outsiders, intranet_page, restricted_page):
    """Both faces: each scope's answer holds what it may see, whoever asked first."""
    official = logged_in(reader)
    outsider = logged_in(UserFactory(username="xuanchuan", groups=["宣传员"]))
    for _ in range(2):
        seen_by_reader = official.get(API)
        seen_by_outsider = outsider.get(API)
        seen_by_anonymous = Client().get(API)
        assert "内部通报的案例" in api_titles(seen_by_reader)
        assert "限定宣传员阅读的案例" not in api_titles(seen_by_reader)
        assert "限定宣传员阅读的案例" in api_titles(seen_by_outsider)
        assert not {"内部通报的案例", "限定宣传员阅读的案例"} & api_titles(seen_by_anonymous)
    assert state(seen_by_reader) == state(seen_by_outsider) == state(seen_by_anonymous) == "hit"
    # A reader's answer is not kept by the browser; an anonymous one for a minute.
    assert "no-store" in directives(seen_by_reader)
    assert "public" in directives(seen_by_anonymous)
    refused = Client().get(f"/api/v2/pages/{intranet_page.pk}/")
    assert refused.status_code == 404 and state(refused) is None


def test_credentials_in_a_header_are_neither_accepted_nor_cached(reader, intranet_page):
    """The API knows readers by their session only; a request with an Authorization header
    is never looked up or stored, so what it gets cannot be shared with anyone."""
    import base64

    reader.set_password("Dz-2026-long-enough")
    reader.save()
    header = "Basic " + base64.b64encode(f"{reader.username}:Dz-2026-long-enough".encode()).decode()
    anonymous = Client()
    anonymous.get(API)
    with_header = anonymous.get(API, HTTP_AUTHORIZATION=header)
    assert with_header.status_code == 200 and state(with_header) is None
    assert "内部通报的案例" not in api_titles(with_header)
    assert state(anonymous.get(API)) == "hit"


def test_the_images_and_documents_api_are_not_cached(client):
    for url in ("/api/v2/images/", "/api/v2/documents/"):
        assert client.get(url).status_code == 200
        assert state(client.get(url)) is None
