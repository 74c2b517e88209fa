"""The import limits every importer shares (``jingjian.importing.limits``), through the importers:
``manage.py import_content``, ``manage.py import_case_files`` and 案卷 → 导入台账 in the admin.

Crafted files: a zip bomb (a sheet of 200 MB packed under 1 MB), a part packed too well, too
many sheets or rows, a file too large, NUL, control and bidirectional characters, a cell and a
row too long. Each is refused with a Chinese reason, in the command's output and on the upload
page, never a 500, and nothing of the file is written."""

import json
import random
import time
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import Workbook

from casestudies.models import CaseFile
from jingjian.core.models import ImportedPage
from jingjian.importing import limits
from tests.casestudies.test_ledger_import import HEADER, row, workbook
from tests.importing.test_importing import CASE, EXEMPLAR, write_jsonl
from tests.support import xlsx

pytestmark = pytest.mark.django_db

BOMB_BYTES = 200 * 1024 * 1024
BIDI = "双向文本控制字符（可使文字的显示顺序与实际不同）"


@pytest.fixture(scope="module")
def zip_bomb(tmp_path_factory):
    path = xlsx.bomb(tmp_path_factory.mktemp("bomb") / "ledger.xlsx", HEADER, BOMB_BYTES)
    assert path.stat().st_size < 1024 * 1024
    return path


def run(command, path):
    """(exit code, stdout, stderr) of ``command`` on ``path``; a refused file is exit 1 with
    its message on stderr, as ``manage.py`` prints a ``CommandError``."""
    out, err = StringIO(), StringIO()
    try:
        call_command(command, str(path), stdout=out, stderr=err)
    except CommandError as error:
        return 1, out.getvalue(), err.getvalue() + str(error)
    except SystemExit as exit:
        return exit.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def upload(client, path):
    with path.open("rb") as handle:
        response = client.post(reverse("casefiles:import"), {"file": handle})
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def discipline_client(client, discipline_user):
    client.force_login(discipline_user)
    return client


# Whole files -------------------------------------------------------------------------------


def test_a_zip_bomb_is_refused_from_its_directory_by_every_importer(zip_bomb, discipline_client):
    started = time.monotonic()
    reason = "解压后有 199.9 MB，导入文件解压后最大 100 MB"
    for command in ("import_content", "import_case_files"):
        code, _out, err = run(command, zip_bomb)
        assert code == 1 and reason in err and "另存为新文件后重试" in err
    assert reason in upload(discipline_client, zip_bomb)
    # Refused from the zip's directory, not after unpacking 200 MB three times.
    assert time.monotonic() - started < 5
    assert not ImportedPage.objects.exists() and not CaseFile.objects.exists()


def test_a_part_packed_out_of_proportion_is_refused(tmp_path, discipline_client):
    path = xlsx.bomb(tmp_path / "small-bomb.xlsx", HEADER, 20 * 1024 * 1024)
    code, _out, err = run("import_case_files", path)
    assert code == 1 and "压缩比超过 100 倍" in err
    assert "压缩比超过 100 倍" in upload(discipline_client, path)
    assert not CaseFile.objects.exists()


def test_too_many_sheets_or_parts(tmp_path, settings):
    book = Workbook()
    book.active.append(HEADER)
    for number in range(3):
        book.create_sheet(f"备用{number}")
    path = tmp_path / "sheets.xlsx"
    book.save(path)
    settings.IMPORT_XLSX_MAX_SHEETS = 2
    code, _out, err = run("import_case_files", path)
    assert code == 1 and "有 4 个工作表，导入文件最多 2 个" in err
    settings.IMPORT_XLSX_MAX_PARTS = 5
    code, _out, err = run("import_content", path)
    assert code == 1 and "导入文件最多 5 个" in err


