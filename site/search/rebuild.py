"""Rebuilding the PostgreSQL search index into a new table, swapped in when it is complete.

Keeping Wagtail's three GIN indexes up to date row by row was more than half of a rebuild
(20,000 pages: 78 s with them, 31 s without), while building a GIN index over a finished table
is one sort. A full rebuild (``update_index``) on PostgreSQL therefore:

1. creates ``<table>_rebuild`` beside Wagtail's index table, with its columns, defaults,
   identity, primary key and unique constraints, and none of its other indexes;
2. writes every entry there (the index's own ``add_items``, with the background writer);
3. builds the other indexes and foreign keys exactly as the live table has them (read from the
   catalog, so whatever Wagtail's migrations made is reproduced), the largest on this
   connection while the others are built on the background writer's, and gathers statistics;
4. in one short transaction drops the old table and gives the new one, its indexes, its
   constraints and its identity sequence the old names.

Readers search the complete old table until step 4. Pages published meanwhile are indexed into
the old table, and again after the swap (``update_index`` ends with
``reindex_published_since``). A rebuild that fails is dropped, and so is one a killed process
left behind, when the next rebuild starts.
"""

import logging
import re

from django.conf import settings
from django.db import DatabaseError, connections, transaction

logger = logging.getLogger(__name__)

SUFFIX = "_rebuild"
# PostgreSQL truncates identifiers longer than this.
MAX_NAME = 63
_INDEX_DEFINITION = re.compile(r"^(CREATE (?:UNIQUE )?INDEX) \S+ ON (?:ONLY )?\S+ (USING .+)$")


