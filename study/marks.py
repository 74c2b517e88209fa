"""Recording a reader's study of a page: plain functions over ``StudyRecord``.

Idempotent and safe under concurrent posts: the row is created with ``ignore_conflicts`` on the
unique (user, page) constraint, then changed with one ``UPDATE`` each (time added with ``F()``,
the first 已学习 kept), so two posts at once never make two rows nor lose a second.
"""

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import F
from django.db.models.functions import Least
from django.utils import timezone
from wagtail.models import Page

from jingjian.core import visibility
from study.models import StudyRecord


def studied_types():
    """The page models that take a study mark (``STUDY_PAGE_TYPES``; a label naming no
    installed model is skipped, so a type can be listed before its app is merged)."""
    found = []
    for label in settings.STUDY_PAGE_TYPES:
        try:
            found.append(apps.get_model(label))
        except (LookupError, ValueError):
            continue
    return found


def takes_mark(page):
    """Whether ``page`` is of a type readers may mark."""
    return page.specific_class in studied_types()


def _studied_content_types():
    return ContentType.objects.get_for_models(*studied_types()).values()


def markable_page(page_id, user):
    """The live page ``page_id`` if ``user`` may see it and mark it, else ``None`` (a page they
    may not see and a page that does not exist give the same answer). One query for the page
    (only what visibility reads), as every mark's post asks it."""
    page = (
        Page.objects.live()
        .filter(pk=page_id, content_type__in=list(_studied_content_types()))
        .order_by()
        .only("pk", "path", "title", "content_type_id")
        .first()
    )
    if page is None or not visibility.can_see_page(page, user):
        return None
    return page


def _ensure_record(user, page):
    StudyRecord.objects.bulk_create([StudyRecord(user=user, page=page)], ignore_conflicts=True)


def mark_studied(user, page, now=None):
    """Mark ``page`` 已学习 for ``user`` (once: a second mark keeps the first date, and writes
    nothing: one query)."""
    now = now or timezone.now()
    rows = StudyRecord.objects.filter(user=user, page=page)
    record = rows.first()
    if record is not None and record.studied_at is not None:
        return record
    if record is None:
        _ensure_record(user, page)
    rows.filter(studied_at__isnull=True).update(studied_at=now, last_read_at=now)
    return rows.get()


def add_reading_time(user, page, seconds, now=None):
    """Add one visit's ``seconds`` (capped at ``STUDY_MAX_SECONDS_PER_VISIT``). One ``UPDATE``
    when the reader has a record already (the common case: sent as every visit ends); the row is
    created first otherwise."""
    now = now or timezone.now()
    seconds = max(0, min(int(seconds), settings.STUDY_MAX_SECONDS_PER_VISIT))
    rows = StudyRecord.objects.filter(user=user, page=page)
    # The total is capped too, far beyond any reading, so the column can never overflow.
    change = {"seconds": Least(F("seconds") + seconds, 2_000_000_000), "last_read_at": now}
    if not rows.update(**change):
        _ensure_record(user, page)
        rows.update(**change)


def state(user, page):
    """What the page's mark shows this reader: ``None`` (not yet marked) or the record."""
    return StudyRecord.objects.filter(user=user, page=page).first()


def history(user, limit=200):
    """The reader's own records, newest first, of pages still live that they may see."""
    records = list(
        StudyRecord.objects.filter(user=user, page__live=True)
        .select_related("page")
        .order_by("-last_read_at")[:limit]
    )
    visible = set(
        visibility.visible_pages(
            Page.objects.filter(pk__in=[r.page_id for r in records]), user
        ).values_list("pk", flat=True)
    )
    return [r for r in records if r.page_id in visible]
