"""Attacks on the reader cards (``page_cache.reader_scope``), the figures kept per generation
(``core.figures``) and the missed-purge records (``PageCacheDebt``): every way a reader might be
served what was stored for a scope they no longer have, or never had.

A test here that fails names a leak found by the review; one that passes is kept as a
regression test for an attack that held."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from jingjian.core import page_cache
from jingjian.core.models import PageCacheDebt
from jingjian.core.visibility import Visibility, set_visibility
from jingjian.settings.base import redis_caches
from tests.factories import CaseStudyPageFactory, UserFactory, case_index
from tests.support.page_cache import body, logged_in, state
from tests.support.redis import closed_port

pytestmark = pytest.mark.django_db

RESTRICTED_TITLE = "限定宣传员阅读的案例"


def use_redis(settings, url):
    """Both caches in the Redis at ``url``, emptied (the ``redis_url`` fixture leaves what
    earlier tests stored there: their pages, under a generation still current)."""
    settings.CACHES = redis_caches(url)
    caches["pages"].clear()
    caches["default"].clear()


def warm(browser, url, times=3):
    """Fetch ``url`` until the reader's card is kept and the page stored (a hit)."""
    for _ in range(times):
        response = browser.get(url)
    return response


# --- deactivation through Wagtail's users listing ----------------------------------------------


def test_a_reader_deactivated_by_the_users_listings_bulk_action_loses_stored_pages(
    reader, outsiders, restricted_page, superuser
):
    """Wagtail's "设置活跃状态" bulk action writes ``is_active`` with ``QuerySet.update``: no
    signal, so the auth generation stays and the reader's card keeps serving them."""
    admin = logged_in(superuser)  # logged in first (a login writes last_login: a user write)
    reader.groups.add(outsiders)
    official = logged_in(reader)
    assert state(warm(official, restricted_page.url)) == "hit"

    url = reverse("wagtail_bulk_action", args=("auth", "user", "set_active_state"))
    response = admin.post(f"{url}?id={reader.pk}", {"mark_as_active": "False"})
    assert response.status_code == 302
    reader.refresh_from_db()
    assert not reader.is_active

    # Django's backend no longer lets an inactive user in: the login page, never the case.
    again = official.get(restricted_page.url)
    assert RESTRICTED_TITLE not in body(again), state(again)
    assert again.status_code == 302


def test_a_reader_deactivated_by_a_queryset_update_loses_stored_pages(
    reader, outsiders, restricted_page
):
    """The same write as the bulk action, from a shell or a command."""
    reader.groups.add(outsiders)
    official = logged_in(reader)
    assert state(warm(official, restricted_page.url)) == "hit"
    get_user_model().objects.filter(pk=reader.pk).update(is_active=False)
    assert RESTRICTED_TITLE not in body(official.get(restricted_page.url))


def test_a_membership_written_through_the_relation_model_is_judged_afresh(
    reader, outsiders, restricted_page
):
    """A membership row deleted through ``User.groups.through`` (its own post_delete, whose
    label is auth.user_groups, not one of AUTH_MODELS)."""
    reader.groups.add(outsiders)
    official = logged_in(reader)
    assert state(warm(official, restricted_page.url)) == "hit"
    get_user_model().groups.through.objects.filter(user=reader, group=outsiders).delete()
    assert official.get(restricted_page.url).status_code == 403


# --- a stale scope stored under a live generation -------------------------------------------


