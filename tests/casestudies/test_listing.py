"""The case listing: filters, bad query values, pagination, query counts and the RSS feed."""

import datetime
import xml.etree.ElementTree as ET
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casestudies.choices import CaseSource
from jingjian.core import facets
from jingjian.core.models import WorkArea
from tests.factories import CaseStudyPageFactory, HandlingFactory
from tests.support.forms import choose, forms_labelled

pytestmark = pytest.mark.django_db


def listed_titles(response):
    return [page.title for page in response.context["items"]]


@pytest.fixture
def cases():
    hotline = CaseStudyPageFactory(
        title="某街道12345热线工单虚假办结问题",
        source=CaseSource.UNANNOUNCED_VISIT,
        work_area=WorkArea.objects.get(name="民心工程"),
        date_handled=datetime.date(2024, 6, 1),
        period_end=datetime.date(2024, 3, 1),
        problem_types=["纸上整改", "拖延应付、敷衍塞责"],
    )
    HandlingFactory(page=hotline, discipline_form=1, party_sanction="", accountability="admonition")
    permits = CaseStudyPageFactory(
        title="区某局审批推诿扯皮问题",
        source=CaseSource.COMPLAINT,
        date_handled=datetime.date(2022, 1, 10),
        problem_types=["推诿扯皮"],
    )
    HandlingFactory(page=permits, discipline_form=2, party_sanction="serious_warning")
    bribe = CaseStudyPageFactory(
        title="某村党支部书记吃拿卡要问题",
        source=CaseSource.CITY_INSPECTION,
        date_handled=datetime.date(2021, 9, 1),
        period_end=datetime.date(2021, 5, 1),
        problem_types=["吃拿卡要"],
    )
    HandlingFactory(
        page=bribe,
        discipline_form=4,
        party_sanction="expulsion",
        administrative_sanction="dismissal",
        detained=True,
        referred=True,
    )
    return hotline, permits, bribe


@pytest.mark.parametrize(
    "query, expected",
    [
        (
            {},
            {
                "某街道12345热线工单虚假办结问题",
                "区某局审批推诿扯皮问题",
                "某村党支部书记吃拿卡要问题",
            },
        ),
        ({"problem_type": "推诿扯皮"}, {"区某局审批推诿扯皮问题"}),
        (
            {"problem_type": ["推诿扯皮", "吃拿卡要"]},
            {"区某局审批推诿扯皮问题", "某村党支部书记吃拿卡要问题"},
        ),
        ({"source": "unannounced_visit"}, {"某街道12345热线工单虚假办结问题"}),
        ({"work_area": "民心工程"}, {"某街道12345热线工单虚假办结问题"}),
        ({"sanction": "party:serious_warning"}, {"区某局审批推诿扯皮问题"}),
        ({"sanction": "admin:dismissal"}, {"某村党支部书记吃拿卡要问题"}),
        ({"sanction": "referred"}, {"某村党支部书记吃拿卡要问题"}),
        ({"discipline_form": "1"}, {"某街道12345热线工单虚假办结问题"}),
        ({"year": "2022"}, {"区某局审批推诿扯皮问题"}),
        ({"year": "2022", "problem_type": "吃拿卡要"}, set()),
    ],
)
def test_filters(client, cases, query, expected):
    response = client.get("/cases/", query)
    assert response.status_code == 200
    assert set(listed_titles(response)) == expected


def test_multi_valued_problem_type_lists_a_case_once(client, cases):
    response = client.get("/cases/", {"problem_type": ["纸上整改", "拖延应付、敷衍塞责"]})
    assert listed_titles(response) == ["某街道12345热线工单虚假办结问题"]


def test_newest_first(client, cases):
    assert listed_titles(client.get("/cases/")) == [
        "某街道12345热线工单虚假办结问题",
        "区某局审批推诿扯皮问题",
        "某村党支部书记吃拿卡要问题",
    ]


@pytest.mark.parametrize(
    "query",
    [
        {"page": "abc"},
        {"page": "99999"},
        {"page": "-1"},
        {"problem_type": "不存在的类型"},
        {"source": "martian"},
        {"year": "20x4"},
        {"year": "1066"},
        {"discipline_form": "9"},
        {"sanction": "party:beheading"},
        {"work_area": "x" * 5000},
        {"problem_type": ["推诿扯皮"] * 200},
        {"q": "' OR 1=1 --", "page": "1e9"},
    ],
)
def test_bad_values_give_a_normal_page(client, cases, query):
    response = client.get("/cases/", query)
    assert response.status_code == 200
    assert response.context["result_count"] >= 1


def test_unknown_values_are_reported_and_ignored(client, cases):
    response = client.get("/cases/", {"problem_type": "不存在的类型", "year": "20x4"})
    body = response.content.decode()
    assert "部分筛选条件无法识别，已忽略" in body
    assert "不存在的类型" in body
    assert response.context["result_count"] == 3


def test_filtered_view_is_noindex(client, cases):
    assert 'name="robots"' not in client.get("/cases/").content.decode()
    assert "noindex" in client.get("/cases/", {"year": "2022"}).content.decode()


