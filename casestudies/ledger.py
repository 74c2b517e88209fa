"""The discipline staff's Excel ledger (台账) into the register: ``import_ledger(path)``.

One row per person handled, under Chinese column names as the ledgers have them (``COLUMNS``;
the README documents the format, ``examples/case-file-ledger.xlsx`` is an example). Rows are
grouped into case files by 案卷编号: a case file is created or updated by its number (importing
the same file again changes nothing), its persons handled become exactly the rows of its number
(witnesses and others entered in the admin stay), its units are updated by name.

Every bad row is reported with its line and a Chinese reason that says what to write instead;
nothing is written for a file number with any bad row (one transaction per file number), and
the other numbers are imported. The file is held to the import limits every importer shares
(``jingjian.importing.limits``: file size, the zip directory of the .xlsx, rows) before a row is
read, each column to its field's length (``MAX_CELL`` for the account), and a cell with a
control or invisible formatting character (NUL, a right-to-left override, a zero-width space, …)
is refused: such characters can hide a name from the anonymization gate and from the reader.
"""

import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.db import OperationalError, transaction
from wagtail.log_actions import log

from casestudies.choices import (
    Accountability,
    AdministrativeSanction,
    CaseSource,
    PartySanction,
    RankLevel,
)
from casestudies.models import CaseFile, CaseFilePerson, CaseFileUnit, ProblemType, UnitType
from casestudies.models.case_files import PersonRole
from casestudies.statistics import summary as register_summary
from jingjian.core.models import WorkArea
from jingjian.importing import limits

MAX_CELL = 5_000
IMPORT_ACTION = "jingjian.casefile.import"

# Column name → (key, required, max length). The first group describes the case file (given
# on its first row; later rows of the number may leave them empty or repeat them), the second
# the person handled.
CASE_COLUMNS = {
    "案卷编号": ("number", True, 50),
    "案卷名称": ("title", False, 200),
    "处理日期": ("date_handled", True, 30),
    "问题类型": ("problem_types", True, 300),
    "重点工作": ("work_area", False, 60),
    "线索来源": ("source", True, 30),
    "单位类型": ("unit_type", True, 60),
    "是否公开通报": ("named_in_bulletin", False, 10),
    "简要案情": ("raw_account", False, MAX_CELL),
}
PERSON_COLUMNS = {
    "姓名": ("name", True, 50),
    "性别": ("gender", False, 2),
    "单位": ("unit", True, 120),
    "职务": ("post", False, 120),
    "职级": ("rank_level", True, 10),
    "四种形态": ("discipline_form", True, 10),
    "党纪处分": ("party_sanction", False, 30),
    "政务处分": ("administrative_sanction", False, 30),
    "问责方式": ("accountability", False, 30),
    "是否留置": ("detained", False, 10),
    "是否移送司法机关": ("referred", False, 10),
    "单位是否公开通报": ("unit_named_in_bulletin", False, 10),
}
COLUMNS = CASE_COLUMNS | PERSON_COLUMNS
# The other required case-file columns need filling on one row of the number only.
REQUIRED_ON_EVERY_ROW = ["案卷编号"] + [c for c, (_k, req, _l) in PERSON_COLUMNS.items() if req]
# Case-file values a later row of the same number must not contradict.
CASE_KEYS = [key for key, _required, _length in CASE_COLUMNS.values() if key != "number"]
YES, NO = {"是", "Y", "y", "yes", "true", "1", "√"}, {"否", "N", "n", "no", "false", "0", ""}
LIST_SEPARATORS = re.compile(r"[;；,，\n]")
FORM_WORDS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
# The file as a whole cannot be read (message in Chinese, saying what to do): the limits' error.
LedgerFileError = limits.FileRefused


@dataclass
class BadRow:
    line: int
    number: str
    reason: str


@dataclass
class LedgerResult:
    created: list = field(default_factory=list)  # file numbers
    updated: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    persons: int = 0
    failed: list = field(default_factory=list)  # BadRow
    skipped: list = field(default_factory=list)  # file numbers not written

    @property
    def ok(self):
        return not self.failed


