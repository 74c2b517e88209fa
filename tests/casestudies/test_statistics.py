"""The register's figures against a small register worked out by hand (``register_fixtures``):
totals, the four forms, sanctions by kind, every breakdown, the monthly table, the speech."""

import pytest
from django.contrib.auth.models import AnonymousUser

from casestudies.models import CaseFilePerson, ProblemType
from casestudies.models.case_files import PersonRole
from casestudies.statistics import (
    Level,
    Period,
    PeriodError,
    StatisticsRefused,
    breakdown,
    figures,
    headline,
    level_for,
    monthly_table,
    speech_paragraph,
    speech_sentence,
)
from tests.casestudies.register_fixtures import FIXED, write
from tests.factories import UserFactory

YEAR = Period.year(2025)


@pytest.fixture
def register(db):
    files = write(FIXED)
    # A witness is not a person handled.
    CaseFilePerson.objects.create(case_file=files[1], name="喻岚澄", role=PersonRole.WITNESS)
    return files


def shown(cells):
    return {key: cell.shown for key, cell in cells.items()}


def by_label(table, measure):
    return {row.label: row.cells[measure].value for row in table.rows if row.cells[measure]}


def test_totals(register):
    totals = figures(YEAR, level=Level.EXACT).totals
    values = {key: cell.value for key, cell in totals.items()}
    assert values["matters"] == 3  # the 2024 matter is outside the year
    assert values["persons"] == 6  # the witness is not counted
    assert values["sanctioned"] == 3  # 党纪 or 政务: 钱, 韩, 柏
    assert values["party_sanctioned"] == 3
    assert values["admin_sanctioned"] == 2
    assert (values["detained"], values["referred"]) == (1, 1)
    assert (values["matters_bulletined"], values["units_bulletined"]) == (1, 1)


def test_the_four_forms_and_their_proportions(register):
    forms = {
        key: (cell.value, share) for key, _l, cell, share in figures(YEAR, level=Level.EXACT).forms
    }
    assert forms == {
        "form_1": (3, "50.0%"),
        "form_2": (1, "16.7%"),
        "form_3": (1, "16.7%"),
        "form_4": (1, "16.7%"),
    }


def test_sanctions_by_kind(register):
    result = figures(YEAR, level=Level.EXACT)
    party = {label: cell.value for _k, label, cell in result.party_sanctions}
    admin = {label: cell.value for _k, label, cell in result.admin_sanctions}
    assert party == {
        "党纪警告": 1,
        "党纪严重警告": 0,
        "党纪撤销党内职务": 0,
        "党纪留党察看": 1,
        "党纪开除党籍": 1,
    }
    assert admin == {
        "政务警告": 0,
        "政务记过": 0,
        "政务记大过": 0,
        "政务降级": 0,
        "政务撤职": 1,
        "政务开除": 1,
    }


def test_breakdowns(register):
    exact = Level.EXACT
    problem = breakdown(YEAR, "problem_type", level=exact)
    # A matter of two types counts in each; every type of the taxonomy has its row.
    assert len(problem.rows) == ProblemType.objects.count()
    assert {k: v for k, v in by_label(problem, "matters").items() if v} == {
        "推诿扯皮": 2,
        "吃拿卡要": 1,
        "庸懒散浮拖": 1,
    }
    assert {k: v for k, v in by_label(problem, "persons").items() if v} == {
        "推诿扯皮": 5,
        "吃拿卡要": 3,
        "庸懒散浮拖": 1,
    }
    area = breakdown(YEAR, "work_area", level=exact)
    assert {k: v for k, v in by_label(area, "persons").items() if v} == {
        "民心工程": 3,
        "环境治理": 3,
    }
    assert {k: v for k, v in by_label(area, "matters").items() if v} == {
        "民心工程": 2,
        "环境治理": 1,
    }
    source = breakdown(YEAR, "source", level=exact)
    assert {k: v for k, v in by_label(source, "persons").items() if v} == {"信访举报": 3, "巡察": 3}
    unit_type = breakdown(YEAR, "unit_type", level=exact)
    assert {k: v for k, v in by_label(unit_type, "matters").items() if v} == {
        "区直部门": 2,
        "镇街": 1,
    }
    assert by_label(unit_type, "units_bulletined")["区直部门"] == 1
    rank = breakdown(YEAR, "rank_level", level=exact)
    assert by_label(rank, "persons") == {
        "地厅级": 1,
        "县处级": 1,
        "乡科级": 2,
        "一般干部": 2,
        "其他": 0,
    }
    assert by_label(rank, "sanctioned") == {
        "地厅级": 1,
        "县处级": 1,
        "乡科级": 1,
        "一般干部": 0,
        "其他": 0,
    }
    assert "matters" not in rank.measures  # a matter of several ranks would count in each
    month = breakdown(YEAR, "month", level=exact)
    assert [row.label for row in month.rows] == [f"2025年{m}月" for m in range(1, 13)]
    assert {k: v for k, v in by_label(month, "persons").items() if v} == {
        "2025年3月": 5,
        "2025年7月": 1,
    }
    assert {k: v for k, v in by_label(month, "matters").items() if v} == {
        "2025年3月": 2,
        "2025年7月": 1,
    }
    for table in (area, source, unit_type, rank, month):
        assert sum(by_label(table, "persons").values()) == table.total.cells["persons"].value == 6


