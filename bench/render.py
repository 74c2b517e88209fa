"""Server time to render the main page types with the demo content loaded. Prints JSON.

Usage: .venv/bin/python bench/render.py [--runs N]

Builds a throwaway SQLite database (migrate + load_demo_content) in a temporary folder, then
times Django's test client (the whole request/response cycle in-process: URL routing, Wagtail
serve, templates, database) for each URL. Not a test: it measures and never fails on time.
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def percentile(values, fraction):
    ordered = sorted(values)
    index = min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))
    return ordered[index]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="jingjian-bench-")
    os.environ["DJANGO_SETTINGS_MODULE"] = "jingjian.settings.dev"
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir}/bench.sqlite3")
    os.environ["MEDIA_ROOT"] = f"{workdir}/media"
    os.environ["DEBUG"] = "false"

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["*"]
    settings.STORAGES["staticfiles"]["BACKEND"] = (
        "django.contrib.staticfiles.storage.StaticFilesStorage"
    )
    call_command("migrate", verbosity=0)
    setup_started = time.perf_counter()
    call_command("load_demo_content", verbosity=0)
    demo_seconds = time.perf_counter() - setup_started

    from casestudies.models import CaseStudyPage
    from exemplars.models import ExemplarPage
    from jingjian.core import visibility

    case = next(
        p
        for p in CaseStudyPage.objects.live().order_by("pk")
        if visibility.visibility_of(p) == visibility.Visibility.PUBLIC
    )
    exemplar = next(
        p
        for p in ExemplarPage.objects.live().order_by("pk")
        if visibility.visibility_of(p) == visibility.Visibility.PUBLIC
    )
    urls = {
        "home": "/",
        "case_listing_filtered": "/cases/?problem_type=推诿扯皮&year=2024",
        "case_detail": case.url,
        "exemplar_detail": exemplar.url,
    }
    client = Client()
    results = {}
    for name, url in urls.items():
        for _ in range(3):  # warm caches (templates, renditions, site root paths)
            assert client.get(url).status_code == 200, url
        timings = []
        for _ in range(args.runs):
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, url
        results[name] = {
            "url": url,
            "median_ms": round(statistics.median(timings), 2),
            "p95_ms": round(percentile(timings, 0.95), 2),
        }
    print(
        json.dumps(
            {
                "benchmark": "render",
                "runs_per_url": args.runs,
                "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
                "demo_load_seconds": round(demo_seconds, 1),
                "pages": results,
            },
            ensure_ascii=False,
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