def _text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read_ledger(path):
    """[(line, {column: text})] of the first worksheet of ``path`` (an .xlsx), dates kept as
    dates. Raises ``LedgerFileError`` for a file that is not a readable ledger."""
    path = Path(path)
    if not path.exists():
        raise LedgerFileError(f"找不到文件 {path.name}，请检查路径。")
    if path.suffix.lower() != ".xlsx":
        raise LedgerFileError(
            f"台账应为 Excel 的 .xlsx 文件，而不是“{path.suffix or '无扩展名'}”。"
            "请在 Excel 中“另存为”.xlsx 后重新导入。"
        )
    workbook = limits.open_workbook(path)
    try:
        return _rows(limits.sheet_rows(workbook))
    finally:
        workbook.close()


def _rows(rows):
    _line, header = next(rows)
    columns = [_text(c) for c in header]
    if not any(columns):
        raise LedgerFileError(
            "第一个工作表的第 1 行应为列名（案卷编号、处理日期、姓名……），现在是空的。"
        )
    for column in columns:
        if column and limits.refused_character(column):
            raise LedgerFileError("第 1 行的列名含有控制字符或不可见的格式字符，请删除后重试。")
    duplicated = sorted({c for c in columns if c and columns.count(c) > 1})
    if duplicated:
        raise LedgerFileError(f"第 1 行的列名“{'、'.join(duplicated)}”重复了，请只保留一列。")
    missing = [name for name, (_k, required, _l) in COLUMNS.items() if required]
    missing = [name for name in missing if name not in columns]
    if missing:
        raise LedgerFileError(
            f"第 1 行缺少必填的列：{'、'.join(missing)}。列名须与台账模板一致，"
            "见 examples/case-file-ledger.xlsx。"
        )
    found = []
    counter = limits.RowCounter("请分成几个文件导入（同一案卷编号的行放在同一个文件中）。")
    for line, values in rows:
        counter.add()
        row = {}
        for column, value in zip(columns, values, strict=False):
            if column in COLUMNS:
                row[column] = value
        found.append((line, row))
    return found


# Values -------------------------------------------------------------------------------------


class RowProblem(Exception):
    """One value of a row is wrong (message in Chinese, saying what to write)."""


def _date(value):
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _text(value)
    match = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", text)
    if match:
        try:
            return datetime.date(*(int(part) for part in match.groups()))
        except ValueError:
            pass
    raise RowProblem(f"“处理日期”的“{text}”无法识别，请写成 2025-03-15 或 2025年3月15日。")


def _choice(column, text, choices, strip=()):
    if not text:
        return ""
    word = text
    for prefix in strip:
        if word.startswith(prefix) and word != prefix:
            word = word[len(prefix) :]
    word = word.removesuffix("处分") if word != "处分" else word
    for value, label in choices.choices:
        if word in (str(value), label):
            return value
    allowed = "、".join(label for _v, label in choices.choices)
    raise RowProblem(f"“{column}”的“{text}”不在规定范围内，可填：{allowed}。")


def _boolean(column, text):
    if text in YES:
        return True
    if text in NO:
        return False
    raise RowProblem(f"“{column}”应填“是”或“否”（也可留空，表示否），而不是“{text}”。")


def _form(text):
    word = text.removeprefix("第").removesuffix("形态").removesuffix("种")
    if word in FORM_WORDS:
        return FORM_WORDS[word]
    raise RowProblem(
        f"“四种形态”的“{text}”无法识别，请填第一种形态、第二种形态、第三种形态或第四种形态。"
    )


def _term(model, column, text, known):
    if text in known:
        return known[text]
    allowed = "、".join(list(known)[:30])
    raise RowProblem(
        f"“{column}”的“{text}”不在{model._meta.verbose_name}词表中，可填：{allowed}。"
        "如需新增，请先在后台“分类词表”中添加。"
    )


@dataclass
class ParsedRow:
    line: int
    case: dict
    person: dict
    given: set  # case keys this row fills in


