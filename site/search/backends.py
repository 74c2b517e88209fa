"""Wagtail's database search backend, taught to read Chinese.

``WAGTAILSEARCH_BACKENDS["default"]["BACKEND"] = "jingjian.search.backends"`` picks the
SQLite (FTS5) or PostgreSQL variant for the current database, like Wagtail's own
``wagtail.search.backends.database`` does, and changes two things:

- **indexing**: every searchable value is turned into the token stream of
  ``jingjian.core.chinese.index_text`` (normalized text, Chinese bigrams, single characters);
- **querying**: a plain-text query becomes an AND of phrases, one per term, each phrase made of
  the term's tokens, so every term must occur as an exact substring.

On SQLite, titles and summaries are also indexed as marked tokens (``TITLE_MARK``,
``SUMMARY_MARK``) so that the reader search can rank a tier at a time without reading every
match (``fts_tiers``, ``sqlite_fts_filter``); on PostgreSQL the body vector holds everything plus
the summary's marked tokens (``postgres_columns``, ``PostgresTiers``), and keeps single
characters only where they end a run, a one-character term being a prefix query there.

Index rows are written with one INSERT per batch (on SQLite after one DELETE of the entries
being replaced, in one transaction), during ``update_index`` by a background writer
(``bulk_indexing``). On SQLite the rebuild is in place; on PostgreSQL it fills a new table and
swaps it in (``jingjian.search.rebuild``). The index tables, Wagtail's admin ranking and
filters are Wagtail's.
"""

import copy
import json
import queue
import threading
from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import connection, connections, transaction
from django.db.models import (
    BooleanField,
    CharField,
    Exists,
    Expression,
    F,
    IntegerField,
    Manager,
    OuterRef,
    TextField,
)
from django.db.models.functions import Cast
from django.utils.encoding import force_str
from modelcluster.fields import ParentalManyToManyField
from modelsearch.index import AutocompleteField, RelatedFields, SearchField
from modelsearch.query import And, Or, Phrase, PlainText

from jingjian.core import chinese


