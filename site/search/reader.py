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
from dataclasses import dataclass, field

from django.db.models import Case, Count, F, IntegerField, Q, Value, When
from django.utils.functional import cached_property
from django.utils.html import escape
from django.utils.safestring import mark_safe
from wagtail.models import Page

from jingjian.core import chinese, content_types, filterable, visibility
from jingjian.core.text import html_to_text
from jingjian.search import backends as search_backends
from jingjian.search import engine as search_engine

MAX_QUERY_LENGTH = 100
MAX_TERMS = 10
PER_PAGE = 10
SNIPPET_LENGTH = 120
# Where page types keep their one-line summary, seen from a Page queryset.
SUMMARY_LOOKUPS = ["exemplarpage__summary", "casestudypage__summary"]
FACET_NAMES = ["type", "problem_type", "work_area", "source", "sanction", "year"]


def query_terms(text):
    """The normalized terms of ``text`` (tokens of one term joined by spaces)."""
    return chinese.query_terms(text, max_terms=MAX_TERMS, max_length=MAX_QUERY_LENGTH)


def prepare_query(text):
    """The cleaned query string, or ``""`` when nothing searchable is left."""
    return " ".join(query_terms(text))


def rank_terms(text):
    """Terms as they would appear in a title: normalized, punctuation inside a term left out."""
    terms = []
    for raw in str(text or "")[: MAX_QUERY_LENGTH * 4].split():
        if raw in chinese.OPERATOR_WORDS:
            continue
        segments = chinese.segments(chinese.normalize(raw))
        if segments:
            terms.append("".join(segments)[:MAX_QUERY_LENGTH])
    return terms[:MAX_TERMS]


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
    from modelsearch.query import And, Phrase

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
    from django.db import connection

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
            self._count = self.matched.count()
        return self._count

    def __len__(self):
        return self.count()

    def ranked_ids(self, stop):
        """The ids of the first ``stop`` results."""
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


def search_pages(queryset, text, summary_lookups=None):
    """Search a (visibility-narrowed) page queryset; every term must match; ranked."""
    if not prepare_query(text):
        return queryset.none()
    engine = get_engine()
    if engine is None and uses_ranked_tiers():
        return RankedPages(queryset, text)
    if summary_lookups is None:
        summary_lookups = ["summary"] if hasattr(queryset.model, "summary") else SUMMARY_LOOKUPS
    ordered = queryset.order_by(*rank_ordering(rank_terms(text), summary_lookups))
    if engine is not None:
        ids = engine.ranked_ids(text, ordered, limit=engine.max_results)
        preserved = Case(*[When(pk=pk, then=Value(i)) for i, pk in enumerate(ids)])
        return queryset.filter(pk__in=ids).order_by(preserved) if ids else queryset.none()
    return database_matches(ordered, text)


# Filters ----------------------------------------------------------------------------------


def page_type_choices():
    """(name, page model, label) of each registered content type: the values of the type
    filter and facet."""
    return [(t.name, t.page_model(), t.label) for t in content_types.registered()]


def clean_filters(params):
    """Known filter values from a query dict; unknown names and values are dropped."""
    from casestudies.models import CaseFilterForm

    form = CaseFilterForm(params)
    form.is_valid()
    data = {k: v for k, v in getattr(form, "cleaned_data", {}).items() if v}
    types = {name for name, _model, _label in page_type_choices()}
    chosen = [t for t in params.getlist("type") if t in types] if hasattr(params, "getlist") else []
    if chosen:
        data["type"] = chosen
    return data


def filter_q(filters):
    """A Q over Page for the cleaned filters (case and exemplar fields by their relations)."""
    from django.contrib.contenttypes.models import ContentType

    q = Q()
    if filters.get("type"):
        models = [m for name, m, _ in page_type_choices() if name in filters["type"]]
        q &= Q(content_type__in=[ContentType.objects.get_for_model(m) for m in models])
    if filters.get("problem_type"):
        q &= Q(casestudypage__problem_types__in=filters["problem_type"])
    if filters.get("work_area"):
        areas = filters["work_area"]
        q &= Q(casestudypage__work_area__in=areas) | Q(exemplarpage__work_areas__in=areas)
    if filters.get("source"):
        q &= Q(casestudypage__source__in=filters["source"])
    sanction = filters.get("sanction", "")
    if sanction.startswith("party:"):
        q &= Q(casestudypage__handlings__party_sanction=sanction.split(":", 1)[1])
    elif sanction.startswith("admin:"):
        q &= Q(casestudypage__handlings__administrative_sanction=sanction.split(":", 1)[1])
    elif sanction in ("detained", "referred"):
        q &= Q(**{f"casestudypage__handlings__{sanction}": True})
    if filters.get("discipline_form"):
        q &= Q(casestudypage__handlings__discipline_form=int(filters["discipline_form"]))
    if filters.get("year"):
        year = int(filters["year"])
        q &= Q(casestudypage__date_handled__year=year) | Q(exemplarpage__date__year=year)
    return q


