"""Reading an import file and the values in its rows.

``read_rows`` turns a ``.jsonl`` or ``.xlsx`` file into ``(line, dict)`` pairs (a line that is not
a JSON object comes as ``(line, RowError)``, reported with the others); the field functions read
one value of a row or raise ``RowError`` with a Chinese reason that says what to write instead.
The content types' importers (``casestudies/importing.py``, ``exemplars/importing.py``) use them.
"""

import datetime
import json
from pathlib import Path

TRUE_WORDS = {"true", "1", "yes", "y", "是", "真", "t"}
FALSE_WORDS = {"false", "0", "no", "n", "否", "假", "f", ""}
# "、" is not a separator: several problem types contain it (门难进、脸难看、事难办).
LIST_SEPARATORS = ["；", ";", "，", ",", "\n"]


class ImportFileError(Exception):
    """The file as a whole cannot be read (message in Chinese)."""


class RowError(Exception):
    """One row is invalid (message in Chinese, saying what to fix)."""


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
        yield from _read_xlsx(path)
    elif suffix in {".jsonl", ".json", ".ndjson"}:
        yield from _read_jsonl(path)
    else:
        raise ImportFileError(
            f"不支持的文件类型“{path.suffix or '无扩展名'}”：请使用 .jsonl（每行一个 JSON 对象）或 .xlsx。"
        )


def _read_jsonl(path):
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError("文件不是 UTF-8 编码，请另存为 UTF-8 后重试。") from exc
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
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
    # Lazy: openpyxl takes ~0.1 s to import and only .xlsx import files need it.
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise ImportFileError(
            f"无法读取 Excel 文件：{exc}。请确认文件未损坏且为 .xlsx 格式。"
        ) from exc
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None)
    if not header:
        raise ImportFileError(
            "Excel 第一个工作表为空：第 1 行应为列名（type、source_id、title …）。"
        )
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