def test_monthly_table_for_a_year(register):
    table = monthly_table(YEAR, level=Level.EXACT)
    assert [heading for _m, _g, heading in table.columns] == [
        "查处问题数",
        "批评教育和处理人数（合计）",
        "地厅级",
        "县处级",
        "乡科级及以下",
        "党纪政务处分人数（合计）",
        "地厅级",
        "县处级",
        "乡科级及以下",
    ]
    values = lambda row: [cell.value for cell in row.cells.values()]  # noqa: E731
    assert values(table.total) == [3, 6, 1, 1, 4, 3, 1, 1, 1]
    rows = {row.label: values(row) for row in table.rows}
    assert rows["推诿扯皮"] == [2, 5, 0, 1, 4, 2, 0, 1, 1]
    assert rows["吃拿卡要"] == [1, 3, 0, 0, 3, 1, 0, 0, 1]
    assert rows["庸懒散浮拖"] == [1, 1, 1, 0, 0, 1, 1, 0, 0]
    assert rows["文山会海"] == [0] * 9
    assert table.period_label == "2025年"


def test_monthly_table_for_a_month_and_a_year_to_date(register):
    march = monthly_table(Period.month(2025, 3), level=Level.EXACT)
    assert [c.value for c in march.total.cells.values()] == [2, 5, 0, 1, 4, 2, 0, 1, 1]
    assert march.period_label == "2025年3月"
    to_june = monthly_table(Period.year_to_date(2025, 6), level=Level.EXACT)
    assert to_june.period_label == "2025年1—6月"
    assert to_june.total.cells["persons"].value == 5
    to_july = monthly_table(Period.year_to_date(2025, 7), level=Level.EXACT)
    assert to_july.total.cells["persons"].value == 6


def test_the_speech_sentence(register):
    assert speech_sentence(YEAR, level=Level.EXACT) == (
        "2025年以来，累计查处不作为不担当问题3起，问责6人，其中给予党纪处分3人，"
        "对存在“软懒散”问题的1个单位和1起典型案例进行公开通报。"
    )
    since_2024 = Period.parse("2024-01..2025-12")
    assert speech_sentence(since_2024, level=Level.EXACT).startswith(
        "2024年1月以来，累计查处不作为不担当问题4起，问责7人，"
    )


def test_the_speech_paragraph_is_the_seeds_restored(register):
    text = speech_paragraph(YEAR, level=Level.EXACT)
    assert text.startswith("2025年以来，我们按照中央和市委部署要求，以抓铁有痕的韧劲")
    assert "累计查处不作为不担当问题3起，问责6人，其中给予党纪处分3人" in text
    assert "XX" not in text
    assert text.endswith("营造了见贤思齐、比学先进的浓厚氛围。")
    # Full-width punctuation only (GB/T 15834): no ASCII comma, colon or semicolon.
    assert not set(",;:()") & set(text)


def test_the_speech_says_a_hidden_figure_in_words(register):
    text = speech_sentence(Period.year(2024), level=Level.SUPPRESSED)
    assert "问题不足3起" in text and "问责不足3人" in text


def test_headline_for_a_panel(register):
    rows = {
        key: (label, unit, text) for key, label, unit, text in headline(YEAR, level=Level.EXACT)
    }
    assert rows["matters"] == ("查处问题数", "起", "3")
    assert rows["persons"] == ("批评教育和处理人数", "人", "6")


