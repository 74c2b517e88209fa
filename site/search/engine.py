"""Which search engine runs: one switch, Wagtail's ``WAGTAILSEARCH_BACKENDS["default"]``.

``ELASTICSEARCH_URL`` in the environment only builds that setting (``settings.base``); the
reader-facing faceted search, the signals that keep its index current, ``update_index`` and the
Elasticsearch client all ask this module, so admin search and reader search can never run on
different engines."""

from django.conf import settings

DATABASE_BACKEND = "jingjian.search.backends"
ELASTICSEARCH_BACKEND = "jingjian.search.backends.elasticsearch"


def _default():
    return getattr(settings, "WAGTAILSEARCH_BACKENDS", {}).get("default", {})


def elasticsearch_url():
    """The address of Elasticsearch when it is the engine, else ``""``."""
    default = _default()
    if default.get("BACKEND") != ELASTICSEARCH_BACKEND:
        return ""
    urls = default.get("URLS") or [""]
    return str(urls[0]).strip()


def uses_elasticsearch():
    return bool(elasticsearch_url())


def uses_database():
    """Whether this project's database backend (SQLite or PostgreSQL full-text) is the engine."""
    return _default().get("BACKEND") == DATABASE_BACKEND
