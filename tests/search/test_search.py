"""The search contract on the database backend (SQLite here, PostgreSQL in CI's second run)."""

import datetime

import pytest
from django.http import QueryDict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wagtail.models import Page

from jingjian.core import chinese
from jingjian.search import reader as search
from tests.factories import CaseStudyPageFactory, ExemplarPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def engine(search_engine):
    """Every test here runs on the database backend and on Elasticsearch."""
    return search_engine


def found(text, queryset=None):
    queryset = queryset if queryset is not None else Page.objects.live().filter(depth__gt=2)
    return [page.title for page in search.search_pages(queryset, text)]


@pytest.fixture
def pages():
    return {
        "permits": CaseStudyPageFactory(
            title="区某局审批窗口问题",
            summary="企业反映办事难。",
            facts=[{"type": "paragraph", "value": "<p>王某对企业申请推诿扯皮,拖延三个月。</p>"}],
        ),
        "hotline": CaseStudyPageFactory(
            title="某街道12345热线工单虚假办结问题",
            summary="工单“先办结后处理”,群众不满意。",
            facts=[{"type": "paragraph", "value": "<p>要求群众在APP上点“满意”。</p>"}],
        ),
        "river": ExemplarPageFactory(
            title="守护一江清水的河长",
            summary="她落实河长制,巡河五千公里。",
            deeds=[{"type": "paragraph", "value": "<p>推诿、扯皮的事她从来不干。</p>"}],
        ),
    }


def test_term_inside_a_longer_run_of_chinese_is_found(pages):
    assert found("推诿扯皮") == ["区某局审批窗口问题"]


def test_a_term_split_by_punctuation_is_not_an_exact_match(pages):
    assert "守护一江清水的河长" not in found("推诿扯皮")
    assert "守护一江清水的河长" in found("推诿")


def test_traditional_and_simplified_match_each_other(pages):
    assert found("推諉扯皮") == ["区某局审批窗口问题"]
    assert found("河長制") == ["守护一江清水的河长"]
    traditional = CaseStudyPageFactory(title="擔當作為典型", summary="繁體字寫成的摘要。")
    assert traditional.title in found("担当作为")


def test_full_width_and_case_are_folded(pages):
    assert found("ＡＰＰ") == ["某街道12345热线工单虚假办结问题"]
    assert found("app") == ["某街道12345热线工单虚假办结问题"]
    assert found("１２３４５热线") == ["某街道12345热线工单虚假办结问题"]


def test_one_character_terms(pages):
    assert set(found("扯")) == {"区某局审批窗口问题", "守护一江清水的河长"}
    assert found("巡") == ["守护一江清水的河长"]


def test_a_character_is_found_wherever_it_stands_in_a_run(engine):
    """At the start, in the middle or at the end of a run of Chinese, or alone between
    punctuation: PostgreSQL keeps single characters only at the ends of runs and searches a
    one-character term as a prefix, the other engines index every character."""
    CaseStudyPageFactory(title="甲", summary="砥砺前行。")
    CaseStudyPageFactory(title="乙", summary="不断砥砺。")
    CaseStudyPageFactory(title="丙", summary="同心砥砺前行。")
    CaseStudyPageFactory(title="丁", summary="一、砥、二。")
    CaseStudyPageFactory(title="戊", summary="与此无关。")
    assert sorted(found("砥")) == ["丁", "丙", "乙", "甲"]
    assert sorted(found("砺")) == ["丙", "乙", "甲"]
    assert sorted(found("前")) == ["丙", "甲"]
    assert sorted(found("砥 前")) == ["丙", "甲"]
    assert found("砺 二") == []
    if engine != "elasticsearch":  # Wagtail's own search (the admin), on the same index
        matches = search.database_matches(Page.objects.live().filter(depth__gt=2), "砺")
        assert sorted(p.title for p in matches) == ["丙", "乙", "甲"]
        assert sorted(p.title for p in Page.objects.live().search("砥")) == ["丁", "丙", "乙", "甲"]


def test_latin_words_and_numbers(pages):
    assert found("12345") == ["某街道12345热线工单虚假办结问题"]
    assert found("12345热线") == ["某街道12345热线工单虚假办结问题"]


def test_a_term_of_digits_and_chinese_is_one_phrase(engine):
    """12345热线 is one string: a page with 12345 and 热线 apart is not a match (it was on
    PostgreSQL, where the term was sent as two words)."""
    CaseStudyPageFactory(title="甲案", summary="群众拨打12345热线反映问题。")
    CaseStudyPageFactory(title="乙案", summary="他在12345政务服务便民热线工作。")
    assert found("12345热线") == ["甲案"]
    assert found("乙案 12345") == ["乙案"]
    if engine != "elasticsearch":  # the database backend's own query, as PostgreSQL runs it
        matches = search.database_matches(Page.objects.live().filter(depth__gt=2), "12345热线")
        assert [p.title for p in matches] == ["甲案"]


def test_every_term_must_match(pages):
    assert found("推诿 企业") == ["区某局审批窗口问题"]
    assert found("推诿 河长制") == ["守护一江清水的河长"]
    assert found("推诿扯皮 河长制") == []


def test_operators_and_quotes_are_ignored(pages):
    assert found('"推诿扯皮" AND (') == found("推诿扯皮")
    assert found("((( ***") == []


def test_taxonomy_names_are_searchable():
    CaseStudyPageFactory(title="不含关键词的标题", problem_types=["门难进、脸难看、事难办"])
    assert found("脸难看") == ["不含关键词的标题"]


