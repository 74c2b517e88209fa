"""The statistics at 1,000 and 100,000 persons handled. Prints JSON.

Usage: .venv/bin/python bench/statistics.py      (no arguments; knobs are environment variables)

  BENCH_PERSONS=1000,100000   register sizes (persons handled; about 1.6 per case file)
  BENCH_ROUNDS=7              timed rounds per measurement (median and the slowest reported)
  DATABASE_URL                an EMPTY PostgreSQL database to build in (default: a temporary
                              SQLite file; never the developer's db.sqlite3)

What it does, per size: a temporary database, migrated; the register written straight into its
tables (bulk_create: case files spread over 2019-2026 with problem types, work areas, sources,
unit types, one to four persons each with rank, form and sanctions, some units named in
bulletins); then, through Django's test client in this process (no HTTP server: the figures are
what is measured, and the trivial view below pays the same client's costs):

- ``report_cold_ms``: the figures of the year to date built from the register
  (``report(..., cached=False)``), for 纪检监察 (exact) and for a reader (suppressed);
- ``monthly_table_ms``: the figures of one month, built;
- ``page_first_ms``: the whole statistics page with an empty cache (what the first reader after a
  change waits), and ``page_ms``: the page again (the figures kept while the register is
  unchanged, ``report``'s fingerprint);
- ``json_ms``: /statistics/figures.json;
- each also as a ratio to the trivial view (/bench/trivial/) measured in the same run.

Target (issue 15): the full statistics page and the monthly table at most 200 ms at 100,000.
Recording a read (我已学习) is measured by bench/study.py.
"""

import sys
from pathlib import Path

# This file's name is the standard library's: its folder must not come first on the path.
HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]

import datetime  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402

ROOT = HERE.parent
sys.path.insert(0, str(ROOT))


def knob(name, default):
    return os.environ.get(name, default)


def timed(function, rounds):
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return {"median_ms": round(statistics.median(samples), 1), "max_ms": round(max(samples), 1)}


