"""The register's summary gives every figure the register itself gives: on random registers
written and rewritten by every path there is (saves, a bulletin's ``update()``, bulk inserts,
deletes, moves between months), for whole years, months and spans that cut months in half, at
both levels; and ``rebuild_register_summary`` rebuilds and checks it."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casestudies.choices import AdministrativeSanction, PartySanction
from casestudies.models import (
    CaseFile,
    CaseFilePerson,
    CaseFileUnit,
    ProblemType,
    RegisterSummary,
    RegisterSummaryMonth,
)
from casestudies.models.case_files import PersonRole
from casestudies.statistics import Level, Period, summary
from casestudies.statistics.report import _build, report
from tests.casestudies.register_fixtures import FIXED, write

AREAS = ["民心工程", "环境治理", "招商引资", None]
SOURCES = ["complaint", "district_inspection", "audit", ""]
UNIT_TYPES = ["区直部门", "镇街", None]
KINDS = ["推诿扯皮", "吃拿卡要", "庸懒散浮拖"]
UNITS = ["鉴湖区民政局", "鉴湖区青山镇人民政府", "鉴湖区水务局"]

person = st.tuples(
    st.sampled_from([1, 2, 3, 4, 5, None]),  # rank level
    st.sampled_from([1, 1, 2, 3, 4, None]),  # form
    st.sampled_from(["", *PartySanction.values]),
    st.sampled_from(["", *AdministrativeSanction.values]),
    st.booleans(),  # detained
    st.booleans(),  # referred
)
day = st.dates(datetime.date(2024, 1, 1), datetime.date(2025, 12, 31))
matter = st.tuples(
    st.one_of(day, day, day, st.none()),
    st.lists(st.sampled_from(KINDS), max_size=2, unique=True),
    st.sampled_from(AREAS),
    st.sampled_from(SOURCES),
    st.sampled_from(UNIT_TYPES),
    st.booleans(),  # named in a public bulletin
    st.lists(
        st.tuples(st.sampled_from(UNITS), st.booleans()), max_size=2, unique_by=lambda u: u[0]
    ),
    st.lists(person, max_size=3),
)
# A later write to the register, each through another path (index of the case file first).
write_op = st.one_of(
    st.tuples(st.just("name_in_bulletin"), st.integers(0, 20)),
    st.tuples(st.just("move"), st.integers(0, 20), st.one_of(day, st.none())),
    st.tuples(st.just("retype"), st.integers(0, 20), st.lists(st.sampled_from(KINDS), max_size=2)),
    st.tuples(st.just("edit_persons"), st.integers(0, 20), st.sampled_from([1, 3, 5, None])),
    st.tuples(st.just("witness"), st.integers(0, 20)),
    st.tuples(st.just("delete_person"), st.integers(0, 20)),
    st.tuples(st.just("add_persons"), st.integers(0, 20), st.lists(person, min_size=1, max_size=3)),
    st.tuples(st.just("delete_file"), st.integers(0, 20)),
)
asked = st.one_of(
    st.sampled_from(["2024", "2025", "2024-01..2025-12", "2025-ytd-03", "2025-03"]),
    st.builds(lambda a, b: Period.between(min(a, b), max(a, b)), day, day),
)


def register_of(matters):
    built = []
    for index, (when, kinds, area, source, unit_type, named, units, persons) in enumerate(matters):
        people = [
            (f"人{index}之{j}", rank, form, party, admin, "", detained, referred)
            for j, (rank, form, party, admin, detained, referred) in enumerate(persons)
        ]
        number = f"鉴纪台〔{when.year if when else 2025}〕{index + 1}号"
        built.append((number, when, kinds, area, source, unit_type, named, units, people))
    return built


def apply(op, files):
    """One write of ``op`` to the register (``files``: the case files written)."""
    kind, index, *rest = op
    case_file = CaseFile.objects.filter(pk=files[index % len(files)].pk).first()
    if case_file is None:
        return
    persons = CaseFilePerson.objects.filter(case_file=case_file)
    if kind == "name_in_bulletin":  # as a bulletin is issued: ``update()``, no signal
        CaseFile.objects.filter(pk=case_file.pk).update(named_in_bulletin=True)
        CaseFileUnit.objects.filter(case_file=case_file).update(named_in_bulletin=True)
    elif kind == "move":  # a save from the admin or the ledger
        case_file.date_handled = rest[0]
        case_file.save()
    elif kind == "retype":
        case_file.problem_types.set(ProblemType.objects.filter(name__in=rest[0]))
        case_file.save(update_fields=["problem_types"])
    elif kind == "edit_persons":
        persons.update(rank_level=rest[0], party_sanction="warning")
    elif kind == "witness":
        persons.filter(pk__in=persons.values("pk")[:1]).update(role=PersonRole.WITNESS)
    elif kind == "delete_person":
        first = persons.first()
        if first:
            first.delete()
    elif kind == "add_persons":  # as the ledger import writes persons: ``bulk_create``
        CaseFilePerson.objects.bulk_create(
            [
                CaseFilePerson(
                    case_file=case_file,
                    name=f"补{j}",
                    role=PersonRole.SUBJECT,
                    rank_level=rank,
                    discipline_form=form,
                    party_sanction=party,
                    administrative_sanction=admin,
                    detained=detained,
                    referred=referred,
                )
                for j, (rank, form, party, admin, detained, referred) in enumerate(rest[0])
            ]
        )
    elif kind == "delete_file":
        case_file.delete()


def assert_same_figures(period):
    levels = [Level.EXACT]
    if (period.start.month, period.start.day, period.end.month, period.end.day) == (1, 1, 12, 31):
        if period.start.year == period.end.year:
            levels.append(Level.SUPPRESSED)
    for level in levels:
        from_summary = report(period, level=level, cached=False).to_json()
        direct = _build(period, level, direct=True).to_json()
        assert from_summary == direct, (period.key, level)


@pytest.mark.django_db
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.lists(matter, min_size=1, max_size=10),
    st.lists(write_op, max_size=6),
    st.lists(asked, min_size=1, max_size=4),
)
def test_the_summary_gives_every_figure_the_register_gives(matters, ops, periods):
    CaseFile.objects.all().delete()
    files = write(register_of(matters))
    summary.refresh()
    for op in ops:
        apply(op, files)
    for period in periods:
        if isinstance(period, str):
            period = Period.parse(period)
        assert_same_figures(period)
    assert summary.stored_rows() == summary.summary_rows()
    assert not RegisterSummaryMonth.objects.exists()


@pytest.fixture
def register(db):
    files = write(FIXED)
    summary.refresh()
    return files


def test_a_write_marks_its_months_and_reading_counts_them(register):
    march = datetime.date(2025, 3, 1)
    CaseFile.objects.filter(pk=register[0].pk).update(date_handled=datetime.date(2025, 5, 2))
    assert set(RegisterSummaryMonth.objects.values_list("month", flat=True)) == {
        march,
        datetime.date(2025, 5, 1),
    }
    before = summary.version()
    CaseFileUnit.objects.filter(case_file=register[1]).update(named_in_bulletin=True)
    assert summary.version() != before
    year = report(Period.year(2025), level=Level.EXACT, cached=False)
    assert year.breakdowns["month"].rows[4].cells["matters"].value == 1  # May
    assert year.breakdowns["month"].rows[2].cells["matters"].value == 1  # March: one left
    assert not RegisterSummaryMonth.objects.exists()


def test_a_save_that_changes_no_figure_marks_nothing(register):
    version = summary.version()
    case_file = register[0]
    case_file.title = "改了名称"
    case_file.save()
    CaseFile.objects.filter(pk=case_file.pk).update(draft_inputs={"x": 1})
    assert not RegisterSummaryMonth.objects.exists()
    assert summary.version() == version


def test_the_cached_figures_follow_a_bulletin_update(register):
    year = Period.year(2025)
    assert report(year, level=Level.EXACT).totals["matters_bulletined"].value == 1
    CaseFile.objects.filter(pk=register[2].pk).update(named_in_bulletin=True)
    assert report(year, level=Level.EXACT).totals["matters_bulletined"].value == 2


def test_the_command_rebuilds_a_damaged_summary_and_checks_it(register):
    out = io.StringIO()
    call_command("rebuild_register_summary", "--check", stdout=out)
    assert "一致" in out.getvalue()
    RegisterSummary.objects.filter(slice="rank_level").update(persons=99)
    RegisterSummary.objects.filter(slice="problem_type").delete()
    with pytest.raises(CommandError, match="不一致.*rebuild_register_summary"):
        call_command("rebuild_register_summary", "--check", stdout=io.StringIO())
    out = io.StringIO()
    call_command("rebuild_register_summary", stdout=out)
    assert "重新统计" in out.getvalue()
    call_command("rebuild_register_summary", "--check", stdout=io.StringIO())
    assert report(Period.year(2025), level=Level.EXACT, cached=False).totals["persons"].value == 6


def test_the_ledger_import_is_counted(db):
    from tests.casestudies.test_ledger_import import EXAMPLE

    call_command("import_case_files", str(EXAMPLE), stdout=io.StringIO(), stderr=io.StringIO())
    assert not RegisterSummaryMonth.objects.exists()  # counted before the command answered
    for text in ["2024-01..2026-12", "2025", "2025-02-10..2025-11-20"]:
        assert_same_figures(Period.parse(text))
    assert summary.stored_rows() == summary.summary_rows()


@pytest.mark.postgres
def test_a_bulk_insert_marks_each_month_once_on_postgresql(register):
    """PostgreSQL's triggers run once per statement, over all its rows."""
    CaseFilePerson.objects.bulk_create(
        [
            CaseFilePerson(case_file=register[n % 3], name=f"批{n}", role=PersonRole.SUBJECT)
            for n in range(300)
        ]
    )
    marks = dict(RegisterSummaryMonth.objects.values_list("month", "version"))
    assert marks == {datetime.date(2025, 3, 1): 1, datetime.date(2025, 7, 1): 1}
    assert_same_figures(Period.year(2025))


