"""The database's auth version (``core.auth_version``) and the reader cards kept under it
(``page_cache.reader_scope``): every write that can change who a reader is moves the version,
however it is made (no signal: raw SQL, a queryset update), so a stored page is never served
to a session on a card that no longer says who it is; writes that change nothing of it (a
login's ``last_login``, a new session) leave every card in place."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.sessions.models import Session
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from jingjian.core import auth_version
from jingjian.core.visibility import Visibility, set_visibility
from tests.factories import CaseStudyPageFactory, UserFactory
from tests.support.page_cache import logged_in, state

pytestmark = pytest.mark.django_db


def raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def session_key_of(client):
    return client.cookies["sessionid"].value


def cached(client, url):
    """Fetch ``url`` until the session's card is kept and the page stored."""
    for _ in range(3):
        response = client.get(url)
    assert state(response) == "hit"
    return response


# --- what moves the version ---------------------------------------------------------------------


def writes(reader, outsiders):
    """Raw SQL on every table the version watches: (what, statement, parameters)."""
    permission = Permission.objects.get(codename="access_admin")
    spare = type(reader).objects.create(username="spare")
    return {
        "account's password": ("UPDATE auth_user SET password = 'x' WHERE id = %s", [reader.pk]),
        "account deactivated": (
            "UPDATE auth_user SET is_active = %s WHERE id = %s",
            [False, reader.pk],
        ),
        "account made superuser": (
            "UPDATE auth_user SET is_superuser = %s WHERE id = %s",
            [True, reader.pk],
        ),
        "account renamed": ("UPDATE auth_user SET first_name = '改' WHERE id = %s", [reader.pk]),
        "account deleted": ("DELETE FROM auth_user WHERE id = %s", [spare.pk]),
        "membership added": (
            "INSERT INTO auth_user_groups (user_id, group_id) VALUES (%s, %s)",
            [reader.pk, outsiders.pk],
        ),
        "user permission added": (
            "INSERT INTO auth_user_user_permissions (user_id, permission_id) VALUES (%s, %s)",
            [reader.pk, permission.pk],
        ),
        "group permission added": (
            "INSERT INTO auth_group_permissions (group_id, permission_id) VALUES (%s, %s)",
            [outsiders.pk, permission.pk],
        ),
        "group renamed": ("UPDATE auth_group SET name = '宣传' WHERE id = %s", [outsiders.pk]),
        "permission changed": (
            "UPDATE auth_permission SET codename = codename WHERE id = %s",
            [permission.pk],
        ),
    }


WRITES = [
    "account's password",
    "account deactivated",
    "account made superuser",
    "account renamed",
    "account deleted",
    "membership added",
    "user permission added",
    "group permission added",
    "group renamed",
    "permission changed",
]


@pytest.mark.parametrize("what", WRITES)
def test_every_write_to_who_a_reader_is_moves_the_version(what, reader, outsiders):
    logged_in(reader)  # a session row
    sql, params = writes(reader, outsiders)[what]
    before, _ = auth_version.read()
    assert before is not None
    raw(sql, params)
    assert auth_version.read()[0] != before


def test_logins_logouts_and_sessions_leave_the_version(reader):
    """Sessions are read with the version (one query), not watched: a login, a logout and a
    changed session move nothing, and so end no other reader's card."""
    before, _ = auth_version.read()
    browser = logged_in(reader)  # a new session, and the login's last_login
    session = browser.session
    session["typed"] = "x"
    session.save()
    browser.logout()
    reader.save(update_fields=["last_login"])
    assert auth_version.read() == (before, None)


def test_the_version_is_read_with_a_live_sessions_data(reader):
    browser = logged_in(reader)
    key = session_key_of(browser)
    version, data = auth_version.read(key)
    assert version is not None
    assert data == Session.objects.get(session_key=key).session_data
    assert auth_version.read("no-such-session") == (version, None)
    Session.objects.filter(session_key=key).update(expire_date="2000-01-01T00:00:00Z")
    assert auth_version.read(key) == (version, None)


def test_a_rolled_back_write_never_brings_its_version_back(reader):
    before, _ = auth_version.read()
    seen = set()
    for _ in range(5):
        with pytest.raises(RuntimeError), transaction.atomic():
            raw("UPDATE auth_user SET is_active = is_active WHERE id = %s", [reader.pk])
            seen.add(auth_version.read()[0])
            raise RuntimeError
    assert auth_version.read()[0] == before
    raw("UPDATE auth_user SET is_active = is_active WHERE id = %s", [reader.pk])
    assert auth_version.read()[0] not in seen | {before}


def test_a_trigger_dropped_by_a_table_rebuild_is_made_again_and_moves_the_version(reader):
    if connection.vendor == "postgresql":
        raw("DROP TRIGGER auth_version_auth_user_groups_delete ON auth_user_groups")
    else:
        raw("DROP TRIGGER auth_version_auth_user_groups_delete")
    before, _ = auth_version.read()
    assert auth_version.ensure() == ["auth_version_auth_user_groups_delete"]
    assert auth_version.read()[0] != before
    assert auth_version.ensure() == []
    moved, _ = auth_version.read()
    raw("DELETE FROM auth_user_groups WHERE user_id = %s", [reader.pk])
    assert auth_version.read()[0] != moved


# --- the cards, served ----------------------------------------------------------------------------


def test_a_membership_deleted_with_raw_sql_ends_the_stored_page(reader, outsiders, restricted_page):
    reader.groups.add(outsiders)
    browser = logged_in(reader)
    cached(browser, restricted_page.url)
    raw(
        "DELETE FROM auth_user_groups WHERE user_id = %s AND group_id = %s",
        [reader.pk, outsiders.pk],
    )
    assert browser.get(restricted_page.url).status_code == 403


