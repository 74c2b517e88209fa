"""Bulk import of exemplar profiles and case studies from JSON Lines or .xlsx.

Plain functions: ``read_rows`` turns a file into ``(line, dict)`` pairs, ``import_row`` creates
or updates one page from one row (idempotent by ``source_id``), ``import_rows`` runs each row in
its own transaction and collects every bad row with its line and a reason in Chinese: a row
the model refuses (``ValidationError``) or the publication gate refuses
(``AnonymizationGateError``) is reported like any other and leaves nothing behind.

Every page written gets one entry in its history naming the command, the file and the line
(action ``jingjian.import``, or ``jingjian.demo`` for the demo loader; labels registered in
``wagtail_hooks``). The format is documented in the README.
"""

import datetime
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from wagtail.log_actions import log

from casestudies.gate import AnonymizationGateError
from jingjian.core import review, visibility
from jingjian.core.blocks import plain_text_to_stream
from jingjian.core.models import ImportedPage, WorkArea

TRUE_WORDS = {"true", "1", "yes", "y", "是", "真", "t"}
FALSE_WORDS = {"false", "0", "no", "n", "否", "假", "f", ""}
# "、" is not a separator: several problem types contain it (门难进、脸难看、事难办).
LIST_SEPARATORS = [";", ";", ",", ",", "\n"]


class ImportFileError(Exception):
    """The file as a whole cannot be read (message in Chinese)."""


class RowError(Exception):
    """One row is invalid (message in Chinese, saying what to fix)."""


IMPORT_ACTION = "jingjian.import"
DEMO_ACTION = "jingjian.demo"


@dataclass(frozen=True)
class Origin:
    """Which command writes the pages and from which file: recorded in each page's history."""

    command: str = "import_content"
    file: str = ""
    action: str = IMPORT_ACTION

    def log_data(self, line, source_id):
        return {"command": self.command, "file": self.file, "line": line, "source_id": source_id}


@dataclass
class FailedRow:
    line: int
    source_id: str
    reason: str


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    failed: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.failed


# Reading ----------------------------------------------------------------------------------


def read_rows(path):
    """Yield ``(line_number, row_dict)`` from a ``.jsonl``/``.json`` or ``.xlsx`` file.

    A line that is not valid JSON is yielded as ``(line, RowError)`` so it is reported with the
    others instead of stopping the import.
    """
    path = Path(path)
    if not path.exists():
        raise ImportFileError(f"找不到文件 {path},请检查路径。")
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        yield from _read_xlsx(path)
    elif suffix in {".jsonl", ".json", ".ndjson"}:
        yield from _read_jsonl(path)
    else:
        raise ImportFileError(
            f"不支持的文件类型“{path.suffix or '无扩展名'}”:请使用 .jsonl(每行一个 JSON 对象)或 .xlsx。"
        )


def _read_jsonl(path):
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError("文件不是 UTF-8 编码,请另存为 UTF-8 后重试。") from exc
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            yield number, RowError(f"不是有效的 JSON(第 {exc.colno} 个字符附近):{exc.msg}")
            continue
        if not isinstance(row, dict):
            yield number, RowError('每行必须是一个 JSON 对象,形如 {"type": "case", …}。')
            continue
        yield number, row


def _read_xlsx(path):
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise ImportFileError(
            f"无法读取 Excel 文件:{exc}。请确认文件未损坏且为 .xlsx 格式。"
        ) from exc
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None)
    if not header:
        raise ImportFileError("Excel 第一个工作表为空:第 1 行应为列名(type、source_id、title …)。")
    columns = [str(c).strip() if c is not None else "" for c in header]
    for number, values in enumerate(rows, start=2):
        if values is None or all(v in (None, "") for v in values):
            continue
        row = {}
        for column, value in zip(columns, values, strict=False):
            if column and value not in (None, ""):
                row[column] = value
        yield number, row
    workbook.close()


# Field parsing ----------------------------------------------------------------------------