# Results ----------------------------------------------------------------------------------


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass
class Outcome:
    query: str
    terms: list
    total: int
    results: list
    facets: dict = field(default_factory=dict)
    suggestions: list = field(default_factory=list)
    engine: str = "database"


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


def page_text(page):
    """The reader-facing text of a page below its title, for snippets and highlighting."""
    streams = [getattr(page, name, None) for name in ("deeds", "facts")]
    return body_text(getattr(page, "summary", ""), [s for s in streams if s is not None])


def body_text(summary, streams):
    """``page_text`` from a summary and StreamField values, read from their stored (raw) form
    so that no block is converted (the search index builds this for every page). One line per
    paragraph (``text.html_to_text``): a phrase never runs from one paragraph into the next."""
    parts = [summary]
    for stream in streams:
        for item in stream.raw_data:
            kind, value = item["type"], item["value"]
            if kind == "paragraph":
                parts.append(html_to_text(value))
            elif kind == "heading":
                parts.append(value)
            elif kind == "quote":
                parts.append(value["text"])
    return "\n".join(p.strip() for p in parts if p and p.strip())


def _with_snippets(pages, terms):
    """Highlighted title and snippet on each page: from the engine's spans if it gave any
    (over ``title + "\n" + page_text``), else found here."""
    for page in pages:
        body = page_text(page)
        spans = getattr(page, "search_spans", None)
        if spans is None:
            title_spans, body_spans = find_spans(page.title, terms), find_spans(body, terms)
        else:
            cut = len(page.title) + 1
            title_spans = [(s, min(e, len(page.title))) for s, e in spans if s < len(page.title)]
            body_spans = [(s - cut, e - cut) for s, e in spans if s >= cut]
        page.search_title = highlight(page.title, title_spans, length=200)
        page.search_snippet = highlight(body, body_spans)
    return pages


def facet_labels():
    """Labels for facet values, by facet name."""
    from casestudies.choices import CaseSource, sanction_labels
    from casestudies.models import ProblemType
    from jingjian.core.models import WorkArea

    sanctions = sanction_labels()
    return {
        "type": {name: label for name, _model, label in page_type_choices()},
        "problem_type": dict(ProblemType.objects.values_list("slug", "name")),
        "work_area": dict(WorkArea.objects.values_list("slug", "name")),
        "source": dict(CaseSource.choices),
        "sanction": sanctions,
        "year": dict(filterable.year_choices()),
    }


