"""The site-wide search page (/search/)."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.shortcuts import render
from wagtail.models import Page

from jingjian.core import search as site_search
from jingjian.core import visibility


def search(request):
    raw_query = request.GET.get("q", "")
    query = site_search.prepare_query(raw_query)
    results = Page.objects.none()
    if query:
        pages = visibility.visible_pages(Page.objects.live().filter(depth__gt=2), request.user)
        results = site_search.search_pages(pages.specific(), query)
    paginator = Paginator(results, 10)
    page_obj = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "home/search.html",
        {
            "search_query": query,
            "typed_query": raw_query[: site_search.MAX_QUERY_LENGTH],
            "page_obj": page_obj,
            "results": page_obj.object_list,
            "query_without_page": urlencode({"q": query}),
        },
    )
