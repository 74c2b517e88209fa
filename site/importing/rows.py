"""Reading an import file and the values in its rows.

``read_rows`` turns a ``.jsonl`` or ``.xlsx`` file into ``(line, dict)`` pairs (a line that is not
a JSON object comes as ``(line, RowError)``, reported with the others); the field functions read
one value of a row or raise ``RowError`` with a Chinese reason that says what to write instead.
The content types' importers (``casestudies/importing.py``, ``exemplars/importing.py``) use them.

The file and every row are held to ``jingjian.importing.limits`` (size, the zip directory of an
``.xlsx``, rows, control and formatting characters, cell and row length): a file over a limit is
refused (``ImportFileError``) before its first row is yielded, a row with a refused character or
too long comes as ``(line, RowError)``.
"""

import datetime
import json
from pathlib import Path

from django.conf import settings

from jingjian.importing import limits

TRUE_WORDS = {"true", "1", "yes", "y", "是", "真", "t"}
FALSE_WORDS = {"false", "0", "no", "n", "否", "假", "f", ""}
# "、" is not a separator: several problem types contain it (门难进、脸难看、事难办).
LIST_SEPARATORS = ["；", ";", "，", ",", "\n"]


# The file as a whole cannot be read (message in Chinese): the same error as the limits'.
ImportFileError = limits.FileRefused


class RowError(Exception):
    """One row is invalid (message in Chinese, saying what to fix); ``source_id`` names the row
    in the report when the reader could tell it."""

    def __init__(self, message, source_id=""):
        super().__init__(message)
        self.source_id = source_id


# Reading ----------------------------------------------------------------------------------


def read_rows(path):
    """Yield ``(line_number, row_dict)`` from a ``.jsonl``/``.json`` or ``.xlsx`` file.

    A line that is not valid JSON is yielded as ``(line, RowError)`` so it is reported with the
    others instead of stopping the import.
    """
    path = Path(path)
    if not path.exists():
        raise ImportFileError(f"找不到文件 {path}，请检查路径。")
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        read = _read_xlsx
    elif suffix in {".jsonl", ".json", ".ndjson"}:
        read = _read_jsonl
    else:
        raise ImportFileError(
            f"不支持的文件类型“{path.suffix or '无扩展名'}”：请使用 .jsonl（每行一个 JSON 对象）或 .xlsx。"
        )
    limits.check_size(path.stat().st_size)
    counter = limits.RowCounter()
    for line, row in read(path):
        counter.add()
        if isinstance(row, dict):
            problems = limits.row_problems(_texts(row))
            if problems:
                row = RowError(limits.refusal(problems), source_id=_clean_source_id(row))
        yield line, row


def _clean_source_id(row):
    """The row's ``source_id`` for the report, unless it is itself refused text."""
    source_id = str(row.get("source_id") or "")
    return "" if limits.text_problems("source_id", source_id) else source_id


def _texts(value, column=""):
    """``(column, text)`` for every text in a row: keys, values, nested lists and objects."""
    if isinstance(value, dict):
        for key, item in value.items():
            key = str(key)
            yield column or key, key
            yield from _texts(item, column or key)
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item, column)
    elif value is not None and not isinstance(value, bool | int | float):
        yield column, str(value)


def _read_jsonl(path):
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError("文件不是 UTF-8 编码，请另存为 UTF-8 后重试。") from exc
    # Lines are split on line feeds only: str.splitlines also splits on U+2028 and other
    # separators, which would cut a row instead of refusing it.
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        if len(line) > settings.IMPORT_MAX_ROW_CHARS:
            yield (
                number,
                RowError(
                    f"这一行有 {len(line)} 个字符，一行最多 {settings.IMPORT_MAX_ROW_CHARS} 个字符，请删减或拆成几行。"
                ),
            )
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            yield number, RowError(f"不是有效的 JSON（第 {exc.colno} 个字符附近）：{exc.msg}")
            continue
        if not isinstance(row, dict):
            yield number, RowError('每行必须是一个 JSON 对象，形如 {"type": "case", …}。')
            continue
        yield number, row


def _read_xlsx(path):
    workbook = limits.open_workbook(path)
    rows = limits.sheet_rows(workbook)
    _line, header = next(rows)
    if not header:
        raise ImportFileError(
            "Excel 第一个工作表为空：第 1 行应为列名（type、source_id、title …）。"
        )
    columns = [str(c).strip() if c is not None else "" for c in header]
    for number, values in rows:
        row = {}
        for column, value in zip(columns, values, strict=False):
            if column and value not in (None, ""):
                row[column] = value
        yield number, row
    workbook.close()


# Values ----------------------------------------------------------------------------


def text(row, key, required=False, max_length=None, label=None):
    value = row.get(key)
    value = "" if value is None else str(value).strip()
    if required and not value:
        raise RowError(f"缺少必填列“{key}”{f'（{label}）' if label else ''}。")
    if max_length and len(value) > max_length:
        raise RowError(f"“{key}”最多 {max_length} 个字，当前 {len(value)} 个字，请删减。")
    return value


def boolean(row, key, default=False):
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
    raise RowError(f"“{key}”应为 true 或 false（也可写“是”“否”），而不是“{value}”。")


def text_list(row, key):
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
            raise RowError(f"“{key}”不是有效的 JSON 列表：{exc.msg}。") from exc
        return [str(v).strip() for v in parsed if str(v).strip()]
    for separator in LIST_SEPARATORS[1:]:
        text = text.replace(separator, LIST_SEPARATORS[0])
    return [part.strip() for part in text.split(LIST_SEPARATORS[0]) if part.strip()]


def objects(row, key):
    value = row.get(key)
    if value in (None, ""):
        return []
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as exc:
            raise RowError(f"“{key}”应为 JSON 数组，形如 [{{…}}, {{…}}]：{exc.msg}。") from exc
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise RowError(f"“{key}”应为对象数组，形如 [{{…}}, {{…}}]。")
    return value


def date(row, key, required=False):
    value = row.get(key)
    if value in (None, ""):
        if required:
            raise RowError(f"缺少必填列“{key}”，格式为 YYYY-MM-DD，如 2024-03-15。")
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value).strip()[:10])
    except ValueError as exc:
        raise RowError(
            f"“{key}”的日期“{value}”无法识别，请写成 YYYY-MM-DD，如 2024-03-15。"
        ) from exc


def month(row, key):
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
        raise RowError(f"“{key}”的年月“{value}”无法识别，请写成 YYYY-MM，如 2021-06。") from exc


def value_for_label(choices, label):
    """The stored value of ``choices`` (Django choices) for a Chinese label or a value, or
    ``None`` when it is neither."""
    label = (label or "").strip()
    for value, shown in choices.choices:
        if label in (str(value), shown):
            return value
    return None


def choice(row, key, choices, required=False):
    given = text(row, key, required=required)
    if not given:
        return ""
    value = value_for_label(choices, given)
    if value is None:
        allowed = "、".join(label for _, label in choices.choices)
        raise RowError(f"“{key}”的值“{given}”不在规定范围内，可选：{allowed}。")
    return value


def term(model, name, key):
    try:
        return model.objects.get(name=name)
    except model.DoesNotExist as exc:
        known = "、".join(model.objects.values_list("name", flat=True)[:30])
        raise RowError(
            f"“{key}”的值“{name}”不在{model._meta.verbose_name}词表中。可选：{known}。"
            "如需新增，请先在后台“分类词表”中添加。"
        ) from exc


def terms(model, names, key):
    return [term(model, name, key) for name in names]
