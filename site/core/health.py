"""``/healthz/``: whether this server's parts answer, for a load balancer and for monitoring.

JSON, one entry per part: ``database``, ``cache``, ``search`` and ``tasks``, each with its
``status`` (``ok``, ``down`` or, for the task queue, ``stalled``), the kind of engine and how long
the check took. HTTP 200 while every *required* part (``HEALTH_REQUIRED``, default the database
alone) is ok, else 503: without its cache the site serves pages uncached, without Elasticsearch
search falls back to the database, and a stalled task queue only delays deliveries, so none of
those should take a web server out of a load balancer; monitoring reads ``status`` instead.

Nothing in the answer is secret or names a host: no addresses, no user names, no exception
messages (they can hold both). Whoever asks gets the same answer; the reason a part is down is
logged, in English, with the part's name.
"""

import logging
import secrets
import time

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.db.models import Case, DateTimeField, F, When
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_tasks_db.models import DBTaskResult, get_date_max

from jingjian.search import elastic
from jingjian.search import engine as search_engine

logger = logging.getLogger(__name__)
OK, DOWN, STALLED = "ok", "down", "stalled"
DATABASE_TASKS_BACKEND = "django_tasks_db.DatabaseBackend"


def _timed(check):
    """Run ``check()`` (a dict of details); its status, details and milliseconds."""
    started = time.perf_counter()
    try:
        details = check()
    except Exception as error:
        logger.warning("health: %s is down: %s: %s", check.__name__, type(error).__name__, error)
        details = {"status": DOWN, "error": type(error).__name__}
    details.setdefault("status", OK)
    details["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return details


def database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"engine": connection.vendor}


def cache():
    store = caches["default"]
    key = f"jingjian:health:{secrets.token_hex(8)}"
    store.set(key, "1", timeout=10)
    found = store.get(key)
    store.delete(key)
    backend = type(store).__name__
    if found != "1":
        return {"status": DOWN, "backend": backend, "error": "ValueNotStored"}
    return {"backend": backend}


def search():
    if not search_engine.uses_elasticsearch():
        return {"engine": "database"}
    elastic.client().options(request_timeout=3).info()
    return {"engine": "elasticsearch"}


def tasks():
    """The task queue. On the database queue: how many tasks are due and how long the oldest
    has waited; ``stalled`` once that passes ``HEALTH_TASKS_MAX_WAIT`` seconds (no
    ``db_worker`` is taking them: django-tasks-db keeps no worker heartbeat)."""
    backend = settings.TASKS["default"]["BACKEND"]
    if backend != DATABASE_TASKS_BACKEND:
        return {"backend": backend.rsplit(".", 1)[-1]}
    due = DBTaskResult.objects.ready().annotate(
        due_at=Case(
            When(run_after=get_date_max(), then=F("enqueued_at")),
            default=F("run_after"),
            output_field=DateTimeField(),
        )
    )
    oldest = due.order_by("due_at").values_list("due_at", flat=True).first()
    waited = (timezone.now() - oldest).total_seconds() if oldest else 0
    details = {
        "backend": "database",
        "due": due.count(),
        "running": DBTaskResult.objects.running().count(),
        "oldest_due_seconds": round(max(waited, 0)),
    }
    if waited > settings.HEALTH_TASKS_MAX_WAIT:
        details["status"] = STALLED
    return details


CHECKS = {"database": database, "cache": cache, "search": search, "tasks": tasks}


def report():
    """Every part's check, and whether the required ones are ok."""
    parts = {name: _timed(check) for name, check in CHECKS.items()}
    required = [name for name in settings.HEALTH_REQUIRED if name in parts]
    healthy = all(parts[name]["status"] == OK for name in required)
    everything = all(part["status"] == OK for part in parts.values())
    status = OK if everything else ("degraded" if healthy else DOWN)
    return {"status": status, "required": required, "parts": parts}, healthy


@never_cache
@require_safe
def healthz(request):
    body, healthy = report()
    return JsonResponse(body, status=200 if healthy else 503)
