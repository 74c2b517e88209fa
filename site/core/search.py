"""Search queries: one place that turns what a reader typed into what the backend is asked.

Readers type words separated by spaces. Operators, quotes, brackets, control characters and
emoji mean nothing to them and would break the full-text engines' query syntax, so only
letters, digits and CJK characters survive; every remaining term must match (AND).
"""

import re

MAX_QUERY_LENGTH = 100
MAX_TERMS = 10
TERM_PATTERN = re.compile(r"[^\W_]+", re.UNICODE)


def query_terms(text):
    """The search terms in ``text``: runs of letters, digits and CJK characters."""
    text = (text or "")[: MAX_QUERY_LENGTH * 4]
    terms = []
    for term in TERM_PATTERN.findall(text):
        if term not in terms:
            terms.append(term[:MAX_QUERY_LENGTH])
    return terms[:MAX_TERMS]


def prepare_query(text):
    """The cleaned query string (terms joined by spaces), or ``""`` when nothing is left."""
    return " ".join(query_terms(text))


def search_pages(queryset, text):
    """Full-text search over a (visibility-narrowed) page queryset; every term must match."""
    query = prepare_query(text)
    if not query:
        return queryset.none()
    return queryset.search(query, operator="and")
