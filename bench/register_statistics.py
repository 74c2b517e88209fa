"""The statistics of the register at scale: the full figures and the monthly table. Prints JSON.

Usage:
  .venv/bin/python bench/register_statistics.py                   # 1,000 and 100,000 persons handled
  .venv/bin/python bench/register_statistics.py --sizes 1000
  DATABASE_URL=postgres://... bench/register_statistics.py        # PostgreSQL instead of a temporary SQLite

For each size it creates a throwaway database, writes a synthetic register of that many persons
handled (the demo register's generator, ``demo/register.py``, scaled; 2019–2026) in bulk,
counts its summary (``summary_seconds``: what the first reader after a bulk write waits for), and
times, uncached (what the first viewer of a period waits for) and cached (every viewer after,
until the register changes):

- ``figures``: everything the statistics page shows (totals, the four forms, sanctions by kind,
  six breakdowns, the monthly table), exact for the whole register and for one year, suppressed
  (small numbers hidden) for one year, the only kind of period a reader may ask for;
- ``figures_one_year_exact_after_a_write``: a person handled edited, then the year's figures
  (its month counted again into the summary first); ``figures_span_exact``: a span from the
  10th of a month to the 20th of another (those days counted from the register);
- ``monthly_table``: the monthly report table of one month and of a year to date;
- ``pages``: the statistics page (a year; a month and all eight years for 纪检监察) and the
  JSON of a year through Django's test client (middleware, templates, no socket), as 纪检监察
  (exact) and as a reader (suppressed),
  with the cache emptied before each run and then cached; their ratio is to a request for the
  health check through the same client.

Each figure is the median and the p95 of ``--repeat`` runs.

Each time is given in ms and as a ratio to a baseline measured in the same run on the same
database (one ``COUNT(*)`` of the persons handled joined to their case files), so runs on
different machines compare. The target is 200 ms for the full figures at 100,000 persons.
"""

import sys
from pathlib import Path

# This file's name is the standard library's ``statistics``, which Django imports: its folder
# must not come first on the path.
HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

ROOT = HERE.parent
sys.path.insert(0, str(ROOT))


