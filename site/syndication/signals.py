"""Publishing queues deliveries; unpublishing, deletion and privacy changes retract them."""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_save, pre_delete
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from jingjian.core import visibility
from jingjian.syndication import delivery
from jingjian.syndication.models import Delivery


def on_published(sender, instance, revision=None, **kwargs):
    if kwargs.get("alias") or instance.alias_of_id:
        return  # an alias shows its source's story: the source is what was sent

    if not delivery.queue_publication(instance, revision):
        # Published but not eligible (private, or failing the gate): whatever went out before
        # must come back.
        try:
            delivery.check_eligible(instance.specific)
        except delivery.NotEligible as error:
            delivery.queue_retractions(instance, str(error))


def on_unpublished(sender, instance, **kwargs):
    delivery.queue_retractions(instance, "页面已撤下")


def on_deleted(sender, instance, **kwargs):
    delivery.queue_retractions(instance, "页面已删除")


def _retract_subtree(page, reason):
    ids = visibility.pages_covered_with(page)
    page_ids = Delivery.objects.filter(page_id__in=ids).values_list("page_id", flat=True)
    for page_id in page_ids.distinct():
        delivery.queue_retractions(Page.objects.get(pk=page_id), reason)


def on_restriction_saved(sender, instance, **kwargs):
    if not isinstance(instance, PageViewRestriction):
        return  # a group's side of the relation changed: the restriction's own save covers it
    transaction.on_commit(lambda: _retract_subtree(instance.page, "页面已设为内部或限定访问"))


def on_moved(sender, instance, **kwargs):
    if visibility.visibility_of(instance) != visibility.Visibility.PUBLIC:
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
