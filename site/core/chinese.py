"""Chinese text for full-text search: normalization and the token stream both sides share.

The stock tokenizers treat a run of Chinese characters as one word, so 推诿扯皮 inside a longer
run is never found. Text is therefore normalized (full-width → half-width via NFKC, lower case,
traditional → simplified via OpenCC) and turned into tokens the engines index as words:

- a run of Latin letters or digits is one token (``12345``, ``app``);
- a run of Chinese characters becomes its overlapping character pairs (bigrams);
- every Chinese character is also emitted on its own (once per text), after the bigrams, so
  that one-character terms can be found. Where one-character terms are searched as a *prefix*
  of the tokens (PostgreSQL's ``c:*``), only the last character of each run is needed on its
  own (``run_ends_only``): every other character begins a pair.

A query term is prepared the same way and searched as a *phrase* of its tokens: the bigrams of
推诿扯皮 (推诿 诿扯 扯皮) are adjacent in the index exactly where the string occurs, so a phrase
match is an exact-substring match.
"""

import re
import unicodedata
from functools import lru_cache

import opencc

_T2S = opencc.OpenCC("t2s")

# CJK Unified Ideographs (+ extension A and compatibility ideographs).
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
SEGMENT = re.compile(rf"[{HAN}]+|[^\W_{HAN}]+", re.UNICODE)
HAN_RUN = re.compile(rf"^[{HAN}]+$")


def normalize(text):
    """Fold widths and case, and convert traditional characters to simplified."""
    if not text:
        return ""
    text = str(text)
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    text = text.lower()
    return _T2S.convert(text)


def segments(text):
    """The searchable segments of already-normalized text, in order."""
    return SEGMENT.findall(text)


def _bigrams(run):
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


_SEGMENT_KINDS = re.compile(rf"([{HAN}]+)|([^\W_{HAN}]+)", re.UNICODE)


def index_text(text, run_ends_only=False):
    """The token stream to index for ``text`` (space separated)."""
    return normalized_index_text(normalize(text), run_ends_only)


def normalized_index_text(text, run_ends_only=False):
    """``index_text`` of text that is already normalized."""
    tokens = []
    runs = []
    for han, other in _SEGMENT_KINDS.findall(text):
        if not han:
            tokens.append(other)
        elif len(han) == 1:
            tokens.append(han)
        else:
            tokens.append(" ".join(map(str.__add__, han, han[1:])))
            runs.append(han)
    # Single characters are only ever searched on their own, never as part of a phrase, so
    # each is needed once per text (a quarter fewer tokens to index than one per occurrence).
    if run_ends_only:
        singles = " ".join(dict.fromkeys(run[-1] for run in runs))
    else:
        singles = " ".join(dict.fromkeys("".join(runs)))
    return f"{' '.join(tokens)} {singles}" if singles else " ".join(tokens)


def lone_character(tokens):
    """Whether a phrase's ``tokens`` are one Chinese character (searched as a prefix where the
    index keeps single characters only at the ends of runs)."""
    return len(tokens) == 1 and len(tokens[0]) == 1 and bool(HAN_RUN.match(tokens[0]))


@lru_cache(maxsize=2048)
def term_phrases(term):
    """The phrases (each a tuple of tokens) that together find ``term`` as a substring.

    Normally one phrase. A one-character Chinese segment inside a mixed term (e.g. ``a股``) is
    only indexed on its own, so such a term is split into separate phrases that must all match.
    """
    parts = segments(normalize(term))
    if not parts:
        return ()
    if len(parts) == 1:
        part = parts[0]
        return ((part,),) if len(part) == 1 or not HAN_RUN.match(part) else (tuple(_bigrams(part)),)
    if any(HAN_RUN.match(p) and len(p) == 1 for p in parts):
        return tuple(term_phrases(p)[0] for p in parts)
    tokens = []
    for part in parts:
        tokens.extend(_bigrams(part) if HAN_RUN.match(part) else [part])
    return (tuple(tokens),)


# Search-engine operators typed out of habit; as all-capital words they are not search terms.
OPERATOR_WORDS = {"AND", "OR", "NOT"}


def query_terms(text, max_terms=10, max_length=100):
    """The user's terms (split on whitespace), normalized, deduplicated, each non-empty."""
    terms = []
    for raw in str(text or "")[: max_length * 4].split():
        if raw in OPERATOR_WORDS:
            continue
        term = " ".join(segments(normalize(raw)))[:max_length]
        if term and term not in terms:
            terms.append(term)
    return terms[:max_terms]


def normalize_same_length(text):
    """``normalize`` keeping one character for one, so offsets stay valid (for highlighting).

    Whole-text conversion is tried first (fast); where it changes the length (a ligature that
    NFKC expands, a phrase OpenCC rewrites), characters are converted one by one.
    """
    text = str(text or "")
    whole = normalize(text)
    if len(whole) == len(text):
        return whole
    # Usually a few characters NFKC expands (…, ㎡): give each the first of its expansion.
    whole = normalize("".join(map(_one_for_one, text)))
    if len(whole) == len(text):
        return whole
    return "".join((normalize(ch) or " ")[:1] for ch in text)


@lru_cache(maxsize=8192)
def _one_for_one(ch):
    folded = unicodedata.normalize("NFKC", ch)
    return ch if len(folded) == 1 else (folded[:1] or " ")