def test_a_file_too_large_or_too_long_writes_nothing(tmp_path, settings, discipline_client):
    rows = [EXEMPLAR, CASE]
    path = write_jsonl(tmp_path / "two.jsonl", rows)
    settings.IMPORT_MAX_ROWS = 1
    code, _out, err = run("import_content", path)
    assert code == 1 and "文件超过 1 行，请分成几个文件导入。" in err
    ledger = workbook(tmp_path, [row(), row(number="鉴纪台〔2025〕202号")])
    assert "文件超过 1 行" in upload(discipline_client, ledger)
    settings.IMPORT_MAX_ROWS = 20_000
    settings.IMPORT_MAX_FILE_BYTES = 1024
    code, _out, err = run("import_content", path)
    assert code == 1 and "文件过大" in err and "导入文件最大 1024 字节" in err
    assert "文件过大" in upload(discipline_client, ledger)
    # The first row was good: a refused file leaves nothing, not its first rows.
    assert not ImportedPage.objects.exists() and not CaseFile.objects.exists()


def test_a_sheet_claiming_to_be_huge_is_read_as_it_is(tmp_path, discipline_client):
    # A few kilobytes that declare all 16,384 columns and 1,048,576 rows, with rows far apart:
    # openpyxl pads every row to the declared width and fills every missing row number.
    path = xlsx.with_sheet(
        tmp_path / "claims.xlsx",
        HEADER,
        [
            '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>',
        ],
        dimension="A1:XFD1048576",
    )
    started = time.monotonic()
    code, out, _err = run("import_case_files", path)
    assert code == 0 and "新建案卷 0 份" in out  # its one cell is beyond the header's columns
    far = xlsx.with_sheet(
        tmp_path / "far.xlsx",
        HEADER,
        ['<row r="99999999"><c r="A99999999" t="inlineStr"><is><t>x</t></is></c></row>'],
    )
    code, _out, err = run("import_content", far)
    assert code == 1 and "行号超过 1048576" in err
    assert "行号超过 1048576" in upload(discipline_client, far)
    assert time.monotonic() - started < 20
    assert not CaseFile.objects.exists()


def test_a_sheet_that_is_not_xml_is_refused_in_chinese(tmp_path, discipline_client):
    # XML cannot hold NUL, not even as a reference: such a sheet is a damaged file.
    path = xlsx.one_row(tmp_path / "nul.xlsx", HEADER, ["鉴纪台〔2025〕201号", "钱&#0;砚澄"])
    code, _out, err = run("import_case_files", path)
    assert code == 1 and "无法读取这个 Excel 文件" in err
    assert "无法读取这个 Excel 文件" in upload(discipline_client, path)


# Rows --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("where", "value", "reason"),
    [
        ("title", "李某\x00问题", "“title”含有空字符（NUL） U+0000，请删除后重新导入"),
        ("summary", "李某\x1b[31m", "“summary”含有控制字符 U+001B"),
        ("summary", "李某\x85", "“summary”含有控制字符 U+0085"),
        ("subject", "某局\u202e某李", "“subject”含有双向文本控制字符"),
        ("subject", "某局\u2066李某\u2069", f"“subject”含有{BIDI} U+2066"),
        ("subject", "某局\u200f李某", f"“subject”含有{BIDI} U+200F"),
        ("handlings", "李\u200b某", "“handlings”含有不可见的格式字符（如零宽空格） U+200B"),
        ("body", "案" * 100_001, "“body”有 100001 个字，一格最多 100000 个字，请删减或拆分"),
    ],
    ids=["nul", "esc", "c1", "rlo", "isolate", "rlm", "zero-width", "long-cell"],
)
def test_a_refused_character_or_cell_is_reported_with_its_line(tmp_path, where, value, reason):
    bad = dict(CASE, source_id="bad")
    if where == "handlings":
        bad["handlings"] = [dict(CASE["handlings"][0], pseudonym=value)]
    else:
        bad[where] = value
    path = write_jsonl(tmp_path / "rows.jsonl", [EXEMPLAR, bad])
    code, _out, err = run("import_content", path)
    assert code == 1
    assert f"第 2 行（source_id=bad）导入失败：{reason}" in err
    # The good row lands, the bad one leaves nothing.
    assert list(ImportedPage.objects.values_list("source_id", flat=True)) == [EXEMPLAR["source_id"]]


