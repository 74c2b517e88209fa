"""Crafted Excel files for the import limits' tests: a real workbook written by openpyxl, then
rewritten with its first sheet replaced, streamed so that a sheet of hundreds of megabytes costs
the test neither the memory nor the disk."""

import zipfile

from openpyxl import Workbook

SHEET = "xl/worksheets/sheet1.xml"
HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    "<sheetData>"
)
TAIL = "</sheetData></worksheet>"


def _template(path, header):
    book = Workbook()
    book.active.append(header)
    book.save(path)


def with_sheet(path, header, chunks, dimension=None):
    """Write ``path`` as an .xlsx whose first sheet is the ``header`` row followed by the XML
    ``chunks`` (strings of ``<row>`` elements), written one chunk at a time; ``dimension`` is
    the size the sheet claims (``A1:XFD1048576``), if any."""
    template = path.with_name(path.stem + "-template.xlsx")
    _template(template, header)
    cells = "".join(
        f'<c r="{_column(i)}1" t="inlineStr"><is><t>{name}</t></is></c>'
        for i, name in enumerate(header)
    )
    with (
        zipfile.ZipFile(template) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out,
    ):
        for part in source.infolist():
            if part.filename != SHEET:
                out.writestr(part, source.read(part))
        with out.open(SHEET, "w", force_zip64=True) as sheet:
            head = HEAD
            if dimension:
                head = head.replace("<sheetData>", f'<dimension ref="{dimension}"/><sheetData>')
            sheet.write((head + f'<row r="1">{cells}</row>').encode())
            for chunk in chunks:
                sheet.write(chunk.encode())
            sheet.write(TAIL.encode())
    template.unlink()
    return path


def _column(index):
    return chr(ord("A") + index)


def bomb(path, header, unpacked_bytes):
    """An .xlsx whose first sheet unpacks to about ``unpacked_bytes`` of repetitive rows."""
    row = '<row><c t="inlineStr"><is><t>以案为鉴</t></is></c></row>'
    block = row * 4096
    count = max(1, unpacked_bytes // len(block.encode()))
    return with_sheet(path, header, (block for _ in range(count)))


def one_row(path, header, values):
    """An .xlsx of ``header`` and one row of ``values`` given as raw XML text (so a test can
    write what openpyxl refuses to, e.g. a character reference to NUL)."""
    cells = "".join(
        f'<c r="{_column(i)}2" t="inlineStr"><is><t>{value}</t></is></c>'
        for i, value in enumerate(values)
    )
    return with_sheet(path, header, [f'<row r="2">{cells}</row>'])
