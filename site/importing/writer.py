"""Bulk import: one page per row, created or updated by ``source_id``, each row in its own
transaction.

``import_row`` reads the columns every page has (type, source_id, title, summary, visibility,
groups, live, date, slug) and asks the row's content type (``ContentType.importer``,
``casestudies/importing.py``, ``exemplars/importing.py``) for the rest. ``import_rows`` collects
every bad row with its line and a reason in Chinese: a row the model refuses
(``ValidationError``) or the content type refuses at publication (its ``import_refusals``, e.g.
the anonymization gate) is reported like any other and leaves nothing behind.

Every page written gets one entry in its history naming the command, the file and the line
(action ``jingjian.import``, or ``jingjian.demo`` for the demo loader; labels registered in this
app's ``wagtail_hooks``). The format is documented in the README.
"""

import datetime
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from wagtail.log_actions import log
from wagtail.models import PageLogEntry

from jingjian.core import content_types, groups, review, visibility
from jingjian.core.models import ImportedPage
from jingjian.importing import rows as parse
from jingjian.importing.rows import RowError

IMPORT_ACTION = "jingjian.import"
DEMO_ACTION = "jingjian.demo"
# A row with ``live: false`` taking its page down: logged apart from a takedown by staff.
IMPORT_UNPUBLISH_ACTION = "jingjian.import.unpublish"
# Wagtail's entries that put a page up or take it down.
_UP = ("wagtail.publish", "wagtail.publish.scheduled")
_DOWN = ("wagtail.unpublish", "wagtail.unpublish.scheduled")


@dataclass(frozen=True)
class Origin:
    """Which command writes the pages and from which file: recorded in each page's history."""

    command: str = "import_content"
    file: str = ""
    action: str = IMPORT_ACTION

    def log_data(self, line, source_id):
        return {"command": self.command, "file": self.file, "line": line, "source_id": source_id}


@dataclass
class RowValues:
    """What a content type's importer reads from a row: field values, many-to-many values and
    child rows (inline panels), each by attribute name."""

    fields: dict
    many: dict = field(default_factory=dict)
    children: dict = field(default_factory=dict)


@dataclass
class FailedRow:
    line: int
    source_id: str
    reason: str


@dataclass
class Note:
    """A row imported with less than it asked, because staff decided otherwise since."""

    line: int
    source_id: str
    text: str


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    failed: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.failed


def importable_types():
    """The registered content types that say how they import, by their ``name``."""
    return {t.name: t for t in content_types.registered() if t.importer is not None}


def _type_of(row):
    name = parse.text(row, "type", required=True).lower()
    known = importable_types()
    if name not in known:
        choices = [f"{t.name}（{t.label}）" for t in known.values()]
        allowed = "、".join(choices[:-1]) + "或 " + choices[-1] if len(choices) > 1 else choices[0]
        raise RowError(f"“type”必须是 {allowed}，而不是“{name}”。")
    return known[name]


def _index_page(content_type):
    model = apps.get_model(content_type.index_model)
    index = model.objects.order_by("path").first()
    if index is None:
        raise RowError(
            f"站点中还没有“{model._meta.verbose_name}”页面，请先运行 manage.py migrate。"
        )
    return index


def _validation_message(error, model=None):
    if hasattr(error, "message_dict"):
        parts = []
        for name, messages in error.message_dict.items():
            label = name
            if model is not None and name != "__all__":
                try:
                    label = f"{model._meta.get_field(name).verbose_name}（{name}）"
                except Exception:  # a non-field key: keep it as it is
                    label = name
            parts.append(f"{label}：{'；'.join(messages)}")
        return "；".join(parts)
    return "；".join(error.messages)


_STRICTNESS = {
    visibility.Visibility.PUBLIC: 0,
    visibility.Visibility.INTRANET: 1,
    visibility.Visibility.RESTRICTED: 2,
}


def _own_groups(page):
    names = page.view_restrictions.filter(restriction_type="groups").values_list(
        "groups__name", flat=True
    )
    return {name for name in names if name}


def _widens(page, vis, group_names):
    """Whether giving ``page`` the row's visibility would show it to more people than staff let
    see it now (a re-import never undoes a restriction made in the admin)."""
    current = visibility.visibility_of(page)
    if _STRICTNESS[vis] != _STRICTNESS[current]:
        return _STRICTNESS[vis] < _STRICTNESS[current]
    if vis != visibility.Visibility.RESTRICTED:
        return False
    wanted = set(group_names or [groups.DISCIPLINE])
    return not wanted <= _own_groups(page)


def _taken_down(page):
    """Whether ``page`` is down because someone other than the import took it down (staff's
    撤下, an expiry date, the gate): its last going up or down was a takedown."""
    if page.live:
        return False
    last = (
        PageLogEntry.objects.filter(page=page, action__in=_UP + _DOWN)
        .order_by("-timestamp", "-pk")
        .values_list("action", flat=True)
        .first()
    )
    return last in _DOWN


