"""Search: one place that turns what a reader typed into results, on any backend.

The contract, the same on every engine:

- readers type terms separated by spaces; each term must occur in the page as an exact string
  (simplified and traditional, full- and half-width, upper and lower case alike); operators,
  quotes and brackets mean nothing;
- results are ranked: pages whose title contains every term first, then pages whose summary
  does, then the rest; recent pages first within each group;
- filters (type, problem type, work area, source, sanction, year) narrow the results and facet
  counts describe them; everything is limited to what the reader may see.

``run_search`` is what the search page uses; ``search_pages`` serves the API.
"""

from collections import Counter
from functools import reduce
from operator import or_

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Case, Count, F, IntegerField, Q, Value, When
from django.utils.functional import cached_property
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from modelsearch.query import And, Phrase
from wagtail.models import Page

from jingjian.core import chinese, content_types, figures, visibility
from jingjian.search import backends as search_backends
from jingjian.search import elastic as search_elasticsearch
from jingjian.search import engine as search_engine
from jingjian.search import results
from jingjian.search.documents import body_text, page_text, searched_passages
from jingjian.search.query import (
    MAX_QUERY_LENGTH,
    MAX_TERMS,
    prepare_query,
    query_terms,
    rank_terms,
)
from jingjian.search.results import FacetValue, Outcome

__all__ = [
    "MAX_QUERY_LENGTH",
    "MAX_TERMS",
    "FacetValue",
    "Outcome",
    "body_text",
    "page_text",
    "prepare_query",
    "query_terms",
    "rank_terms",
]

PER_PAGE = 10
SNIPPET_LENGTH = 120
# On the database engine the facet counts are taken over the first this many results in rank
# order (all of them when there are fewer), read once as a list of ids: counting every match
# again for each facet cost a full-text match and a join per facet (about 30 ms each at 10,000
# cases). Elasticsearch counts over every match in the same request.
FACET_SAMPLE = 500


def page_summary_lookups():
    """Where the registered page types keep their one-line summary, seen from a Page queryset."""
    return [
        f"{t.page_model()._meta.model_name}__{t.summary_field}" for t in content_types.registered()
    ]


def _contains_all(lookups, terms):
    condition = Q()
    for term in terms:
        either = Q()
        for lookup in lookups:
            either |= Q(**{f"{lookup}__icontains": term})
        condition &= either
    return condition


