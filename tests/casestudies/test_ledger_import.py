"""The Excel ledger into the register: ``manage.py import_case_files`` and 导入台账 in the
case-file admin (good file, bad rows with their lines, re-import, nothing half-written)."""

import datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import Workbook
from wagtail.models import ModelLogEntry

from casestudies import ledger
from casestudies.models import CaseFile, CaseFilePerson, CaseFileUnit, RegisterSummaryMonth
from casestudies.models.case_files import PersonRole
from casestudies.statistics import Level, Period, figures, summary
from tests.factories import UserFactory

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "case-file-ledger.xlsx"
HEADER = [
    "案卷编号",
    "案卷名称",
    "处理日期",
    "问题类型",
    "重点工作",
    "线索来源",
    "单位类型",
    "是否公开通报",
    "姓名",
    "单位",
    "职务",
    "职级",
    "四种形态",
    "党纪处分",
    "政务处分",
    "问责方式",
    "是否留置",
    "是否移送司法机关",
    "单位是否公开通报",
]


def row(number="鉴纪台〔2025〕201号", name="钱砚澄", **values):
    base = {
        "案卷编号": number,
        "案卷名称": "某局推诿扯皮问题",
        "处理日期": "2025-04-01",
        "问题类型": "推诿扯皮",
        "重点工作": "民心工程",
        "线索来源": "信访举报",
        "单位类型": "区直部门",
        "是否公开通报": "否",
        "姓名": name,
        "单位": "鉴湖区民政局",
        "职务": "科长",
        "职级": "乡科级",
        "四种形态": "第一种形态",
        "问责方式": "批评教育",
    }
    base.update(values)
    return [base.get(column, "") for column in HEADER]


def workbook(tmp_path, rows, header=HEADER, name="ledger.xlsx"):
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for values in rows:
        sheet.append(values)
    path = tmp_path / name
    book.save(path)
    return path


def run(path):
    out, err = StringIO(), StringIO()
    code = 0
    try:
        call_command("import_case_files", str(path), stdout=out, stderr=err)
    except SystemExit as exit:
        code = exit.code
    return code, out.getvalue(), err.getvalue()


def test_the_example_ledger(db):
    code, out, err = run(EXAMPLE)
    assert code == 0, err
    assert "新建案卷 3 份" in out and "共 5 名被处理人" in out
    first = CaseFile.objects.get(number="鉴纪台〔2025〕101号")
    assert first.date_handled == datetime.date(2025, 3, 14)
    assert first.named_in_bulletin and first.source == "complaint"
    assert first.unit_type.name == "区直部门" and first.work_area.name == "民心工程"
    assert {t.name for t in first.problem_types.all()} == {"推诿扯皮", "拖延应付、敷衍塞责"}
    assert first.raw_account.startswith("群众反映背街小巷路灯损坏")
    people = list(first.persons.order_by("sort_order"))
    assert [(p.name, p.rank_level, p.discipline_form) for p in people] == [
        ("钱砚澄", 3, 2),
        ("周珩筠", 4, 1),
    ]
    assert people[0].party_sanction == "warning" and people[1].accountability == "criticism"
    assert all(p.role == PersonRole.SUBJECT for p in people)
    assert list(first.units.values_list("name", "named_in_bulletin")) == [
        ("鉴湖区城市管理局", True)
    ]
    third = CaseFile.objects.get(number="鉴纪台〔2025〕103号")
    fourth_form = third.persons.get(name="严棠昶")
    assert (fourth_form.party_sanction, fourth_form.administrative_sanction) == (
        "expulsion",
        "dismissal",
    )
    assert fourth_form.detained and fourth_form.referred
    # Dates written as text in Chinese and ISO are read too.
    assert CaseFile.objects.get(number="鉴纪台〔2025〕102号").date_handled == datetime.date(
        2025, 4, 2
    )
    # And the statistics count them.
    totals = figures(Period.year(2025), level=Level.EXACT).totals
    assert (totals["matters"].value, totals["persons"].value) == (3, 5)


def test_importing_again_changes_nothing(db):
    run(EXAMPLE)
    before = {
        c.number: (c.updated_at, list(c.persons.values_list("pk", flat=True)))
        for c in CaseFile.objects.all()
    }
    code, out, _err = run(EXAMPLE)
    assert code == 0 and "未变 3 份" in out
    after = {
        c.number: (c.updated_at, list(c.persons.values_list("pk", flat=True)))
        for c in CaseFile.objects.all()
    }
    assert after == before
    assert CaseFilePerson.objects.count() == 5 and CaseFileUnit.objects.count() == 3