def _parse(line, raw, terms):
    """A row as values, or ``RowProblem`` naming every problem in it."""
    problems = []
    texts = {}
    for column, (key, _required, length) in COLUMNS.items():
        value = raw.get(column)
        text = value if isinstance(value, datetime.date) else _text(value)
        if isinstance(text, str):
            bad = limits.refused_character(text)
            if bad:
                problems.append(f"“{column}”含有{limits.describe(bad)}，请删除后重新导入")
                continue
            if len(text) > length:
                problems.append(f"“{column}”最多 {length} 个字，现有 {len(text)} 个字，请删减")
                continue
        texts[key] = text
    if problems:
        raise RowProblem("；".join(problems) + "。")
    case, person = {}, {}
    checks = [
        ("number", lambda t: t),
        ("title", lambda t: t),
        ("date_handled", _date),
        ("problem_types", lambda t: _problem_types(t, terms)),
        ("work_area", lambda t: _term(WorkArea, "重点工作", t, terms["work_area"])),
        ("source", lambda t: _choice("线索来源", t, CaseSource)),
        ("unit_type", lambda t: _term(UnitType, "单位类型", t, terms["unit_type"])),
        ("named_in_bulletin", lambda t: _boolean("是否公开通报", t)),
        ("raw_account", lambda t: t),
    ]
    given = set()
    for key, read in checks:
        text = texts.get(key, "")
        if text == "":
            continue
        try:
            case[key] = read(text)
            given.add(key)
        except RowProblem as problem:
            problems.append(str(problem).rstrip("。"))
    person_checks = [
        ("name", lambda t: t),
        ("gender", lambda t: _gender(t)),
        ("unit", lambda t: t),
        ("post", lambda t: t),
        ("rank_level", lambda t: _choice("职级", t, RankLevel)),
        ("discipline_form", _form),
        ("party_sanction", lambda t: _choice("党纪处分", t, PartySanction, ("党内", "党纪"))),
        (
            "administrative_sanction",
            lambda t: _choice("政务处分", t, AdministrativeSanction, ("政务",)),
        ),
        ("accountability", lambda t: _choice("问责方式", t, Accountability)),
        ("detained", lambda t: _boolean("是否留置", t)),
        ("referred", lambda t: _boolean("是否移送司法机关", t)),
        ("unit_named_in_bulletin", lambda t: _boolean("单位是否公开通报", t)),
    ]
    for key, read in person_checks:
        text = texts.get(key, "")
        try:
            person[key] = read(text) if text != "" else None
        except RowProblem as problem:
            problems.append(str(problem).rstrip("。"))
    for column in REQUIRED_ON_EVERY_ROW:
        if texts.get(COLUMNS[column][0], "") == "":
            problems.insert(0, f"缺少必填的“{column}”")
    if problems:
        raise RowProblem("；".join(problems) + "。")
    return ParsedRow(line, case, person, given)


def _gender(text):
    if text in ("男", "女"):
        return text
    raise RowProblem(f"“性别”应填“男”或“女”（也可留空），而不是“{text}”。")


def _problem_types(text, terms):
    names = [part.strip() for part in LIST_SEPARATORS.split(text) if part.strip()]
    return [_term(ProblemType, "问题类型", name, terms["problem_type"]) for name in names]


# Writing ------------------------------------------------------------------------------------


def _case_values(rows):
    """The case file's values from the rows of one number, or problems: the first row that
    gives a value sets it, a later row that gives another is wrong."""
    values, first_line, problems = {}, {}, []
    for row in rows:
        for key in row.given:
            value = row.case[key]
            if key not in values:
                values[key], first_line[key] = value, row.line
            elif _comparable(values[key]) != _comparable(value):
                column = next(c for c, (k, _r, _l) in CASE_COLUMNS.items() if k == key)
                problems.append(
                    (
                        row.line,
                        f"“{column}”与第 {first_line[key]} 行（同一案卷编号）不一致，"
                        "同一案卷各行应相同，或只在第一行填写。",
                    )
                )
    for column, (key, required, _length) in CASE_COLUMNS.items():
        if required and key not in values and key != "number":
            problems.append((rows[0].line, f"本案卷各行都没有填写必填的“{column}”。"))
    names = {}
    for row in rows:
        name = row.person["name"]
        if name in names:
            problems.append(
                (
                    row.line,
                    f"“{name}”在第 {names[name]} 行已列为本案卷的被处理人，"
                    "每人一行，请合并或删除重复的行。",
                )
            )
        names.setdefault(name, row.line)
    return values, problems