def build_register(persons_wanted, seed=2026):
    """Case files, persons, units and problem-type links, written in batches."""
    from casestudies.choices import (
        AdministrativeSanction,
        CaseSource,
        DisciplineForm,
        PartySanction,
        RankLevel,
    )
    from casestudies.models import CaseFile, CaseFilePerson, CaseFileUnit, ProblemType, UnitType
    from casestudies.models.case_files import PersonRole
    from jingjian.core.models import WorkArea

    rng = random.Random(seed)
    problem_types = list(ProblemType.objects.all()) or [ProblemType.objects.create(name="推诿扯皮")]
    work_areas = list(WorkArea.objects.all()) or [WorkArea.objects.create(name="民心工程")]
    unit_types = list(UnitType.objects.all()) or [UnitType.objects.create(name="镇街")]
    sources = [value for value, _label in CaseSource.choices]
    ranks = [value for value, _label in RankLevel.choices]
    forms = [value for value, _label in DisciplineForm.choices]
    party = [value for value, _label in PartySanction.choices]
    admin = [value for value, _label in AdministrativeSanction.choices]
    start = datetime.date(2019, 1, 1)
    span = (datetime.date(2026, 11, 30) - start).days
    surnames, given = "王李张刘陈杨黄赵周吴徐孙马朱胡郭何高林罗", "建国志强海燕秀英伟明丽华军平"

    made = 0
    number = 0
    while made < persons_wanted:
        files = []
        # Two persons per case file on average (the choice below): no file left without one.
        for _ in range(min(2000, (persons_wanted - made + 1) // 2 or 1)):
            number += 1
            files.append(
                CaseFile(
                    number=f"鉴纪台〔{2019 + number % 8}〕{number}号",
                    title=f"第{number}号案卷",
                    raw_account="",
                    date_handled=start + datetime.timedelta(days=rng.randrange(span)),
                    work_area=rng.choice(work_areas),
                    source=rng.choice(sources),
                    unit_type=rng.choice(unit_types),
                    named_in_bulletin=rng.random() < 0.15,
                )
            )
        files = CaseFile.objects.bulk_create(files)
        links, people, units = [], [], []
        through = CaseFile.problem_types.through
        for case_file in files:
            for kind in rng.sample(problem_types, k=min(len(problem_types), rng.randint(1, 2))):
                links.append(through(casefile_id=case_file.pk, problemtype_id=kind.pk))
            for order in range(rng.choice((1, 1, 1, 2, 2, 3, 4))):
                form = rng.choice(forms)
                people.append(
                    CaseFilePerson(
                        case_file=case_file,
                        sort_order=order,
                        role=PersonRole.SUBJECT,
                        name=rng.choice(surnames) + "".join(rng.sample(given, 2)),
                        rank_level=rng.choice(ranks),
                        discipline_form=form,
                        party_sanction=rng.choice(party) if form >= 2 else "",
                        administrative_sanction=rng.choice(admin) if form >= 3 else "",
                        detained=form == 4 and rng.random() < 0.5,
                        referred=form == 4 and rng.random() < 0.4,
                    )
                )
                made += 1
            if rng.random() < 0.4:
                units.append(
                    CaseFileUnit(
                        case_file=case_file,
                        sort_order=0,
                        name=f"鉴湖区第{case_file.pk % 97}单位",
                        named_in_bulletin=case_file.named_in_bulletin and rng.random() < 0.5,
                    )
                )
            if made >= persons_wanted:
                break
        through.objects.bulk_create(links)
        CaseFilePerson.objects.bulk_create(people)
        CaseFileUnit.objects.bulk_create(units)
    return {"case_files": CaseFile.objects.count(), "persons": CaseFilePerson.objects.count()}


def measure_level(client, level, year_to_date, month, first_page, rounds):
    from casestudies.statistics.report import report

    return {
        "report_cold": timed(lambda: report(year_to_date, level=level, cached=False), rounds),
        "monthly_table": timed(lambda: report(month, level=level, cached=False), rounds),
        "page_first": timed(first_page(client), rounds),
        "page": timed(lambda: client.get("/statistics/"), rounds),
        "json": timed(lambda: client.get("/statistics/figures.json"), rounds),
    }


def measure(persons, rounds):
    from django.contrib.auth.models import Group, User
    from django.core.cache import caches
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from casestudies.statistics import access
    from casestudies.statistics.periods import Period

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # the pages' hashed names
    setup_test_environment()
    started = time.perf_counter()
    sizes = build_register(persons)
    build_seconds = round(time.perf_counter() - started, 1)
    discipline = User.objects.create_user("jijian-bench", password="x" * 20)
    discipline.groups.add(Group.objects.get(name="纪检监察"))
    reader = User.objects.create_user("duzhe-bench", password="x" * 20)
    reader.groups.add(Group.objects.get(name="读者"))

    clients = {}
    for name, user in (("exact", discipline), ("suppressed", reader)):
        client = Client()
        client.force_login(user)
        clients[name] = client
    anonymous = Client()
    year_to_date = Period.year_to_date(2026, 11)
    month = Period.month(2026, 10)
    assert clients["exact"].get("/statistics/").status_code == 200

    def clear():
        for alias in ("default", "pages"):
            caches[alias].clear()

    def first_page(client):
        def run():
            clear()
            assert client.get("/statistics/").status_code == 200

        return run

    result = {"persons": sizes["persons"], "case_files": sizes["case_files"]}
    result["build_seconds"] = build_seconds
    result["trivial"] = timed(lambda: anonymous.get("/bench/trivial/"), rounds * 5)
    for name, level in (("exact", access.Level.EXACT), ("suppressed", access.Level.SUPPRESSED)):
        figures = measure_level(clients[name], level, year_to_date, month, first_page, rounds)
        for measured in figures.values():
            measured["ratio_to_trivial"] = round(
                result["trivial"]["median_ms"] / measured["median_ms"], 4
            )
        result[name] = figures
    result["database"] = connection.vendor
    return result


def main():
    sizes = [int(s) for s in knob("BENCH_PERSONS", "1000,100000").split(",") if s.strip()]
    rounds = int(knob("BENCH_ROUNDS", "7"))
    given_database = os.environ.get("DATABASE_URL")
    results = []
    for persons in sizes:
        workdir = Path(tempfile.mkdtemp(prefix="jingjian-bench-statistics-"))
        env = {
            "DATABASE_URL": given_database or f"sqlite:///{workdir}/db.sqlite3",
            "CACHE_DIR": str(workdir / "cache"),
            "MEDIA_ROOT": str(workdir / "media"),
            "STATIC_ROOT": str(workdir / "static"),
            "BENCH_TRIVIAL_VIEW": "true",
            "DJANGO_SETTINGS_MODULE": "jingjian.settings.dev",
            "DEBUG": "false",
        }
        # One register per process: each size in its own interpreter, settings read afresh.
        pid = os.fork()
        if pid == 0:
            status = 1
            try:
                os.environ.update(env)
                import django

                django.setup()
                measured = measure(persons, rounds)
                (workdir / "result.json").write_text(json.dumps(measured))
                status = 0
            except BaseException:
                traceback.print_exc()
            finally:
                os._exit(status)
        _pid, status = os.waitpid(pid, 0)
        if status != 0:
            raise SystemExit(f"the register of {persons} persons could not be measured")
        results.append(json.loads((workdir / "result.json").read_text()))
        shutil.rmtree(workdir, ignore_errors=True)
        if given_database:
            break  # an empty database is needed per size: only the first size then
    largest = results[-1]
    worst = max(
        largest[level][name]["median_ms"]
        for level in ("exact", "suppressed")
        for name in ("page_first", "monthly_table")
    )
    print(
        json.dumps(
            {
                "benchmark": "statistics",
                "date": datetime.date.today().isoformat(),
                "cores": os.cpu_count(),
                "rounds": rounds,
                "target_ms": 200,
                "worst_page_or_table_ms_at_largest": worst,
                "met": worst <= 200,
                "sizes": results,
            },
            ensure_ascii=False,
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