def _flatten(value, separator=" "):
    """The text of a searchable value (lists and dicts joined, as Wagtail's indexers do: with
    spaces for search fields, ", " for autocomplete)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list | tuple):
        return separator.join(_flatten(item, separator) for item in value)
    if isinstance(value, dict):
        return separator.join(_flatten(item, separator) for item in value.values())
    return force_str(value)


class _Preloaded(Manager):
    """Related objects loaded beforehand, where indexers expect a related manager."""

    def __init__(self, items):
        super().__init__()
        self._items = items

    def all(self):
        return self._items


def preload_parental_m2m(model, objs):
    """The targets of ``model``'s indexed many-to-many relations of modelcluster, for all of
    ``objs`` in one query per relation, as {(field name, pk): [objects]}.

    modelsearch does not prefetch them (modelcluster's managers ignore prefetching), so without
    this each indexed page asks one query per relation."""
    preloaded = {}
    pks = [obj.pk for obj in objs]
    for field in model.get_search_fields():
        if not isinstance(field, RelatedFields):
            continue
        try:
            django_field = model._meta.get_field(field.field_name)
        except FieldDoesNotExist:
            continue
        if not isinstance(django_field, ParentalManyToManyField):
            continue
        for pk, targets in parental_m2m_targets(model, field.field_name, pks).items():
            preloaded[(field.field_name, pk)] = targets
    return preloaded


def objects_to_index(model, objs):
    """(objects, preloaded relations) for the indexers: ``objs`` with their modelcluster
    relations, or a batch of ``search_rows.PlainRows`` as stand-ins read from plain rows."""
    from jingjian.search.rows import PlainRows

    if isinstance(objs, PlainRows):
        return objs.load()
    return objs, preload_parental_m2m(model, objs)


def parental_m2m_targets(model, field_name, pks):
    """{pk: [objects]} of the modelcluster many-to-many ``field_name`` for each of ``pks``, in
    one query, each list in the target model's own order (as ``page.<field>.all()`` gives)."""
    django_field = model._meta.get_field(field_name)
    source, target = django_field.m2m_field_name(), django_field.m2m_reverse_field_name()
    ordering = django_field.related_model._meta.ordering or ["pk"]
    rows = (
        django_field.remote_field.through.objects.filter(**{f"{source}_id__in": pks})
        .select_related(target)
        .order_by(*[_prefixed(target, name) for name in ordering])
    )
    found = {pk: [] for pk in pks}
    for row in rows:
        found[getattr(row, f"{source}_id")].append(getattr(row, target))
    return found


def _prefixed(relation, ordering):
    descending = ordering.startswith("-")
    return f"{'-' if descending else ''}{relation}__{ordering.lstrip('-')}"


def _preloaded_items(obj, field_name, preloaded):
    """Preloaded related objects of ``obj``, unless it holds unsaved changes to the relation."""
    if field_name in getattr(obj, "_cluster_related_objects", {}):
        return None
    return preloaded.get((field_name, obj.pk))


def chinese_query(query):
    """Rewrite a plain-text query into phrases of index tokens; ``None`` if nothing is left."""
    if isinstance(query, PlainText):
        phrases = [
            Phrase(" ".join(tokens))
            for term in chinese.query_terms(query.query_string)
            for tokens in chinese.term_phrases(term)
        ]
        if not phrases:
            return None
        if len(phrases) == 1:
            return phrases[0]
        return And(phrases) if query.operator == "and" else Or(phrases)
    if isinstance(query, Phrase):
        # The words of a phrase are one term: adjacent tokens, except that a lone Chinese
        # character (indexed apart from the positions) must occur anywhere (term_phrases).
        term = " ".join(chinese.query_terms(query.query_string))
        phrases = [Phrase(" ".join(tokens)) for tokens in chinese.term_phrases(term)]
        if not phrases:
            return None
        return phrases[0] if len(phrases) == 1 else And(phrases)
    if isinstance(query, And | Or):
        parts = [chinese_query(sub) for sub in query.subqueries]
        parts = [p for p in parts if p is not None]
        if not parts:
            return None
        return type(query)(parts) if len(parts) > 1 else parts[0]
    return query


class ChineseCompilerMixin:
    def search(self, config, start, stop, score_field=None, **kwargs):
        rewritten = chinese_query(self.query)
        if rewritten is None:
            return self.queryset.none()
        self.query = rewritten
        return super().search(config, start, stop, score_field=score_field, **kwargs)


# On SQLite a page's title and summary are indexed twice: as ordinary tokens and as *marked*
# tokens (a mark prefixed), so that "every term in the title" and "every term in the summary"
# are full-text queries without column filters (which FTS5 cannot probe cheaply for one row).
# index_text never makes such tokens: its Chinese tokens have at most two characters and its
# other tokens contain no Chinese.
TITLE_MARK = "\u3401\u3401"
SUMMARY_MARK = "\u3400\u3400"
MARKED_FIELDS = {"title": TITLE_MARK, "summary": SUMMARY_MARK}
MARK_CHARACTERS = {TITLE_MARK[0], SUMMARY_MARK[0]}


def marked_phrase(tokens, mark):
    return tuple(mark + token for token in tokens)


def marked_text(text, mark):
    """``marked_phrase`` of a token stream (``index_text``: single spaces between tokens)."""
    return mark + text.replace(" ", " " + mark)


def _searchable_value(field, obj, model_fields):
    """``field.get_value(obj)``, skipping Wagtail's per-call lookups for plain model fields."""
    key = (type(obj), field.field_name)
    if key not in model_fields:
        try:
            django_field = field.get_field(type(obj))
        except FieldDoesNotExist:
            django_field = None
        plain = (
            django_field is not None
            and getattr(django_field, "concrete", False)
            and not django_field.is_relation
            and not hasattr(django_field, "get_searchable_content")
        )
        model_fields[key] = django_field if plain else None
    django_field = model_fields[key]
    if django_field is None:
        return field.get_value(obj)
    return django_field.value_from_object(obj)


def searchable_texts(obj, model_fields=None, preloaded=None, run_ends_only=False):
    """Every searchable value of ``obj`` in one pass over its search fields (Wagtail's indexers
    read every field once per column), as (field, text, top level): index tokens for search
    fields (``chinese.index_text``), the raw text for autocomplete fields. ``preloaded`` is from
    ``preload_parental_m2m``."""
    model_fields = {} if model_fields is None else model_fields
    preloaded = preloaded or {}

    def walk(target, fields, top_level):
        for field in fields:
            if isinstance(field, SearchField):
                value = _flatten(_searchable_value(field, target, model_fields))
                yield field, chinese.index_text(value, run_ends_only), top_level
            elif isinstance(field, AutocompleteField):
                yield field, _flatten(field.get_value(target), ", "), top_level
            elif isinstance(field, RelatedFields):
                items = _preloaded_items(target, field.field_name, preloaded) if top_level else None
                related = _Preloaded(items) if items is not None else field.get_value(target)
                if related is None:
                    continue
                if isinstance(related, Manager):
                    related = related.all()
                else:
                    related = [related() if callable(related) else related]
                for item in related:
                    yield from walk(item, field.fields, False)

    yield from walk(obj, obj.get_search_fields(), True)


def database_columns(obj, model_fields=None, preloaded=None):
    """The title, autocomplete and body columns of ``obj``'s SQLite index entry."""
    title, body, autocomplete = [], [], []
    for field, text, top_level in searchable_texts(obj, model_fields, preloaded):
        if isinstance(field, AutocompleteField):
            autocomplete.append(text)
            continue
        mark = MARKED_FIELDS.get(field.field_name) if top_level else None
        if mark and text:
            text = f"{text} {marked_text(text, mark)}"
        (title if field.field_name == "title" else body).append(text)
    return " ".join(title), " ".join(autocomplete), " ".join(body)


# The weights of PostgreSQL's tsvectors, as modelsearch gives them to field boosts.
WEIGHTS = "ABCD"
# Between the values of a column in one INSERT of index rows: the unit separator, which no
# token holds (``postgres_columns`` replaces it in the one raw text, autocomplete's).
SEPARATOR = "\x1f"


def postgres_columns(obj, model_fields=None, preloaded=None):
    """The texts of ``obj``'s PostgreSQL index entry: (title tokens, title weight,
    autocomplete text, body tokens of weight A, B, C, D).

    Unlike Wagtail's, the body holds the title too, so that "every term anywhere" is one
    condition on one indexed column (``body @@ query``); and the summary a second time as
    marked tokens, so that "every term in the summary" is one too (``PostgresTiers``). Single
    characters are kept only at the ends of runs: a one-character term is a prefix query here
    (``_tsquery``), and the other single characters were two fifths of every vector's words."""
    from modelsearch.backends.database.postgres.weights import get_weight

    title, title_weight, autocomplete = [], "D", []
    body = {weight: [] for weight in WEIGHTS}
    for field, text, top_level in searchable_texts(obj, model_fields, preloaded, True):
        if isinstance(field, AutocompleteField):
            autocomplete.append(text)
            continue
        if not text:
            continue
        weight = get_weight(field.boost)
        if field.field_name == "title":
            title.append(text)
            title_weight = weight
        body[weight].append(text)
        if top_level and field.field_name == "summary":
            body["D"].append(marked_text(text, SUMMARY_MARK))
    return (
        " ".join(title),
        title_weight,
        ", ".join(autocomplete).replace(SEPARATOR, " "),  # raw text: may hold anything
        *(" ".join(body[weight]) for weight in WEIGHTS),
    )


# Wagtail's title norm (for relevance): the average title length over the entry's own title
# length, where the average is the whole table's. It is written with the row (updating every
# row afterwards would rewrite all of PostgreSQL's text indexes): a rebuild's batch uses its own
# average, a good estimate; a few pages (publishing) use the table's.
SMALL_BATCH = 50


def batch_title_norms(lengths, entries):
    """Title norms for a batch of entries whose titles have ``lengths`` (0: no title)."""
    titled = [n for n in lengths if n > 0]
    average = None
    if len(lengths) < SMALL_BATCH:
        average = average_title_length(connections[entries.db], entries.model._meta.db_table)
    if average is None:
        average = sum(titled) / len(titled) if titled else 0
    return [float(average) / n if n > 0 else 1.0 for n in lengths]


# How far a stored norm may drift from the table's before a full refresh rewrites it.
TITLE_NORM_TOLERANCE = 0.05


def average_title_length(db_connection, table):
    """The average title length of the entries in ``table`` that have a title, as Wagtail
    measures it (``length(title)``: characters of SQLite's text, lexemes of PostgreSQL's
    vector), or ``None``. In SQL, for a rebuild's new table too, which no model maps."""
    with db_connection.cursor() as cursor:
        cursor.execute(
            f"SELECT avg(length(title)) FROM {db_connection.ops.quote_name(table)}"
            " WHERE length(title) > 0"
        )
        (average,) = cursor.fetchone()
    return float(average) if average else None


def refresh_stale_title_norms(db_connection, table):
    """Bring the title norms in ``table`` to its average, rewriting only rows off by more than
    ``TITLE_NORM_TOLERANCE`` (what Wagtail's full refresh does, without touching every row)."""
    average = average_title_length(db_connection, table)
    if not average:
        return
    low, high = average * (1 - TITLE_NORM_TOLERANCE), average * (1 + TITLE_NORM_TOLERANCE)
    with db_connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {db_connection.ops.quote_name(table)} SET title_norm = %s / length(title)"
            " WHERE length(title) > 0"
            " AND (title_norm < %s / length(title) OR title_norm > %s / length(title))",
            [average, low, high],
        )


