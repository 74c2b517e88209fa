"""The statistics of the register at scale: the full figures and the monthly table. Prints JSON.

Usage:
  .venv/bin/python bench/register_statistics.py                   # 1,000 and 100,000 persons handled
  .venv/bin/python bench/register_statistics.py --sizes 1000
  DATABASE_URL=postgres://... bench/register_statistics.py        # PostgreSQL instead of a temporary SQLite

For each size it creates a throwaway database, writes a synthetic register of that many persons
handled (the demo register's generator, ``demo/register.py``, scaled; 2019–2026) in bulk, and
times, uncached (what the first viewer of a period waits for) and cached (every viewer after,
until the register changes):

- ``figures``: everything the statistics page shows (totals, the four forms, sanctions by kind,
  six breakdowns, the monthly table, small numbers suppressed), for the whole register and for
  one year;
- ``monthly_table``: the monthly report table of one month and of a year to date.

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
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return samples[len(samples) // 2]


def run_size(n, args):
    from django.conf import settings
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection

    from casestudies.models import CaseFilePerson
    from casestudies.statistics import Level, Period
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
    # Planner statistics as a database that has been running has them (and, on PostgreSQL,
    # the visibility map that lets the covering indexes answer alone).
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")

    def baseline():
        CaseFilePerson.objects.filter(case_file__date_handled__isnull=False).count()

    base = timed(baseline, args.repeat)
    whole = Period.parse("2019-01..2026-12")
    year = Period.year(2025)
    cases = {
        "figures_all_years": lambda: report(whole, level=Level.SUPPRESSED, cached=False),
        "figures_all_years_exact": lambda: report(whole, level=Level.EXACT, cached=False),
        "figures_one_year": lambda: report(year, level=Level.SUPPRESSED, cached=False),
        "monthly_table_month": lambda: (
            report(Period.month(2025, 3), level=Level.SUPPRESSED, cached=False).monthly
        ),
        "monthly_table_year_to_date": lambda: (
            report(Period.year_to_date(2025, 11), level=Level.SUPPRESSED, cached=False).monthly
        ),
    }
    result = {
        "persons": persons,
        "case_files": files,
        "write_seconds": round(write_seconds, 1),
        "baseline_ms": round(base, 2),
        "uncached": {},
        "cached": {},
    }
    for name, function in cases.items():
        ms = timed(function, args.repeat)
        result["uncached"][name] = {"ms": round(ms, 1), "ratio": round(ms / base, 1)}
    cache.clear()
    report(whole, level=Level.SUPPRESSED)  # fills the cache
    ms = timed(lambda: report(whole, level=Level.SUPPRESSED), args.repeat)
    result["cached"]["figures_all_years"] = {"ms": round(ms, 1), "ratio": round(ms / base, 1)}
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,100000")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each, the median kept")
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