def _comparable(value):
    if isinstance(value, list):
        return sorted(v.pk for v in value)
    return getattr(value, "pk", value)


PERSON_KEYS = [
    "name",
    "gender",
    "unit",
    "post",
    "rank_level",
    "discipline_form",
    "party_sanction",
    "administrative_sanction",
    "accountability",
    "detained",
    "referred",
]


def _person_fields(person, order):
    fields = {key: person[key] for key in PERSON_KEYS}
    for key in ("gender", "unit", "post", "party_sanction", "administrative_sanction"):
        fields[key] = fields[key] or ""
    fields["accountability"] = fields["accountability"] or ""
    fields["detained"], fields["referred"] = bool(fields["detained"]), bool(fields["referred"])
    return {"sort_order": order, **fields}


def _stored(case_file):
    """What an import writes of ``case_file``, as stored."""
    subjects = case_file.persons.filter(role=PersonRole.SUBJECT).order_by("sort_order", "pk")
    return {
        "title": case_file.title,
        "date_handled": case_file.date_handled,
        "source": case_file.source,
        "unit_type_id": case_file.unit_type_id,
        "work_area_id": case_file.work_area_id,
        "named_in_bulletin": case_file.named_in_bulletin,
        "raw_account": case_file.raw_account,
        "problem_types": sorted(case_file.problem_types.values_list("pk", flat=True)),
        "persons": [
            {"sort_order": p.sort_order, **{key: getattr(p, key) for key in PERSON_KEYS}}
            for p in subjects
        ],
        "units": dict(case_file.units.values_list("name", "named_in_bulletin")),
    }


def _target(case_file, values, rows):
    """What ``case_file`` (or a new one: ``None``) is to hold after the import of ``rows``."""
    first = rows[0].person
    title = values.get("title") or (case_file.title if case_file else "")
    units = dict(case_file.units.values_list("name", "named_in_bulletin")) if case_file else {}
    named = {}
    for row in rows:
        unit = row.person["unit"]
        named[unit] = named.get(unit, False) or bool(row.person["unit_named_in_bulletin"])
    return {
        "title": title or f"{first['unit']}{first['name']}等人问题",
        "date_handled": values["date_handled"],
        "source": values["source"],
        "unit_type_id": values["unit_type"].pk,
        "work_area_id": values["work_area"].pk if values.get("work_area") else None,
        "named_in_bulletin": values.get("named_in_bulletin", False),
        "raw_account": values.get("raw_account") or (case_file.raw_account if case_file else ""),
        "problem_types": sorted({t.pk for t in values["problem_types"]}),
        "persons": [_person_fields(row.person, order) for order, row in enumerate(rows)],
        "units": units | named,
    }