def _text(row, key, required=False, max_length=None, label=None):
    value = row.get(key)
    value = "" if value is None else str(value).strip()
    if required and not value:
        raise RowError(f"缺少必填列“{key}”{f'({label})' if label else ''}。")
    if max_length and len(value) > max_length:
        raise RowError(f"“{key}”最多 {max_length} 个字,当前 {len(value)} 个字,请删减。")
    return value


def _bool(row, key, default=False):
    if key not in row or row[key] is None:
        return default
    value = row[key]
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise RowError(f"“{key}”应为 true 或 false(也可写“是”“否”),而不是“{value}”。")


def _list(row, key):
    value = row.get(key)
    if value in (None, ""):
        return []
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    text = str(value).strip()
    if text.startswith("["):
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError as exc:
            raise RowError(f"“{key}”不是有效的 JSON 列表:{exc.msg}。") from exc
        return [str(v).strip() for v in parsed if str(v).strip()]
    for separator in LIST_SEPARATORS[1:]:
        text = text.replace(separator, LIST_SEPARATORS[0])
    return [part.strip() for part in text.split(LIST_SEPARATORS[0]) if part.strip()]


def _objects(row, key):
    value = row.get(key)
    if value in (None, ""):
        return []
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as exc:
            raise RowError(f"“{key}”应为 JSON 数组,形如 [{{…}}, {{…}}]:{exc.msg}。") from exc
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise RowError(f"“{key}”应为对象数组,形如 [{{…}}, {{…}}]。")
    return value


def _date(row, key, required=False):
    value = row.get(key)
    if value in (None, ""):
        if required:
            raise RowError(f"缺少必填列“{key}”,格式为 YYYY-MM-DD,如 2024-03-15。")
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value).strip()[:10])
    except ValueError as exc:
        raise RowError(f"“{key}”的日期“{value}”无法识别,请写成 YYYY-MM-DD,如 2024-03-15。") from exc


def _month(row, key):
    """A ``YYYY-MM`` value as the first day of that month."""
    value = row.get(key)
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime | datetime.date):
        return datetime.date(value.year, value.month, 1)
    text = str(value).strip()
    try:
        year, month = text[:7].split("-")
        return datetime.date(int(year), int(month), 1)
    except ValueError as exc:
        raise RowError(f"“{key}”的年月“{value}”无法识别,请写成 YYYY-MM,如 2021-06。") from exc


def _choice(row, key, choices, required=False):
    from casestudies.choices import value_for_label

    text = _text(row, key, required=required)
    if not text:
        return ""
    value = value_for_label(choices, text)
    if value is None:
        allowed = "、".join(label for _, label in choices.choices)
        raise RowError(f"“{key}”的值“{text}”不在规定范围内,可选:{allowed}。")
    return value


def _term(model, name, key):
    try:
        return model.objects.get(name=name)
    except model.DoesNotExist as exc:
        known = "、".join(model.objects.values_list("name", flat=True)[:30])
        raise RowError(
            f"“{key}”的值“{name}”不在{model._meta.verbose_name}词表中。可选:{known}。"
            "如需新增,请先在后台“分类词表”中添加。"
        ) from exc


def _terms(model, names, key):
    return [_term(model, name, key) for name in names]


# Page writing -----------------------------------------------------------------------------


def _index_page(page_type):
    from casestudies.models import CaseIndexPage
    from exemplars.models import ExemplarIndexPage

    model = ExemplarIndexPage if page_type == "exemplar" else CaseIndexPage
    index = model.objects.order_by("path").first()
    if index is None:
        raise RowError(f"站点中还没有“{model._meta.verbose_name}”页面,请先运行 manage.py migrate。")
    return index


