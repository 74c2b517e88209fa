"""Background work (django-tasks): keeping the reader search index in step with the site."""

from django_tasks import task
from wagtail.models import Page

from jingjian.core import page_cache
from jingjian.search import elastic as search_elasticsearch


@task()
def update_reader_index(page_ids):
    """Re-index these pages (removing those that are no longer live)."""
    pages = Page.objects.filter(pk__in=page_ids).specific()
    found = {page.pk for page in pages}
    search_elasticsearch.index_pages(pages)
    missing = [pk for pk in page_ids if pk not in found]
    if missing:
        search_elasticsearch.remove_pages(missing)
    # The index is written after the page (in the worker): search pages stored meanwhile go.
    page_cache.purge()


@task()
def remove_from_reader_index(page_ids):
    search_elasticsearch.remove_pages(page_ids)
    page_cache.purge()
