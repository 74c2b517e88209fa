"""Home page and the search page."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import CaseStudyPageFactory, ExemplarPageFactory, HandlingFactory

pytestmark = pytest.mark.django_db


def test_home_shows_featured_exemplars_latest_cases_and_counts(client):
    featured = ExemplarPageFactory(name="推荐典型", featured=True)
    ExemplarPageFactory(name="普通典型")
    case = CaseStudyPageFactory(title="最新的警示案例")
    HandlingFactory(page=case)
    HandlingFactory(page=case, pseudonym="李某", party_sanction="")
    response = client.get("/")
    assert response.status_code == 200
    assert response.context["featured_exemplars"][0] == featured
    body = response.content.decode()
    assert "最新的警示案例" in body and "推荐典型" in body
    assert response.context["counts"] == {
        "cases": 1,
        "persons": 2,
        "party_sanctions": 1,
        "bulletined_cases": 0,
        "exemplars": 2,
    }
    assert 'action="/search/"' in body


def test_search_page_without_query(client):
    response = client.get("/search/")
    assert response.status_code == 200
    assert "请输入要查找的关键词" in response.content.decode()


def test_search_finds_a_page_and_says_when_nothing_matches(client):
    CaseStudyPageFactory(title="可以找到的案例", subject="APP打卡 形式主义")
    found = client.get("/search/", {"q": "APP打卡"})
    assert "可以找到的案例" in found.content.decode()
    none = client.get("/search/", {"q": "完全不存在的词语"}).content.decode()
    assert "没有找到相关内容" in none


@pytest.mark.parametrize(
    "query",
    [
        '"',
        "(((",
        "AND OR NOT",
        "'; DROP TABLE wagtailcore_page; --",
        "\x00\x07",
        "😀" * 50,
        "字" * 10_000,
    ],
)
def test_search_bad_input_is_a_normal_page(client, query):
    assert client.get("/search/", {"q": query, "page": "x"}).status_code == 200


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=st.text(max_size=300))
def test_search_never_fails_on_any_text(client, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200


def test_api_search_rejects_empty_queries_in_chinese(client):
    response = client.get("/api/v2/pages/", {"search": '"((*'})
    assert response.status_code == 400
    assert "搜索词中没有可搜索的文字" in response.json()["message"]


@pytest.mark.parametrize("query", ['"', "(((", "a AND (b", "😀", "x" * 10_000])
def test_api_search_bad_input_never_500(client, query):
    assert client.get("/api/v2/pages/", {"search": query}).status_code in (200, 400)


def test_search_page_explains_a_query_with_nothing_searchable(client):
    body = client.get("/search/", {"q": "((("}).content.decode()
    assert "中没有可搜索的文字" in body