def test_a_changed_ledger_updates_its_case_files(db, tmp_path):
    run(workbook(tmp_path, [row(), row(name="周珩筠")]))
    case_file = CaseFile.objects.get()
    witness = CaseFilePerson.objects.create(
        case_file=case_file, name="喻岚澄", role=PersonRole.WITNESS
    )
    code, out, _err = run(workbook(tmp_path, [row(职级="县处级")], name="second.xlsx"))
    assert code == 0 and "更新 1 份" in out
    subjects = case_file.persons.filter(role=PersonRole.SUBJECT)
    # The persons handled are the ledger's rows now; a witness entered in the admin stays.
    assert list(subjects.values_list("name", "rank_level")) == [("钱砚澄", 2)]
    assert case_file.persons.filter(pk=witness.pk).exists()


def test_every_bad_row_is_reported_and_its_file_number_not_written(db, tmp_path):
    path = workbook(
        tmp_path,
        [
            row(number="鉴纪台〔2025〕301号"),  # line 2: good, and written
            row(number="鉴纪台〔2025〕302号"),  # line 3: good, but its number has a bad row
            row(number="鉴纪台〔2025〕302号", name="周珩筠", 职级="处级"),  # line 4
            row(number="鉴纪台〔2025〕303号", name=""),  # line 5: no name
            row(number="鉴纪台〔2025〕304号", name="韩\u202e樾朔"),  # line 6: an RLO
            row(number="鉴纪台〔2025〕305号", 处理日期="去年三月", 四种形态="第五种"),  # 7
            row(number="鉴纪台〔2025〕306号"),  # line 8
            row(number="鉴纪台〔2025〕306号", name="严棠昶", 处理日期="2025-05-01"),  # 9
            row(number="鉴纪台〔2025〕307号", 问题类型="不存在的类型"),  # line 10
            row(number="鉴纪台〔2025〕308号"),  # line 11
            row(number="鉴纪台〔2025〕308号"),  # line 12: the same person twice
        ],
    )
    code, _out, err = run(path)
    assert code == 1
    lines = {line.split("行")[0] for line in err.splitlines() if line.startswith("第")}
    assert lines == {f"第 {n} " for n in (4, 5, 6, 7, 9, 10, 12)}
    assert (
        "第 4 行（案卷编号 鉴纪台〔2025〕302号）：“职级”的“处级”不在规定范围内，可填：地厅级、县处级、乡科级、一般干部、其他。"
        in err
    )
    assert "第 5 行（案卷编号 鉴纪台〔2025〕303号）：缺少必填的“姓名”。" in err
    assert "第 6 行" in err and "U+202E" in err and "请删除后重新导入" in err
    assert "无法识别，请写成 2025-03-15 或 2025年3月15日" in err
    assert "请填第一种形态、第二种形态、第三种形态或第四种形态" in err
    assert "“处理日期”与第 8 行（同一案卷编号）不一致" in err
    assert "不在问题类型词表中" in err and "分类词表" in err
    assert "“钱砚澄”在第 11 行已列为本案卷的被处理人" in err
    assert "7 行有误，涉及的 7 个案卷编号未写入" in err
    assert list(CaseFile.objects.values_list("number", flat=True)) == ["鉴纪台〔2025〕301号"]


def test_a_bad_row_leaves_a_stored_case_file_as_it_was(db, tmp_path):
    run(workbook(tmp_path, [row(), row(name="周珩筠")]))
    stored = CaseFile.objects.get()
    before = (stored.updated_at, list(stored.persons.values_list("name", "rank_level")))
    bad = workbook(tmp_path, [row(职级="县处级"), row(name="周珩筠", 四种形态="")], name="bad.xlsx")
    code, _out, err = run(bad)
    assert code == 1 and "缺少必填的“四种形态”" in err
    stored.refresh_from_db()
    assert (stored.updated_at, list(stored.persons.values_list("name", "rank_level"))) == before


def test_a_file_that_is_not_a_ledger(db, tmp_path):
    with pytest.raises(CommandError, match="缺少必填的列：处理日期、问题类型"):
        call_command("import_case_files", str(workbook(tmp_path, [["x"]], header=["案卷编号"])))
    text = tmp_path / "ledger.csv"
    text.write_text("案卷编号\n", encoding="utf-8")
    with pytest.raises(CommandError, match="另存为"):
        call_command("import_case_files", str(text))
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(CommandError, match="无法读取这个 Excel 文件"):
        call_command("import_case_files", str(broken))
    with pytest.raises(CommandError, match="重复"):
        call_command("import_case_files", str(workbook(tmp_path, [], header=[*HEADER, "姓名"])))


def test_the_input_is_bounded(db, tmp_path, settings):
    settings.IMPORT_MAX_ROWS = 2
    with pytest.raises(CommandError, match="文件超过 2 行"):
        call_command("import_case_files", str(workbook(tmp_path, [row(), row(), row()])))
    settings.IMPORT_MAX_FILE_BYTES = 1000
    with pytest.raises(CommandError, match="文件过大"):
        call_command("import_case_files", str(EXAMPLE))
    assert not CaseFile.objects.exists()
    settings.IMPORT_MAX_ROWS, settings.IMPORT_MAX_FILE_BYTES = 20_000, 20 * 1024 * 1024
    code, _out, err = run(workbook(tmp_path, [row(职务="长" * 121)], name="long.xlsx"))
    assert code == 1 and "“职务”最多 120 个字，现有 121 个字，请删减" in err
    assert not CaseFile.objects.exists()