def test_a_group_gained_while_a_request_is_served_never_reaches_the_old_scope(
    monkeypatch, reader, outsiders, restricted_page
):
    """The reader's scope (from their card) is read at the start of the request; the admin adds
    them to 宣传员 before the view loads their groups. Memberships do not replace the page
    generation (auth.user_groups is UNRENDERED), so the page rendered for 读者 + 宣传员 is stored
    under the scope 读者, and served to every reader of 读者 alone."""
    official = logged_in(reader)
    colleague = logged_in(UserFactory(username="colleague", groups=["读者"]))
    index = case_index().url
    warm(official, index)  # the card says 读者
    original = page_cache.reader_scope
    written = []

    def scope_then_admin_writes(request):
        scope = original(request)
        if request.path == restricted_page.url and not written:
            reader.groups.add(outsiders)  # the admin's write, committed meanwhile
            written.append(scope)
        return scope

    monkeypatch.setattr(page_cache, "reader_scope", scope_then_admin_writes)
    assert official.get(restricted_page.url).status_code == 200  # rightly: they are in 宣传员 now
    monkeypatch.setattr(page_cache, "reader_scope", original)

    leaked = colleague.get(restricted_page.url)
    assert leaked.status_code == 403 and RESTRICTED_TITLE not in body(leaked), state(leaked)


def test_a_group_gained_in_a_process_cut_off_from_redis_never_reaches_the_old_scope(
    settings, reader, outsiders, restricted_page, redis_url
):
    """The admin's process cannot reach Redis when it adds a reader to 宣传员 (a debt is
    recorded). In another process the reader's stale card (读者) decides the scope, the debt is
    settled (a new page generation), and the page is rendered for the reader's real groups and
    stored under 读者, in the new generation: every reader of 读者 alone gets it."""
    settings.PAGE_CACHE_DEBT_SECONDS = 0
    use_redis(settings, redis_url)
    official = logged_in(reader)
    colleague = logged_in(UserFactory(username="colleague", groups=["读者"]))
    warm(official, case_index().url)  # the card says 读者
    assert colleague.get(restricted_page.url).status_code == 403

    settings.CACHES = redis_caches(f"redis://127.0.0.1:{closed_port()}/0")  # the admin's view
    reader.groups.add(outsiders)
    assert PageCacheDebt.objects.exists()

    settings.CACHES = redis_caches(redis_url)
    page_cache.reset_for_tests()  # another process, which saw no failure
    assert official.get(restricted_page.url).status_code == 200
    leaked = colleague.get(restricted_page.url)
    assert leaked.status_code == 403 and RESTRICTED_TITLE not in body(leaked), state(leaked)


def test_a_listing_rendered_after_a_missed_purge_never_reaches_the_old_scope(
    settings, reader, outsiders, restricted_page, redis_url
):
    """As above, on the listing: the titles of 宣传员's cases reach readers of 读者 alone."""
    settings.PAGE_CACHE_DEBT_SECONDS = 0
    use_redis(settings, redis_url)
    index = case_index().url
    official = logged_in(reader)
    colleague = logged_in(UserFactory(username="colleague", groups=["读者"]))
    warm(official, index)

    settings.CACHES = redis_caches(f"redis://127.0.0.1:{closed_port()}/0")
    reader.groups.add(outsiders)

    settings.CACHES = redis_caches(redis_url)
    page_cache.reset_for_tests()
    assert RESTRICTED_TITLE in body(official.get(index))
    assert RESTRICTED_TITLE not in body(colleague.get(index))


def test_a_group_gained_while_this_process_was_cut_off_never_reaches_the_old_scope(
    settings, reader, outsiders, restricted_page, redis_url
):
    """One process: Redis unreachable from it (not stopped: what it holds survives) while a
    reader is added to 宣传员. When it answers again, the reader's old card decides the scope of
    the first request, which replaces the generation (``_recovered``) and stores the page
    rendered for 读者 + 宣传员 under 读者."""
    settings.PAGE_CACHE_DEBT_SECONDS = 3600  # no debt settling: the recovery alone
    settings.PAGE_CACHE_RETRY_SECONDS = 0
    use_redis(settings, redis_url)
    official = logged_in(reader)
    colleague = logged_in(UserFactory(username="colleague", groups=["读者"]))
    warm(official, case_index().url)

    settings.CACHES = redis_caches(f"redis://127.0.0.1:{closed_port()}/0")
    reader.groups.add(outsiders)
    settings.CACHES = redis_caches(redis_url)

    assert official.get(restricted_page.url).status_code == 200
    leaked = colleague.get(restricted_page.url)
    assert leaked.status_code == 403 and RESTRICTED_TITLE not in body(leaked), state(leaked)