def import_row(row, user=None, origin=Origin(), line=None, notes=None):
    """Create or update the page described by ``row``; return ``(page, created)``.

    Raises ``RowError`` with a Chinese reason, also when the model or the content type refuses
    the page. Call inside a transaction: a refusal comes after the page was written. On an
    update, what staff decided since the last import stands: a visibility narrowed in the admin
    is not widened and a page taken down is not put back (its content is saved as a draft);
    each such row adds a sentence to ``notes``.
    """
    notes = [] if notes is None else notes
    content_type = _type_of(row)
    source_id = parse.text(row, "source_id", required=True, max_length=100, label="来源编号")
    vis = parse.text(row, "visibility") or visibility.Visibility.PUBLIC
    if vis not in visibility.Visibility.values:
        raise RowError(f"“visibility”应为 public、intranet 或 restricted，而不是“{vis}”。")
    group_names = parse.text_list(row, "groups")
    missing = [n for n in group_names if not Group.objects.filter(name=n).exists()]
    if missing:
        raise RowError(
            f"“groups”中的用户组不存在：{'、'.join(missing)}。可选：{'、'.join(groups.ALL)}。"
        )
    if group_names and vis != visibility.Visibility.RESTRICTED:
        raise RowError("只有 visibility 为 restricted 的内容才能指定 groups。")
    live = parse.boolean(row, "live", default=True)
    model = content_type.page_model()
    values = content_type.importer(row)
    fields = {
        "title": parse.text(row, "title", required=True, max_length=255, label="标题"),
        "summary": parse.text(row, "summary", required=True, max_length=120, label="一句话简介"),
        **values.fields,
    }
    published_on = parse.date(row, "date")

    record = ImportedPage.objects.select_related("page").filter(source_id=source_id).first()
    created = record is None
    if created:
        page = model()
        page.slug = parse.text(row, "slug") or slugify(source_id) or None
    else:
        page = record.page.specific
        if not isinstance(page, model):
            raise RowError(
                f"来源编号“{source_id}”已导入为{page.get_verbose_name()}，不能改为另一种类型。"
            )
    for name, value in fields.items():
        setattr(page, name, value)
    for name, value in values.many.items():
        setattr(page, name, value)
    for name, items in values.children.items():
        setattr(page, name, items)

    index = _index_page(content_type)
    try:
        if created:
            page.live = False
            index.add_child(instance=page)
        # One history entry for this write, naming the command (instead of Wagtail's "edited"
        # with nobody as its author).
        revision = page.save_revision(user=user, log_action=False)
        log(
            instance=page,
            action=origin.action,
            user=user,
            revision=revision,
            content_changed=True,
            data=origin.log_data(line, source_id),
        )
        # Privacy first: the page is never public, even inside this transaction, when it
        # should not be (publishing indexes it and queues its channels).
        if created or not _widens(page, vis, group_names):
            visibility.set_visibility(page, vis, group_names or None)
        else:
            notes.append("页面的可见范围已在后台收紧，未按文件放宽；如需放宽，请在后台修改。")
        if live and not created and _taken_down(page):
            notes.append("页面已在后台撤下，本次只把内容存为草稿；如需重新发布，请提交审核。")
            live = False
        if live:
            with review.publishing_as(origin.command):
                revision.publish(user=user)
            if published_on:
                moment = timezone.make_aware(
                    datetime.datetime.combine(published_on, datetime.time(9))
                )
                type(page).objects.filter(pk=page.pk).update(first_published_at=moment)
        elif page.live:
            page.unpublish(user=user, log_action=IMPORT_UNPUBLISH_ACTION)
    except ValidationError as exc:
        raise RowError(_validation_message(exc, model)) from exc
    except content_type.import_refusals as exc:
        raise RowError(str(exc)) from exc
    if created:
        ImportedPage.objects.create(source_id=source_id, page=page)
    else:
        record.save(update_fields=["imported_at"])
    return page, created


def import_rows(rows, user=None, progress=None, origin=Origin()):
    """Import ``(line, row)`` pairs; each row is atomic. Returns an ``ImportResult``."""
    result = ImportResult()
    for line, row in rows:
        if isinstance(row, dict):
            source_id = row.get("source_id", "")
        else:
            source_id = getattr(row, "source_id", "")
        try:
            if isinstance(row, Exception):
                raise row
            notes = []
            with transaction.atomic():
                _page, created = import_row(row, user=user, origin=origin, line=line, notes=notes)
        except RowError as exc:
            result.failed.append(FailedRow(line, str(source_id or ""), str(exc)))
        else:
            if created:
                result.created += 1
            else:
                result.updated += 1
            result.notes += [Note(line, str(source_id or ""), text) for text in notes]
        if progress:
            progress(line)
    return result
