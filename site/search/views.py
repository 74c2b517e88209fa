"""The site-wide search page (/search/)."""

from django.apps import apps
from django.shortcuts import render

from jingjian.core import content_types, page_cache, visibility
from jingjian.search import reader as site_search
from jingjian.search import results as site_results


def browse_links(user):
    """(label, address) of each content type's index page the reader may see: where to browse
    by category when nothing matched."""
    links = []
    for content_type in content_types.registered():
        if not content_type.index_model:
            continue
        index_pages = apps.get_model(content_type.index_model).objects.live()
        index_page = visibility.visible_pages(index_pages, user).first()
        if index_page is not None:
            links.append((content_type.label, index_page.url))
    return links


@page_cache.storable
def search(request):
    raw_query = request.GET.get("q", "")
    outcome, page_obj = site_search.run_search(
        raw_query, request.GET, request.user, request.GET.get("page")
    )
    if outcome.notice:
        # Results from the fallback, not the engine: not kept, so the page is the engine's
        # again as soon as it is back.
        page_cache.forbid_storing(request)
    query = request.GET.copy()
    query.pop("page", None)
    facet_groups = [
        (name, label, multiple, outcome.facets[name])
        for name, label, multiple in site_results.group_headings()
        if outcome.facets.get(name)
    ]
    return render(
        request,
        "search/search.html",
        {
            "search_query": outcome.query and " ".join(outcome.terms),
            "typed_query": raw_query[: site_search.MAX_QUERY_LENGTH],
            "outcome": outcome,
            "page_obj": page_obj,
            "results": outcome.results,
            "facet_groups": facet_groups,
            "filter_count": sum(v.selected for *_, values in facet_groups for v in values),
            "query_without_page": query.urlencode(),
            "browse": browse_links(request.user) if outcome.query and not outcome.total else [],
        },
    )