def _exemplar_fields(row):
    from exemplars.models import ExemplarCategory, Gender, PoliticalStatus

    birth = _text(row, "birth", required=True, label="出生年月,如 1975-08")
    try:
        parts = birth.replace("年", "-").replace("月", "").split("-")
        birth_year = int(parts[0])
        birth_month = int(parts[1]) if len(parts) > 1 and parts[1] else None
    except ValueError as exc:
        raise RowError(f"“birth”的值“{birth}”无法识别,请写成 YYYY-MM,如 1975-08。") from exc
    return {
        "name": _text(row, "name", required=True, max_length=40, label="姓名"),
        "gender": _choice(row, "gender", Gender, required=True),
        "ethnicity": _text(row, "ethnicity", max_length=20) or "汉族",
        "birth_year": birth_year,
        "birth_month": birth_month,
        "political_status": _choice(row, "political_status", PoliticalStatus),
        "unit": _text(row, "unit", required=True, max_length=120, label="工作单位"),
        "post": _text(row, "post", required=True, max_length=120, label="职务"),
        "posthumous": _bool(row, "posthumous"),
        "category": _term(ExemplarCategory, _text(row, "category", required=True), "category"),
        "date": _date(row, "date") or timezone.localdate(),
        "citation": _text(row, "citation"),
        "featured": _bool(row, "featured"),
        "deeds": json.dumps(plain_text_to_stream(_text(row, "body"))),
    }


def _case_fields(row):
    from casestudies.choices import CaseSource
    from casestudies.models import GovernancePriority, UnitType

    priority = _text(row, "governance_priority")
    work_area = _text(row, "work_area")
    return {
        "subject": _text(row, "subject", required=True, max_length=200, label="脱敏后的当事人"),
        "unit_type": _term(UnitType, _text(row, "unit_type", required=True), "unit_type"),
        "governance_priority": _term(GovernancePriority, priority, "governance_priority")
        if priority
        else None,
        "work_area": _term(WorkArea, work_area, "work_area") if work_area else None,
        "source": _choice(row, "source", CaseSource, required=True),
        "period_start": _month(row, "period_start"),
        "period_end": _month(row, "period_end"),
        "date_handled": _date(row, "date_handled", required=True),
        "lessons": _text(row, "lessons"),
        "named_in_bulletin": _bool(row, "named_in_bulletin"),
        "facts": json.dumps(plain_text_to_stream(_text(row, "body"))),
    }


def _honours(row):
    from exemplars.models import Honour

    honours = []
    for number, item in enumerate(_objects(row, "honours"), start=1):
        title = str(item.get("title", "")).strip()
        try:
            year = int(item.get("year"))
        except (TypeError, ValueError) as exc:
            raise RowError(f"第 {number} 项荣誉缺少有效的年份(year),如 2021。") from exc
        if not title:
            raise RowError(f"第 {number} 项荣誉缺少称号(title)。")
        honours.append(
            Honour(title=title, awarding_body=str(item.get("awarding_body", "")).strip(), year=year)
        )
    return honours


def _handlings(row):
    from casestudies.choices import (
        Accountability,
        AdministrativeSanction,
        DisciplineForm,
        PartySanction,
    )
    from casestudies.models import Handling

    handlings = []
    for number, item in enumerate(_objects(row, "handlings"), start=1):
        where = f"第 {number} 条处理情况"
        pseudonym = str(item.get("pseudonym", "")).strip()
        if not pseudonym:
            raise RowError(f"{where}缺少化名(pseudonym),如“王某”。")
        try:
            form = int(item.get("discipline_form"))
            DisciplineForm(form)
        except (TypeError, ValueError) as exc:
            raise RowError(f"{where}的“四种形态”(discipline_form)应为 1、2、3 或 4。") from exc
        values = {}
        for key, choices in [
            ("party_sanction", PartySanction),
            ("administrative_sanction", AdministrativeSanction),
            ("accountability", Accountability),
        ]:
            try:
                values[key] = _choice(item, key, choices)
            except RowError as exc:
                raise RowError(f"{where}:{exc}") from exc
        handlings.append(
            Handling(
                pseudonym=pseudonym[:20],
                post=str(item.get("post", "")).strip()[:120],
                discipline_form=form,
                detained=_bool(item, "detained"),
                referred=_bool(item, "referred"),
                **values,
            )
        )
    return handlings


