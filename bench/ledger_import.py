"""The statistics page's first request after a whole-ledger import. Prints JSON.

Usage:
  .venv/bin/python bench/ledger_import.py                        # 100,000 persons, a 5,000-row ledger
  .venv/bin/python bench/ledger_import.py --persons 1000 --rows 500
  DATABASE_URL=postgres://... bench/ledger_import.py             # PostgreSQL instead of a temporary SQLite

A throwaway database gets a synthetic register of ``--persons`` persons handled (the demo
register's generator, as ``bench/register_statistics.py`` writes it), its summary counted; then
a ledger (.xlsx) of ``--rows`` persons handled in new case files, one to three persons each,
spread over every month of 2019–2026, is imported with ``manage.py import_case_files``. Timed:
the import (``import_seconds``), the months still marked for a recount when it has answered
(``marked_months_after_import``), then the statistics page of a year as 纪检监察 through Django's
test client: the first request after the import (``first_page_ms``, what its first reader waits
for) and, the cache emptied, the median of ``--repeat`` more (``later_page_ms``).
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]

import argparse  # noqa: E402
import datetime  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

HEADER = [
    "案卷编号",
    "处理日期",
    "问题类型",
    "线索来源",
    "单位类型",
    "姓名",
    "单位",
    "职级",
    "四种形态",
    "党纪处分",
]
RANKS = ["地厅级", "县处级", "乡科级", "一般干部", "其他"]
FORMS = ["第一种形态", "第一种形态", "第一种形态", "第二种形态", "第三种形态", "第四种形态"]
SOURCES = ["信访举报", "巡察", "暗访", "审计"]


def ledger(path, rows):
    """An .xlsx of ``rows`` persons handled in new case files over 2019–2026."""
    from openpyxl import Workbook

    from casestudies.models import ProblemType, UnitType

    kinds = list(ProblemType.objects.values_list("name", flat=True))
    unit_types = list(UnitType.objects.values_list("name", flat=True))
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    written, number = 0, 0
    while written < rows:
        number += 1
        month = number % 96
        day = datetime.date(2019 + month // 12, month % 12 + 1, 1 + number % 28)
        file_number = f"鉴纪台〔{day.year}〕{90000 + number}号"
        for j in range(min(1 + number % 3, rows - written)):
            sheet.append(
                [
                    file_number,
                    day if j == 0 else None,
                    kinds[number % len(kinds)] if j == 0 else "",
                    SOURCES[number % len(SOURCES)] if j == 0 else "",
                    unit_types[number % len(unit_types)] if j == 0 else "",
                    f"台账人{number}之{j}",
                    f"鉴湖区第{number % 40}单位",
                    RANKS[(number + j) % len(RANKS)],
                    FORMS[(number + j) % len(FORMS)],
                    "警告" if (number + j) % 7 == 0 else "",
                ]
            )
            written += 1
    book.save(path)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--rows", type=int, default=5_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--host", default="localhost", help="the intranet host name")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="jingjian-bench-ledger-")
    os.environ["DJANGO_SETTINGS_MODULE"] = "jingjian.settings.dev"
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{workdir}/bench.sqlite3"
    os.environ.pop("ELASTICSEARCH_URL", None)
    os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(prefix="jingjian-bench-media-")

    import django

    django.setup()
    from django.conf import settings

    settings.DEBUG = False  # as production runs: no statement log
    settings.STORAGES["staticfiles"]["BACKEND"] = (
        "django.contrib.staticfiles.storage.StaticFilesStorage"
    )
    from django.contrib.auth.models import Group, User
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from casestudies.models import RegisterSummaryMonth
    from casestudies.statistics import summary
    from demo.register import register_records, write_register
    from jingjian.core.groups import DISCIPLINE

    call_command("migrate", verbosity=0)
    files, persons = write_register(register_records(seed=args.persons, persons=args.persons))
    summary.refresh()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    path = Path(workdir) / "ledger.xlsx"
    ledger(path, args.rows)

    user, _ = User.objects.get_or_create(username="bench-ledger")
    user.groups.set([Group.objects.get(name=DISCIPLINE)])
    client = Client(HTTP_HOST=args.host)
    client.force_login(user)
    url = "/statistics/?period=2025"
    assert client.get(url).status_code == 200  # templates and session warm

    started = time.perf_counter()
    call_command("import_case_files", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    import_seconds = time.perf_counter() - started
    marked = RegisterSummaryMonth.objects.count()

    cache.clear()
    started = time.perf_counter()
    assert client.get(url).status_code == 200
    first = (time.perf_counter() - started) * 1000
    later = []
    for _ in range(args.repeat):
        cache.clear()
        started = time.perf_counter()
        assert client.get(url).status_code == 200
        later.append((time.perf_counter() - started) * 1000)
    later.sort()
    print(
        json.dumps(
            {
                "benchmark": "ledger_import",
                "database": connection.vendor,
                "register_persons": persons,
                "register_case_files": files,
                "ledger_rows": args.rows,
                "import_seconds": round(import_seconds, 2),
                "marked_months_after_import": marked,
                "first_page_ms": round(first, 1),
                "later_page_ms": round(later[len(later) // 2], 1),
            },
            ensure_ascii=False,
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
