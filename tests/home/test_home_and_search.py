"""Home page and the search page."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import CaseStudyPageFactory, ExemplarPageFactory, HandlingFactory
from tests.support.forms import choose, forms_labelled

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


def test_search_finds_a_page_and_says_when_nothing_matches(search_engine, client):
    CaseStudyPageFactory(title="可以找到的案例", subject="APP打卡 形式主义")
    found = client.get("/search/", {"q": "APP打卡"})
    assert "可以找到的案例" in found.content.decode()
    none = client.get("/search/", {"q": "完全不存在的词语"}).content.decode()
    assert "没有找到同时包含这些关键词的内容" in none


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
def test_search_bad_input_is_a_normal_page(search_engine, client, query):
    assert client.get("/search/", {"q": query, "page": "x"}).status_code == 200


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=st.text(max_size=300))
def test_search_never_fails_on_any_text(search_engine, client, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200


def test_api_search_rejects_empty_queries_in_chinese(search_engine, client):
    response = client.get("/api/v2/pages/", {"search": '"((*'})
    assert response.status_code == 400
    assert "搜索词中没有可搜索的文字" in response.json()["message"]


@pytest.mark.parametrize("query", ['"', "(((", "a AND (b", "😀", "x" * 10_000])
def test_api_search_bad_input_never_500(search_engine, client, query):
    assert client.get("/api/v2/pages/", {"search": query}).status_code in (200, 400)


def test_search_page_explains_a_query_with_nothing_searchable(search_engine, client):
    body = client.get("/search/", {"q": "((("}).content.decode()
    assert "中没有可搜索的文字" in body


def test_search_page_highlights_and_counts_facets(search_engine, client):
    CaseStudyPageFactory(
        title="某局推诿扯皮问题",
        summary="王某对群众诉求推诿扯皮。",
        problem_types=["推诿扯皮"],
    )
    ExemplarPageFactory(title="不推诿不扯皮的好干部", summary="群众的事从不推诿。")
    response = client.get("/search/", {"q": "推诿"})
    body = response.content.decode()
    assert response.context["outcome"].total == 2
    assert "<mark>推诿</mark>" in body
    facets = {name: values for name, _label, _many, values in response.context["facet_groups"]}
    assert {(f.value, f.count) for f in facets["type"]} == {("case", 1), ("exemplar", 1)}
    assert [(f.label, f.count) for f in facets["problem_type"]] == [("推诿扯皮", 1)]


def test_search_page_filters(search_engine, client):
    CaseStudyPageFactory(title="案例里的推诿", summary="推诿")
    ExemplarPageFactory(title="典型里的推诿", summary="不推诿")
    response = client.get("/search/", {"q": "推诿", "type": "exemplar"})
    assert [r.title for r in response.context["results"]] == ["典型里的推诿"]
    response = client.get("/search/", {"q": "推诿", "type": "nonsense", "year": "abc"})
    assert response.context["outcome"].total == 2


def test_no_results_suggests_single_terms_and_taxonomy_names(search_engine, client):
    CaseStudyPageFactory(title="推诿扯皮", summary="一")
    response = client.get("/search/", {"q": "推诿扯皮 月球"})
    suggestions = response.context["outcome"].suggestions
    assert suggestions[0] == "推诿扯皮"
    assert "推诿扯皮" in response.content.decode()


def test_traditional_query_highlights_simplified_text(search_engine, client):
    CaseStudyPageFactory(title="担当作为的反面", summary="不担当不作为。")
    body = client.get("/search/", {"q": "擔當"}).content.decode()
    assert "<mark>担当</mark>" in body


def test_a_year_before_2015_is_a_facet_that_filters(search_engine, client):
    """The year facets and the year filter come from one function: picking a shown year
    (here 2010, before the listing's old first year) narrows the results to it."""
    CaseStudyPageFactory(
        title="早年窗口推诿案例",
        period_start=datetime.date(2009, 3, 1),
        period_end=datetime.date(2009, 6, 1),
        date_handled=datetime.date(2010, 5, 1),
    )
    CaseStudyPageFactory(title="近年窗口推诿案例", date_handled=datetime.date(2024, 5, 1))
    page = client.get("/search/", {"q": "窗口推诿"})
    assert "2010年" in page.content.decode()
    (form,) = forms_labelled(page.content.decode(), "应用筛选")
    filtered = choose(client, form, "/search/", year="2010")
    assert [p.title for p in filtered.context["results"]] == ["早年窗口推诿案例"]


def _snippet(client, query):
    response = client.get("/search/", {"q": query})
    (result,) = response.context["results"]
    return str(result.search_snippet), response.content.decode()


def test_a_snippet_shows_an_entity_once_escaped(search_engine, client):
    CaseStudyPageFactory(
        title="合作社违规案例",
        summary="合作社问题。",
        facts=[{"type": "paragraph", "value": "<p>甲乙公司&amp;丙丁合作社违规收费。</p>"}],
    )
    snippet, body = _snippet(client, "违规收费")
    assert "甲乙公司&amp;丙丁合作社" in snippet
    assert "甲乙公司&amp;丙丁合作社" in body and "&amp;amp;" not in body


def test_a_phrase_does_not_run_from_one_paragraph_into_the_next(search_engine, client):
    CaseStudyPageFactory(
        title="窗口作风案例",
        summary="窗口作风问题。",
        facts=[{"type": "paragraph", "value": "<p>窗口人员互相敷衍</p><p>塞责成风。</p>"}],
    )
    found = client.get("/search/", {"q": "敷衍塞责"})
    assert found.context["results"] == []
    snippet, _body = _snippet(client, "敷衍")
    assert "<mark>敷衍</mark>\n塞责" in snippet


def test_bold_inside_a_word_leaves_the_word_whole(search_engine, client):
    CaseStudyPageFactory(
        title="加粗文字案例",
        summary="加粗文字问题。",
        facts=[{"type": "paragraph", "value": "<p>王某对群众<b>敷衍</b>塞责。</p>"}],
    )
    snippet, _body = _snippet(client, "群众敷衍塞责")
    assert "<mark>群众敷衍塞责</mark>" in snippet


def test_a_term_only_in_a_searched_field_is_shown_there(search_engine, client):
    """A snippet is the passage around the first match, named after the field it is in, when
    the text under the title does not hold it (以案说法, 颁奖词, 类别, 当事人)."""
    CaseStudyPageFactory(
        title="协议兑现案例",
        summary="协议事项拖延未兑现。",
        lessons="政府诚信是最好的营商环境。“新官不理旧账”，是典型的不作为不担当。",
    )
    snippet, body = _snippet(client, "擔當")  # traditional, as readers may type it
    assert (
        snippet
        == "以案说法：政府诚信是最好的营商环境。“新官不理旧账”，是典型的不作为不<mark>担当</mark>。"
    )
    assert snippet in body
    ExemplarPageFactory(
        title="危急关头冲在前",
        summary="他勇斗持刀歹徒。",
        citation="面对利刃，他挺身而出；他用热血和忠诚诠释了誓言。",
    )
    assert _snippet(client, "热血和忠诚")[0] == (
        "颁奖词：面对利刃，他挺身而出；他用<mark>热血和忠诚</mark>诠释了誓言。"
    )
    CaseStudyPageFactory(title="窗口案例", summary="窗口问题。", subject="鉴湖区某街道原主任徐某")
    assert _snippet(client, "徐某")[0] == "当事人：鉴湖区某街道原主任<mark>徐某</mark>"


def test_every_result_holding_the_term_shows_it_marked(search_engine, client):
    """The six results of 担当 in the demo: in the deeds, in 以案说法, in 颁奖词, or only in
    the category's name (担当作为); each shows the word marked, in its title or its snippet."""
    deeds = [{"type": "paragraph", "value": "<p>推诿扯皮、不作为不担当问题时有发生。</p>"}]
    ExemplarPageFactory(title="热线连着民心", deeds=deeds)
    ExemplarPageFactory(title="危急关头冲在前", citation="他用热血和担当诠释了誓言。")
    ExemplarPageFactory(title="扎根山村二十年")  # the factory's category: 担当作为
    for title in ("协议兑现案例", "项目审批案例"):
        CaseStudyPageFactory(title=title, lessons="怕担责、不想干，是不作为不担当。")
    CaseStudyPageFactory(title="担当作为的反面", summary="一心为民。")
    response = client.get("/search/", {"q": "担当"})
    results = response.context["results"]
    assert len(results) == 6
    for result in results:
        shown = f"{result.search_title} {result.search_snippet}"
        assert "<mark>担当</mark>" in shown, result.title
    marked = {r.title: str(r.search_snippet) for r in results}
    assert marked["扎根山村二十年"] == "类别：<mark>担当</mark>作为"
    assert marked["危急关头冲在前"] == "颁奖词：他用热血和<mark>担当</mark>诠释了誓言。"
    assert response.content.decode().count("<mark>担当</mark>") >= 6


def test_snippets_from_searched_fields_cost_no_query_per_result(client):
    def queries_for_snippets():
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/search/", {"q": "担当"})
        assert all("<mark>" in str(r.search_snippet) for r in response.context["results"])
        return len(captured), len(response.context["results"])

    for n in range(2):
        CaseStudyPageFactory(title=f"案例甲{n}", lessons="不作为不担当。")
    few, found = queries_for_snippets()
    assert found == 2
    for n in range(6):
        CaseStudyPageFactory(title=f"案例乙{n}", lessons="不作为不担当。")
    assert queries_for_snippets() == (few, 8)
