"""The database restarted under a running site: the next requests succeed without anyone
acting. A real WSGI server on loopback serves the site from one thread, so its connection is
kept between requests (CONN_MAX_AGE) as a gunicorn worker's is; PostgreSQL then kills that
connection (``pg_terminate_backend``, what a restart does to every client) and the next request
must still answer 200 (CONN_HEALTH_CHECKS, ``settings.base``). PostgreSQL only: deselected on
SQLite, run in CI's PostgreSQL pass."""

import threading
import time
import urllib.error
import urllib.request
from urllib.parse import quote
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection, connections

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def site_server():
    """The site on a loopback port, one request at a time in one thread (its connection
    persists); yields a function that fetches a path and returns the status."""
    server = make_server("127.0.0.1", 0, WSGIHandler(), WSGIServer, QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"

    def fetch(path):
        try:
            with urllib.request.urlopen(base + path, timeout=30) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    try:
        yield fetch
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
        kill_other_backends()  # the server thread's kept connection, so the test database drops


@pytest.fixture
def persistent_connections(settings):
    """CONN_MAX_AGE as in production, for the connections the server thread opens. The page
    cache is off: a page it answers would never reach the database this test restarts."""
    settings.PAGE_CACHE_ENABLED = False
    config = connections.settings["default"]
    before = config["CONN_MAX_AGE"], config["CONN_HEALTH_CHECKS"]
    config["CONN_MAX_AGE"] = 60
    yield config
    config["CONN_MAX_AGE"], config["CONN_HEALTH_CHECKS"] = before


def other_backends():
    with connection.cursor() as cursor:
        # This test's transaction would otherwise keep reading its first snapshot of the view.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT pid FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return {row[0] for row in cursor.fetchall()}


def kill_other_backends():
    """What a database restart does to every connection but this test's own."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT pid, pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        killed = {pid for pid, _signalled in cursor.fetchall()}
    # pg_terminate_backend only signals: wait until they are gone, as after a restart.
    deadline = time.monotonic() + 10
    while other_backends() & killed and time.monotonic() < deadline:
        time.sleep(0.05)


def test_requests_recover_by_themselves_after_the_database_restarts(
    persistent_connections, site_server
):
    assert persistent_connections["CONN_HEALTH_CHECKS"] is True  # the site's setting
    assert site_server("/") == 200
    first = other_backends()
    assert site_server("/") == 200
    assert other_backends() == first, "the server's connection was not kept between requests"

    statuses = []
    for _ in range(3):
        kill_other_backends()
        statuses += [site_server("/"), site_server("/search/?q=" + quote("担当"))]

    assert statuses == [200] * 6
    assert other_backends().isdisjoint(first)


def test_without_health_checks_the_first_request_after_a_restart_fails(
    persistent_connections, site_server
):
    """What CONN_HEALTH_CHECKS prevents: the killed connection is used once, and fails."""
    persistent_connections["CONN_HEALTH_CHECKS"] = False
    assert site_server("/") == 200
    kill_other_backends()
    assert site_server("/") == 500
    assert site_server("/") == 200