class TableRebuild:
    """A new copy of ``table`` being filled on ``db_connection``, to replace it; ``large`` is
    the column that holds most of the data (Wagtail's ``body`` vector)."""

    def __init__(self, db_connection, table, large="body"):
        self.connection = db_connection
        self.table = table
        self.large = large
        self.new = f"{table}{SUFFIX}"
        if len(self.new) + 4 > MAX_NAME:
            raise ValueError(f"table name too long for a rebuild beside it: {table}")
        self.renames = []  # (kind, temporary name, original name), applied after the swap
        self.finished = False

    def _quote(self, name):
        return self.connection.ops.quote_name(name)

    def _temporary(self, kind):
        return f"{self.new}_{kind}{len(self.renames)}"

    def _rows(self, sql, params=()):
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def _execute(self, *statements):
        with self.connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)

    def _constraints(self, kinds):
        return self._rows(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = %s::regclass AND contype = ANY(%s) ORDER BY conname",
            [self.table, list(kinds)],
        )

    def _indexes(self):
        """(name, definition, first key column) of the indexes no constraint owns."""
        return self._rows(
            "SELECT c.relname, pg_get_indexdef(i.indexrelid),"
            " pg_get_indexdef(i.indexrelid, 1, true)"
            " FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
            " WHERE i.indrelid = %s::regclass AND NOT EXISTS ("
            "   SELECT 1 FROM pg_constraint k"
            "   WHERE k.conrelid = i.indrelid AND k.conindid = i.indexrelid)"
            " ORDER BY c.relname",
            [self.table],
        )

    def create(self):
        """Create the empty new table (dropping one an earlier rebuild left)."""
        new, table = self._quote(self.new), self._quote(self.table)
        self._execute(
            f"DROP TABLE IF EXISTS {new}",
            f"CREATE TABLE {new} (LIKE {table} INCLUDING ALL EXCLUDING INDEXES)",
            # Chinese token vectors do not compress (none of 20,000 did), and trying cost
            # about a tenth of writing them.
            f"ALTER TABLE {new} ALTER COLUMN {self._quote(self.large)} SET STORAGE EXTERNAL",
        )
        # Keys now: writes use ON CONFLICT on the unique constraint.
        for name, definition in self._constraints("pu"):
            self._add_constraint(name, definition)

    def _add_constraint(self, name, definition):
        self._execute(self._constraint_statement(name, definition))

    def _constraint_statement(self, name, definition):
        """The SQL that adds constraint ``name`` to the new table under a temporary name."""
        temporary = self._temporary("c")
        self.renames.append(("constraint", temporary, name))
        return (
            f"ALTER TABLE {self._quote(self.new)} ADD CONSTRAINT {self._quote(temporary)}"
            f" {definition}"
        )

    def index_statements(self):
        """The statements that give the filled table the live table's other indexes and its
        foreign keys, as (first key column, SQL)."""
        statements = []
        for name, definition, column in self._indexes():
            match = _INDEX_DEFINITION.match(definition)
            if not match:
                raise DatabaseError(f"unexpected index definition on {self.table}: {definition}")
            temporary = self._temporary("i")
            self.renames.append(("index", temporary, name))
            statements.append(
                (
                    column,
                    f"{match.group(1)} {self._quote(temporary)} ON {self._quote(self.new)}"
                    f" {match.group(2)}",
                )
            )
        for name, definition in self._constraints("f"):
            statements.append((None, self._constraint_statement(name, definition)))
        return statements

    def build_indexes(self, beside):
        """Build the indexes and foreign keys: those on the large column here, the others
        through ``beside(job)`` (the background writer, when there is one, so that both cores
        work)."""
        memory = settings.SEARCH_INDEX_BUILD_MEMORY

        def run_on(db_connection, statements):
            with db_connection.cursor() as cursor:
                cursor.execute("SET maintenance_work_mem = %s", [memory])
                try:
                    for statement in statements:
                        cursor.execute(statement)
                finally:
                    cursor.execute("RESET maintenance_work_mem")

        statements = self.index_statements()
        here = [sql for column, sql in statements if column == self.large]
        others = [sql for column, sql in statements if column != self.large]
        if others:
            alias = self.connection.alias

            def build_others():
                run_on(connections[alias], others)

            beside(build_others)
        run_on(self.connection, here)

    def analyze(self):
        self._execute(f"ANALYZE {self._quote(self.new)}")

    def swap(self):
        """Put the new table in the live one's place, in one transaction."""
        table, new = self._quote(self.table), self._quote(self.new)
        with transaction.atomic(using=self.connection.alias):
            self._execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
            sequences = self._sequences()
            for column, old_sequence, new_sequence in sequences:
                if new_sequence is None:
                    # A serial column: the new table's default draws on the old sequence, which
                    # would go with the old table.
                    self._execute(
                        f"ALTER SEQUENCE {old_sequence} OWNED BY {new}.{self._quote(column)}"
                    )
            # Deferred foreign-key checks still pending on the old table's rows (rows written
            # earlier in an enclosing transaction) would forbid dropping it: run them now.
            self._execute("SET CONSTRAINTS ALL IMMEDIATE")
            self._execute(f"DROP TABLE {table}", f"ALTER TABLE {new} RENAME TO {table}")
            for _column, old_sequence, new_sequence in sequences:
                if new_sequence is not None:
                    original = old_sequence.split(".")[-1]
                    self._execute(f"ALTER SEQUENCE {new_sequence} RENAME TO {original}")
            for kind, temporary, name in self.renames:
                if kind == "index":
                    self._execute(
                        f"ALTER INDEX {self._quote(temporary)} RENAME TO {self._quote(name)}"
                    )
                else:
                    self._execute(
                        f"ALTER TABLE {table} RENAME CONSTRAINT {self._quote(temporary)}"
                        f" TO {self._quote(name)}"
                    )
            self._execute("SET CONSTRAINTS ALL DEFERRED")  # Django's foreign keys' default
        self.finished = True

    def _sequences(self):
        """(column, the live table's sequence, the new table's own or ``None``) per column
        that draws on a sequence."""
        found = []
        columns = self._rows(
            "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0"
            " AND NOT attisdropped ORDER BY attnum",
            [self.table],
        )
        for (column,) in columns:
            ((old,),) = self._rows("SELECT pg_get_serial_sequence(%s, %s)", [self.table, column])
            if old is None:
                continue
            ((new,),) = self._rows("SELECT pg_get_serial_sequence(%s, %s)", [self.new, column])
            found.append((column, old, new))
        return found

    def discard(self):
        """Drop the unfinished new table (after a failure); the live table is untouched."""
        if self.finished:
            return
        try:
            self._execute(f"DROP TABLE IF EXISTS {self._quote(self.new)}")
        except DatabaseError:
            # Inside a failed transaction: it rolls back, and the table with it.
            logger.warning("search index rebuild: could not drop %s", self.new, exc_info=True)