def _validation_message(error, model=None):
    if hasattr(error, "message_dict"):
        parts = []
        for name, messages in error.message_dict.items():
            label = name
            if model is not None and name != "__all__":
                try:
                    label = f"{model._meta.get_field(name).verbose_name}({name})"
                except Exception:  # a non-field key: keep it as it is
                    label = name
            parts.append(f"{label}:{';'.join(messages)}")
        return ";".join(parts)
    return ";".join(error.messages)


def import_row(row, user=None, origin=Origin(), line=None):
    """Create or update the page described by ``row``; return ``(page, created)``.

    Raises ``RowError`` with a Chinese reason, also when the model or the publication gate
    refuses the page. Call inside a transaction: a refusal comes after the page was written.
    """
    from casestudies.models import CaseStudyPage, ProblemType
    from exemplars.models import ExemplarPage

    page_type = _text(row, "type", required=True).lower()
    if page_type not in {"exemplar", "case"}:
        raise RowError(f"“type”必须是 exemplar(先进典型)或 case(警示案例),而不是“{page_type}”。")
    source_id = _text(row, "source_id", required=True, max_length=100, label="来源编号")
    vis = _text(row, "visibility") or visibility.Visibility.PUBLIC
    if vis not in visibility.Visibility.values:
        raise RowError(f"“visibility”应为 public、intranet 或 restricted,而不是“{vis}”。")
    group_names = _list(row, "groups")
    missing = [n for n in group_names if not Group.objects.filter(name=n).exists()]
    if missing:
        raise RowError(
            f"“groups”中的用户组不存在:{'、'.join(missing)}。可选:编辑、审核、纪检监察、读者。"
        )
    if group_names and vis != visibility.Visibility.RESTRICTED:
        raise RowError("只有 visibility 为 restricted 的内容才能指定 groups。")
    live = _bool(row, "live", default=True)
    model = ExemplarPage if page_type == "exemplar" else CaseStudyPage
    fields = {
        "title": _text(row, "title", required=True, max_length=255, label="标题"),
        "summary": _text(row, "summary", required=True, max_length=120, label="一句话简介"),
    }
    if page_type == "exemplar":
        fields.update(_exemplar_fields(row))
        children = {"honours": _honours(row)}
        many = {"work_areas": _terms(WorkArea, _list(row, "work_areas"), "work_areas")}
    else:
        fields.update(_case_fields(row))
        children = {"handlings": _handlings(row)}
        many = {"problem_types": _terms(ProblemType, _list(row, "problem_types"), "problem_types")}
    published_on = _date(row, "date")

    record = ImportedPage.objects.select_related("page").filter(source_id=source_id).first()
    created = record is None
    if created:
        page = model()
        page.slug = _text(row, "slug") or slugify(source_id) or None
    else:
        page = record.page.specific
        if not isinstance(page, model):
            raise RowError(
                f"来源编号“{source_id}”已导入为{page.get_verbose_name()},不能改为另一种类型。"
            )
    for name, value in fields.items():
        setattr(page, name, value)
    for name, value in many.items():
        setattr(page, name, value)
    for name, items in children.items():
        setattr(page, name, items)

    index = _index_page(page_type)
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
        visibility.set_visibility(page, vis, group_names or None)
        if live:
            with review.publishing_as(origin.command):
                revision.publish(user=user)
            if published_on:
                moment = timezone.make_aware(
                    datetime.datetime.combine(published_on, datetime.time(9))
                )
                type(page).objects.filter(pk=page.pk).update(first_published_at=moment)
        elif page.live:
            page.unpublish(user=user)
    except ValidationError as exc:
        raise RowError(_validation_message(exc, model)) from exc
    except AnonymizationGateError as exc:
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
        source_id = row.get("source_id", "") if isinstance(row, dict) else ""
        try:
            if isinstance(row, Exception):
                raise row
            with transaction.atomic():
                _page, created = import_row(row, user=user, origin=origin, line=line)
        except RowError as exc:
            result.failed.append(FailedRow(line, str(source_id or ""), str(exc)))
        else:
            if created:
                result.created += 1
            else:
                result.updated += 1
        if progress:
            progress(line)
    return result
