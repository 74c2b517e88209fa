"""Wagtail's database search backend, taught to read Chinese.

``WAGTAILSEARCH_BACKENDS["default"]["BACKEND"] = "jingjian.core.search_backends"`` picks the
SQLite (FTS5) or PostgreSQL variant for the current database, like Wagtail's own
``wagtail.search.backends.database`` does, and changes two things:

- **indexing**: every searchable value is turned into the token stream of
  ``jingjian.core.chinese.index_text`` (normalized text, Chinese bigrams, single characters);
- **querying**: a plain-text query becomes an AND of phrases, one per term, each phrase made of
  the term's tokens, so every term must occur as an exact substring.

Everything else (the index tables, ranking, filters, rebuilds) is Wagtail's.
"""

from django.conf import settings
from django.db import connection
from modelsearch.index import AutocompleteField, RelatedFields, SearchField
from modelsearch.query import And, Or, Phrase, PlainText

from jingjian.core import chinese


def _flatten(value):
    """The text of a searchable value (lists and dicts joined, as Wagtail's indexers do)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list | tuple):
        return " ".join(_flatten(item) for item in value)
    if isinstance(value, dict):
        return " ".join(_flatten(item) for item in value.values())
    return str(value)


class _Prepared:
    """Stands in for a model instance while it is indexed; its search fields return tokens."""

    def __init__(self, obj):
        self._obj = obj
        self.pk = obj.pk
        # Wagtail's indexers read every field once per column (title, body, autocomplete).
        self._values = {}

    def value_of(self, field, compute):
        key = id(field)
        if key not in self._values:
            self._values[key] = compute()
        return self._values[key]

    def __getattr__(self, name):
        return getattr(self._obj, name)

    def get_search_fields(self):
        model = type(self._obj)
        if model not in _PREPARED_FIELDS:
            _PREPARED_FIELDS[model] = [_prepare_field(f) for f in self._obj.get_search_fields()]
        return _PREPARED_FIELDS[model]


_PREPARED_FIELDS = {}


def _unwrap(obj):
    return obj._obj if isinstance(obj, _Prepared) else obj


class _PreparedSearchField(SearchField):
    def __init__(self, original):
        self.__dict__.update(original.__dict__)
        self._original = original

    def get_value(self, obj):
        def compute():
            return chinese.index_text(_flatten(self._original.get_value(_unwrap(obj))))

        return obj.value_of(self, compute) if isinstance(obj, _Prepared) else compute()


class _PreparedRelatedFields(RelatedFields):
    def __init__(self, original):
        super().__init__(original.field_name, [_prepare_field(f) for f in original.fields])
        self._original = original

    def get_value(self, obj):
        return self._original.get_value(_unwrap(obj))


class _UnwrappedAutocompleteField(AutocompleteField):
    """Autocomplete keeps its raw text (it is prefix-matched); it only needs the real object."""

    def __init__(self, original):
        self.__dict__.update(original.__dict__)
        self._original = original

    def get_value(self, obj):
        def compute():
            return self._original.get_value(_unwrap(obj))

        return obj.value_of(self, compute) if isinstance(obj, _Prepared) else compute()


def _prepare_field(field):
    if isinstance(field, SearchField):
        return _PreparedSearchField(field)
    if isinstance(field, RelatedFields):
        return _PreparedRelatedFields(field)
    if isinstance(field, AutocompleteField):
        return _UnwrappedAutocompleteField(field)
    return field  # filter fields are not read by the database indexers


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
        tokens = [
            t
            for term in chinese.query_terms(query.query_string)
            for p in chinese.term_phrases(term)
            for t in p
        ]
        return Phrase(" ".join(tokens)) if tokens else None
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


class ChineseIndexMixin:
    def add_items(self, model, objs):
        return super().add_items(model, [_Prepared(obj) for obj in objs])


def _sqlite_backend(params):
    from modelsearch.backends.database.sqlite import sqlite

    class Compiler(ChineseCompilerMixin, sqlite.SQLiteSearchQueryCompiler):
        pass

    class Index(ChineseIndexMixin, sqlite.SQLiteIndex):
        def _refresh_title_norms(self, full=False):
            # The per-batch refresh scans the whole table each time (quadratic over a rebuild);
            # title norms only feed the relevance order the admin uses, so they are brought up
            # to date when a rebuild finishes (full=True) rather than after every batch.
            if full:
                super()._refresh_title_norms(full=True)

    class Backend(sqlite.SQLiteSearchBackend):
        query_compiler_class = Compiler
        index_class = Index

    return Backend(params)


def _postgres_backend(params):
    from modelsearch.backends.database.postgres import postgres

    class Compiler(ChineseCompilerMixin, postgres.PostgresSearchQueryCompiler):
        pass

    class Index(ChineseIndexMixin, postgres.PostgresIndex):
        pass

    class Backend(postgres.PostgresSearchBackend):
        query_compiler_class = Compiler
        index_class = Index

    # Tokens are already normalized: no stemming or stop words.
    params = {"SEARCH_CONFIG": "simple", **params}
    return Backend(params)


def SearchBackend(params):  # noqa: N802 - the name Wagtail looks up in a backend module
    if connection.vendor == "postgresql":
        return _postgres_backend(params)
    if connection.vendor == "sqlite":
        return _sqlite_backend(params)
    raise RuntimeError(
        f"jingjian.core.search_backends supports SQLite and PostgreSQL, not {connection.vendor}."
    )


# Elasticsearch 8 ------------------------------------------------------------------------
# Used when ELASTICSEARCH_URL is set. The index holds the same token stream as the database
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


def optimize_search_tables(db_connection=None):
    """Gather planner statistics and merge the full-text index after bulk indexing.

    Without statistics SQLite's planner walks the FTS table for frequent terms (10–70× slower);
    ``optimize`` merges FTS5 segments. PostgreSQL gets ``ANALYZE`` on the index table.
    """
    db_connection = db_connection or connection
    with db_connection.cursor() as cursor:
        if db_connection.vendor == "sqlite":
            from modelsearch.backends.database.sqlite.utils import fts_table_exists

            if fts_table_exists():
                from modelsearch.conf import get_app_config

                table = get_app_config().get_model("SQLiteFTSIndexEntry")._meta.db_table
                cursor.execute(f"INSERT INTO {table}({table}) VALUES('optimize')")
            cursor.execute("ANALYZE")
        elif db_connection.vendor == "postgresql":
            cursor.execute("ANALYZE")
