"""/healthz/: each part's state, 503 only when a required part fails, nothing secret in it."""

import datetime
import json
import socket

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from jingjian.search.tasks import remove_from_reader_index
from jingjian.settings.base import elasticsearch_search_backends

pytestmark = pytest.mark.django_db

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def closed_port():
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def health(client):
    response = client.get("/healthz/")
    return response, json.loads(response.content)


def test_all_parts_ok_answers_200(client):
    response, body = health(client)
    assert response.status_code == 200
    assert body["status"] == "ok"
    assert set(body["parts"]) == {"database", "cache", "search", "tasks"}
    assert all(part["status"] == "ok" for part in body["parts"].values())
    assert body["parts"]["database"]["engine"] in ("sqlite", "postgresql")
    assert body["parts"]["search"]["engine"] == "database"
    # Never kept by a cache or a proxy: a stale "ok" is worse than none.
    assert "no-cache" in response["Cache-Control"]


def test_only_get_and_head(client):
    assert client.head("/healthz/").status_code == 200
    assert client.post("/healthz/").status_code == 405


def test_a_cache_that_cannot_store_is_down_but_not_required(client, settings, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    # A file-based cache under a regular file: every write fails, as a full or read-only disk.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(blocker / "cache"),
        }
    }
    response, body = health(client)
    assert response.status_code == 200
    assert body["status"] == "degraded"
    assert body["parts"]["cache"]["status"] == "down"
    assert body["parts"]["database"]["status"] == "ok"

    settings.HEALTH_REQUIRED = ["database", "cache"]
    response, body = health(client)
    assert response.status_code == 503
    assert body["status"] == "down"
    assert str(tmp_path) not in response.content.decode()


def test_elasticsearch_unreachable_is_reported_without_its_address(client, settings):
    port = closed_port()
    settings.WAGTAILSEARCH_BACKENDS = elasticsearch_search_backends(
        f"http://127.0.0.1:{port}", "jingjian_health_test"
    )
    response, body = health(client)
    assert response.status_code == 200  # search falls back to the database
    assert body["parts"]["search"] == {
        "status": "down",
        "error": body["parts"]["search"]["error"],
        "ms": body["parts"]["search"]["ms"],
    }
    text = response.content.decode()
    assert "127.0.0.1" not in text and str(port) not in text


def test_task_queue_waiting_and_stalled(client, settings):
    settings.TASKS = DATABASE_QUEUE
    remove_from_reader_index.enqueue([1])
    _response, body = health(client)
    tasks = body["parts"]["tasks"]
    assert tasks["status"] == "ok"
    assert tasks["backend"] == "database"
    assert tasks["due"] == 1

    # No db_worker for a quarter of an hour: the queue is stalled.
    DBTaskResult.objects.update(enqueued_at=timezone.now() - datetime.timedelta(minutes=15))
    response, body = health(client)
    assert body["parts"]["tasks"]["status"] == "stalled"
    assert body["parts"]["tasks"]["oldest_due_seconds"] >= 900
    assert response.status_code == 200
    settings.HEALTH_REQUIRED = ["database", "tasks"]
    assert client.get("/healthz/").status_code == 503


def test_a_task_due_later_is_not_waiting(client, settings):
    settings.TASKS = DATABASE_QUEUE
    later = timezone.now() + datetime.timedelta(hours=1)
    remove_from_reader_index.using(run_after=later).enqueue([1])
    _response, body = health(client)
    assert body["parts"]["tasks"]["due"] == 0
    assert body["parts"]["tasks"]["status"] == "ok"


def test_nothing_secret_in_the_answer(client, settings, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", password="x" * 20))
    text = client.get("/healthz/").content.decode()
    assert settings.SECRET_KEY not in text
    assert str(settings.DATABASES["default"]["NAME"]) not in text
    assert "root" not in text
