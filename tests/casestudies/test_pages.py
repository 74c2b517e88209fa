"""Case studies: validation, the detail page, handlings and the regulation-fixed lists."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from casestudies.choices import AdministrativeSanction, PartySanction
from jingjian.importing.rows import value_for_label
from tests.factories import CaseStudyPageFactory, HandlingFactory

pytestmark = pytest.mark.django_db


def test_detail_page_shows_facts_handling_and_lessons(client):
    page = CaseStudyPageFactory(problem_types=["推诿扯皮"], named_in_bulletin=True)
    HandlingFactory(
        page=page,
        pseudonym="王某",
        party_sanction="serious_warning",
        administrative_sanction="demerit",
    )
    body = client.get(page.url).content.decode()
    for expected in [
        page.title,
        "鉴湖区某局原副局长王某",
        "基本案情",
        "2021年3月至6月,王某推诿扯皮。",
        "处理情况",
        "党纪严重警告、政务记过处分",
        "第二种形态",
        "以案说法",
        "推诿扯皮",
        "信访举报",
        "已公开通报",
        "2021年3月至2021年6月",
    ]:
        assert expected in body, expected


def test_period_must_be_in_order():
    page = CaseStudyPageFactory()
    page.period_start = datetime.date(2022, 5, 1)
    page.period_end = datetime.date(2021, 1, 1)
    with pytest.raises(ValidationError) as error:
        page.full_clean()
    assert "截止时间不能早于起始时间" in str(error.value)


def test_handling_outcome_wording():
    page = CaseStudyPageFactory()
    handling = HandlingFactory(
        page=page,
        discipline_form=4,
        party_sanction="expulsion",
        administrative_sanction="dismissal",
        detained=True,
        referred=True,
    )
    assert handling.outcome() == "党纪开除党籍、政务开除处分；留置、移送司法机关"
    first_form = HandlingFactory(
        page=page, discipline_form=1, party_sanction="", accountability="admonition"
    )
    assert first_form.outcome() == "诫勉"


def test_regulation_lists_are_complete():
    assert [label for _, label in PartySanction.choices] == [
        "警告",
        "严重警告",
        "撤销党内职务",
        "留党察看",
        "开除党籍",
    ]
    assert [label for _, label in AdministrativeSanction.choices] == [
        "警告",
        "记过",
        "记大过",
        "降级",
        "撤职",
        "开除",
    ]
    assert value_for_label(PartySanction, "留党察看") == "probation"
    assert value_for_label(PartySanction, "probation") == "probation"
    assert value_for_label(PartySanction, "罚款") is None
