"""The database search backend on PostgreSQL, and the reader search's rank tiers there."""

import copy

from django.contrib.postgres.search import SearchQuery
from django.db import connection, connections
from django.db.models import (
    BooleanField,
    Exists,
    Expression,
    F,
    OuterRef,
    TextField,
)
from django.db.models.functions import Cast
from modelsearch.backends.database.postgres import postgres
from modelsearch.backends.database.postgres.weights import get_weight
from modelsearch.index import AutocompleteField
from modelsearch.query import Phrase
from modelsearch.utils import get_content_type_pk, get_descendants_content_types_pks
from wagtail.models import Page
from wagtail.search.backends import get_search_backend

from jingjian.core import chinese
from jingjian.search.backends import writing
from jingjian.search.backends.common import (
    MARK_CHARACTERS,
    SUMMARY_MARK,
    ChineseCompilerMixin,
    _entries_table,
    batch_title_norms,
    marked_phrase,
    marked_text,
    objects_to_index,
    purges_pages,
    refresh_stale_title_norms,
    searchable_texts,
)
from jingjian.search.rebuild import TableRebuild

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


class Compiler(ChineseCompilerMixin, postgres.PostgresSearchQueryCompiler):
    # Overrides modelsearch 1.3.2's PostgresSearchQueryCompiler.build_tsquery_content (pinned: tests/search/test_library_overrides.py).
    def build_tsquery_content(self, query, config=None, invert=False):
        # A lone Chinese character is a prefix of the vectors' tokens (postgres_columns).
        if isinstance(query, Phrase) and prefix_search(tuple(query.query_string.split())):
            found = SearchQuery(f"{query.query_string}:*", search_type="raw", config=config)
            return ~found if invert else found
        return super().build_tsquery_content(query, config=config, invert=invert)


@purges_pages
class Index(postgres.PostgresIndex):
    # The table add_items writes: Wagtail's, or a rebuild's new one (``writing_to``), and
    # how many objects this index object has written.
    table = None
    written = 0

    def writing_to(self, table):
        index = copy.copy(self)
        index.table, index.written = table, 0
        return index

    # Replaces modelsearch 1.3.2's PostgresIndex.add_items (pinned: tests/search/test_library_overrides.py).
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

        writing.write_index_rows(alias, write)
        self.written += len(objs)

    # Private API: modelsearch 1.3.2's PostgresIndex._refresh_title_norms (pinned: tests/search/test_library_overrides.py).
    def _refresh_title_norms(self, full=False):
        # As on SQLite: once when a rebuild finishes, not a table scan per batch.
        if full:
            writing.finish_index_writes(self.write_connection.alias)
            refresh_stale_title_norms(self.write_connection, postgres.IndexEntry._meta.db_table)

    # Replaces modelsearch 1.3.2's PostgresIndex.delete_stale_model_entries, with Django
    # 5.2's private QuerySet._raw_delete (pinned: tests/search/test_library_overrides.py).
    def delete_stale_model_entries(self, model):
        # Wagtail's NOT IN (every id) became a nested loop over both tables (20 s at
        # 20,000 pages) while the page table had no statistics; NOT EXISTS is an anti-join
        # whatever the statistics. Deleted without loading the rows (their vectors).

        existing = model._default_manager.annotate(entry_object_id=Cast("pk", TextField())).filter(
            entry_object_id=OuterRef("object_id")
        )
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

        self.rebuild = TableRebuild(connections[self.alias], postgres.IndexEntry._meta.db_table)
        self.rebuild.create()
        writing._REBUILDS.setdefault(self.alias, []).append(self.rebuild)
        self.filling = self.index.writing_to(self.rebuild.new)
        return self.filling

    def finish(self):
        try:
            writing.finish_index_writes(self.alias)
            if not self.filling.written:
                # Nothing was indexed (``update_index --schema-only``, or nothing to
                # index): the live table stays, less the entries of objects that are gone.
                self.rebuild.discard()
            else:
                # Before the full-text indexes exist: a row rewritten afterwards would
                # rewrite its hundreds of GIN entries too (26 s for 4,000 rows).
                refresh_stale_title_norms(connections[self.alias], self.rebuild.new)
                self.rebuild.build_indexes(lambda job: writing.write_index_rows(self.alias, job))
                writing.finish_index_writes(self.alias)
                self.rebuild.analyze()
                self.rebuild.swap()
                writing._SWAPPED[self.alias] = True
        except BaseException:
            self.rebuild.discard()
            raise
        finally:
            writing._REBUILDS[self.alias].remove(self.rebuild)
        # Pages deleted while the rebuild ran (their entries were written before).
        self.index.delete_stale_entries()


class Backend(postgres.PostgresSearchBackend):
    query_compiler_class = Compiler
    index_class = Index
    reads_plain_rows = True  # update_index hands it search_rows.PlainRows

    def __init__(self, params):
        # Tokens are already normalized: no stemming or stop words.
        super().__init__({"SEARCH_CONFIG": "simple", **params})
        self.rebuilder_class = Rebuilder


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
