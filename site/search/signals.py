"""Keep search indexes in step with what readers see.

- Wagtail indexes a page in ``post_save``, but modelcluster writes a page's many-to-many values
  (problem types, work areas) and inline children after that signal, so the first index entry
  of a publish misses them: re-index once the publish has finished.
- With Elasticsearch, the reader index also follows unpublishing, deletion, moves (a new parent
  may be private) and privacy changes on a page or any ancestor.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save
from wagtail.models import Page, PageViewRestriction
from wagtail.search import index
from wagtail.signals import page_published, page_unpublished, post_page_move

from jingjian.core import content_types, visibility
from jingjian.search import engine as search_engine
from jingjian.search.tasks import remove_from_reader_index, update_reader_index


def _elasticsearch_on():
    return search_engine.uses_elasticsearch()


def _reindex(page_ids):
    if _elasticsearch_on() and page_ids:
        update_reader_index.enqueue(list(page_ids))


def _subtree_ids(page):
    """The page, its descendants and aliases standing for any of them (with theirs)."""
    return visibility.pages_covered_with(page)


def reindex_published_page(sender, instance, **kwargs):
    index.insert_or_update_object(instance.specific)
    _reindex([instance.pk])


def page_saved_handler(sender, instance, **kwargs):
    """Pages saved outside a publish (scripts, imports, fixtures) are indexed too."""
    if isinstance(instance, content_types.page_models()) and not kwargs.get("raw"):
        _reindex([instance.pk])


def page_unpublished_handler(sender, instance, **kwargs):
    _reindex([instance.pk])


def page_deleted_handler(sender, instance, **kwargs):
    if _elasticsearch_on() and isinstance(instance, Page):
        remove_from_reader_index.enqueue([instance.pk])


def page_moved_handler(sender, instance, **kwargs):
    _reindex(_subtree_ids(instance))


def restriction_changed_handler(sender, instance, **kwargs):
    try:
        page = instance.page
    except Page.DoesNotExist:
        return
    _reindex(_subtree_ids(page))


def restriction_groups_changed_handler(sender, instance, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        restriction_changed_handler(sender, instance)


def connect():
    page_published.connect(reindex_published_page, dispatch_uid="jingjian_reindex_published")
    page_unpublished.connect(page_unpublished_handler, dispatch_uid="jingjian_unpublished")
    post_save.connect(page_saved_handler, dispatch_uid="jingjian_page_saved")
    post_delete.connect(page_deleted_handler, dispatch_uid="jingjian_page_deleted")
    post_page_move.connect(page_moved_handler, dispatch_uid="jingjian_page_moved")
    post_save.connect(
        restriction_changed_handler,
        sender=PageViewRestriction,
        dispatch_uid="jingjian_restriction_saved",
    )
    post_delete.connect(
        restriction_changed_handler,
        sender=PageViewRestriction,
        dispatch_uid="jingjian_restriction_deleted",
    )
    m2m_changed.connect(
        restriction_groups_changed_handler,
        sender=PageViewRestriction.groups.through,
        dispatch_uid="jingjian_restriction_groups",
    )