def _sqlite_backend(params):
    from modelsearch.backends.database.sqlite import sqlite
    from modelsearch.utils import get_content_type_pk

    class Compiler(ChineseCompilerMixin, sqlite.SQLiteSearchQueryCompiler):
        pass

    class Index(sqlite.SQLiteIndex):
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

            write_index_rows(alias, write)

        def _refresh_title_norms(self, full=False):
            # The per-batch refresh scans the whole table each time (quadratic over a rebuild);
            # title norms only feed the relevance order the admin uses, so they are brought up
            # to date when a rebuild finishes (full=True) rather than after every batch.
            if full:
                finish_index_writes(self.entries.db)
                refresh_stale_title_norms(
                    connections[self.entries.db], sqlite.IndexEntry._meta.db_table
                )

    class Backend(sqlite.SQLiteSearchBackend):
        query_compiler_class = Compiler
        index_class = Index
        reads_plain_rows = True  # update_index hands it search_rows.PlainRows

    return Backend(params)


def _postgres_backend(params):
    from modelsearch.backends.database.postgres import postgres
    from modelsearch.utils import get_content_type_pk

    class Compiler(ChineseCompilerMixin, postgres.PostgresSearchQueryCompiler):
        def build_tsquery_content(self, query, config=None, invert=False):
            # A lone Chinese character is a prefix of the vectors' tokens (postgres_columns).
            if isinstance(query, Phrase) and prefix_search(tuple(query.query_string.split())):
                from django.contrib.postgres.search import SearchQuery

                found = SearchQuery(f"{query.query_string}:*", search_type="raw", config=config)
                return ~found if invert else found
            return super().build_tsquery_content(query, config=config, invert=invert)

    class Index(postgres.PostgresIndex):
        # The table add_items writes: Wagtail's, or a rebuild's new one (``writing_to``), and
        # how many objects this index object has written.
        table = None
        written = 0

        def writing_to(self, table):
            index = copy.copy(self)
            index.table, index.written = table, 0
            return index

        def add_items(self, model, objs):
            # Wagtail's PostgreSQL add_items builds Django expressions per field per object;
            # here the texts are already tokens, so the rows go in one parameterised INSERT.
            if not model.get_search_fields() or not objs:
                return
            model_fields = {}
            objs, preloaded = objects_to_index(model, objs)
            content_type = get_content_type_pk(model)
            rows = [postgres_columns(obj, model_fields, preloaded) for obj in objs]
            # PostgreSQL's title length is the number of distinct words in the title vector.
            norms = batch_title_norms([len(set(row[0].split())) for row in rows], self.entries)
            # One text per column, its values joined by a separator PostgreSQL splits again:
            # the statement is the same for any batch size (no limit on the number of
            # parameters), and the driver quotes ten values, not ten per page (its Python had
            # held the interpreter lock for a tenth of the preparing thread's time).
            columns = [SEPARATOR.join(column) for column in zip(*rows, strict=True)]
            params = [
                self.backend.config,
                self.backend.autocomplete_config,
                content_type,
                SEPARATOR.join(str(obj.pk) for obj in objs),
                *columns,
                norms,
            ]
            # A batch of one page with an empty column splits into no value, which unnest pads
            # with NULL: hence the coalesce.
            body = " || ".join(
                f"setweight(to_tsvector(config.search, coalesce(v.{w.lower()}, '')), '{w}')"
                for w in WEIGHTS
            )
            split = f"string_to_array(%s, chr({ord(SEPARATOR)}))"
            sql = f"""
                WITH config AS (SELECT %s::regconfig AS search, %s::regconfig AS autocomplete)
                INSERT INTO {self.table or postgres.IndexEntry._meta.db_table}
                    (content_type_id, object_id, title, autocomplete, body, title_norm,
                     title_text, body_text)
                SELECT %s, v.object_id,
                       setweight(to_tsvector(config.search, coalesce(v.title, '')),
                                 v.title_weight::"char"),
                       to_tsvector(config.autocomplete, coalesce(v.autocomplete, '')),
                       {body}, v.title_norm, '', ''
                FROM config, unnest({", ".join([split] * 8)}, %s::float8[])
                     AS v(object_id, title, title_weight, autocomplete, a, b, c, d, title_norm)
                ON CONFLICT (content_type_id, object_id)
                DO UPDATE SET title = EXCLUDED.title, title_norm = EXCLUDED.title_norm,
                              autocomplete = EXCLUDED.autocomplete, body = EXCLUDED.body,
                              title_text = '', body_text = ''
            """
            # The plain-text columns feed trigram (fuzzy) search, which Chinese text cannot use.
            alias = self.write_connection.alias

            def write():
                with connections[alias].cursor() as cursor:
                    cursor.execute(sql, params)

            write_index_rows(alias, write)
            self.written += len(objs)

        def _refresh_title_norms(self, full=False):
            # As on SQLite: once when a rebuild finishes, not a table scan per batch.
            if full:
                finish_index_writes(self.write_connection.alias)
                refresh_stale_title_norms(self.write_connection, postgres.IndexEntry._meta.db_table)

        def delete_stale_model_entries(self, model):
            # Wagtail's NOT IN (every id) became a nested loop over both tables (20 s at
            # 20,000 pages) while the page table had no statistics; NOT EXISTS is an anti-join
            # whatever the statistics. Deleted without loading the rows (their vectors).
            from modelsearch.utils import get_descendants_content_types_pks

            existing = model._default_manager.annotate(
                entry_object_id=Cast("pk", TextField())
            ).filter(entry_object_id=OuterRef("object_id"))
            stale = self.entries.filter(
                content_type_id__in=get_descendants_content_types_pks(model)
            ).exclude(Exists(existing))
            stale._raw_delete(self.write_connection.alias)

    class Rebuilder:
        """modelsearch's rebuilder protocol (start, add_items on what it returns, finish) over
        a new table swapped in at the end (``jingjian.search.rebuild``)."""

        def __init__(self, index):
            self.index = index
            self.alias = index.write_connection.alias

        def start(self):
            from jingjian.search.rebuild import TableRebuild

            self.rebuild = TableRebuild(connections[self.alias], postgres.IndexEntry._meta.db_table)
            self.rebuild.create()
            _REBUILDS.setdefault(self.alias, []).append(self.rebuild)
            self.filling = self.index.writing_to(self.rebuild.new)
            return self.filling

        def finish(self):
            try:
                finish_index_writes(self.alias)
                if not self.filling.written:
                    # Nothing was indexed (``update_index --schema-only``, or nothing to
                    # index): the live table stays, less the entries of objects that are gone.
                    self.rebuild.discard()
                else:
                    # Before the full-text indexes exist: a row rewritten afterwards would
                    # rewrite its hundreds of GIN entries too (26 s for 4,000 rows).
                    refresh_stale_title_norms(connections[self.alias], self.rebuild.new)
                    self.rebuild.build_indexes(lambda job: write_index_rows(self.alias, job))
                    finish_index_writes(self.alias)
                    self.rebuild.analyze()
                    self.rebuild.swap()
                    _SWAPPED[self.alias] = True
            except BaseException:
                self.rebuild.discard()
                raise
            finally:
                _REBUILDS[self.alias].remove(self.rebuild)
            # Pages deleted while the rebuild ran (their entries were written before).
            self.index.delete_stale_entries()

    class Backend(postgres.PostgresSearchBackend):
        query_compiler_class = Compiler
        index_class = Index
        reads_plain_rows = True  # update_index hands it search_rows.PlainRows

        def __init__(self, params):
            super().__init__(params)
            self.rebuilder_class = Rebuilder

    # Tokens are already normalized: no stemming or stop words.
    params = {"SEARCH_CONFIG": "simple", **params}
    return Backend(params)