def _write(number, values, rows, user, file_name):
    """Create or update the case file ``number`` from its rows, in one transaction; returns
    "created", "updated" or "unchanged" (nothing written)."""
    with transaction.atomic():
        case_file = CaseFile.objects.select_for_update().filter(number=number).first()
        target = _target(case_file, values, rows)
        if case_file is not None and _stored(case_file) == target:
            return "unchanged"
        outcome = "created" if case_file is None else "updated"
        case_file = case_file or CaseFile(number=number)
        for key in CASE_FIELDS:
            setattr(case_file, key, target[key])
        # Saving the file asks the anonymization gate again about its case studies once this
        # commits (``casestudies.publication``): its persons and units are the gate's inputs.
        case_file.save()
        case_file.problem_types.set(target["problem_types"])
        case_file.save(update_fields=["problem_types"])  # a cluster writes its relations on save
        subjects = CaseFilePerson.objects.filter(case_file=case_file, role=PersonRole.SUBJECT)
        if outcome == "created" or _stored(case_file)["persons"] != target["persons"]:
            subjects.delete()
            CaseFilePerson.objects.bulk_create(
                [
                    CaseFilePerson(case_file=case_file, role=PersonRole.SUBJECT, **fields)
                    for fields in target["persons"]
                ]
            )
        existing = {u.name: u for u in CaseFileUnit.objects.filter(case_file=case_file)}
        for name, is_named in target["units"].items():
            unit = existing.get(name)
            if unit is None:
                CaseFileUnit.objects.create(
                    case_file=case_file,
                    name=name,
                    named_in_bulletin=is_named,
                    sort_order=len(existing),
                )
                existing[name] = True
            elif unit.named_in_bulletin != is_named:
                unit.named_in_bulletin = is_named
                unit.save(update_fields=["named_in_bulletin"])
        log(
            instance=case_file,
            action=IMPORT_ACTION,
            user=user,
            data={"file": file_name, "lines": [row.line for row in rows], "outcome": outcome},
        )
    return outcome


CASE_FIELDS = [
    "title",
    "date_handled",
    "source",
    "unit_type_id",
    "work_area_id",
    "named_in_bulletin",
    "raw_account",
]


def _terms():
    return {
        "problem_type": {t.name: t for t in ProblemType.objects.all()},
        "work_area": {t.name: t for t in WorkArea.objects.all()},
        "unit_type": {t.name: t for t in UnitType.objects.all()},
    }


def import_rows(rows, user=None, file_name=""):
    """Import ``rows`` (``read_ledger``'s); returns a ``LedgerResult``."""
    result = LedgerResult()
    terms = _terms()
    by_number, order = {}, []
    for line, raw in rows:
        number = _text(raw.get("案卷编号"))
        try:
            parsed = _parse(line, raw, terms)
        except RowProblem as problem:
            result.failed.append(BadRow(line, number, str(problem)))
            parsed = None
        if number not in by_number:
            by_number[number] = []
            order.append(number)
        by_number[number].append((line, parsed))
    for number in order:
        entries = by_number[number]
        if not number:
            continue  # reported above: 缺少必填的“案卷编号”
        bad_lines = {line for line, parsed in entries if parsed is None}
        parsed_rows = [parsed for _line, parsed in entries if parsed is not None]
        values, problems = _case_values(parsed_rows) if parsed_rows else ({}, [])
        for line, reason in problems:
            result.failed.append(BadRow(line, number, reason))
            bad_lines.add(line)
        if bad_lines:
            result.skipped.append(number)
            continue
        outcome = _write(number, values, parsed_rows, user, file_name)
        getattr(result, outcome).append(number)
        result.persons += len(parsed_rows)
    result.failed.sort(key=lambda bad: bad.line)
    if result.created or result.updated:
        _count_the_summary()
    return result


def _count_the_summary():
    """Count the months the import wrote into the register's summary before answering, so the
    statistics' first reader after a whole ledger does not wait for it (the triggers marked
    them). When SQLite's one writer stays busy past its timeout the marks are left for the
    first reader, who counts them (the import is done either way)."""
    try:
        register_summary.refresh()
    except OperationalError:
        pass


def import_ledger(path, user=None):
    """Read and import the ledger at ``path``; ``LedgerFileError`` for an unreadable file."""
    rows = read_ledger(path)
    return import_rows(rows, user=user, file_name=Path(path).name)


def summary(result):
    """The result in one Chinese sentence."""
    text = (
        f"导入完成：新建案卷 {len(result.created)} 份，更新 {len(result.updated)} 份，"
        f"未变 {len(result.unchanged)} 份，共 {result.persons} 名被处理人"
    )
    if result.failed:
        text += (
            f"；{len(result.failed)} 行有误，涉及的 {len(result.skipped)} 个案卷编号未写入，"
            "请按提示修改后重新导入（已导入的案卷再次导入不会重复）"
        )
    return text + "。"
