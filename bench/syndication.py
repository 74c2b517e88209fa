"""Renditions per second per channel kind, and deliveries per second to a receiver that fails one
request in five. Prints JSON.

Usage: .venv/bin/python bench/syndication.py [--deliveries N] [--workers N]

Builds a throwaway SQLite database with the demo content. Renditions: every public demo
exemplar and case study rendered for each kind (broadcast scripts and manuscripts including
their .txt/.docx files). Deliveries: N deliveries of public pages to webhook channels on a
loopback ``WebhookReceiver`` with ``fail_every=5``, sent by passes of ``--workers`` worker processes (each
claims and sends deliveries as `db_worker` and `manage.py send_deliveries` do) until none is due; then it counts what the receiver accepted:
``lost`` = deliveries the receiver never accepted, ``duplicates`` = keys it got twice.
Not a test: it measures and never fails on time.
"""

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def setup(workdir):
    os.environ["DJANGO_SETTINGS_MODULE"] = "jingjian.settings.dev"
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
    os.environ["MEDIA_ROOT"] = f"{workdir}/media"
    os.environ["SYNDICATION_OUTBOX_ROOT"] = f"{workdir}/outbox"
    os.environ["SYNDICATION_ALLOWED_HOSTS"] = "127.0.0.1"  # the loopback receivers
    os.environ["DEBUG"] = "false"
    # Deliveries are queued without running: the bench sends them itself, like the worker.
    os.environ["TASKS_BACKEND"] = "django_tasks.backends.dummy.DummyBackend"

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    call_command("load_demo_content", verbosity=0, skip_index=True)


def public_pages():
    from casestudies.models import CaseStudyPage
    from exemplars.models import ExemplarPage
    from jingjian.core.visibility import public_pages as only_public

    pages = list(only_public(ExemplarPage.objects.live()).specific())
    pages += list(only_public(CaseStudyPage.objects.live()).specific())
    return pages


def rendition_rates(pages, seconds_per_kind=3.0):
    from jingjian.syndication.channels import broadcast, manuscript, webhook, wechat, weibo
    from jingjian.syndication.models import Channel

    def broadcast_files(page, channel):
        script = broadcast.render(page, channel)
        broadcast.text_file(script)
        broadcast.word_file(script)

    def newspaper(page, channel):
        manuscript.word_file(manuscript.render(page, channel))

    def json_payload(page, channel):
        webhook.render(page, channel, "published", "bench-key", "bench-secret")

    work = {
        "tv": broadcast_files,
        "radio": broadcast_files,
        "newspaper": newspaper,
        "wechat": wechat.render,
        "weibo": weibo.render,
        "app": json_payload,
        "webhook": json_payload,
    }
    rates = {}
    for kind, render in work.items():
        channel = Channel(name=f"bench-{kind}", kind=kind, author="鉴湖区融媒体中心")
        for page in pages[:5]:
            render(page, channel)  # warm up: image renditions are made once
        count, started = 0, time.perf_counter()
        while time.perf_counter() - started < seconds_per_kind:
            render(pages[count % len(pages)], channel)
            count += 1
        rates[kind] = round(count / (time.perf_counter() - started), 1)
    return rates


def delivery_run(pages, total, workers):
    from django.db import connection

    from jingjian.syndication.delivery import due_ids, queue_publication, send
    from jingjian.syndication.models import Channel, Delivery
    from tests.support.channels import WebhookReceiver

    receiver = WebhookReceiver("bench-secret", fail_every=5)
    receiver.__enter__()
    channels_needed = max(1, -(-total // len(pages)))
    channels = [
        Channel.objects.create(
            name=f"bench-webhook-{n}",
            kind="webhook",
            endpoint=receiver.url,
            secret="bench-secret",
            retry_base_seconds=0,
            max_attempts=10,
            timeout_seconds=5,
        )
        for n in range(channels_needed)
    ]
    for page in pages:
        page.channels.set(channels)
        page.save()
    for page in pages:
        queue_publication(page, page.live_revision)
    keys = list(Delivery.objects.values_list("pk", flat=True).order_by("pk")[:total])
    Delivery.objects.exclude(pk__in=keys).delete()
    connection.close()

    def worker(number):
        # A worker process of its own, like each `manage.py db_worker`, with its own connection,
        # taking its share of the queue and sending until nothing of it is due (retries included).
        from django.db import connections

        connections.close_all()
        while True:
            mine = [pk for pk in due_ids() if pk % workers == number]
            if not mine:
                break
            for pk in mine:
                send(pk)
        connections.close_all()

    import multiprocessing

    context = multiprocessing.get_context("fork")
    connection.close()
    started = time.perf_counter()
    processes = [context.Process(target=worker, args=(n,)) for n in range(workers)]
    for process in processes:
        process.start()
    for process in processes:
        process.join()
    elapsed = time.perf_counter() - started
    receiver.stop()

    statuses = dict.fromkeys(["sent", "failed", "retrying", "queued", "sending"], 0)
    for status in Delivery.objects.values_list("status", flat=True):
        statuses[status] = statuses.get(status, 0) + 1
    accepted = receiver.accepted_keys
    keys = set(Delivery.objects.values_list("idempotency_key", flat=True))
    return {
        "deliveries_per_second": round(len(keys) / elapsed, 1),
        "deliveries": {
            "sent": statuses["sent"],
            "lost": len(keys - accepted),
            "duplicates": receiver.duplicates,
        },
        "detail": {
            "total": len(keys),
            "seconds": round(elapsed, 2),
            "workers": workers,
            "receiver_requests": receiver.requests,
            "receiver_failures_injected": receiver.failures,
            "statuses": statuses,
        },
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deliveries", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=3, help="worker processes")
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="jingjian-bench-")
    setup(workdir)
    pages = public_pages()
    result = {"pages": len(pages), "renditions_per_second": rendition_rates(pages)}
    result.update(delivery_run(pages, args.deliveries, args.workers))
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