def SearchBackend(params):  # noqa: N802 - the name Wagtail looks up in a backend module
    if connection.vendor == "postgresql":
        return _postgres_backend(params)
    if connection.vendor == "sqlite":
        return _sqlite_backend(params)
    raise RuntimeError(
        f"jingjian.search.backends supports SQLite and PostgreSQL, not {connection.vendor}."
    )


# Ranking on SQLite ----------------------------------------------------------------------
# Ordering every match by a CASE expression costs time in proportion to the matches (a frequent
# term matches most pages). Instead, each rank tier is one FTS5 expression, and a tier's newest
# pages are found either by walking pages newest first and probing the index for each (cheap
# when the tier is a large share of the pages) or by collecting the tier's pages (when small).

# A tier with more index entries than this is walked rather than collected.
WALK_ABOVE = 5000


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
    from modelsearch.conf import get_app_config
    from modelsearch.utils import get_descendants_content_types_pks
    from wagtail.models import Page

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


# Ranking on PostgreSQL -------------------------------------------------------------------
# The same tiers as on SQLite, as conditions on an index entry ``e``: every phrase in the title
# column; else every phrase in the summary (its marked tokens in the body); else in the body,
# which holds all the searchable text (``postgres_columns``), so that each condition can use the
# GIN index of one column. A tier is walked in date order through the index migration 0006
# made, or collected through the GIN index, as on SQLite.