def test_the_json_form(register):
    data = figures(YEAR, level=Level.EXACT).to_json()
    assert data["period"] == {
        "start": "2025-01-01",
        "end": "2025-12-31",
        "label": "2025年",
        "key": "2025",
    }
    assert data["totals"]["persons"] == {
        "label": "批评教育和处理人数",
        "unit": "人",
        "value": 6,
        "shown": "6",
    }
    assert set(data["breakdowns"]) == {
        "problem_type",
        "work_area",
        "source",
        "unit_type",
        "rank_level",
        "month",
    }
    assert data["monthly"]["total"]["cells"]["persons"]["value"] == 6


def test_an_empty_period(register):
    result = figures(Period.year(2019), level=Level.SUPPRESSED)
    assert result.totals["persons"].shown == "0"
    assert all(share is None for *_rest, share in result.forms)


def test_figures_follow_the_register(register):
    assert figures(YEAR, level=Level.EXACT).totals["persons"].value == 6
    person = CaseFilePerson.objects.get(name="严棠昶")
    person.case_file.persons.filter(pk=person.pk).delete()
    person.case_file.save()  # as the admin's form saves a case file with its persons
    assert figures(YEAR, level=Level.EXACT).totals["persons"].value == 5


def test_periods():
    assert Period.parse("2025").label == "2025年"
    assert Period.parse("2025-03").label == "2025年3月"
    assert Period.parse("2025-ytd-03").label == "2025年1—3月"
    assert Period.parse("2025-01..2025-06").label == "2025年1—6月"
    assert Period.parse("2019-01..2026-11").label == "2019年1月至2026年11月"
    assert Period.parse("2025-ytd-03").key == "2025-ytd-03"
    for bad in ["", "2025-13", "去年", "2025-02-30..2025-03-01"]:
        with pytest.raises(PeriodError):
            Period.parse(bad)
    with pytest.raises(PeriodError, match="结束日期早于开始日期"):
        Period.parse("2025-06..2025-01")


# Who sees what ------------------------------------------------------------------------------


def test_levels(db, reader, discipline_user):
    editor = UserFactory(groups=["编辑"])
    admin = UserFactory(is_superuser=True)
    assert level_for(AnonymousUser()) is None
    assert level_for(None) is None
    assert level_for(reader) is Level.SUPPRESSED
    assert level_for(editor) is Level.SUPPRESSED
    assert level_for(discipline_user) is Level.EXACT
    assert level_for(admin) is Level.EXACT
    inactive = UserFactory(groups=["纪检监察"], is_active=False)
    assert level_for(inactive) is None


@pytest.mark.parametrize(
    "call",
    [
        lambda level: figures(YEAR, level=level),
        lambda level: breakdown(YEAR, "month", level=level),
        lambda level: monthly_table(YEAR, level=level),
        lambda level: headline(YEAR, level=level),
        lambda level: speech_sentence(YEAR, level=level),
    ],
)
def test_an_anonymous_caller_gets_nothing(register, call):
    with pytest.raises(StatisticsRefused):
        call(level_for(AnonymousUser()))
    # A level read from a request is not a level.
    with pytest.raises(StatisticsRefused):
        call("exact")


def test_a_reader_sees_small_numbers_hidden_and_discipline_exact_ones(
    register, reader, discipline_user
):
    exact = figures(YEAR, level=level_for(discipline_user))
    hidden = figures(YEAR, level=level_for(reader))
    forms = {key: cell.shown for key, _l, cell, _s in hidden.forms}
    # 韩 (third form) and 柏 (fourth) are alone in their cells: “<3”. 钱 (second form) is too,
    # but his matter was named in a public bulletin: shown.
    assert forms["form_3"] == forms["form_4"] == "<3"
    assert forms["form_2"] == "1"
    assert {key: cell.shown for key, _l, cell, _s in exact.forms}["form_3"] == "1"
    # 6 persons = 3 + 1 + the two hidden ones: they could only be 1 and 1, so the total that
    # would give them away is hidden too (≥3), here and in every table that shows it.
    assert hidden.totals["persons"].shown == "≥3"
    assert hidden.breakdowns["month"].total.cells["persons"].shown == "≥3"
    assert hidden.monthly.total.cells["persons"].shown == "≥3"
    assert exact.totals["persons"].shown == "6"
    assert hidden.notes and not exact.notes
    json_cell = hidden.to_json()["totals"]["persons"]
    assert json_cell["value"] is None and json_cell["shown"] == "≥3"
