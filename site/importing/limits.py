"""What an import file may hold, checked the same way by every importer.

``manage.py import_content`` (``jingjian.importing.rows``), ``manage.py import_case_files`` and
the admin's 导入台账 (``casestudies.ledger``) ask this module before they read a file and for
every row they read:

- ``check_size``: the file (or the upload) is at most ``IMPORT_MAX_FILE_BYTES``;
- ``open_workbook``: an ``.xlsx`` is opened by openpyxl only after its zip directory says it is
  small once unpacked (``IMPORT_XLSX_MAX_UNPACKED_BYTES`` in all, no part packed more than
  ``IMPORT_XLSX_MAX_RATIO`` times) and has few sheets and parts;
- ``sheet_rows``: the first worksheet's rows, no wider than its header, whatever size the sheet
  claims;
- ``RowCounter``: at most ``IMPORT_MAX_ROWS`` rows;
- ``text_problems`` / ``row_problems``: no control character (C0 but tab and line breaks, DEL,
  C1), no invisible formatting character (every Unicode ``Cf``: the bidirectional overrides,
  embeddings, isolates and marks, zero-width spaces and joiners, the byte-order mark, the soft
  hyphen, …), no line or paragraph separator and no lone surrogate in any text; a cell at most
  ``IMPORT_MAX_CELL_CHARS`` characters and a row at most ``IMPORT_MAX_ROW_CHARS``.

A refusal of the whole file is ``FileRefused`` and comes before any row is written; a refused row
is reported with its line like any other bad row. Every message is Chinese and says what to do.
"""

import functools
import re
import sys
import unicodedata
import zipfile

from django.conf import settings

# Parts smaller than this are not held to the ratio: a tiny, very regular part (styles, an
# empty sheet) packs far better than 100 times and is harmless.
RATIO_FLOOR_BYTES = 1024 * 1024
# Columns read from a worksheet: far more than any import file has (the ledger has 21).
MAX_COLUMNS = 200
EXCEL_MAX_ROWS = 1_048_576
ALLOWED_CONTROLS = "\t\n\r"
BIDIRECTIONAL = {chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]} | {
    "\u200e",
    "\u200f",
    "\u061c",
}


class FileRefused(Exception):
    """The file as a whole cannot be imported (message in Chinese, saying what to do)."""


def _megabytes(size):
    return f"{size / 1024 / 1024:.1f} MB"


def _limit_megabytes(size):
    return f"{size // 1024 // 1024} MB" if size >= 1024 * 1024 else f"{size} 字节"


# The file ------------------------------------------------------------------------------------


def check_size(size):
    """Refuse a file of ``size`` bytes over the limit."""
    limit = settings.IMPORT_MAX_FILE_BYTES
    if size > limit:
        raise FileRefused(
            f"文件过大（{_megabytes(size)}），导入文件最大 {_limit_megabytes(limit)}。"
            "请删去图片和无关的工作表，或分成几个文件导入。"
        )