def test_a_group_removed_while_the_page_cache_was_switched_off(
    settings, reader, outsiders, restricted_page
):
    """PAGE_CACHE_ENABLED off (an operator's switch, for a while): ``purge_readers`` does
    nothing, so the cards kept before stay valid when it is switched on again, and a reader
    removed from 宣传员 meanwhile is served what readers of 读者 + 宣传员 stored."""
    both = logged_in(UserFactory(username="both", groups=["读者", "宣传员"]))
    reader.groups.add(outsiders)
    official = logged_in(reader)
    assert state(warm(official, restricted_page.url)) == "hit"
    settings.PAGE_CACHE_ENABLED = False
    reader.groups.remove(outsiders)
    assert official.get(restricted_page.url).status_code == 403  # uncached: judged afresh
    settings.PAGE_CACHE_ENABLED = True
    assert both.get(restricted_page.url).status_code == 200  # stored again for 读者 + 宣传员
    leaked = official.get(restricted_page.url)
    assert leaked.status_code == 403 and RESTRICTED_TITLE not in body(leaked), state(leaked)


# --- attacks that held (regression tests) ------------------------------------------------------


def test_logging_out_then_in_as_another_reader_in_the_same_browser(
    reader, outsiders, restricted_page
):
    insider = UserFactory(username="insider", groups=["宣传员"])
    browser = Client()
    browser.force_login(insider)
    assert state(warm(browser, restricted_page.url)) == "hit"
    browser.post("/accounts/logout/")
    browser.force_login(reader)
    assert browser.get(restricted_page.url).status_code == 403


def test_logging_in_as_another_reader_without_logging_out(reader, outsiders, restricted_page):
    insider = UserFactory(username="insider", groups=["宣传员"])
    browser = Client()
    browser.force_login(insider)
    assert state(warm(browser, restricted_page.url)) == "hit"
    browser.force_login(reader)  # login() flushes a session of another user
    assert browser.get(restricted_page.url).status_code == 403


def test_an_old_session_cookie_replayed_after_logout(reader, outsiders, restricted_page):
    reader.groups.add(outsiders)
    browser = logged_in(reader)
    assert state(warm(browser, restricted_page.url)) == "hit"
    cookie = browser.cookies["sessionid"].value
    browser.post("/accounts/logout/")
    replay = Client()
    replay.cookies["sessionid"] = cookie
    response = replay.get(restricted_page.url)
    assert response.status_code == 302 and RESTRICTED_TITLE not in body(response)


def test_a_deleted_reader_is_served_nothing_stored(reader, outsiders, restricted_page):
    reader.groups.add(outsiders)
    browser = logged_in(reader)
    assert state(warm(browser, restricted_page.url)) == "hit"
    reader.delete()
    response = browser.get(restricted_page.url)
    assert response.status_code == 302 and RESTRICTED_TITLE not in body(response)


def test_a_deleted_group_ends_its_readers_access(reader, outsiders, restricted_page):
    reader.groups.add(outsiders)
    browser = logged_in(reader)
    assert state(warm(browser, restricted_page.url)) == "hit"
    outsiders.delete()
    assert RESTRICTED_TITLE not in body(browser.get(restricted_page.url))


def test_a_session_gaining_a_key_is_served_fresh(reader, outsiders, restricted_page):
    reader.groups.add(outsiders)
    browser = logged_in(reader)
    assert state(warm(browser, restricted_page.url)) == "hit"
    session = browser.session
    session["anything"] = 1
    session.save()
    assert state(browser.get(restricted_page.url)) is None


def test_a_forged_session_cookie_is_anonymous(reader, outsiders, restricted_page):
    reader.groups.add(outsiders)
    warm(logged_in(reader), restricted_page.url)
    forger = Client()
    forger.cookies["sessionid"] = "x" * 32
    assert forger.get(restricted_page.url).status_code == 302


