"""Search: one place that turns what a reader typed into results, on any backend.

Readers type terms separated by spaces. Each term must occur in the page as an exact string
(simplified and traditional, full- and half-width forms alike); operators, quotes and brackets
mean nothing. Results are ranked: pages whose title contains every term first, then pages
whose summary does, then the rest; recent pages first within each group.
"""

from django.db.models import Case, F, IntegerField, Q, Value, When

from jingjian.core import chinese

MAX_QUERY_LENGTH = 100
MAX_TERMS = 10
# Where page types keep their one-line summary, seen from a Page queryset.
SUMMARY_LOOKUPS = ["exemplarpage__summary", "casestudypage__summary"]


def query_terms(text):
    """The normalized terms of ``text`` (tokens of one term joined by spaces)."""
    return chinese.query_terms(text, max_terms=MAX_TERMS, max_length=MAX_QUERY_LENGTH)


def prepare_query(text):
    """The cleaned query string, or ``""`` when nothing searchable is left."""
    return " ".join(query_terms(text))


def _contains_all(lookups, terms):
    condition = Q()
    for term in terms:
        either = Q()
        for lookup in lookups:
            either |= Q(**{f"{lookup}__icontains": term})
        condition &= either
    return condition


def rank_terms(text):
    """Terms as they would appear in a title: normalized, punctuation inside a term kept out."""
    terms = []
    for raw in str(text or "")[: MAX_QUERY_LENGTH * 4].split():
        if raw in chinese.OPERATOR_WORDS:
            continue
        segments = chinese.segments(chinese.normalize(raw))
        if segments:
            terms.append("".join(segments)[:MAX_QUERY_LENGTH])
    return terms[:MAX_TERMS]


def search_pages(queryset, text, summary_lookups=None):
    """Search a (visibility-narrowed) page queryset; every term must match; ranked."""
    query = prepare_query(text)
    if not query:
        return queryset.none()
    terms = rank_terms(text)
    if summary_lookups is None:
        summary_lookups = ["summary"] if hasattr(queryset.model, "summary") else SUMMARY_LOOKUPS
    rank = Case(
        When(_contains_all(["title"], terms), then=Value(0)),
        When(_contains_all(summary_lookups, terms), then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    # Expressions, not field names: the backend only checks plain names against its index.
    ranked = queryset.order_by(
        rank.asc(), F("first_published_at").desc(nulls_last=True), F("pk").desc()
    )
    return ranked.search(query, operator="and", order_by_relevance=False)
