"""What a reader typed, as search terms: the same preparation for every engine and the API."""

from jingjian.core import chinese

MAX_QUERY_LENGTH = 100
MAX_TERMS = 10


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