def _tsquery(phrases, config, mark=""):
    """SQL and parameters of a tsquery matching every one of ``phrases`` (as tokens marked with
    ``mark``, if given)."""
    parts, params = [], []
    for tokens in phrases:
        marked = marked_phrase(tokens, mark) if mark else tokens
        if prefix_search(tokens):
            parts.append("to_tsquery(%s::regconfig, %s)")
            params += [config, f"{marked[0]}:*"]
        else:
            parts.append("phraseto_tsquery(%s::regconfig, %s)")
            params += [config, " ".join(marked)]
    return f"({' && '.join(parts)})", params


def prefix_search(tokens):
    """Whether PostgreSQL searches a phrase as a prefix: a lone Chinese character, which its
    vectors hold on its own only where it ends a run (elsewhere it begins a pair, and ``c:*``
    finds both). Not the marks' own character, which begins every marked token."""
    return chinese.lone_character(tokens) and tokens[0] not in MARK_CHARACTERS


class PostgresTiers:
    """A query's rank tiers on PostgreSQL's index entries, for ``RankedPages``."""

    def __init__(self, phrases):
        from wagtail.search.backends import get_search_backend

        config = get_search_backend().config  # the index's (``SEARCH_CONFIG``, "simple")
        query, query_params = _tsquery(phrases, config)
        summary, summary_params = _tsquery(phrases, config, SUMMARY_MARK)
        self.matched = (f"e.body @@ {query}", query_params)
        self.tiers = [
            (f"e.title @@ {query}", query_params),
            (f"e.body @@ {summary} AND NOT e.title @@ {query}", summary_params + query_params),
            (
                f"e.body @@ {query} AND NOT e.title @@ {query} AND NOT e.body @@ {summary}",
                query_params + query_params + summary_params,
            ),
        ]

    def count(self, condition, limit):
        sql, params = condition
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT count(*) FROM (SELECT 1 FROM {_entries_table()} e WHERE {sql} LIMIT %s)"
                " AS matched",
                [*params, limit],
            )
            return cursor.fetchone()[0]

    def filter(self, queryset, condition, walk=False, many=False):
        return queryset.filter(_EntryMatch(F("pk"), F("content_type_id"), condition, walk))