def test_the_triggers_are_in_place(db):
    """A migration that rebuilds one of these tables (SQLite copies a table to alter it) drops
    its triggers with it: this fails until that migration creates them again."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        found = {name for (name,) in cursor.fetchall()}
    tables = ["casefile", "casefileperson", "casefileunit", "casefile_problem_types"]
    expected = {
        f"register_casestudies_{table}_{event}"
        for table in tables
        for event in ("insert", "update", "delete")
    }
    assert expected <= found


@pytest.mark.postgres
# serialized_rollback: the flush afterwards then leaves the content types as migrate made them
# (a plain transactional flush makes new ones, and later serialized tests could not load theirs).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_months_recount_reads_only_that_months_persons_on_postgresql():
    """The recount of a month (after an edit) counts ``COUNT(1)``, which the persons' covering
    index answers alone, so the planner reads the month's case files' persons by that index
    rather than every person handled (a sequential scan of the whole table)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # 96 months, a month's matters about 1% of the register, as in the demo's at scale.
    files = CaseFile.objects.bulk_create(
        [
            CaseFile(
                number=f"鉴纪台〔2025〕{n}号",
                date_handled=datetime.date(2019 + n % 96 // 12, 1 + n % 12, 1 + n % 28),
            )
            for n in range(9600)
        ]
    )
    CaseFilePerson.objects.bulk_create(
        [
            CaseFilePerson(case_file=f, name=f"批{j}", role=PersonRole.SUBJECT, rank_level=1 + j)
            for f in files
            for j in range(2)
        ]
    )
    with connection.cursor() as cursor:
        # As autovacuum leaves a table that has been running: statistics and visibility map.
        cursor.execute("VACUUM ANALYZE casestudies_casefile, casestudies_casefileperson")
    with CaptureQueriesContext(connection) as queries:
        summary.rebuild([datetime.date(2025, 3, 1)])
    person_queries = [
        q["sql"]
        for q in queries.captured_queries
        if 'FROM "casestudies_casefileperson"' in q["sql"]
    ]
    assert person_queries
    for sql in person_queries:
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN " + sql)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        assert "Seq Scan on casestudies_casefileperson" not in plan, plan
    summary.refresh()  # the other months, and the rows COPY wrote, against a fresh count
    assert summary.stored_rows() == summary.summary_rows()
