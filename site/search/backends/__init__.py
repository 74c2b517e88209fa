"""Wagtail's database search backend, taught to read Chinese.

``WAGTAILSEARCH_BACKENDS["default"]["BACKEND"] = "jingjian.search.backends"`` picks the
SQLite (FTS5) or PostgreSQL variant for the current database, like Wagtail's own
``wagtail.search.backends.database`` does, and changes two things:

- **indexing**: every searchable value is turned into the token stream of
  ``jingjian.core.chinese.index_text`` (normalized text, Chinese bigrams, single characters);
- **querying**: a plain-text query becomes an AND of phrases, one per term, each phrase made of
  the term's tokens, so every term must occur as an exact substring.

One module per engine, classes at module level: ``sqlite`` and ``postgres`` (the variants, with
the reader search's rank tiers on each), ``elasticsearch`` (the admin's search when
Elasticsearch is the engine); ``common`` holds what they share and ``writing`` the background
writes of a bulk build.

On SQLite, titles and summaries are also indexed as marked tokens (``TITLE_MARK``,
``SUMMARY_MARK``) so that the reader search can rank a tier at a time without reading every
match (``sqlite.fts_tiers``); on PostgreSQL the body vector holds everything plus the summary's
marked tokens (``postgres.postgres_columns``, ``postgres.PostgresTiers``), and keeps single
characters only where they end a run, a one-character term being a prefix query there.

Index rows are written with one INSERT per batch (on SQLite after one DELETE of the entries
being replaced, in one transaction), during ``update_index`` by a background writer
(``writing.bulk_indexing``). On SQLite the rebuild is in place; on PostgreSQL it fills a new
table and swaps it in (``jingjian.search.rebuild``). The index tables, Wagtail's admin ranking
and filters are Wagtail's.
"""

from django.db import connection

from jingjian.search.backends.common import (
    WALK_ABOVE,
    database_columns,
    parental_m2m_targets,
    preload_parental_m2m,
    refresh_stale_title_norms,
    searchable_texts,
)
from jingjian.search.backends.writing import (
    FTS5_DEFAULT_AUTOMERGE,
    BackgroundWriter,
    bulk_indexing,
    optimize_search_tables,
    write_index_rows,
)

__all__ = [
    "FTS5_DEFAULT_AUTOMERGE",
    "WALK_ABOVE",
    "BackgroundWriter",
    "SearchBackend",
    "bulk_indexing",
    "database_columns",
    "full_text_tiers",
    "optimize_search_tables",
    "parental_m2m_targets",
    "preload_parental_m2m",
    "refresh_stale_title_norms",
    "searchable_texts",
    "write_index_rows",
]


def SearchBackend(params):  # noqa: N802 - the name Wagtail looks up in a backend module
    if connection.vendor == "postgresql":
        # Lazy: each variant's module imports its database's modelsearch backend (the
        # PostgreSQL one needs psycopg); only the one this database uses is imported.
        from jingjian.search.backends import postgres

        return postgres.Backend(params)
    if connection.vendor == "sqlite":
        # Lazy, as above.
        from jingjian.search.backends import sqlite

        return sqlite.Backend(params)
    raise RuntimeError(
        f"jingjian.search.backends supports SQLite and PostgreSQL, not {connection.vendor}."
    )


def full_text_tiers(phrases):
    """The rank tiers of a query's phrases on this database's full-text index."""
    if connection.vendor == "postgresql":
        # Lazy, as in SearchBackend: only this database's variant is imported.
        from jingjian.search.backends import postgres

        return postgres.PostgresTiers(phrases)
    # Lazy, as in SearchBackend.
    from jingjian.search.backends import sqlite

    return sqlite.SQLiteTiers(phrases)
