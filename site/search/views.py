"""The site-wide search page (/search/)."""

from django.shortcuts import render

from jingjian.search import reader as site_search


def search(request):
    raw_query = request.GET.get("q", "")
    outcome, page_obj = site_search.run_search(
        raw_query, request.GET, request.user, request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "search/search.html",
        {
            "search_query": outcome.query and " ".join(outcome.terms),
            "typed_query": raw_query[: site_search.MAX_QUERY_LENGTH],
            "outcome": outcome,
            "page_obj": page_obj,
            "results": outcome.results,
            "facet_groups": [
                (name, label, outcome.facets.get(name, []))
                for name, label in [
                    ("type", "类型"),
                    ("problem_type", "问题类型"),
                    ("work_area", "重点工作"),
                    ("source", "线索来源"),
                    ("sanction", "处理结果"),
                    ("year", "年份"),
                ]
                if outcome.facets.get(name)
            ],
            "query_without_page": query.urlencode(),
        },
    )