def check_xlsx(path):
    """Refuse an ``.xlsx`` whose zip directory promises more than an import file holds.

    Only the directory is read (sizes as the zip declares them); Python's zipfile never
    unpacks a part past its declared size, so what openpyxl reads afterwards is bounded by it.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise FileRefused(
            "无法读取这个 Excel 文件，请确认文件未损坏、未加密，且为 .xlsx 格式"
            "（在 Excel 中“另存为”.xlsx 后重试）。"
        ) from exc
    if len(parts) > settings.IMPORT_XLSX_MAX_PARTS:
        raise FileRefused(
            f"这个 Excel 文件由 {len(parts)} 个部件组成，导入文件最多 "
            f"{settings.IMPORT_XLSX_MAX_PARTS} 个。请只保留要导入的工作表，另存为新文件后重试。"
        )
    sheets = [
        part
        for part in parts
        if part.filename.startswith("xl/worksheets/") and part.filename.endswith(".xml")
    ]
    if len(sheets) > settings.IMPORT_XLSX_MAX_SHEETS:
        raise FileRefused(
            f"这个 Excel 文件有 {len(sheets)} 个工作表，导入文件最多 "
            f"{settings.IMPORT_XLSX_MAX_SHEETS} 个（只读取第一个）。请删去无关的工作表后重试。"
        )
    unpacked = sum(part.file_size for part in parts)
    limit = settings.IMPORT_XLSX_MAX_UNPACKED_BYTES
    if unpacked > limit:
        raise FileRefused(
            f"这个 Excel 文件解压后有 {_megabytes(unpacked)}，导入文件解压后最大 "
            f"{_limit_megabytes(limit)}，与文件大小不成比例，疑似异常文件，未读取。"
            "请在 Excel 中只保留要导入的数据，另存为新文件后重试。"
        )
    ratio = settings.IMPORT_XLSX_MAX_RATIO
    for part in parts:
        if part.file_size > RATIO_FLOOR_BYTES and part.file_size > ratio * max(
            part.compress_size, 1
        ):
            raise FileRefused(
                f"这个 Excel 文件中有部件的压缩比超过 {ratio} 倍（解压后 "
                f"{_megabytes(part.file_size)}），疑似异常文件，未读取。"
                "请在 Excel 中只保留要导入的数据，另存为新文件后重试。"
            )


def open_workbook(path):
    """``path`` checked (size, zip directory) and opened by openpyxl, read-only, values only."""
    check_size(path.stat().st_size)
    check_xlsx(path)
    # Lazy: openpyxl takes a tenth of a second to import and only .xlsx imports need it.
    from openpyxl import load_workbook

    try:
        return load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise FileRefused(
            "无法读取这个 Excel 文件，请确认文件未损坏、未加密，且为 .xlsx 格式。"
        ) from exc


def sheet_rows(workbook):
    """``(line, values)`` of the first worksheet, the header row first, each row as wide as the
    header (at most ``MAX_COLUMNS``); blank rows are left out.

    The size a sheet declares (its ``<dimension>``) is not trusted: openpyxl pads every row to
    its width, so a 5 KB file claiming 16,384 columns and a row at line 1,048,576 kept a reader
    busy for minutes.
    """
    sheet = workbook.worksheets[0]
    sheet.reset_dimensions()
    header = next(
        sheet.iter_rows(min_row=1, max_row=1, max_col=MAX_COLUMNS + 1, values_only=True), ()
    )
    header = list(header)
    while header and header[-1] in (None, ""):
        header.pop()
    if len(header) > MAX_COLUMNS:
        raise FileRefused(f"第 1 行的列名超过 {MAX_COLUMNS} 列，请只保留要导入的列后重试。")
    yield 1, tuple(header)
    if not header:
        return
    rows = sheet.iter_rows(min_row=2, max_col=len(header), values_only=True)
    blank = (None,) * len(header)  # compared in C: a file may hold a million blank rows
    for line, values in enumerate(rows, start=2):
        if line > EXCEL_MAX_ROWS:
            # Row numbers come from the file: openpyxl fills every number up to the next one.
            raise FileRefused(
                f"这个 Excel 文件的行号超过 {EXCEL_MAX_ROWS}（Excel 的上限），疑似异常文件，未读取。"
                "请在 Excel 中另存为新文件后重试。"
            )
        if values != blank and any(value not in (None, "") for value in values):
            yield line, values


class RowCounter:
    """Counts the rows read; refuses the file at the first row over ``IMPORT_MAX_ROWS``."""

    def __init__(self, advice="请分成几个文件导入。"):
        self.count = 0
        self.advice = advice

    def add(self):
        self.count += 1
        limit = settings.IMPORT_MAX_ROWS
        if self.count > limit:
            raise FileRefused(f"文件超过 {limit} 行，{self.advice}")


# Text ----------------------------------------------------------------------------------------


@functools.cache
def _refused_pattern():
    """One character class of every refused character (built once: scanning Unicode for the
    format characters takes a few tenths of a second)."""
    ranges, start, previous = [], None, None
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        refused = char not in ALLOWED_CONTROLS and unicodedata.category(char) in {"Cc", "Cf", "Cs"}
        refused = refused or char in "\u2028\u2029"
        if refused and start is None:
            start = code
        if not refused and start is not None:
            ranges.append((start, previous))
            start = None
        previous = code
    if start is not None:
        ranges.append((start, previous))
    parts = [
        re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
        for a, b in ranges
    ]
    return re.compile("[" + "".join(parts) + "]")


def refused_character(text):
    """The first refused character of ``text``, or ``None``."""
    found = _refused_pattern().search(text)
    return found.group() if found else None


def describe(char):
    """What ``char`` is, in Chinese, with its code point."""
    code = f"U+{ord(char):04X}"
    if char == "\x00":
        kind = "空字符（NUL）"
    elif char in BIDIRECTIONAL:
        kind = "双向文本控制字符（可使文字的显示顺序与实际不同）"
    elif char in "\u2028\u2029":
        kind = "行分隔符或段分隔符"
    elif unicodedata.category(char) == "Cc":
        kind = "控制字符"
    elif unicodedata.category(char) == "Cs":
        kind = "无效的代理字符"
    else:
        kind = "不可见的格式字符（如零宽空格）"
    return f"{kind} {code}"


def text_problems(column, text):
    """Chinese reasons ``text`` (the value of ``column``) may not be imported; [] when it may."""
    problems = []
    bad = refused_character(text)
    if bad:
        problems.append(f"“{column}”含有{describe(bad)}，请删除后重新导入")
    limit = settings.IMPORT_MAX_CELL_CHARS
    if len(text) > limit:
        problems.append(f"“{column}”有 {len(text)} 个字，一格最多 {limit} 个字，请删减或拆分")
    return problems


def row_problems(cells):
    """Chinese reasons a row may not be imported, from its ``(column, text)`` pairs (every text
    of the row, nested ones too); [] when it may."""
    problems, total = [], 0
    for column, text in cells:
        problems += text_problems(column, text)
        total += len(text)
    limit = settings.IMPORT_MAX_ROW_CHARS
    if total > limit:
        problems.append(f"这一行共有 {total} 个字，一行最多 {limit} 个字，请删减或拆成几行")
    return problems


def refusal(problems):
    """The problems as one Chinese sentence."""
    return "；".join(problems) + "。"