def _facets(matched, filters):
    """Facet counts over the matched pages: a few grouped queries, each one pass over the
    matches (type; case source, work area and year together; exemplar year; the many-to-many
    problem types and work areas; sanctions)."""
    from casestudies.choices import (
        CaseSource,
        sanction_labels,
    )
    from casestudies.models import CaseStudyPage, Handling, ProblemType
    from exemplars.models import ExemplarPage
    from jingjian.core.models import WorkArea

    ids = matched.values("pk")
    selected = {
        name: {str(getattr(v, "slug", v)) for v in (filters.get(name) or [])}
        for name in ("type", "problem_type", "work_area", "source")
    }
    sources, areas, years = Counter(), Counter(), Counter()
    for row in (
        CaseStudyPage.objects.filter(pk__in=ids)
        .values("source", "work_area_id", "date_handled__year")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        sources[row["source"]] += row["n"]
        if row["work_area_id"]:
            areas[row["work_area_id"]] += row["n"]
        years[row["date_handled__year"]] += row["n"]
    cases = sources.total()
    exemplars = 0
    for row in (
        ExemplarPage.objects.filter(pk__in=ids)
        .values("date__year")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        years[row["date__year"]] += row["n"]
        exemplars += row["n"]
    through = ExemplarPage.work_areas.through
    for row in (
        through.objects.filter(exemplarpage_id__in=ids)
        .values("workarea_id")
        .annotate(n=Count("exemplarpage_id", distinct=True))
        .order_by()
    ):
        areas[row["workarea_id"]] += row["n"]

    facets = {}
    facets["type"] = [
        FacetValue(name, label, count, name in selected["type"])
        for name, count, label in [("case", cases, "警示案例"), ("exemplar", exemplars, "先进典型")]
        if count
    ]
    through = CaseStudyPage.problem_types.through
    problem_counts = dict(
        through.objects.filter(casestudypage_id__in=ids)
        .values("problemtype_id")
        .annotate(n=Count("casestudypage_id", distinct=True))
        .order_by()
        .values_list("problemtype_id", "n")
    )
    facets["problem_type"] = [
        FacetValue(t.slug, t.name, problem_counts[t.pk], t.slug in selected["problem_type"])
        for t in sorted(
            ProblemType.objects.filter(pk__in=problem_counts),
            key=lambda t: (-problem_counts[t.pk], t.sort_order),
        )
    ]
    area_objects = WorkArea.objects.in_bulk(list(areas))
    facets["work_area"] = [
        FacetValue(area.slug, area.name, n, area.slug in selected["work_area"])
        for area, n in sorted(
            ((area_objects[pk], n) for pk, n in areas.items() if pk in area_objects),
            key=lambda item: -item[1],
        )
    ]
    labels = dict(CaseSource.choices)
    facets["source"] = [
        FacetValue(value, labels.get(value, value), n, value in selected["source"])
        for value, n in sources.most_common()
    ]
    sanction_rows = []
    labels = sanction_labels()
    handlings = Handling.objects.filter(page_id__in=ids)
    for prefix, column in [("party", "party_sanction"), ("admin", "administrative_sanction")]:
        for row in (
            handlings.exclude(**{column: ""})
            .filter(**{f"{column}__isnull": False})
            .values(column)
            .annotate(n=Count("page_id", distinct=True))
            .order_by()
        ):
            value = f"{prefix}:{row[column]}"
            sanction_rows.append(
                FacetValue(
                    value, labels.get(value, value), row["n"], filters.get("sanction") == value
                )
            )
    facets["sanction"] = sorted(sanction_rows, key=lambda f: -f.count)
    # Only years the filter accepts (the same function decides both), so each facet works.
    allowed = set(filterable.allowed_years())
    facets["year"] = [
        FacetValue(str(y), f"{y}年", n, filters.get("year") == str(y))
        for y, n in sorted(years.items(), reverse=True)
        if y in allowed
    ]
    return facets


def suggestions_for(text, base_queryset):
    """What to try when nothing matched: each term alone (if it finds something) and
    taxonomy names sharing a two-character stretch with the query."""
    from casestudies.models import ProblemType
    from jingjian.core.models import WorkArea

    terms = rank_terms(text)
    suggestions = []
    if len(terms) > 1:
        engine = get_engine()
        for term in terms:
            if engine is not None:
                found = engine.ranked_ids(term, base_queryset, limit=1)
            else:
                found = database_matches(base_queryset, term).exists()
            if found:
                suggestions.append(term)
    pairs = {t[i : i + 2] for t in terms for i in range(max(1, len(t) - 1))}
    for model in (ProblemType, WorkArea):
        for name in model.objects.values_list("name", flat=True):
            folded = chinese.normalize(name)
            if any(pair in folded for pair in pairs if len(pair) == 2) and name not in suggestions:
                suggestions.append(name)
    return suggestions[:8]


def base_queryset(user):
    return visibility.visible_pages(Page.objects.live().filter(depth__gt=2), user)


def run_search(text, params, user, page_number=1, per_page=PER_PAGE):
    """The search page: ranked results with snippets, facet counts and suggestions."""
    from django.core.paginator import Paginator

    query = prepare_query(text)
    terms = rank_terms(text)
    if not query:
        return Outcome(query="", terms=[], total=0, results=[]), None
    filters = clean_filters(params)
    engine = get_engine()
    base = base_queryset(user)
    if engine is not None:
        outcome, page_obj = engine.run_search(text, filters, user, page_number, per_page)
    else:
        narrowed = base
        if filters:
            # Filters go through a subquery: joins to child tables would repeat pages.
            narrowed = base.filter(pk__in=Page.objects.filter(filter_q(filters)).values("pk"))
        if uses_ranked_tiers():
            ranked = RankedPages(narrowed, text)
            matched = ranked.matched
        else:
            matched = database_matches(narrowed, text)
            ranked = matched.order_by(*rank_ordering(terms, SUMMARY_LOOKUPS))
        paginator = Paginator(ranked, per_page)
        page_obj = paginator.get_page(page_number)
        specific = list(Page.objects.filter(pk__in=[p.pk for p in page_obj.object_list]).specific())
        by_pk = {p.pk: p for p in specific}
        results = [by_pk[p.pk] for p in page_obj.object_list if p.pk in by_pk]
        outcome = Outcome(
            query=query,
            terms=terms,
            total=paginator.count,
            results=results,
            facets=_facets(matched, filters),
        )
    _with_snippets(outcome.results, terms)
    if outcome.total == 0:
        outcome.suggestions = suggestions_for(text, base)
    return outcome, page_obj


def get_engine():
    """The Elasticsearch engine when it is the search engine (``search_engine``), else ``None``
    (database)."""
    if not search_engine.uses_elasticsearch():
        return None
    from jingjian.search import elastic as search_elasticsearch

    return search_elasticsearch.engine()