def test_a_row_too_long_is_refused(tmp_path):
    huge = tmp_path / "huge.jsonl"
    huge.write_text(json.dumps(dict(CASE, body="案" * 300_000), ensure_ascii=False))
    code, _out, err = run("import_content", huge)
    # Refused before it is parsed: counted on the line as written.
    assert code == 1 and "这一行有 300" in err and "一行最多 200000 个字符" in err
    book = Workbook()
    # Excel holds at most 32,767 characters a cell: seven full cells make a row too long (of
    # varied text: thirty thousand times one character would pack out of proportion).
    chance = random.Random(18)
    notes = {
        f"备注{n}": "".join(chr(chance.randrange(0x4E00, 0x9FA5)) for _ in range(30_000))
        for n in range(7)
    }
    long = dict(CASE, **notes)
    book.active.append(list(long))
    book.active.append([v if isinstance(v, str) else None for v in long.values()])
    path = tmp_path / "long.xlsx"
    book.save(path)
    code, _out, err = run("import_content", path)
    assert code == 1 and "这一行共有 210" in err and "一行最多 200000 个字，请删减或拆成几行" in err
    assert not ImportedPage.objects.exists()


def test_an_xlsx_cell_with_a_right_to_left_override(tmp_path):
    book = Workbook()
    columns = list(CASE)
    book.active.append(columns)
    values = dict(CASE, title="某镇\u202e某李问题")
    book.active.append(
        [json.dumps(v, ensure_ascii=False) if isinstance(v, list) else v for v in values.values()]
    )
    path = tmp_path / "cases.xlsx"
    book.save(path)
    code, _out, err = run("import_content", path)
    assert code == 1 and "第 2 行" in err and "“title”含有双向文本控制字符" in err
    assert not ImportedPage.objects.exists()


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        (
            "姓名",
            "钱\u202e澄砚",
            "“姓名”含有双向文本控制字符（可使文字的显示顺序与实际不同） U+202E",
        ),
        ("单位", "鉴湖区\x85民政局", "“单位”含有控制字符 U+0085"),
        ("案卷名称", "案" * 201, "“案卷名称”最多 200 个字，现有 201 个字，请删减"),
    ],
    ids=["rlo", "c1", "long-cell"],
)
def test_a_refused_ledger_cell_in_the_command_and_the_upload(
    tmp_path, discipline_client, column, value, reason
):
    path = workbook(tmp_path, [row(), row(number="鉴纪台〔2025〕202号", **{column: value})])
    code, _out, err = run("import_case_files", path)
    assert code == 1 and f"第 3 行（案卷编号 鉴纪台〔2025〕202号）：{reason}" in err
    CaseFile.objects.all().delete()
    html = upload(discipline_client, path)
    assert "第 3 行" in html and reason in html
    assert list(CaseFile.objects.values_list("number", flat=True)) == ["鉴纪台〔2025〕201号"]


# The checker -------------------------------------------------------------------------------


def test_what_is_refused_and_what_is_not():
    allowed = "中文，《标题》“引号”——……\u3000全角空格\t制表\n换行\r\n　①②ＡＢ𠀀"
    assert limits.refused_character(allowed) is None
    for char in ["\x00", "\x07", "\x7f", "\x9f", "\u00ad", "\u061c", "\u200b", "\u200d"]:
        assert limits.refused_character(f"甲{char}乙") == char
    for char in ["\u202a", "\u202e", "\u2066", "\u2069", "\ufeff", "\u2028", "\U000e0041"]:
        assert limits.refused_character(f"甲{char}乙") == char
