"""One switch decides the search engine: Wagtail's ``WAGTAILSEARCH_BACKENDS["default"]``.
Reader search, the signals, ``update_index`` and the Elasticsearch client follow it, so the admin
and readers never search different engines."""

import pytest

from jingjian.search import engine as search_engine
from jingjian.search import reader as search
from jingjian.settings.base import elasticsearch_search_backends


def test_the_database_backend_is_the_default_engine(settings):
    settings.WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "jingjian.search.backends"}}
    assert search_engine.uses_database()
    assert not search_engine.uses_elasticsearch()
    assert search_engine.elasticsearch_url() == ""
    assert search.get_engine() is None
    assert search.uses_ranked_tiers()


def test_elasticsearch_as_wagtails_backend_switches_reader_search_too(settings):
    settings.WAGTAILSEARCH_BACKENDS = elasticsearch_search_backends("http://127.0.0.1:9", "t")
    # No second setting to agree with: the address comes from the backend's own URLS.
    settings.ELASTICSEARCH_URL = ""
    assert search_engine.uses_elasticsearch()
    assert search_engine.elasticsearch_url() == "http://127.0.0.1:9"
    assert not search_engine.uses_database()
    assert not search.uses_ranked_tiers()
    assert search.get_engine() is not None


@pytest.mark.parametrize(
    "backends",
    [{}, {"default": {}}, {"default": {"BACKEND": "wagtail.search.backends.database"}}],
)
def test_another_backend_is_neither_engine(settings, backends):
    settings.WAGTAILSEARCH_BACKENDS = backends
    assert not search_engine.uses_elasticsearch()
    assert not search_engine.uses_database()
