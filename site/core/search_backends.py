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

    def __getattr__(self, name):
        return getattr(self._obj, name)

    def get_search_fields(self):
        return [_prepare_field(field) for field in self._obj.get_search_fields()]


def _unwrap(obj):
    return obj._obj if isinstance(obj, _Prepared) else obj


class _PreparedSearchField(SearchField):
    def __init__(self, original):
        self.__dict__.update(original.__dict__)
        self._original = original

    def get_value(self, obj):
        return chinese.index_text(_flatten(self._original.get_value(_unwrap(obj))))


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
        return self._original.get_value(_unwrap(obj))


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
        pass

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