def test_pagination(client):
    for n in range(15):
        CaseStudyPageFactory(
            title=f"分页案例{n:02d}",
            period_start=None,
            period_end=None,
            date_handled=datetime.date(2020, 1, n + 1),
        )
    first = client.get("/cases/")
    assert len(first.context["items"]) == 12
    assert "下一页" in first.content.decode()
    second = client.get("/cases/", {"page": 2})
    assert len(second.context["items"]) == 3
    assert listed_titles(second)[-1] == "分页案例00"
    assert client.get("/cases/", {"page": 99999}).context["page_obj"].number == 2


def test_listing_query_count_does_not_grow_with_results(client):
    def count_queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/cases/").status_code == 200
        return len(captured)

    for n in range(2):
        CaseStudyPageFactory(problem_types=["推诿扯皮"], title=f"少量{n}")
    few = count_queries()
    for n in range(10):
        CaseStudyPageFactory(problem_types=["推诿扯皮", "吃拿卡要"], title=f"更多{n}")
    assert count_queries() == few


def test_listing_query_budget(client, cases, django_assert_max_num_queries):
    with django_assert_max_num_queries(25):
        client.get("/cases/", {"problem_type": "推诿扯皮", "year": "2022"})


def test_feed_honours_filters(client, cases):
    response = client.get("/cases/feed/", {"problem_type": "推诿扯皮"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    root = ET.fromstring(response.content)
    titles = [item.findtext("title") for item in root.iter("item")]
    assert titles == ["区某局审批推诿扯皮问题"]
    link = root.find("channel/item/link").text
    assert link.startswith("http://") and "/cases/" in link


def test_feed_with_bad_values(client, cases):
    response = client.get("/cases/feed/", {"year": "abc", "page": "x"})
    assert response.status_code == 200
    assert len(list(ET.fromstring(response.content).iter("item"))) == 3


def test_listing_links_to_its_feed(client, cases):
    body = client.get("/cases/", {"year": "2022"}).content.decode()
    assert 'type="application/rss+xml"' in body
    assert "/cases/feed/?year=2022" in body


class _Today(datetime.date):
    """A "today" in 2031, as a process started years before would see it then."""

    @classmethod
    def today(cls):
        return cls(2031, 1, 2)


def test_years_are_those_of_the_day_asked():
    assert facets.allowed_years(datetime.date(2031, 1, 2))[0] == 2031
    assert facets.allowed_years(datetime.date(2026, 12, 31))[0] == 2026
    assert facets.allowed_years()[-1] == facets.FIRST_YEAR == 1949


def test_a_year_that_began_after_the_process_started_filters(client, cases, monkeypatch):
    """The years are asked when the page is, not when the module was imported."""
    CaseStudyPageFactory(title="新年度的案例", date_handled=datetime.date(2031, 1, 1))
    monkeypatch.setattr(facets, "datetime", SimpleNamespace(date=_Today))
    response = client.get("/cases/")
    (form,) = forms_labelled(response.content.decode(), "应用筛选")
    filtered = choose(client, form, "/cases/", year="2031")
    assert listed_titles(filtered) == ["新年度的案例"]
    assert filtered.context["ignored_values"] == []


def test_a_year_takes_its_first_and_last_day_and_nothing_beside(client, cases):
    for title, day in (
        ("元旦处理的案例", datetime.date(2023, 1, 1)),
        ("除夕处理的案例", datetime.date(2023, 12, 31)),
        ("前一年末的案例", datetime.date(2022, 12, 31)),
        ("后一年初的案例", datetime.date(2024, 1, 1)),
    ):
        CaseStudyPageFactory(title=title, date_handled=day)
    response = client.get("/cases/")
    (form,) = forms_labelled(response.content.decode(), "应用筛选")
    filtered = choose(client, form, "/cases/", year="2023")
    assert sorted(listed_titles(filtered)) == sorted(["元旦处理的案例", "除夕处理的案例"])


def test_the_year_filter_is_a_range_of_the_date_its_index_answers(cases):
    """``__year`` becomes a range of the date; ``__year__in`` extracted the year of every row
    (a Python function per row on SQLite)."""
    from casestudies.models import CaseStudyPage
    from casestudies.search import YEAR as year

    sql = str(CaseStudyPage.objects.filter(year.q(["2023"])).query).upper()
    assert "BETWEEN" in sql and "EXTRACT" not in sql, sql
    assert CaseStudyPage.objects.filter(year.q(["abc"])).count() == 0


def test_a_year_before_2015_is_offered_and_filters(client, cases):
    CaseStudyPageFactory(
        title="二〇一〇年的案例",
        period_start=datetime.date(2009, 3, 1),
        period_end=datetime.date(2009, 6, 1),
        date_handled=datetime.date(2010, 5, 1),
    )
    response = client.get("/cases/")
    (form,) = forms_labelled(response.content.decode(), "应用筛选")
    filtered = choose(client, form, "/cases/", year="2010")
    assert listed_titles(filtered) == ["二〇一〇年的案例"]
    assert "2010年" in response.content.decode()
