"""Values every template needs: site name, the search box's current query."""

from django.conf import settings


def site_chrome(request):
    return {
        "site_name": settings.WAGTAIL_SITE_NAME,
        "search_query_value": request.GET.get("q", "")[:100] if request else "",
    }
