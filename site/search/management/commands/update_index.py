"""manage.py update_index: Wagtail's index rebuild, plus the reader search index on
Elasticsearch (built into a new index, then swapped in atomically), with progress."""

import sys

from django.utils import timezone
from tqdm import tqdm
from wagtail.models import Page
from wagtail.search import index
from wagtail.search.backends import get_search_backend
from wagtail.search.management.commands.update_index import DEFAULT_CHUNK_SIZE
from wagtail.search.management.commands.update_index import Command as WagtailUpdateIndex

from jingjian.core import content_types, page_cache
from jingjian.search import elastic as search_elasticsearch
from jingjian.search import engine as search_engine
from jingjian.search.backends import bulk_indexing
from jingjian.search.rows import PlainRows


class Command(WagtailUpdateIndex):
    # Whether the backend being rebuilt takes batches of ids read as plain rows
    # (``PlainRows``) instead of loaded objects.
    plain_rows = False

    def update_backend(self, backend_name, **kwargs):
        self.plain_rows = getattr(get_search_backend(backend_name), "reads_plain_rows", False)
        try:
            super().update_backend(backend_name, **kwargs)
        finally:
            self.plain_rows = False

    def queryset_chunks(self, qs, chunk_size=DEFAULT_CHUNK_SIZE):
        if not self.plain_rows:
            yield from super().queryset_chunks(qs, chunk_size)
            return
        pks = list(qs.values_list("pk", flat=True))
        for start in range(0, len(pks), chunk_size):
            yield PlainRows(qs, pks[start : start + chunk_size])

    def handle(self, **options):
        started = timezone.now()
        with bulk_indexing():
            super().handle(**options)
        reindex_published_since(started)
        page_cache.purge()  # a rebuild may end by swapping tables: no index write says so
        if not search_engine.uses_elasticsearch():
            return
        total = sum(model.objects.live().count() for model in content_types.page_models())
        quiet = options.get("verbosity", 1) == 0
        with tqdm(
            total=total, desc="读者检索索引", unit="页", file=sys.stderr, disable=quiet
        ) as bar:
            name = search_elasticsearch.rebuild(progress=bar.update)
        page_cache.purge()
        if not quiet:
            self.stdout.write(f"reader index rebuilt as {name} ({total} pages), alias swapped")


def reindex_published_since(moment):
    """Index again the pages published while the rebuild ran: the rebuild writes in place, and a
    batch loaded before such a publish would have written over the newer entry."""
    for page in Page.objects.live().filter(last_published_at__gte=moment).specific():
        index.insert_or_update_object(page)
