"""Counts that grow with the archive, computed once per content generation.

A listing's result count (its pagination) and the home page's headline figures read every
visible row of the archive on each request: at 10,000 cases that is most of a listing's time.
Their value depends only on the query (which already carries the reader's visibility, as the
visibility module narrowed it) and on the content, so each is kept in the "default" cache under
the query's exact SQL and parameters and the page cache's *generation*, the token replaced on
every write that pages show (``page_cache``). A figure is therefore never reused across readers
who see different pages (their SQL differs) nor after any change (the generation differs), and
when the cache cannot be read the figure is simply computed.
"""

import hashlib

from django.core.cache import caches
from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property

from jingjian.core import page_cache

TIMEOUT = 600


def _key(kind, queryset, extra=""):
    generation = page_cache.current_generation()
    if generation is None:
        return None
    sql, params = queryset.query.sql_with_params()
    alias = queryset.db
    text = f"{kind}\n{alias}\n{connections[alias].vendor}\n{sql}\n{params!r}\n{extra}"
    return f"figure:{generation}:{hashlib.sha256(text.encode()).hexdigest()}"


def _remembered(key, compute):
    if key is None:
        return compute()
    cache = caches["default"]
    try:
        found = cache.get(key)
    except Exception:  # the default cache tolerates a stopped Redis; a file cache may not
        found = None
    if found is not None:
        return found
    value = compute()
    try:
        cache.set(key, value, timeout=TIMEOUT)
    except Exception:
        pass
    return value


def remember(kind, parts, compute):
    """``compute()``, kept for the current generation under ``kind`` and ``parts`` (a value
    whose ``repr`` names everything the result depends on besides the content)."""
    generation = page_cache.current_generation()
    if generation is None:
        return compute()
    digest = hashlib.sha256(f"{kind}\n{parts!r}".encode()).hexdigest()
    return _remembered(f"figure:{generation}:{digest}", compute)


def for_query(kind, queryset, extra, compute):
    """``compute()``, kept for the current generation under ``queryset``'s exact SQL and
    ``extra`` (whatever else the result depends on)."""
    return _remembered(_key(kind, queryset, repr(extra)), compute)


def count(queryset):
    """``queryset.count()``, kept for the current generation."""
    return _remembered(_key("count", queryset), queryset.count)


def aggregate(queryset, **expressions):
    """``queryset.aggregate(**expressions)``, kept for the current generation."""
    described = repr(sorted(expressions.items()))  # an expression's repr holds its filter's values
    return _remembered(
        _key("aggregate", queryset, described), lambda: queryset.aggregate(**expressions)
    )


class CountingPaginator(Paginator):
    """A paginator whose total is ``figures.count``."""

    @cached_property
    def count(self):
        return count(self.object_list)
