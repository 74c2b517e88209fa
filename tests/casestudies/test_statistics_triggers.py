"""The register's triggers survive a migration that rebuilds one of their tables: after every
``migrate`` the missing ones are created again, and the summary, counted again, gives the
figures the register gives (also of the writes made while a trigger was missing)."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection

from casestudies.models import CaseFile, CaseFilePerson, CaseFileUnit, RegisterSummaryMonth
from casestudies.statistics import Level, Period, summary, triggers
from casestudies.statistics.report import _build, report
from tests.casestudies.register_fixtures import FIXED, write

TABLES = ["casefile", "casefileperson", "casefileunit", "casefile_problem_types"]
EXPECTED = {
    f"register_casestudies_{table}_{event}"
    for table in TABLES
    for event in ("insert", "update", "delete")
}


def installed():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        return {name for (name,) in cursor.fetchall()}


def drop(name, table):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP TRIGGER {name} ON {table}")
        else:
            cursor.execute(f"DROP TRIGGER {name}")


def assert_figures_are_the_registers(period=None):
    period = period or Period.year(2025)
    for level in (Level.EXACT, Level.SUPPRESSED):
        from_summary = report(period, level=level, cached=True).to_json()
        assert from_summary == _build(period, level, direct=True).to_json(), level
    assert summary.stored_rows() == summary.summary_rows()


def test_a_migrated_database_needs_no_trigger_created(db):
    assert EXPECTED <= installed()
    assert triggers.ensure() == []


def test_a_dropped_trigger_is_back_after_migrate_and_the_figures_are_right(db):
    files = write(FIXED)
    summary.refresh()
    assert report(Period.year(2025), level=Level.EXACT).totals["persons"].value == 6
    # As a migration rebuilding the persons' table would leave it: no trigger on its updates,
    # and a write made then (every person of March's first matter to the fourth form).
    drop("register_casestudies_casefileperson_update", "casestudies_casefileperson")
    drop("register_casestudies_casefile_insert", "casestudies_casefile")
    CaseFilePerson.objects.filter(case_file=files[0]).update(discipline_form=4)
    assert not RegisterSummaryMonth.objects.exists()  # nothing marked it

    call_command("migrate", verbosity=0)

    assert EXPECTED <= installed()
    assert not RegisterSummaryMonth.objects.exists()  # counted again, not left to a reader
    assert_figures_are_the_registers()
    assert report(Period.year(2025), level=Level.EXACT).totals["form_4"].value == 3
    # And the triggers work again: a later write is counted.
    CaseFilePerson.objects.filter(case_file=files[1]).update(discipline_form=4)
    CaseFile.objects.create(number="鉴纪台〔2025〕88号", date_handled=datetime.date(2025, 9, 1))
    assert RegisterSummaryMonth.objects.exists()
    assert_figures_are_the_registers()
    assert report(Period.year(2025), level=Level.EXACT).totals["form_4"].value == 6
    assert report(Period.year(2025), level=Level.EXACT).totals["matters"].value == 4


def test_a_migrate_that_changes_nothing_counts_nothing_again(db, django_assert_max_num_queries):
    write(FIXED)
    summary.refresh()
    version = summary.version()
    with django_assert_max_num_queries(6):
        assert triggers.ensure() == []
    assert summary.version() == version


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite copies a table to alter it")
# serialized_rollback: the flush afterwards then leaves the content types as migrate made them
# (a plain transactional flush makes new ones, and later serialized tests could not load theirs).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_table_rebuild_on_sqlite_loses_the_triggers_and_migrate_restores_them():
    files = write(FIXED)
    summary.refresh()
    # What a migration altering a field of the units does on SQLite: a new table copied from
    # the old one, which is dropped with its triggers.
    with connection.schema_editor() as editor:
        editor._remake_table(CaseFileUnit)
    assert not {n for n in installed() if n.startswith("register_casestudies_casefileunit_")}
    CaseFileUnit.objects.create(case_file=files[2], name="鉴湖区水务局", named_in_bulletin=True)

    call_command("migrate", verbosity=0)

    assert EXPECTED <= installed()
    assert_figures_are_the_registers()
    assert report(Period.year(2025), level=Level.EXACT).totals["units_bulletined"].value == 2
    CaseFileUnit.objects.filter(case_file=files[2]).update(named_in_bulletin=False)
    assert RegisterSummaryMonth.objects.filter(month=datetime.date(2025, 7, 1)).exists()
    assert_figures_are_the_registers()
