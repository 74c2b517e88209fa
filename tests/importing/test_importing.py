"""manage.py import_content: JSON Lines and .xlsx, bad rows, re-imports, atomic rows."""

import datetime
import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from openpyxl import Workbook
from wagtail.models import Page, PageLogEntry, Revision

from casestudies.models import CaseStudyPage
from exemplars.models import ExemplarPage
from jingjian.core import visibility
from jingjian.core.models import ImportedPage
from jingjian.importing.rows import read_rows, text_list
from jingjian.importing.writer import import_rows

pytestmark = pytest.mark.django_db

EXEMPLAR = {
    "type": "exemplar",
    "source_id": "imp-ex-1",
    "title": "把群众的事当自家事——记东湖街道网格员刘春燕",
    "summary": "十年走遍网格每一户,化解矛盾纠纷三百余起。",
    "body": "## 走遍网格\n\n刘春燕每天步行两万步。\n\n> 网格虽小,连着千家万户。",
    "visibility": "public",
    "live": True,
    "date": "2023-04-12",
    "name": "刘春燕",
    "gender": "女",
    "ethnicity": "回族",
    "birth": "1985-03",
    "political_status": "中共党员",
    "unit": "东湖街道翠苑社区",
    "post": "专职网格员",
    "category": "敬业奉献",
    "work_areas": ["民心工程", "创文创卫"],
    "honours": [{"title": "明州市优秀网格员", "awarding_body": "明州市委政法委", "year": 2022}],
    "citation": "小网格里有大民生。",
    "featured": True,
}
CASE = {
    "type": "case",
    "source_id": "imp-case-1",
    "title": "某镇农业办主任李某在大棚房整治中敷衍塞责问题",
    "summary": "李某对大棚房问题排查敷衍应付,虚报整改完成。",
    "body": "2020年4月至8月,李某敷衍塞责。\n\n2020年11月,李某受到政务记过处分。",
    "visibility": "restricted",
    "live": True,
    "date": "2020-11-20",
    "subject": "鉴湖区某镇农业办原主任李某",
    "unit_type": "镇街",
    "problem_types": "拖延应付、敷衍塞责;纸上整改",
    "governance_priority": "形式主义官僚主义整治",
    "work_area": "大棚房清理整治",
    "source": "巡察",
    "period_start": "2020-04",
    "period_end": "2020-08",
    "date_handled": "2020-11-10",
    "lessons": "整改不能停留在纸面上。",
    "named_in_bulletin": True,
    "handlings": [
        {
            "pseudonym": "李某",
            "post": "某镇农业办原主任",
            "discipline_form": 2,
            "party_sanction": "",
            "administrative_sanction": "记过",
            "accountability": "",
            "detained": False,
            "referred": False,
        }
    ],
}


def write_jsonl(path, rows):
    path.write_text(
        "\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in rows),
        encoding="utf-8",
    )
    return path


def test_good_file_creates_pages(tmp_path, capsys):
    path = write_jsonl(tmp_path / "good.jsonl", [EXEMPLAR, CASE])
    call_command("import_content", str(path), "--no-progress")
    assert "新建 2 条，更新 0 条，失败 0 条" in capsys.readouterr().out

    exemplar = ExemplarPage.objects.get(name="刘春燕")
    assert exemplar.live and exemplar.featured
    assert exemplar.get_parent().specific_class.__name__ == "ExemplarIndexPage"
    assert [h.title for h in exemplar.honours.all()] == ["明州市优秀网格员"]
    assert {a.name for a in exemplar.work_areas.all()} == {"民心工程", "创文创卫"}
    assert [b.block_type for b in exemplar.deeds] == ["heading", "paragraph", "quote"]
    assert exemplar.birth_year == 1985 and exemplar.birth_month == 3
    assert exemplar.first_published_at.date().isoformat() == "2023-04-12"

    case = CaseStudyPage.objects.get(source="district_inspection")
    assert {p.name for p in case.problem_types.all()} == {"拖延应付、敷衍塞责", "纸上整改"}
    assert case.handlings.get().administrative_sanction == "demerit"
    assert visibility.visibility_of(case) == visibility.Visibility.RESTRICTED
    restriction = case.view_restrictions.get()
    assert [g.name for g in restriction.groups.all()] == ["纪检监察"]


