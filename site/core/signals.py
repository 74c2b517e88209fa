"""Keep the search index in step with what readers see.

Wagtail indexes a page in ``post_save``, but modelcluster writes a page's many-to-many values
(problem types, work areas) and inline children after that signal, so the first index entry of
a publish misses them. Re-index once the publish has finished.
"""

from wagtail.search import index
from wagtail.signals import page_published


def reindex_published_page(sender, instance, **kwargs):
    index.insert_or_update_object(instance.specific)


def connect():
    page_published.connect(reindex_published_page, dispatch_uid="jingjian_reindex_published")
