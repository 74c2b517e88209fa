"""Writing index rows during a bulk build (``update_index``): a background writer with its own
connection, FTS5's merging suspended and everything optimized once at the end."""

import queue
import threading
from contextlib import contextmanager

from django.db import connection, connections

from jingjian.search.backends.common import _entries_table, _fts_table

FTS5_DEFAULT_AUTOMERGE = 4


class BackgroundWriter:
    """Runs index writes in order on a thread with its own database connection.

    During a bulk build the next batch of pages is then loaded and turned into tokens (Python,
    which holds the interpreter lock) while the database stores this one (SQLite's C code and
    the PostgreSQL server, which do not need it): the two cores work at once. At most one batch
    waits in the queue. The first error stops the writes and is raised in the caller's thread
    at its next ``submit``, ``flush`` or ``close``."""

    def __init__(self):
        self._jobs = queue.Queue(maxsize=1)
        self._error = None
        self._thread = threading.Thread(target=self._run, name="search-index-writer", daemon=True)
        self._thread.start()

    def _run(self):
        try:
            while True:
                job = self._jobs.get()
                try:
                    if job is None:
                        return
                    if self._error is None:
                        job()
                except BaseException as error:  # noqa: BLE001 - handed to the caller's thread
                    self._error = error
                finally:
                    self._jobs.task_done()
        finally:
            connections.close_all()  # this thread's own connections

    def _raise(self):
        if self._error is not None:
            raise self._error

    def submit(self, job):
        self._raise()
        self._jobs.put(job)

    def flush(self):
        """Wait until every submitted write is stored."""
        self._jobs.join()
        self._raise()

    def close(self, raise_error=True):
        if self._thread.is_alive():
            self._jobs.put(None)
            self._thread.join()
        if raise_error:
            self._raise()


# Background writers of bulk builds in progress, by database alias: (owning thread, writer).
_WRITERS = {}


# PostgreSQL rebuilds started and not yet swapped in, and whether one was swapped in since the
# last ``optimize_search_tables``, by database alias.
_REBUILDS = {}


_SWAPPED = {}


def _writer_of(alias):
    """The background writer of the bulk build this thread runs on ``alias``, if any (other
    threads of the process, e.g. a page published meanwhile, write in place)."""
    owner, writer = _WRITERS.get(alias, (None, None))
    return writer if owner == threading.get_ident() else None


def write_index_rows(alias, write):
    """Run ``write`` (which stores index rows on ``connections[alias]``): on the background
    writer while this thread's ``bulk_indexing`` has one, else now."""
    writer = _writer_of(alias)
    if writer is None:
        write()
    elif connections[alias].in_atomic_block:
        # Inside the caller's transaction (an atomic rebuild, which opens it before its first
        # batch, so nothing is queued yet): the rows belong in it.
        writer.flush()
        write()
    else:
        writer.submit(write)


def finish_index_writes(alias):
    """Wait for the index rows a bulk build is still writing (before reading the table)."""
    writer = _writer_of(alias)
    if writer is not None:
        writer.flush()


def writes_in_background(db_connection):
    """Whether a bulk build on ``db_connection`` can write from a second connection: not inside
    a transaction (the rows would be outside it) nor on an in-memory SQLite database."""
    if db_connection.in_atomic_block or db_connection.vendor not in ("sqlite", "postgresql"):
        return False
    return not (db_connection.vendor == "sqlite" and db_connection.is_in_memory_db())


@contextmanager
def bulk_indexing(db_connection=None):
    """Index many objects (``update_index``).

    - Rows are written by a ``BackgroundWriter`` where ``writes_in_background`` allows.
    - On SQLite, FTS5's merging of index segments after each insert is suspended (``automerge``
      0, a setting stored with the table) and everything is merged once at the end by
      ``optimize_search_tables``, which also runs on other databases. The setting is restored
      even if indexing fails."""
    db_connection = db_connection or connection
    table = _fts_table() if db_connection.vendor == "sqlite" else None

    def configure(name, value):
        with db_connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {table}({table}, rank) VALUES(%s, %s)", [name, value])

    if table:
        configure("automerge", 0)
    writer = BackgroundWriter() if writes_in_background(db_connection) else None
    if writer:
        _WRITERS[db_connection.alias] = (threading.get_ident(), writer)
    try:
        yield
        if writer:
            writer.close()
    finally:
        if writer:
            _WRITERS.pop(db_connection.alias, None)
            writer.close(raise_error=False)
        # A rebuild that did not reach its swap (an error) is dropped; the live table stays.
        for rebuild in _REBUILDS.pop(db_connection.alias, []):
            rebuild.discard()
        if table:
            configure("automerge", FTS5_DEFAULT_AUTOMERGE)
    optimize_search_tables(db_connection)


def optimize_search_tables(db_connection=None):
    """Gather planner statistics and merge the full-text index after bulk indexing.

    Without statistics SQLite's planner walks the FTS table for frequent terms (10–70× slower);
    ``optimize`` merges FTS5 segments. PostgreSQL gets ``ANALYZE`` on the index table (the only
    one indexing changes).
    """
    db_connection = db_connection or connection
    with db_connection.cursor() as cursor:
        if db_connection.vendor == "sqlite":
            table = _fts_table()
            if table:
                cursor.execute(f"INSERT INTO {table}({table}) VALUES('optimize')")
            cursor.execute("ANALYZE")
        elif db_connection.vendor == "postgresql":
            # A rebuild swapped in a table it had analyzed already (``search_rebuild``).
            if not _SWAPPED.pop(db_connection.alias, False):
                cursor.execute(f"ANALYZE {db_connection.ops.quote_name(_entries_table())}")