def _entries_table():
    from modelsearch.conf import get_app_config

    return get_app_config().get_model("IndexEntry")._meta.db_table


class _EntryMatch(Expression):
    """Whether a page's index entry meets a condition on ``e``: probed for this page (``walk``;
    ``OFFSET 0`` keeps PostgreSQL from turning the probe into a join over every match) or
    tested against the collected matches."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, page_id, content_type_id, condition, walk):
        super().__init__()
        self.page_id, self.content_type_id = page_id, content_type_id
        self.condition, self.walk = condition, walk

    def get_source_expressions(self):
        return [self.page_id, self.content_type_id]

    def set_source_expressions(self, expressions):
        self.page_id, self.content_type_id = expressions

    def as_sql(self, compiler, connection):
        from modelsearch.utils import get_descendants_content_types_pks
        from wagtail.models import Page

        page_id, page_params = compiler.compile(self.page_id)
        condition, params = self.condition
        table = _entries_table()
        if self.walk:
            content_type, type_params = compiler.compile(self.content_type_id)
            return (
                f"EXISTS (SELECT 1 FROM {table} e WHERE e.content_type_id = {content_type}"
                f" AND e.object_id = ({page_id})::text AND {condition} OFFSET 0)",
                [*type_params, *page_params, *params],
            )
        types = list(get_descendants_content_types_pks(Page))
        return (
            f"{page_id} IN (SELECT e.object_id::integer FROM {table} e"
            f" WHERE e.content_type_id IN ({', '.join(['%s'] * len(types))}) AND {condition})",
            [*page_params, *types, *params],
        )


def full_text_tiers(phrases):
    """The rank tiers of a query's phrases on this database's full-text index."""
    return PostgresTiers(phrases) if connection.vendor == "postgresql" else SQLiteTiers(phrases)


# Elasticsearch 8 ------------------------------------------------------------------------
# Used when it is the engine (search_engine). The index holds the same token stream as the database
# backend, analyzed by the built-in ``whitespace`` analyzer; queries are phrases of the same
# tokens. Only analysis parts that every distribution has (core, no analysis-common module)
# are used, so it runs on the minimal test distribution too.


def _phrase_clause(tokens, fields):
    names = [f.field_name_with_boost for f in fields]
    return {
        "multi_match": {
            "query": " ".join(tokens),
            "fields": names,
            "type": "phrase",
            "analyzer": "whitespace",
        }
    }


def _elasticsearch_backend_class():
    from modelsearch.backends import elasticsearch8 as es8

    class Mapping(es8.Elasticsearch8Mapping):
        edgengram_analyzer_config = {
            "analyzer": "jingjian_autocomplete",
            "search_analyzer": "jingjian_autocomplete",
        }

        def get_field_mapping(self, field):
            name, mapping = super().get_field_mapping(field)
            if isinstance(field, SearchField) and mapping.get("type") == "text":
                mapping["analyzer"] = "whitespace"
            return name, mapping

        def get_mapping(self):
            mapping = super().get_mapping()
            for name, field_mapping in mapping["properties"].items():
                if name.startswith("_all_text"):
                    field_mapping["analyzer"] = "whitespace"
            return mapping

        def _get_document_field_data(self, field, obj):
            name, value, edgengrams = super()._get_document_field_data(field, obj)
            if isinstance(field, SearchField) and not isinstance(field, RelatedFields):
                value = chinese.index_text(_flatten(value))
            return name, value, edgengrams

        def _get_nested_document(self, fields, obj):
            doc = {}
            edgengrams = []
            mapping = type(self)(obj.__class__)
            for field in fields:
                name, value, extra = mapping._get_document_field_data(field, obj)
                doc[mapping.get_field_column_name(field)] = value
                edgengrams.extend(extra)
            return doc, edgengrams

    class Compiler(es8.Elasticsearch8SearchQueryCompiler):
        mapping_class = Mapping

        def _compile_plaintext_query(self, query, fields, boost=1.0):
            phrases = [
                tokens
                for term in chinese.query_terms(query.query_string)
                for tokens in chinese.term_phrases(term)
            ]
            if not phrases:
                return {"match_none": {}}
            clauses = [_phrase_clause(tokens, fields) for tokens in phrases]
            key = "must" if query.operator != "or" else "should"
            return {"bool": {key: clauses, "boost": boost}}

        def _compile_phrase_query(self, query, fields):
            tokens = [
                t
                for term in chinese.query_terms(query.query_string)
                for p in chinese.term_phrases(term)
                for t in p
            ]
            return _phrase_clause(tokens, fields) if tokens else {"match_none": {}}

    class AutocompleteCompiler(es8.Elasticsearch8AutocompleteQueryCompiler):
        mapping_class = Mapping

    class Index(es8.Elasticsearch8Index):
        mapping_class = Mapping

        def _refresh_if_asked(self):
            if getattr(settings, "ELASTICSEARCH_REFRESH_ON_WRITE", False):
                self.refresh()

        def add_item(self, item):
            super().add_item(item)
            self._refresh_if_asked()

        def add_items(self, model, items):
            super().add_items(model, items)
            self._refresh_if_asked()

        def delete_item(self, item):
            super().delete_item(item)
            self._refresh_if_asked()

    class Backend(es8.Elasticsearch8SearchBackend):
        mapping_class = Mapping
        index_class = Index
        query_compiler_class = Compiler
        autocomplete_query_compiler_class = AutocompleteCompiler
        settings = {
            "settings": {
                "analysis": {
                    "analyzer": {
                        "jingjian_autocomplete": {
                            "type": "custom",
                            "tokenizer": "standard",
                            "filter": ["lowercase"],
                        }
                    }
                }
            }
        }

    return Backend


def ElasticsearchBackend(params):  # noqa: N802
    return _elasticsearch_backend_class()(params)


def _fts_table():
    from modelsearch.backends.database.sqlite.utils import fts_table_exists
    from modelsearch.conf import get_app_config

    if not fts_table_exists():
        return None
    return get_app_config().get_model("SQLiteFTSIndexEntry")._meta.db_table


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