def test_the_wagtail_user_edit_form_removing_a_group(reader, outsiders, restricted_page, superuser):
    reader.groups.add(outsiders)
    browser = logged_in(reader)
    assert state(warm(browser, restricted_page.url)) == "hit"
    admin = logged_in(superuser)
    readers = Group.objects.get(name="读者")
    response = admin.post(
        reverse("wagtailusers_users:edit", args=(reader.pk,)),
        {
            "username": reader.username,
            "email": reader.email or "duzhe@example.com",
            "first_name": reader.first_name or "读",
            "last_name": reader.last_name or "者",
            "is_active": "on",
            "groups": [str(readers.pk)],
        },
    )
    assert response.status_code == 302, body(response)[:2000]
    assert list(reader.groups.all()) == [readers]
    assert browser.get(restricted_page.url).status_code == 403


def test_a_listings_count_never_crosses_scopes_through_the_figures(reader, restricted_page):
    index = case_index().url
    insider = logged_in(UserFactory(username="insider", groups=["宣传员"]))
    with_page = insider.get(index)
    without = logged_in(reader).get(index)
    anonymous = Client().get(index)
    assert with_page.context["result_count"] == 1
    assert without.context["result_count"] == 0
    assert anonymous.context["result_count"] == 0


def test_the_users_listings_assign_role_bulk_action_is_judged_afresh(
    reader, outsiders, restricted_page, superuser
):
    admin = logged_in(superuser)
    official = logged_in(reader)
    assert official.get(restricted_page.url).status_code == 403
    warm(official, case_index().url)
    url = reverse("wagtail_bulk_action", args=("auth", "user", "assign_role"))
    response = admin.post(f"{url}?id={reader.pk}", {"role": str(outsiders.pk)})
    assert response.status_code == 302
    assert official.get(restricted_page.url).status_code == 200


def test_the_users_listings_delete_bulk_action_ends_the_readers_access(
    reader, outsiders, restricted_page, superuser
):
    admin = logged_in(superuser)
    reader.groups.add(outsiders)
    official = logged_in(reader)
    assert state(warm(official, restricted_page.url)) == "hit"
    url = reverse("wagtail_bulk_action", args=("auth", "user", "delete"))
    assert admin.post(f"{url}?id={reader.pk}").status_code == 302
    assert not get_user_model().objects.filter(pk=reader.pk).exists()
    assert RESTRICTED_TITLE not in body(official.get(restricted_page.url))


# --- purges anyone can cause ------------------------------------------------------------------


def test_a_failed_login_does_not_purge_every_page(client, restricted_page):
    """django-axes records each failed login (axes.accessattempt), a model outside UNRENDERED:
    anyone posting wrong passwords replaces the generation, emptying the page cache and the
    figures for everyone, as often as they post."""
    public = CaseStudyPageFactory(title="公开的案例")
    warm(client, public.url)
    before = caches["pages"].get(page_cache.GENERATION_KEY)
    Client().post("/accounts/login/", {"username": "nobody", "password": "wrong-password-1"})
    assert caches["pages"].get(page_cache.GENERATION_KEY) == before
    assert state(client.get(public.url)) == "hit"


# --- figures ---------------------------------------------------------------------------------


def test_a_listings_count_follows_a_move_under_a_restricted_section():
    """The count kept per generation is replaced when a case moves under a restricted section
    (treebeard moves with raw SQL; Wagtail's post_page_move purges)."""
    index = case_index()
    CaseStudyPageFactory.create_batch(2)
    section = CaseStudyPageFactory(title="限定栏目")
    set_visibility(section, Visibility.INTRANET)
    anonymous = Client()
    before = anonymous.get(index.url).context["result_count"]
    moved = CaseStudyPageFactory(title="要移走的案例")
    assert anonymous.get(index.url).context["result_count"] == before + 1
    moved.move(section, pos="last-child")
    assert anonymous.get(index.url).context["result_count"] == before


def test_a_listings_count_follows_an_unpublish():
    index = case_index()
    pages = CaseStudyPageFactory.create_batch(3)
    anonymous = Client()
    assert anonymous.get(index.url).context["result_count"] == 3
    pages[0].unpublish()
    assert anonymous.get(index.url).context["result_count"] == 2