def test_reimport_updates_instead_of_duplicating(tmp_path, capsys):
    path = write_jsonl(tmp_path / "a.jsonl", [EXEMPLAR])
    call_command("import_content", str(path), "--no-progress")
    changed = dict(EXEMPLAR, title="新标题", visibility="intranet", honours=[])
    write_jsonl(path, [changed])
    call_command("import_content", str(path), "--no-progress")
    assert "新建 0 条，更新 1 条" in capsys.readouterr().out
    page = ExemplarPage.objects.get()
    assert page.title == "新标题"
    assert page.honours.count() == 0
    assert visibility.visibility_of(page) == visibility.Visibility.INTRANET
    assert ImportedPage.objects.count() == 1


def test_live_false_keeps_a_draft_and_unpublishes(tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", [dict(CASE, live=False)])
    call_command("import_content", str(path), "--no-progress")
    assert not CaseStudyPage.objects.get().live
    write_jsonl(path, [dict(CASE, live=True)])
    call_command("import_content", str(path), "--no-progress")
    assert CaseStudyPage.objects.get().live
    write_jsonl(path, [dict(CASE, live=False)])
    call_command("import_content", str(path), "--no-progress")
    assert not CaseStudyPage.objects.get().live


@pytest.mark.parametrize(
    "bad, reason",
    [
        ({"type": "poem"}, "type"),
        ({"source_id": ""}, "source_id"),
        ({"summary": "长" * 121}, "最多 120 个字"),
        ({"visibility": "secret"}, "visibility"),
        ({"groups": ["不存在的组"], "visibility": "restricted"}, "用户组不存在"),
        ({"source": "天降"}, "不在规定范围内"),
        ({"unit_type": "外星机构"}, "不在单位类型词表中"),
        ({"problem_types": ["莫须有"]}, "不在问题类型词表中"),
        ({"date_handled": "2020-13-45"}, "YYYY-MM-DD"),
        ({"period_start": "去年"}, "YYYY-MM"),
        ({"handlings": [{"pseudonym": "李某", "discipline_form": 7}]}, "四种形态"),
        ({"handlings": "not json"}, "JSON"),
        ({"live": "maybe"}, "true 或 false"),
        ({"period_start": "2021-09", "period_end": "2021-01"}, "截止时间不能早于起始时间"),
    ],
)
def test_bad_rows_are_reported_in_chinese_with_their_line(tmp_path, capsys, bad, reason):
    path = write_jsonl(tmp_path / "bad.jsonl", [EXEMPLAR, dict(CASE, **bad)])
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_content", str(path), "--no-progress")
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert "第 2 行" in err
    assert reason in err
    assert "失败 1 条" in err
    # The good row landed, the bad one left nothing behind.
    assert ExemplarPage.objects.count() == 1
    assert CaseStudyPage.objects.count() == 0


def test_invalid_json_line_does_not_stop_the_rest(tmp_path, capsys):
    path = write_jsonl(tmp_path / "mixed.jsonl", ["{not json", CASE, "[1, 2]"])
    with pytest.raises(SystemExit):
        call_command("import_content", str(path), "--no-progress")
    err = capsys.readouterr().err
    assert "第 1 行导入失败：不是有效的 JSON" in err
    assert "第 3 行导入失败：每行必须是一个 JSON 对象" in err
    assert CaseStudyPage.objects.count() == 1


def test_a_failing_row_is_rolled_back_whole(tmp_path):
    """A row that fails after its page was written leaves no page and no import record."""
    bad = dict(CASE, groups=["纪检监察", "不存在的组"])
    result = import_rows([(1, bad)])
    assert len(result.failed) == 1
    assert CaseStudyPage.objects.count() == 0
    assert ImportedPage.objects.count() == 0


def test_changing_type_of_a_source_id_is_refused(tmp_path):
    import_rows([(1, EXEMPLAR)])
    result = import_rows([(1, dict(CASE, source_id=EXEMPLAR["source_id"]))])
    assert "不能改为另一种类型" in result.failed[0].reason


def test_xlsx_with_the_same_columns(tmp_path, capsys):
    workbook = Workbook()
    sheet = workbook.active
    columns = list(CASE.keys())
    sheet.append(columns)
    row = []
    for column in columns:
        value = CASE[column]
        row.append(json.dumps(value, ensure_ascii=False) if isinstance(value, list) else value)
    sheet.append(row)
    sheet.append([None] * len(columns))  # blank rows are skipped
    sheet.append([("case" if c == "type" else None) for c in columns])
    path = tmp_path / "cases.xlsx"
    workbook.save(path)

    with pytest.raises(SystemExit):
        call_command("import_content", str(path), "--no-progress")
    err = capsys.readouterr().err
    assert "第 4 行" in err and "source_id" in err
    case = CaseStudyPage.objects.get()
    assert case.handlings.get().pseudonym == "李某"
    assert case.named_in_bulletin is True


def test_unreadable_files_give_clear_errors(tmp_path):
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("import_content", str(tmp_path / "missing.jsonl"))
    other = tmp_path / "data.csv"
    other.write_text("type,source_id\n")
    with pytest.raises(CommandError, match="不支持的文件类型"):
        call_command("import_content", str(other))
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a zip")
    with pytest.raises(CommandError, match="无法读取这个 Excel 文件"):
        call_command("import_content", str(broken))
    latin = tmp_path / "gbk.jsonl"
    latin.write_bytes('{"title": "案例"}'.encode("gbk"))
    with pytest.raises(CommandError, match="UTF-8"):
        call_command("import_content", str(latin))


def test_read_rows_skips_blank_lines(tmp_path):
    path = tmp_path / "blank.jsonl"
    path.write_text("\n" + json.dumps(CASE) + "\n\n", encoding="utf-8")
    assert [line for line, _ in read_rows(path)] == [2]


def test_the_readme_example_file_imports(capsys):
    from pathlib import Path

    example = Path(__file__).resolve().parents[2] / "examples" / "import-example.jsonl"
    call_command("import_content", str(example), "--no-progress")
    assert "新建 2 条" in capsys.readouterr().out
    assert ExemplarPage.objects.filter(name="周海燕").exists()
    case = CaseStudyPage.objects.get()
    assert visibility.visibility_of(case) == visibility.Visibility.INTRANET


def test_a_row_the_gate_refuses_is_reported_and_leaves_nothing_behind(tmp_path, capsys):
    """A public notice that prints a mobile number: the gate's refusal is that row's error."""
    notice = dict(
        CASE,
        source_id="imp-case-phone",
        title="某街道城管中队队员赵某违规收受商户财物问题",
        visibility="public",
        body="赵某多次用手机13812345678联系商户,收受购物卡3张。",
    )
    third = dict(CASE, source_id="imp-case-3", title="某镇财政所所长孙某虚报冒领补贴问题")
    path = write_jsonl(tmp_path / "cases.jsonl", [EXEMPLAR, notice, third])
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_content", str(path), "--no-progress")
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    failures = [line for line in err.splitlines() if "导入失败" in line]
    assert len(failures) == 1
    assert failures[0].startswith("第 2 行（source_id=imp-case-phone）导入失败")
    assert "脱敏检查未通过" in failures[0] and "“13812345678”（手机号码）" in failures[0]
    assert "新建 2 条，更新 0 条，失败 1 条" in err

    assert ExemplarPage.objects.get().live
    assert CaseStudyPage.objects.get().title == third["title"]
    assert CaseStudyPage.objects.get().live
    # Nothing of row 2 was written: no page, no revision, no log entry, no import record.
    assert not Page.objects.filter(title=notice["title"]).exists()
    assert not Revision.objects.filter(object_str=notice["title"]).exists()
    assert not PageLogEntry.objects.filter(label=notice["title"]).exists()
    assert not ImportedPage.objects.filter(source_id="imp-case-phone").exists()


def test_a_refused_reimport_keeps_the_live_version(tmp_path, capsys):
    path = write_jsonl(tmp_path / "a.jsonl", [dict(CASE, visibility="public")])
    call_command("import_content", str(path), "--no-progress")
    page = CaseStudyPage.objects.get()
    revisions = page.revisions.count()
    write_jsonl(path, [dict(CASE, visibility="public", summary="举报人手机13812345678。")])
    with pytest.raises(SystemExit):
        call_command("import_content", str(path), "--no-progress")
    assert "手机号码" in capsys.readouterr().err
    page.refresh_from_db()
    assert page.live and page.summary == CASE["summary"]
    assert page.revisions.count() == revisions


def test_imported_pages_are_logged_as_written_by_the_import_command(tmp_path, client, superuser):
    path = write_jsonl(tmp_path / "profiles.jsonl", [EXEMPLAR])
    call_command("import_content", str(path), "--no-progress")
    page = ExemplarPage.objects.get()
    entry = PageLogEntry.objects.get(page=page, action="jingjian.import")
    assert entry.data == {
        "command": "import_content",
        "file": "profiles.jsonl",
        "line": 1,
        "source_id": "imp-ex-1",
    }
    assert entry.revision == page.live_revision
    # The page's history in the admin says who wrote it.
    client.force_login(superuser)
    history = client.get(f"/admin/pages/{page.pk}/history/").content.decode()
    assert "由导入命令 import_content 写入（文件 profiles.jsonl 第 1 行）" in history


def test_a_reimport_does_not_undo_what_staff_decided_since(tmp_path, capsys):
    """Restricted further and taken down in the admin after the import: importing the same file
    again updates the content as a draft and leaves the restriction and the takedown alone."""
    path = write_jsonl(tmp_path / "a.jsonl", [dict(CASE, visibility="intranet")])
    call_command("import_content", str(path), "--no-progress")
    page = CaseStudyPage.objects.get()
    visibility.set_visibility(page, visibility.Visibility.RESTRICTED)
    page.unpublish()
    capsys.readouterr()
    write_jsonl(path, [dict(CASE, visibility="intranet", title="某镇农业办主任李某敷衍塞责问题")])
    call_command("import_content", str(path), "--no-progress")
    out = capsys.readouterr().out
    page = CaseStudyPage.objects.get()
    assert visibility.visibility_of(page) == visibility.Visibility.RESTRICTED
    assert not page.live
    assert page.get_latest_revision_as_object().title == "某镇农业办主任李某敷衍塞责问题"
    assert "第 1 行（source_id=imp-case-1）：页面的可见范围已在后台收紧，未按文件放宽" in out
    assert "页面已在后台撤下，本次只把内容存为草稿" in out
    assert "更新 1 条，失败 0 条" in out


def test_a_reimport_does_not_add_groups_to_a_restriction(tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", [dict(CASE, groups=["纪检监察"])])
    call_command("import_content", str(path), "--no-progress")
    write_jsonl(path, [dict(CASE, groups=["纪检监察", "读者"])])
    call_command("import_content", str(path), "--no-progress")
    restriction = CaseStudyPage.objects.get().view_restrictions.get()
    assert list(restriction.groups.values_list("name", flat=True)) == ["纪检监察"]


def test_a_page_taken_down_stays_down_through_every_later_reimport(tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", [EXEMPLAR])
    call_command("import_content", str(path), "--no-progress")
    ExemplarPage.objects.get().unpublish()
    for _ in range(3):
        call_command("import_content", str(path), "--no-progress")
        assert not ExemplarPage.objects.get().live


def test_a_page_that_expired_is_not_put_back_by_a_reimport(tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", [EXEMPLAR])
    call_command("import_content", str(path), "--no-progress")
    page = ExemplarPage.objects.get()
    ExemplarPage.objects.filter(pk=page.pk).update(
        expire_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    call_command("publish_scheduled")
    assert not ExemplarPage.objects.get().live
    call_command("import_content", str(path), "--no-progress")
    assert not ExemplarPage.objects.get().live


def test_the_import_taking_a_page_down_does_not_hold_it_down(tmp_path):
    """live: false, then live: true again: the file decides, as nobody else took it down."""
    path = write_jsonl(tmp_path / "a.jsonl", [EXEMPLAR])
    call_command("import_content", str(path), "--no-progress")
    write_jsonl(path, [dict(EXEMPLAR, live=False)])
    call_command("import_content", str(path), "--no-progress")
    page = ExemplarPage.objects.get()
    assert not page.live
    assert PageLogEntry.objects.filter(page=page, action="jingjian.import.unpublish").exists()
    write_jsonl(path, [EXEMPLAR])
    call_command("import_content", str(path), "--no-progress")
    assert ExemplarPage.objects.get().live


@pytest.mark.parametrize(
    "written",
    [
        "拖延应付、敷衍塞责；纸上整改",
        "拖延应付、敷衍塞责;纸上整改",
        "拖延应付、敷衍塞责，纸上整改",
        "拖延应付、敷衍塞责, 纸上整改",
        "拖延应付、敷衍塞责\n纸上整改",
    ],
)
def test_a_list_is_separated_by_full_or_half_width_marks(written):
    """A ledger typed in Chinese separates with ；and ，(the README says so)."""
    assert text_list({"problem_types": written}, "problem_types") == [
        "拖延应付、敷衍塞责",
        "纸上整改",
    ]
