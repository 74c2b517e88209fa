"""manage.py update_index: Wagtail's index rebuild, plus the reader search index on
Elasticsearch (built into a new index, then swapped in atomically), with progress."""

import sys

from django.conf import settings
from tqdm import tqdm
from wagtail.search.management.commands.update_index import Command as WagtailUpdateIndex


class Command(WagtailUpdateIndex):
    def handle(self, **options):
        from jingjian.core.search_backends import bulk_indexing

        with bulk_indexing():
            super().handle(**options)
        if not settings.ELASTICSEARCH_URL:
            return
        from casestudies.models import CaseStudyPage
        from exemplars.models import ExemplarPage
        from jingjian.core import search_elasticsearch

        total = CaseStudyPage.objects.live().count() + ExemplarPage.objects.live().count()
        quiet = options.get("verbosity", 1) == 0
        with tqdm(
            total=total, desc="读者检索索引", unit="页", file=sys.stderr, disable=quiet
        ) as bar:
            name = search_elasticsearch.rebuild(progress=bar.update)
        if not quiet:
            self.stdout.write(f"reader index rebuilt as {name} ({total} pages), alias swapped")