def test_an_account_deactivated_with_raw_sql_is_logged_out(reader, restricted_page, outsiders):
    reader.groups.add(outsiders)
    browser = logged_in(reader)
    cached(browser, restricted_page.url)
    raw("UPDATE auth_user SET is_active = %s WHERE id = %s", [False, reader.pk])
    assert browser.get(restricted_page.url).status_code == 302  # to the login


def test_a_session_deleted_with_raw_sql_is_logged_out(reader, restricted_page, outsiders):
    reader.groups.add(outsiders)
    browser = logged_in(reader)
    cached(browser, restricted_page.url)
    raw("DELETE FROM django_session WHERE session_key = %s", [session_key_of(browser)])
    assert browser.get(restricted_page.url).status_code == 302


def test_a_session_that_gains_a_key_behind_the_cards_back_is_served_fresh(
    reader, restricted_page, outsiders
):
    reader.groups.add(outsiders)
    browser = logged_in(reader)
    cached(browser, restricted_page.url)
    session = Session.objects.get(session_key=session_key_of(browser))
    data = session.get_decoded()
    data["wagtail-page-password"] = "typed"
    Session.objects.filter(pk=session.pk).update(
        session_data=Session.objects.encode(data)
    )  # a queryset update: no signal
    assert state(browser.get(restricted_page.url)) is None


def test_a_page_rendered_after_a_card_hit_reads_the_session_once(
    reader, restricted_page, outsiders
):
    reader.groups.add(outsiders)
    browser = logged_in(reader)
    cached(browser, restricted_page.url)
    with CaptureQueriesContext(connection) as captured:
        response = browser.get(restricted_page.url + "?fresh=1")  # not stored yet: rendered
    assert response.status_code == 200 and state(response) == "miss"
    sessions = [q["sql"] for q in captured.captured_queries if "django_session" in q["sql"]]
    assert len(sessions) == 1 and "core_authversion" in sessions[0], sessions


def test_sessions_kept_elsewhere_than_the_database_get_no_card(
    settings, reader, restricted_page, outsiders
):
    """The card's query reads the database's session table: with another session engine the
    scope is worked out on every request, as before cards."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cache"
    reader.groups.add(outsiders)
    browser = logged_in(reader)
    cached(browser, restricted_page.url)
    with CaptureQueriesContext(connection) as captured:
        assert state(browser.get(restricted_page.url)) == "hit"
    assert not any("core_authversion" in q["sql"] for q in captured.captured_queries)
    reader.groups.remove(outsiders)
    assert browser.get(restricted_page.url).status_code == 403


def test_cards_are_kept_again_after_the_cache_lost_its_auth_generation(
    reader, restricted_page, outsiders, django_assert_num_queries
):
    from django.core.cache import caches

    from jingjian.core import page_cache

    reader.groups.add(outsiders)
    browser = logged_in(reader)
    cached(browser, restricted_page.url)
    caches["pages"].delete(page_cache.AUTH_GENERATION_KEY)  # evicted, or Redis flushed
    for _ in range(2):
        browser.get(restricted_page.url)
    with django_assert_num_queries(1):
        assert state(browser.get(restricted_page.url)) == "hit"


def test_a_card_of_another_reader_is_never_used(reader, restricted_page, outsiders):
    reader.groups.add(outsiders)
    mine = logged_in(reader)
    cached(mine, restricted_page.url)
    other = logged_in(UserFactory(username="other_reader", groups=["读者"]))
    assert other.get(restricted_page.url).status_code == 403
    forged = Client()
    forged.cookies["sessionid"] = session_key_of(mine)[:-1] + "x"
    assert forged.get(restricted_page.url).status_code == 302


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@hypothesis_settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.lists(
        st.sampled_from(
            [
                "join (ORM)",
                "leave (ORM)",
                "leave (raw SQL)",
                "leave (relation queryset)",
                "deactivate (queryset update)",
                "activate (queryset update)",
                "deactivate (raw SQL)",
                "activate (raw SQL)",
                "nothing",
            ]
        ),
        min_size=1,
        max_size=8,
    )
)
def test_a_card_always_says_what_the_database_says(steps):
    """After any sequence of writes, made any way, the restricted page answers as the database
    says it should: 200 for an active member, 403 for an active non-member, 302 otherwise."""
    group, _ = Group.objects.get_or_create(name="宣传员")
    page = CaseStudyPageFactory(title="限定宣传员阅读的案例")
    set_visibility(page, Visibility.RESTRICTED, groups=["宣传员"])
    reader = UserFactory(groups=["读者", "宣传员"])
    browser = logged_in(reader)
    through = reader.groups.through
    try:
        for step in steps:
            if step == "join (ORM)":
                reader.groups.add(group)
            elif step == "leave (ORM)":
                reader.groups.remove(group)
            elif step == "leave (raw SQL)":
                raw("DELETE FROM auth_user_groups WHERE group_id = %s", [group.pk])
            elif step == "leave (relation queryset)":
                through.objects.filter(group=group).delete()
            elif step.startswith(("deactivate", "activate")):
                active = step.startswith("activate")
                if "raw" in step:
                    raw("UPDATE auth_user SET is_active = %s WHERE id = %s", [active, reader.pk])
                else:
                    type(reader).objects.filter(pk=reader.pk).update(is_active=active)
            reader.refresh_from_db()
            member = reader.groups.filter(pk=group.pk).exists()
            expected = 302 if not reader.is_active else 200 if member else 403
            for _ in range(2):  # the second answer may come from the card
                assert browser.get(page.url).status_code == expected, steps
    finally:
        page.delete()
        reader.delete()
