"""The task worker stopped: publishing still succeeds, its deliveries wait in the database
queue (django-tasks-db), and when a worker runs again (``manage.py db_worker``) each goes out
exactly once."""

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from jingjian.syndication.models import Channel, Delivery
from tests.factories import ExemplarPageFactory
from tests.support.channels import WebhookReceiver

# In the test's transaction: the worker's own transactions are savepoints inside it, and what
# the publication queues after its commit is run by ``django_capture_on_commit_callbacks``.
# (A transactional test here depended on the data the migrations seed being put back, which
# other transactional tests earlier in the suite left out.)
pytestmark = pytest.mark.django_db

SECRET = "hmac-secret-工作进程"
DELIVER = "jingjian.syndication.tasks.deliver"


@pytest.fixture
def receiver():
    with WebhookReceiver(SECRET) as server:
        yield server


@pytest.fixture
def database_queue(settings):
    """Tasks stored in the database, as in production; nobody runs them until a worker does."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def worker_in_this_transaction(monkeypatch):
    """The worker drops connections it finds outside autocommit (a request's housekeeping);
    inside the test's transaction that would be the test's own connection."""
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )


def run_worker():
    call_command("db_worker", batch=True, startup_delay=False, interval=0, verbosity=0)


def test_deliveries_wait_while_the_worker_is_stopped_then_go_out_once(
    database_queue, receiver, django_capture_on_commit_callbacks, worker_in_this_transaction
):
    channels = [
        Channel.objects.create(
            name=name,
            kind="webhook",
            endpoint=receiver.url,
            secret=SECRET,
            retry_base_seconds=0,
            timeout_seconds=2,
            max_attempts=3,
        )
        for name in ["鉴湖客户端", "鉴湖发布"]
    ]
    page = ExemplarPageFactory(title="扎根山村的好书记")
    page.channels.set(channels)
    page.save()

    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()

    page.refresh_from_db()
    assert page.live
    assert set(Delivery.objects.values_list("status", flat=True)) == {"queued"}
    waiting = DBTaskResult.objects.filter(task_path=DELIVER, status="READY")
    assert waiting.count() == 2
    assert receiver.received == [] and receiver.requests == 0

    run_worker()

    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}
    assert len(receiver.received) == 2
    assert not DBTaskResult.objects.filter(task_path=DELIVER, status="READY").exists()

    run_worker()  # a second worker start finds nothing to send again

    assert len(receiver.received) == 2 and receiver.duplicates == 0
    keys = sorted(key for key, _event, _body in receiver.received)
    assert keys == sorted(Delivery.objects.values_list("idempotency_key", flat=True))