def timed(function, repeat):
    """(median, p95) in ms of ``repeat`` runs of ``function``."""
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
    return samples[len(samples) // 2], p95


def entry(times, base):
    median, p95 = times
    return {
        "median_ms": round(median, 1),
        "p95_ms": round(p95, 1),
        "ratio": round(median / base, 1),
    }


def user_in(group):
    from django.contrib.auth.models import Group, User

    user, _ = User.objects.get_or_create(username=f"bench-{len(group)}")
    user.groups.set([Group.objects.get(name=group)])
    return user


def get_ok(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response


def run_size(n, args):
    from django.conf import settings
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection

    from casestudies.models import CaseFilePerson
    from casestudies.statistics import Level, Period, summary
    from casestudies.statistics.report import report
    from demo.register import register_records, write_register

    if not args.database_url:
        workdir = tempfile.mkdtemp(prefix="jingjian-bench-statistics-")
        settings.DATABASES["default"]["NAME"] = f"{workdir}/bench.sqlite3"
        connection.close()
        connection.settings_dict["NAME"] = f"{workdir}/bench.sqlite3"
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    files, persons = write_register(register_records(seed=n, persons=n))
    write_seconds = time.perf_counter() - started
    # The bulk write marked every month; the first figures read count them into the summary.
    started = time.perf_counter()
    summary.refresh()
    summary_seconds = time.perf_counter() - started
    # Planner statistics as a database that has been running has them (and, on PostgreSQL,
    # the visibility map that lets the covering indexes answer alone).
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")

    def baseline():
        CaseFilePerson.objects.filter(case_file__date_handled__isnull=False).count()

    base, _ = timed(baseline, args.repeat)
    whole = Period.parse("2019-01..2026-12")
    year = Period.year(2025)
    edited = CaseFilePerson.objects.filter(case_file__date_handled__year=2025).first()

    def after_a_write():
        # A person handled edited (as in the admin): its month is counted again first.
        edited.rank_level = 1 if edited.rank_level != 1 else 2
        edited.save(update_fields=["rank_level"])
        report(year, level=Level.EXACT, cached=False)

    cases = {
        # Eight years at once: 纪检监察 only (a reader may ask for one whole year).
        "figures_all_years_exact": lambda: report(whole, level=Level.EXACT, cached=False),
        "figures_one_year": lambda: report(year, level=Level.SUPPRESSED, cached=False),
        "figures_one_year_exact": lambda: report(year, level=Level.EXACT, cached=False),
        "figures_one_year_exact_after_a_write": after_a_write,
        # A span that cuts months: its first and last days are counted from the register.
        "figures_span_exact": lambda: report(
            Period.parse("2024-02-10..2025-11-20"), level=Level.EXACT, cached=False
        ),
        "monthly_table_month_exact": lambda: (
            report(Period.month(2025, 3), level=Level.EXACT, cached=False).monthly
        ),
        "monthly_table_year_to_date_exact": lambda: (
            report(Period.year_to_date(2025, 11), level=Level.EXACT, cached=False).monthly
        ),
    }
    result = {
        "persons": persons,
        "case_files": files,
        "write_seconds": round(write_seconds, 1),
        "summary_seconds": round(summary_seconds, 1),
        "baseline_ms": round(base, 2),
        "uncached": {},
        "cached": {},
    }
    for name, function in cases.items():
        result["uncached"][name] = entry(timed(function, args.repeat), base)
    cache.clear()
    report(whole, level=Level.EXACT)  # fills the cache
    result["cached"]["figures_all_years_exact"] = entry(
        timed(lambda: report(whole, level=Level.EXACT), args.repeat), base
    )
    result["pages"] = pages(args, base)
    return result


def pages(args, base):
    """The statistics page and its JSON through Django's test client (the whole middleware
    stack, templates and charts' tables; no socket), as 纪检监察 (exact) and as a reader
    (suppressed), each uncached (the cache emptied before every run) and cached."""
    from django.core.cache import cache
    from django.test import Client

    from jingjian.core.groups import DISCIPLINE, READERS

    year = "2025"
    urls = {
        "page_year": f"/statistics/?period={year}",
        "page_month": "/statistics/?period=2025-03",  # 纪检监察 only
        "page_all_years": "/statistics/?period=2019-01..2026-12",  # 纪检监察 only
        "json_year": f"/statistics/figures.json?period={year}",
    }

    def trivial():
        # The baseline of a request: the same middleware to the health check (a few pings).
        Client(HTTP_HOST=args.host).get("/healthz/")

    # Pages are compared with a request, not with a query.
    base = timed(trivial, args.repeat)[0]
    out = {"request_baseline_ms": round(base, 2)}
    for who, group in (("exact", DISCIPLINE), ("suppressed", READERS)):
        client = Client(HTTP_HOST=args.host)
        client.force_login(user_in(group))
        for name, url in urls.items():
            if who == "suppressed" and name in ("page_month", "page_all_years"):
                continue
            get_ok(client, url)  # warms templates and the session

            def cold(url=url, client=client, group=group):
                cache.clear()
                client.force_login(user_in(group))
                get_ok(client, url)

            out[f"{name}_{who}_uncached"] = entry(timed(cold, args.repeat), base)
            out[f"{name}_{who}_cached"] = entry(
                timed(lambda url=url, client=client: get_ok(client, url), args.repeat), base
            )
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,100000")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each, the median kept")
    parser.add_argument("--host", default="localhost", help="the intranet host name")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    args = parser.parse_args()

    os.environ["DJANGO_SETTINGS_MODULE"] = "jingjian.settings.dev"
    os.environ["DATABASE_URL"] = args.database_url or "sqlite:///:memory:"
    os.environ.pop("ELASTICSEARCH_URL", None)
    os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(prefix="jingjian-bench-media-")

    import django

    django.setup()
    from django.conf import settings

    settings.DEBUG = False  # as production runs: no statement log
    # The page's templates ask for static files by name; no collected manifest here.
    settings.STORAGES["staticfiles"]["BACKEND"] = (
        "django.contrib.staticfiles.storage.StaticFilesStorage"
    )
    runs = []
    for n in args.sizes.split(","):
        runs.append(run_size(int(n), args))
        print(json.dumps(runs[-1], ensure_ascii=False), file=sys.stderr, flush=True)
    print(
        json.dumps(
            {"benchmark": "statistics", "target_ms": 200, "runs": runs},
            ensure_ascii=False,
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