def test_title_matches_rank_first_then_summary_then_recency(engine):
    old_body = CaseStudyPageFactory(
        title="甲案",
        summary="无关摘要",
        facts=[{"type": "paragraph", "value": "<p>文山会海</p>"}],
    )
    new_body = CaseStudyPageFactory(
        title="乙案",
        summary="无关摘要",
        facts=[{"type": "paragraph", "value": "<p>文山会海</p>"}],
    )
    in_summary = CaseStudyPageFactory(title="丙案", summary="文山会海的典型")
    in_title = CaseStudyPageFactory(title="某局文山会海问题", summary="无关摘要")
    in_both = CaseStudyPageFactory(title="文山会海老问题", summary="又是文山会海")
    Page.objects.filter(pk=in_both.pk).update(
        first_published_at=datetime.datetime(2019, 1, 1, tzinfo=datetime.UTC)
    )
    Page.objects.filter(pk=old_body.pk).update(
        first_published_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    )
    Page.objects.filter(pk=new_body.pk).update(
        first_published_at=datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)
    )
    if engine == "elasticsearch":  # the dates were changed behind the index's back
        from jingjian.search import elastic as search_elasticsearch

        search_elasticsearch.index_pages(Page.objects.filter(depth__gt=2).specific())
    ranking = [in_both.title, in_title.title, in_summary.title, "乙案", "甲案"]
    assert found("文山会海") == ranking
    # The search page's pages are consecutive stretches of the same ranking.
    pages = [
        search.run_search("文山会海", QueryDict(""), None, number, per_page=2)
        for number in (1, 2, 3, 9)
    ]
    assert [[p.title for p in outcome.results] for outcome, _ in pages] == [
        ranking[:2],
        ranking[2:4],
        ranking[4:],
        ranking[4:],  # past the end: the last page
    ]
    assert {outcome.total for outcome, _ in pages} == {5}
    assert pages[3][1].number == 3 and pages[3][1].paginator.num_pages == 3


def test_unpublished_and_deleted_pages_are_not_found(pages):
    pages["permits"].unpublish()
    assert found("推诿扯皮") == []
    hotline = pages["hotline"]
    hotline.delete()
    assert found("12345") == []


def test_edits_are_reindexed(pages):
    page = pages["river"]
    page.summary = "她落实湖长制。"
    page.save_revision().publish()
    assert found("湖长制") == ["守护一江清水的河长"]
    assert found("河长制") == []


def test_api_search_gives_the_same_results(client, pages):
    data = client.get("/api/v2/pages/", {"search": "推諉扯皮"}).json()
    assert [item["title"] for item in data["items"]] == ["区某局审批窗口问题"]


def test_index_text_and_terms():
    assert chinese.index_text("推诿扯皮,12345熱線") == "推诿 诿扯 扯皮 12345 热线 推 诿 扯 皮 热 线"
    assert chinese.term_phrases("12345热线") == (("12345", "热线"),)
    assert chinese.query_terms('  擔當  "推诿 😀') == ["担当", "推诿"]


HAN = st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    text=st.text(alphabet=HAN, min_size=8, max_size=40),
    start=st.integers(min_value=0, max_value=30),
    length=st.integers(min_value=1, max_value=6),
)
def test_any_substring_of_a_page_finds_it(text, start, length):
    """Recall property: every substring of a page's text finds that page."""
    start = min(start, len(text) - 1)
    term = text[start : start + length]
    page = CaseStudyPageFactory(title="随机文本", summary=text)
    try:
        assert page.pk in {p.pk for p in search.search_pages(Page.objects.live(), term)}
    finally:
        page.delete()


def test_same_length_normalization_keeps_offsets():
    assert chinese.normalize_same_length("ＡＰＰ擔當") == "app担当"
    # NFKC turns the ligature into two letters: fall back to one character for one.
    folded = chinese.normalize_same_length("ﬁ担當")
    assert len(folded) == 3 and folded.endswith("担当")


@pytest.mark.parametrize("walk_above", [0, 5000])
def test_ranked_pages_slices_agree_with_the_whole_ranking(walk_above, monkeypatch):
    """Tiers walked page by page (frequent terms) or collected (rare ones) rank alike, and any
    slice, as pagination takes them, is the same stretch of the ranking. (The tiers are the
    database backend's, the default here.)"""
    from jingjian.search import backends as search_backends

    monkeypatch.setattr(search_backends, "WALK_ABOVE", walk_above)
    made = []
    for i, (title, summary) in enumerate(
        [("台账问题一", "无关"), ("某案", "台账造假"), ("某案二", "无关"), ("台账问题二", "无关")]
        * 3
    ):
        made.append(
            CaseStudyPageFactory(
                title=f"{title}{i}",
                summary=summary,
                facts=[{"type": "paragraph", "value": "<p>基层台账层层加码。</p>"}],
            )
        )
        Page.objects.filter(pk=made[-1].pk).update(
            first_published_at=datetime.datetime(2020, 1, 1 + i, tzinfo=datetime.UTC)
        )
    results = search.search_pages(Page.objects.live().filter(depth__gt=2), "台账")
    ranked = [p.title for p in results]
    assert len(ranked) == len(results) == 12
    titles = [t for t in ranked if t.startswith("台账问题")]
    summaries = [t for t in ranked if t.startswith("某案") and "二" not in t]
    assert ranked[: len(titles)] == titles
    assert ranked[len(titles) : len(titles) + len(summaries)] == summaries
    assert titles == sorted(titles, key=lambda t: -int(t[5:]))  # newest first within a tier
    pages = [[p.title for p in results[start : start + 5]] for start in (0, 5, 10)]
    assert sum(pages, []) == ranked