@pytest.mark.parametrize("character", ["\x00", "\x1b", "\u202e", "\u200b", "\ufeff"])
def test_control_and_invisible_characters_are_refused(db, character):
    # Excel writes control characters as _x0000_ escapes, which readers turn back into them.
    values = dict(zip(HEADER, row(name=f"钱{character}砚澄"), strict=True))
    result = ledger.import_rows([(2, values)])
    assert [bad.line for bad in result.failed] == [2]
    assert f"U+{ord(character):04X}" in result.failed[0].reason
    assert "“姓名”含有" in result.failed[0].reason
    assert "请删除后重新导入" in result.failed[0].reason
    assert not CaseFile.objects.exists()


# The admin's upload -------------------------------------------------------------------------


@pytest.fixture
def discipline_client(client, discipline_user):
    client.force_login(discipline_user)
    return client


def test_the_case_file_list_links_to_the_upload(discipline_client):
    page = discipline_client.get(reverse("casefiles:index"))
    assert reverse("casefiles:import") in page.content.decode()
    form = discipline_client.get(reverse("casefiles:import"))
    assert form.status_code == 200
    assert "导入台账" in form.content.decode() and 'type="file"' in form.content.decode()


def test_uploading_a_ledger_in_the_admin(discipline_client, discipline_user):
    with EXAMPLE.open("rb") as upload:
        response = discipline_client.post(reverse("casefiles:import"), {"file": upload})
    assert response.status_code == 200
    assert "新建案卷 3 份" in response.content.decode()
    case_file = CaseFile.objects.get(number="鉴纪台〔2025〕101号")
    logged = ModelLogEntry.objects.filter(action=ledger.IMPORT_ACTION, object_id=str(case_file.pk))
    assert logged.get().user_id == discipline_user.pk

    with EXAMPLE.open("rb") as upload:
        again = discipline_client.post(reverse("casefiles:import"), {"file": upload})
    assert "未变 3 份" in again.content.decode()


def test_an_upload_with_bad_rows_lists_them(discipline_client, tmp_path):
    path = workbook(tmp_path, [row(), row(number="鉴纪台〔2025〕202号", 职级="处级")])
    with path.open("rb") as upload:
        response = discipline_client.post(reverse("casefiles:import"), {"file": upload})
    html = response.content.decode()
    assert "第 3 行" in html and "“职级”的“处级”不在规定范围内" in html
    assert list(CaseFile.objects.values_list("number", flat=True)) == ["鉴纪台〔2025〕201号"]


def test_an_upload_that_is_not_a_ledger_says_so(discipline_client, tmp_path):
    text = tmp_path / "ledger.txt"
    text.write_text("nothing", encoding="utf-8")
    with text.open("rb") as upload:
        response = discipline_client.post(reverse("casefiles:import"), {"file": upload})
    assert response.status_code == 200
    assert "另存为" in response.content.decode()
    assert not CaseFile.objects.exists()


@pytest.mark.parametrize("group", ["编辑", "审核", "读者", None])
def test_only_discipline_staff_may_upload(client, db, group):
    if group:
        client.force_login(UserFactory(groups=[group]))
    # Staff of other groups are refused; readers and anonymous visitors never enter the admin.
    refused = 403 if group in ("编辑", "审核") else 302
    assert client.get(reverse("casefiles:import")).status_code == refused
    with EXAMPLE.open("rb") as upload:
        assert client.post(reverse("casefiles:import"), {"file": upload}).status_code == refused
    assert not CaseFile.objects.exists()


# The statistics after an import ------------------------------------------------------------


def assert_counted_before_the_answer():
    """Nothing is left for the statistics' first reader to count, and the summary holds what
    the register does."""
    assert not RegisterSummaryMonth.objects.exists()
    assert summary.stored_rows() == summary.summary_rows()
    assert figures(Period.year(2025), level=Level.EXACT).totals["matters"].value == 3


def test_the_command_leaves_the_statistics_counted(db):
    run(EXAMPLE)
    assert_counted_before_the_answer()


def test_the_admin_upload_leaves_the_statistics_counted(discipline_client, tmp_path):
    with EXAMPLE.open("rb") as upload:
        assert discipline_client.post(reverse("casefiles:import"), {"file": upload}).status_code
    assert_counted_before_the_answer()
    # A re-import that changes a file is counted too; one that changes nothing writes nothing.
    path = workbook(tmp_path, [row(number="鉴纪台〔2025〕101号", 职级="县处级")])
    with path.open("rb") as upload:
        discipline_client.post(reverse("casefiles:import"), {"file": upload})
    assert not RegisterSummaryMonth.objects.exists()
    assert summary.stored_rows() == summary.summary_rows()
