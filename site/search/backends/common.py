"""What every variant of the database search backend shares: the Chinese token streams of an
object's searchable values, the marked title and summary tokens, the query rewriting, the
preloading of modelcluster relations and the title norms."""

import functools

from django.core.exceptions import FieldDoesNotExist
from django.db import connections
from django.db.models import (
    Manager,
)
from django.utils.encoding import force_str
from modelcluster.fields import ParentalManyToManyField
from modelsearch.backends.database.sqlite.utils import fts_table_exists
from modelsearch.conf import get_app_config
from modelsearch.index import AutocompleteField, RelatedFields, SearchField
from modelsearch.query import And, Or, Phrase, PlainText

from jingjian.core import chinese, page_cache


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
    # Here, not at the top: jingjian.search.rows reads this module's preloading (cycle).
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
    # Private API: modelcluster 6.5 keeps unsaved relation changes in _cluster_related_objects
    # (pinned: tests/search/test_library_overrides.py).
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


# A tier with more index entries than this is walked rather than collected.
WALK_ABOVE = 5000


# The FTS table's name once it is known to exist: migrations create it and nothing drops it
# while the site runs, so it is looked up once rather than before every full-text statement.
_FTS_TABLE = []


def _fts_table():
    if not _FTS_TABLE:
        if not fts_table_exists():
            return None
        _FTS_TABLE.append(get_app_config().get_model("SQLiteFTSIndexEntry")._meta.db_table)
    return _FTS_TABLE[0]


def _entries_table():
    return get_app_config().get_model("IndexEntry")._meta.db_table


def purges_pages(index_class):
    """Every write of ``index_class`` to a search index purges the page cache (and the figures
    kept per generation: a search's ranked ids, total and facet counts), after the transaction
    commits: an index can change after the content it follows (a publish re-indexes once its
    relations are written; a rebuild writes late; Elasticsearch's reader index in a task)."""
    for name in ("add_item", "add_items", "delete_item"):
        method = getattr(index_class, name)

        def written(self, *args, _method=method, **kwargs):
            result = _method(self, *args, **kwargs)
            page_cache.purge_on_commit()
            return result

        setattr(index_class, name, functools.wraps(method)(written))
    return index_class
