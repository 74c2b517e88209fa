"""``update_index`` as it runs in production: its own process, a database file, no transaction
around it; the index rows are then written by the background writer on a second connection."""

import os
import subprocess
import sys
from pathlib import Path

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
from jingjian.core import search, search_backends

threads = []
write_index_rows = search_backends.write_index_rows

def recording(alias, write):
    def recorded():
        threads.append(threading.current_thread().name)
        write()
    write_index_rows(alias, recorded)

search_backends.write_index_rows = recording
call_command("update_index", verbosity=0, chunk_size=2)
print("writers", sorted(set(threads)), len(threads))
found = search.search_pages(Page.objects.live(), "后台写入案例")
print("found", sorted(p.title for p in found))
print("left", search_backends._WRITERS)
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


def test_update_index_on_a_database_file_writes_from_the_background(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"ELASTICSEARCH_URL"}}
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'index.sqlite3'}",
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
    assert "left {}" in output