def rank_ordering(terms, summary_lookups):
    """Order-by expressions: title matches, then summary matches, then the newest first."""
    rank = Case(
        When(_contains_all(["title"], terms), then=Value(0)),
        When(_contains_all(summary_lookups, terms), then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    # Expressions, not field names: the backend only checks plain names against its index.
    return [rank.asc(), F("first_published_at").desc(nulls_last=True), F("pk").desc()]


def database_matches(queryset, text):
    """The pages of ``queryset`` matching every term, as a lazy queryset (database backend)."""
    # One phrase per term, handed over as query objects: the joined string (prepare_query)
    # would be split again on the spaces between a term's segments (12345 热线), making
    # "12345" and "热线" two terms that need not be adjacent.
    phrases = [Phrase(term) for term in query_terms(text)]
    if not phrases:
        return queryset.none()
    query = phrases[0] if len(phrases) == 1 else And(phrases)
    results = queryset.search(query, order_by_relevance=False)
    if not hasattr(results, "get_queryset"):  # nothing indexed or nothing to search
        return queryset.none()
    return results.get_queryset()


def uses_sqlite_fts():
    """Whether searches run on this project's backend over SQLite's full-text index."""
    return connection.vendor == "sqlite" and uses_ranked_tiers()


def uses_ranked_tiers():
    """Whether searches run on this project's database backend (SQLite or PostgreSQL), whose
    index entries ``RankedPages`` can rank a tier at a time."""
    return search_engine.uses_database()


def query_phrases(text):
    """The token phrases that must all occur for ``text`` to match."""
    return [tokens for term in query_terms(text) for tokens in chinese.term_phrases(term)]


RECENT_FIRST = [F("first_published_at").desc(nulls_last=True), F("pk").desc()]


class RankedPages:
    """The pages of a queryset matching a query, in rank order, on the database's index.

    Ranked as ``rank_ordering`` says (title, then summary, then the rest; newest first in each),
    but a tier at a time, each by a full-text expression, so a first page costs about the same
    whether a term matches ten pages or most of them. A read-only sequence: ``count()``,
    ``len()``, slices and iteration, as Django's Paginator and Wagtail's API pagination use."""

    def __init__(self, queryset, text):
        self._index = search_backends.full_text_tiers(query_phrases(text))
        self.queryset = queryset.order_by()
        self._count = None

    @cached_property
    def matched(self):
        """Every match, unordered, as a queryset (for counts and facets)."""
        index, limit = self._index, search_backends.WALK_ABOVE
        many = index.count(index.matched, limit + 1) > limit
        return index.filter(self.queryset, index.matched, many=many)

    def count(self):
        if self._count is None:
            self._count = figures.count(self.matched)
        return self._count

    def __len__(self):
        return self.count()

    def ranked_ids(self, stop):
        """The ids of the first ``stop`` results (kept per generation, under the query's SQL:
        it carries the reader's visibility)."""
        tiers = [str(expression) for expression in self._index.tiers]
        return figures.for_query(
            "ranked-ids", self.queryset, (tiers, stop), lambda: self._ranked_ids(stop)
        )

    def _ranked_ids(self, stop):
        ids = []
        for expression in self._index.tiers:
            need = stop - len(ids)
            if need <= 0:
                break
            entries = self._index.count(expression, search_backends.WALK_ABOVE + 1)
            if not entries:
                continue
            walk = entries > search_backends.WALK_ABOVE
            tier = self._index.filter(self.queryset, expression, walk=walk)
            ids += tier.order_by(*RECENT_FIRST).values_list("pk", flat=True)[:need]
        return ids

    def __getitem__(self, key):
        if not isinstance(key, slice):
            found = self[key : key + 1]
            if not found:
                raise IndexError(key)
            return found[0]
        start, stop = key.start or 0, key.stop
        if stop is None:
            stop = self.count()
        if start < 0 or stop < 0 or key.step not in (None, 1):
            raise ValueError("RankedPages supports plain, non-negative slices.")
        ids = self.ranked_ids(stop)[start:stop]
        loaded = {page.pk: page for page in self.queryset.filter(pk__in=ids)}
        return [loaded[pk] for pk in ids if pk in loaded]

    def __iter__(self):
        return iter(self[:])


# Elasticsearch stopped: what readers are told, and what the database finds instead ----------

FALLBACK_NOTICE = (
    "全文搜索服务暂时不可用，以下结果只在标题和摘要中查找，可能不全。请稍后再搜索一次。"
)


def fallback_matches(queryset, text, summary_lookups):
    """The pages of ``queryset`` whose title or summary holds every term, ranked as
    ``rank_ordering`` says: the database's answer while Elasticsearch is the engine but does
    not answer (its index tables are not kept then, so only the pages' own columns are read)."""
    terms = rank_terms(text)
    matching = queryset.filter(_contains_all(["title", *summary_lookups], terms))
    # Through a subquery: the summary lookups join the page types' tables.
    matched = queryset.filter(pk__in=matching.values("pk"))
    return matched.order_by(*rank_ordering(terms, summary_lookups))


def _summary_lookups(queryset):
    return ["summary"] if hasattr(queryset.model, "summary") else page_summary_lookups()


def search_pages(queryset, text, summary_lookups=None):
    """Search a (visibility-narrowed) page queryset; every term must match; ranked."""
    return search_pages_with_notice(queryset, text, summary_lookups)[0]


def search_pages_with_notice(queryset, text, summary_lookups=None):
    """``search_pages`` and what to tell the reader about the results (``""``, or
    ``FALLBACK_NOTICE`` when Elasticsearch did not answer)."""
    if not prepare_query(text):
        return queryset.none(), ""
    engine = get_engine()
    if engine is None and uses_ranked_tiers():
        return RankedPages(queryset, text), ""
    if summary_lookups is None:
        summary_lookups = _summary_lookups(queryset)
    ordered = queryset.order_by(*rank_ordering(rank_terms(text), summary_lookups))
    if engine is not None:
        try:
            ids = engine.ranked_ids(text, ordered, limit=engine.max_results)
        except search_elasticsearch.UNAVAILABLE as error:
            search_elasticsearch.mark_unavailable(error)
            return fallback_matches(queryset, text, summary_lookups), FALLBACK_NOTICE
        preserved = Case(*[When(pk=pk, then=Value(i)) for i, pk in enumerate(ids)])
        found = queryset.filter(pk__in=ids).order_by(preserved) if ids else queryset.none()
        return found, ""
    if search_engine.uses_elasticsearch():  # the engine, but it failed a moment ago
        return fallback_matches(queryset, text, summary_lookups), FALLBACK_NOTICE
    return database_matches(ordered, text), ""


# Filters ----------------------------------------------------------------------------------


def page_type_choices():
    """(name, page model, label) of each registered content type: the values of the type
    filter and facet."""
    return [(t.name, t.page_model(), t.label) for t in content_types.registered()]


def clean_filters(params):
    """Known filter values from a query dict ({name: [values]}); unknown names and values are
    dropped (``results.clean_filters``)."""
    return results.clean_filters(params)


def filter_q(filters):
    """A Q over Page for cleaned filters: the chosen types, and for each facet the pages of the
    types declaring it that match its definition (``Facet.q``)."""
    q = Q()
    if filters.get(results.TYPE):
        models = [m for name, m, _ in page_type_choices() if name in filters[results.TYPE]]
        q &= Q(content_type__in=[ContentType.objects.get_for_model(m) for m in models])
    for search_facet in results.search_facets():
        values = filters.get(search_facet.name)
        if not values:
            continue
        matching = [
            Q(pk__in=t.page_model().objects.filter(facet.q(values)).values("pk"))
            for t, facet in search_facet.declarations
        ]
        q &= reduce(or_, matching)
    return q


# Results ----------------------------------------------------------------------------------


def find_spans(text, terms):
    """Where ``terms`` occur in ``text``, compared after normalization character by character
    (so a traditional query finds simplified text and the other way round)."""
    folded = chinese.normalize_same_length(text)
    spans = []
    for term in terms:
        needle = term.replace(" ", "")
        if not needle:
            continue
        start = folded.find(needle)
        while start != -1:
            spans.append((start, start + len(needle)))
            start = folded.find(needle, start + len(needle))
    return spans


def _merge(spans):
    merged = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlight(text, spans, length=SNIPPET_LENGTH):
    """An HTML snippet of ``text`` around the first span, every span wrapped in <mark>."""
    text = str(text or "")
    if not text:
        return ""
    spans = _merge(spans)
    first = spans[0][0] if spans else 0
    begin = max(0, min(first - length // 4, len(text) - length))
    end = min(len(text), begin + length)
    pieces, cursor = [], begin
    for s, e in spans:
        if s < cursor or s >= end:
            continue
        pieces.append(escape(text[cursor:s]))
        pieces.append(f"<mark>{escape(text[s : min(e, end)])}</mark>")
        cursor = min(e, end)
    pieces.append(escape(text[cursor:end]))
    prefix = "…" if begin > 0 else ""
    suffix = "…" if end < len(text) else ""
    return mark_safe(prefix + "".join(pieces) + suffix)


def _with_snippets(pages, terms):
    """Highlighted title and snippet on each page: from the engine's spans if it gave any
    (over ``title + "\n" + page_text``), else found here. When a term is in neither the title
    nor the text shown under it, the snippet is the passage of the first field search read it
    in (以案说法, 颁奖词, 类别…), named, and highlighted."""
    elsewhere = []
    for page in pages:
        body = page_text(page)
        spans = getattr(page, "search_spans", None)
        if spans is None:
            title_spans, body_spans = find_spans(page.title, terms), find_spans(body, terms)
        else:
            cut = len(page.title) + 1
            title_spans = [(s, min(e, len(page.title))) for s, e in spans if s < len(page.title)]
            body_spans = [(s - cut, e - cut) for s, e in spans if s >= cut]
            # The engine's highlighter may miss what the terms find here (its own analysis).
            title_spans = title_spans or find_spans(page.title, terms)
            body_spans = body_spans or find_spans(body, terms)
        page.search_title = highlight(page.title, title_spans, length=200)
        page.search_snippet = highlight(body, body_spans)
        if not title_spans and not body_spans and terms:
            elsewhere.append(page)
    passages = searched_passages(elsewhere) if elsewhere else {}
    for page in elsewhere:
        for label, text in passages.get(page.pk, ()):
            spans = find_spans(text, terms)
            if spans:
                page.search_snippet = format_html("{}：{}", label, highlight(text, spans))
                break
    return pages


def facet_labels():
    """Labels for filter values, by filter name (the type filter and every facet)."""
    labels = {results.TYPE: results.type_labels()}
    for search_facet in results.search_facets():
        labels[search_facet.name] = search_facet.labels()
    return labels


def _facets(ids, filters):
    """Facet counts over the pages ``ids`` (a list): one grouped count by type and, for each
    type with matches, one grouped query per part of each shown facet (``Facet.counts``).
    The counts depend on nothing but these pages and the content: kept per generation."""
    counts = figures.remember("search-facets", tuple(ids), lambda: _facet_counts(ids))
    return results.facet_groups(counts, filters)


def _facet_counts(ids):
    by_type = dict(
        Page.objects.filter(pk__in=ids)
        .order_by()
        .values("content_type")
        .annotate(n=Count("pk"))
        .values_list("content_type", "n")
    )
    counts = {results.TYPE: Counter()}
    for content_type in content_types.registered():
        model = content_type.page_model()
        found = by_type.get(ContentType.objects.get_for_model(model).pk, 0)
        if not found:
            continue
        counts[results.TYPE][content_type.name] = found
        pages = model.objects.filter(pk__in=ids)
        for facet in content_type.facets:
            if facet.shown:
                counts.setdefault(facet.name, Counter()).update(facet.counts(pages))
    return counts


def suggestions_for(text, base_queryset):
    """What to try when nothing matched: each term alone (if it finds something) and the
    labels of suggesting facets (taxonomies) sharing a two-character stretch with the query."""
    terms = rank_terms(text)
    suggestions = []
    if len(terms) > 1:
        engine = get_engine()
        for term in terms:
            if engine is not None:
                try:
                    found = engine.ranked_ids(term, base_queryset, limit=1)
                except search_elasticsearch.UNAVAILABLE as error:
                    search_elasticsearch.mark_unavailable(error)
                    return []
            else:
                found = database_matches(base_queryset, term).exists()
            if found:
                suggestions.append(term)
    pairs = {t[i : i + 2] for t in terms for i in range(max(1, len(t) - 1))}
    names = {}
    for search_facet in results.search_facets():
        if any(facet.suggest for _type, facet in search_facet.declarations):
            names.update(dict.fromkeys(search_facet.labels().values()))
    for name in names:
        folded = chinese.normalize(name)
        if any(pair in folded for pair in pairs if len(pair) == 2) and name not in suggestions:
            suggestions.append(name)
    return suggestions[:8]


def excluded_content_types():
    """The content types of ``SEARCH_EXCLUDED_PAGE_TYPES`` that are installed."""
    found = []
    for label in settings.SEARCH_EXCLUDED_PAGE_TYPES:
        try:
            found.append(ContentType.objects.get_for_model(apps.get_model(label)).pk)
        except LookupError:
            continue
    return found


def base_queryset(user):
    pages = (
        Page.objects.live().filter(depth__gt=2).exclude(content_type__in=excluded_content_types())
    )
    return visibility.visible_pages(pages, user)


def run_search(text, params, user, page_number=1, per_page=PER_PAGE):
    """The search page: ranked results with snippets, facet counts and suggestions."""
    query = prepare_query(text)
    terms = rank_terms(text)
    if not query:
        return Outcome(query="", terms=[], total=0, results=[]), None
    filters = clean_filters(params)
    engine = get_engine()
    base = base_queryset(user)
    outcome = None
    fallback = engine is None and search_engine.uses_elasticsearch()
    if engine is not None:
        try:
            outcome, page_obj = engine.run_search(text, filters, user, page_number, per_page)
        except search_elasticsearch.UNAVAILABLE as error:
            search_elasticsearch.mark_unavailable(error)
            fallback = True
    if outcome is None:
        narrowed = base
        if filters:
            # Filters go through a subquery: joins to child tables would repeat pages.
            narrowed = base.filter(pk__in=Page.objects.filter(filter_q(filters)).values("pk"))
        if fallback:
            ranked = fallback_matches(narrowed, text, page_summary_lookups())
            matched = ranked
        elif uses_ranked_tiers():
            ranked = RankedPages(narrowed, text)
            matched = ranked.matched
        else:
            matched = database_matches(narrowed, text)
            ranked = matched.order_by(*rank_ordering(terms, page_summary_lookups()))
        paginator = Paginator(ranked, per_page)
        page_obj = paginator.get_page(page_number)
        if uses_ranked_tiers():
            counted = ranked.ranked_ids(FACET_SAMPLE)
        else:
            counted = list(ranked.values_list("pk", flat=True)[:FACET_SAMPLE])
        specific = list(Page.objects.filter(pk__in=[p.pk for p in page_obj.object_list]).specific())
        by_pk = {p.pk: p for p in specific}
        results = [by_pk[p.pk] for p in page_obj.object_list if p.pk in by_pk]
        outcome = Outcome(
            query=query,
            terms=terms,
            total=paginator.count,
            results=results,
            facets=_facets(counted, filters),
            facets_over=len(counted) if paginator.count > len(counted) else 0,
            notice=FALLBACK_NOTICE if fallback else "",
        )
    _with_snippets(outcome.results, terms)
    if outcome.total == 0 and not fallback:
        outcome.suggestions = suggestions_for(text, base)
    return outcome, page_obj


def get_engine():
    """The Elasticsearch engine when it is the search engine (``search_engine``) and has not
    just failed (``elastic.available``), else ``None`` (database)."""
    if not search_engine.uses_elasticsearch() or not search_elasticsearch.available():
        return None
    return search_elasticsearch.engine()
