"""The relevance suite: queries over the demo content, judged against exact-substring answers.

``evaluate()`` runs every query through the reader search (as a superuser, so every live page
counts) and compares the results with the pages whose text contains every term after
normalization. Used by ``tests/search/test_relevance.py`` (which asserts) and by
``bench/relevance.py`` (which prints the figures).
"""

from django.contrib.auth import get_user_model
from django.http import QueryDict
from django.utils.html import strip_tags
from wagtail.models import Page

from jingjian.core import chinese
from jingjian.search import reader as search

WORDS = [
    "推诿扯皮",
    "形式主义",
    "官僚主义",
    "12345热线",
    "12345",
    "APP",
    "营商环境",
    "河长制",
    "低保",
    "危房改造",
    "招商引资",
    "不作为不担当",
    "担当",
    "群众",
    "工单",
    "巡河",
    "整改",
    "台账",
    "留痕",
    "补偿款",
    "村干部",
    "网格员",
    "审批",
    "垃圾",
    "第一书记",
    "满意率",
    "问责",
    "通报",
    "严重警告",
    "诫勉",
    "纪委",
    "党支部书记",
    "企业",
    "茶叶",
    "防汛",
]
TAXONOMY = [
    "双万双服促发展",
    "环境治理",
    "扶贫助困",
    "精准脱贫",
    "双违治理",
    "民心工程",
    "拆迁拆违",
    "创文创卫",
    "城中村改造",
    "债务风险防范",
    "扫黑除恶",
    "大棚房清理整治",
    "巡视整改",
    "庸懒散浮拖",
    "衙门作风",
    "吃拿卡要",
    "不贪不占也不干",
    "小鬼难缠",
    "选择性执行",
    "纸上整改",
    "零报告",
    "文山会海",
    "过度留痕",
    "好人主义",
    "脸难看",
]
TRADITIONAL = ["擔當", "推諉扯皮", "營商環境", "河長制", "紀委", "群眾", "形式主義", "鏡鑒"]
MULTI = [
    "推诿扯皮 企业",
    "低保 村",
    "河长制 巡河",
    "12345 工单",
    "形式主义 APP",
    "营商环境 审批",
    "拆迁 补偿",
    "担当 群众",
    "整改 台账",
    "APP 打卡",
]
SINGLE = ["鉴", "河", "税", "茶"]
QUERIES = WORDS + TAXONOMY + TRADITIONAL + MULTI + SINGLE


def searchable_text(page):
    """Everything the indexes hold for ``page``, normalized (the ground truth's haystack)."""
    parts = [page.title, search.page_text(page)]
    if hasattr(page, "subject"):
        parts += [page.subject, page.lessons]
        parts += [t.name for t in page.problem_types.all()]
        parts += [page.work_area.name] if page.work_area else []
    if hasattr(page, "citation"):
        parts += [page.name, page.unit, page.post, page.citation, page.category.name]
        parts += [a.name for a in page.work_areas.all()]
    return chinese.normalize(" ".join(strip_tags(p or "") for p in parts))


def expected_pages(texts, query):
    terms = search.rank_terms(query)
    return {pk for pk, text in texts.items() if all(term in text for term in terms)}


def evaluate(per_page=500):
    """Run every query; return per-query and overall figures."""
    admin = get_user_model()(is_superuser=True, is_active=True, username="relevance")
    pages = (
        Page.objects.live()
        .filter(depth__gt=3)
        .exclude(content_type__in=search.excluded_content_types())
        .specific()
    )
    texts = {page.pk: searchable_text(page) for page in pages}
    titles = {page.pk: chinese.normalize(page.title) for page in pages}
    rows = []
    for query in QUERIES:
        outcome, _ = search.run_search(query, QueryDict(""), admin, 1, per_page=per_page)
        got = [page.pk for page in outcome.results]
        expected = expected_pages(texts, query)
        hits = len(set(got) & expected)
        terms = search.rank_terms(query)
        title_pages = {pk for pk in expected if all(t in titles[pk] for t in terms)}
        rows.append(
            {
                "query": query,
                "expected": len(expected),
                "returned": len(got),
                "recall": hits / len(expected) if expected else 1.0,
                "precision": hits / len(got) if got else 1.0,
                "title_match_in_top3": (not title_pages) or bool(set(got[:3]) & title_pages),
                "unexpected": sorted(set(got) - expected),
                "missed": sorted(expected - set(got)),
            }
        )
    total_expected = sum(r["expected"] for r in rows)
    total_returned = sum(r["returned"] for r in rows)
    total_hits = sum(r["expected"] - len(r["missed"]) for r in rows)
    return {
        "queries": len(rows),
        "recall": total_hits / total_expected if total_expected else 1.0,
        "precision": total_hits / total_returned if total_returned else 1.0,
        "title_match_in_top3": sum(r["title_match_in_top3"] for r in rows) / len(rows),
        "rows": rows,
    }
