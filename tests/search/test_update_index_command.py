"""``update_index`` as it runs in production: its own process, no transaction around it, on a
SQLite file or (when the suite runs on PostgreSQL) a scratch PostgreSQL database; the index
rows are then written by the background writer on a second connection, and on PostgreSQL into
a new table that is swapped in at the end."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]

CREATE_PAGES = """
from tests.factories import CaseStudyPageFactory
for i in range(5):
    CaseStudyPageFactory(title=f"后台写入案例{i}", problem_types=["推诿扯皮"])
"""

SEARCH = """
import threading
from django.core.management import call_command
from django.db import connection
from wagtail.models import Page
from jingjian.search import backends as search_backends, reader as search
from jingjian.search.backends import writing

threads = []
write_index_rows = writing.write_index_rows

def recording(alias, write):
    def recorded():
        threads.append(threading.current_thread().name)
        write()
    write_index_rows(alias, recorded)

writing.write_index_rows = recording  # the variants write through the module
call_command("update_index", verbosity=0, chunk_size=2)
print("writers", sorted(set(threads)), len(threads))
found = search.search_pages(Page.objects.live(), "后台写入案例")
print("found", sorted(p.title for p in found))
print("left", writing._WRITERS, writing._REBUILDS.get("default", []))
with connection.cursor() as cursor:
    table = "wagtailsearch_indexentry"
    names = connection.introspection.table_names(cursor)
    print("left tables", sorted(t for t in names if t.endswith("_rebuild")))
    constraints = connection.introspection.get_constraints(cursor, table)
print("gin", sorted(n for n, c in constraints.items() if c.get("type") == "gin"))
"""


def manage(env, *args):
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture
def scratch_database(tmp_path, django_db_blocker):
    """The URL of an empty database of the kind the suite runs on, dropped afterwards."""
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        yield f"sqlite:///{tmp_path / 'index.sqlite3'}"
        return
    from django.db import connection

    name = f"jingjian_update_index_{uuid.uuid4().hex[:8]}"
    with django_db_blocker.unblock(), connection._nodb_cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    url = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + f"/{name}"
    try:
        yield url
    finally:
        with django_db_blocker.unblock(), connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_update_index_in_its_own_process_writes_from_the_background(tmp_path, scratch_database):
    env = {k: v for k, v in os.environ.items() if k not in {"ELASTICSEARCH_URL"}}
    env.update(
        DATABASE_URL=scratch_database,
        DJANGO_SETTINGS_MODULE="jingjian.settings.dev",
        MEDIA_ROOT=str(tmp_path / "media"),
    )
    manage(env, "migrate", "--verbosity", "0")
    manage(env, "shell", "-c", CREATE_PAGES)
    output = manage(env, "shell", "-c", SEARCH).splitlines()
    # Batches of two pages, all written on the writer's thread.
    writers = next(line for line in output if line.startswith("writers"))
    assert writers.startswith("writers ['search-index-writer']")
    assert int(writers.split()[-1]) >= 3
    titles = [f"后台写入案例{i}" for i in range(5)]
    assert f"found {sorted(titles)}" in output
    assert "left {} []" in output
    # No half-built table is left; on PostgreSQL the swapped-in table has Wagtail's indexes.
    assert "left tables []" in output
    if scratch_database.startswith("postgres"):
        gin = next(line for line in output if line.startswith("gin"))
        assert gin.count("_gin") == 3, gin
