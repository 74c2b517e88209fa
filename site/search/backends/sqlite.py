"""The database search backend on SQLite (FTS5), and the reader search's rank tiers there."""

import json

from django.db import connection, connections, transaction
from django.db.models import (
    BooleanField,
    CharField,
    Exists,
    Expression,
    F,
    IntegerField,
    OuterRef,
)
from django.db.models.functions import Cast
from modelsearch.backends.database.sqlite import sqlite
from modelsearch.conf import get_app_config
from modelsearch.utils import get_content_type_pk, get_descendants_content_types_pks
from wagtail.models import Page

from jingjian.search.backends import writing
from jingjian.search.backends.common import (
    SUMMARY_MARK,
    TITLE_MARK,
    ChineseCompilerMixin,
    _fts_table,
    batch_title_norms,
    database_columns,
    marked_phrase,
    objects_to_index,
    purges_pages,
    refresh_stale_title_norms,
)


class Compiler(ChineseCompilerMixin, sqlite.SQLiteSearchQueryCompiler):
    pass


@purges_pages
class Index(sqlite.SQLiteIndex):
    # Replaces modelsearch 1.3.2's SQLiteIndex.add_items, with Django 5.2's private
    # QuerySet._raw_delete (pinned: tests/search/test_library_overrides.py).
    def add_items(self, model, objs):
        # Wagtail's SQLite add_items, with the columns made by ``database_columns``.
        if not model.get_search_fields():
            return
        model_fields = {}
        objs, preloaded = objects_to_index(model, objs)
        rows = {str(obj.pk): database_columns(obj, model_fields, preloaded) for obj in objs}
        if not rows:
            return
        content_type = get_content_type_pk(model)
        # One statement for the batch (rows passed as JSON): SQLite releases Python's
        # interpreter lock once per statement, and the background writer of a bulk build
        # only runs alongside the Python work when statements are long.
        # SQLite's title length is the length of the title column's text.
        norms = batch_title_norms([len(title) for title, _, _ in rows.values()], self.entries)
        payload = json.dumps(
            [
                [object_id, *columns, norm]
                for (object_id, columns), norm in zip(rows.items(), norms, strict=True)
            ],
            ensure_ascii=False,
        )
        table = sqlite.IndexEntry._meta.db_table
        alias = self.entries.db

        def write():
            # Entries being replaced are deleted in one statement and written again with
            # the new ones (an UPDATE per object made rebuilding an existing index slow).
            entries = self.entries.filter(content_type_id=content_type)
            with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
                entries.filter(object_id__in=rows.keys())._raw_delete(alias)
                cursor.execute(
                    f"""
                    INSERT INTO {table} (content_type_id, object_id, title, autocomplete,
                                         body, title_norm)
                    SELECT %s, json_extract(value, '$[0]'), json_extract(value, '$[1]'),
                           json_extract(value, '$[2]'), json_extract(value, '$[3]'),
                           json_extract(value, '$[4]')
                    FROM json_each(%s)
                    """,
                    [content_type, payload],
                )

        writing.write_index_rows(alias, write)

    # Private API: modelsearch 1.3.2's SQLiteIndex._refresh_title_norms (pinned: tests/search/test_library_overrides.py).
    def _refresh_title_norms(self, full=False):
        # The per-batch refresh scans the whole table each time (quadratic over a rebuild);
        # title norms only feed the relevance order the admin uses, so they are brought up
        # to date when a rebuild finishes (full=True) rather than after every batch.
        if full:
            writing.finish_index_writes(self.entries.db)
            refresh_stale_title_norms(
                connections[self.entries.db], sqlite.IndexEntry._meta.db_table
            )


class Backend(sqlite.SQLiteSearchBackend):
    query_compiler_class = Compiler
    index_class = Index
    reads_plain_rows = True  # update_index hands it search_rows.PlainRows


def _fts_all(phrases, columns=""):
    quoted = " AND ".join('"' + " ".join(tokens) + '"' for tokens in phrases)
    return f"{columns} : ({quoted})" if columns else f"({quoted})"


def fts_tiers(phrases):
    """FTS5 expressions for a query's phrases: (all matches, [title, summary, the rest]).

    The tiers are disjoint: every phrase in the title; else every phrase in the summary; else
    the other matches."""
    matched = _fts_all(phrases, "{title body}")
    title = _fts_all([marked_phrase(p, TITLE_MARK) for p in phrases])
    summary = _fts_all([marked_phrase(p, SUMMARY_MARK) for p in phrases])
    return matched, [title, f"{summary} NOT {title}", f"({matched} NOT {title}) NOT {summary}"]


class _FTSMatch(Expression):
    """Whether an index entry id matches an FTS5 expression: probed per row (``probe``) or
    tested against the collected matches (``scan``: by reading every entry's id from an index
    rather than looking each match up in the wide entries table)."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, entry_id, expression, probe=False, scan=False):
        super().__init__()
        self.entry_id, self.expression = entry_id, expression
        self.probe, self.scan = probe, scan

    def get_source_expressions(self):
        return [self.entry_id]

    def set_source_expressions(self, expressions):
        (self.entry_id,) = expressions

    def as_sql(self, compiler, connection):
        sql, params = compiler.compile(self.entry_id)
        table = _fts_table()
        if self.probe:
            return (
                f"EXISTS (SELECT 1 FROM {table} WHERE {table} MATCH %s AND rowid = {sql})",
                [self.expression, *params],
            )
        # A unary plus keeps SQLite from looking up each match by its id.
        plus = "+" if self.scan else ""
        return f"{plus}{sql} IN (SELECT rowid FROM {table} WHERE {table} MATCH %s)", [
            *params,
            self.expression,
        ]


def fts_entry_count(expression, limit):
    """How many index entries match ``expression``, counting no further than ``limit``."""
    table = _fts_table()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM (SELECT rowid FROM {table} WHERE {table} MATCH %s LIMIT %s)",
            [expression, limit],
        )
        return cursor.fetchone()[0]


def sqlite_fts_filter(queryset, expression, walk=False, many=False):
    """Narrow a page queryset to pages whose index entry matches an FTS5 ``expression``.

    ``walk=True`` probes the index once per page (use it with an ordering the database can walk
    and a slice, for large tiers); otherwise the matches are collected once (``many``: tell it
    when they are expected to be many)."""

    entries = get_app_config().get_model("IndexEntry")._default_manager
    if walk:
        probe = entries.filter(
            content_type_id=OuterRef("content_type_id"),
            object_id=Cast(OuterRef("pk"), CharField()),
        ).filter(_FTSMatch(F("id"), expression, probe=True))
        return queryset.filter(Exists(probe))
    collected = (
        entries.filter(content_type_id__in=get_descendants_content_types_pks(Page))
        .filter(_FTSMatch(F("id"), expression, scan=many))
        .annotate(page_id=Cast("object_id", IntegerField()))
        .values("page_id")
    )
    return queryset.filter(pk__in=collected)


class SQLiteTiers:
    """A query's rank tiers on SQLite's full-text index (``fts_tiers``), for ``RankedPages``."""

    def __init__(self, phrases):
        self.matched, self.tiers = fts_tiers(phrases)

    def count(self, expression, limit):
        return fts_entry_count(expression, limit)

    def filter(self, queryset, expression, walk=False, many=False):
        return sqlite_fts_filter(queryset, expression, walk=walk, many=many)
