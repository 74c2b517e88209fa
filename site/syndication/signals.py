"""Publishing queues deliveries; unpublishing, deletion and privacy changes retract them."""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_save, pre_delete
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move


def on_published(sender, instance, revision=None, **kwargs):
    from jingjian.syndication.delivery import queue_publication, queue_retractions

    if kwargs.get("alias") or instance.alias_of_id:
        return  # an alias shows its source's story: the source is what was sent

    if not queue_publication(instance, revision):
        # Published but not eligible (private, or failing the gate): whatever went out before
        # must come back.
        from jingjian.syndication.delivery import NotEligible, check_eligible

        try:
            check_eligible(instance.specific)
        except NotEligible as error:
            queue_retractions(instance, str(error))


def on_unpublished(sender, instance, **kwargs):
    from jingjian.syndication.delivery import queue_retractions

    queue_retractions(instance, "页面已撤下")


def on_deleted(sender, instance, **kwargs):
    from jingjian.syndication.delivery import queue_retractions

    queue_retractions(instance, "页面已删除")


def _retract_subtree(page, reason):
    from jingjian.core.visibility import pages_covered_with
    from jingjian.syndication.delivery import queue_retractions
    from jingjian.syndication.models import Delivery

    ids = pages_covered_with(page)
    page_ids = Delivery.objects.filter(page_id__in=ids).values_list("page_id", flat=True)
    for page_id in page_ids.distinct():
        queue_retractions(Page.objects.get(pk=page_id), reason)


def on_restriction_saved(sender, instance, **kwargs):
    if not isinstance(instance, PageViewRestriction):
        return  # a group's side of the relation changed: the restriction's own save covers it
    transaction.on_commit(lambda: _retract_subtree(instance.page, "页面已设为内部或限定访问"))


def on_moved(sender, instance, **kwargs):
    from jingjian.core.visibility import Visibility, visibility_of

    if visibility_of(instance) != Visibility.PUBLIC:
        _retract_subtree(instance, "页面移入了内部或限定栏目")


def connect():
    page_published.connect(on_published, dispatch_uid="syndication.published")
    page_unpublished.connect(on_unpublished, dispatch_uid="syndication.unpublished")
    pre_delete.connect(on_deleted, sender=Page, dispatch_uid="syndication.deleted")
    post_save.connect(
        on_restriction_saved, sender=PageViewRestriction, dispatch_uid="syndication.restricted"
    )
    m2m_changed.connect(
        on_restriction_saved,
        sender=PageViewRestriction.groups.through,
        dispatch_uid="syndication.restricted_groups",
    )
    post_page_move.connect(on_moved, dispatch_uid="syndication.moved")
