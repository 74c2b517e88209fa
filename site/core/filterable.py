"""The filterable list: an index page whose children can be filtered, paginated and fed as RSS.

Follows the pattern of cfgov's filterable lists: a Django form per list describes the filters,
the same form drives the HTML page and its ``feed/`` route, filtered views are ``noindex``, and
bad query values are ignored with a notice instead of failing. The form and what each value
means come from the facets the listed content type declares (``jingjian.core.facets``), the
same definitions the search engines use.
"""

from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Rss201rev2Feed
from wagtail.contrib.routable_page.models import RoutablePageMixin, path

from jingjian.core import content_types, facets, figures, visibility
from jingjian.core.public_address import public_url


class PageListFeed(Feed):
    """RSS 2.0 for one filterable list; public pages only, whoever asks."""

    feed_type = Rss201rev2Feed

    def __init__(self, index_page, items):
        super().__init__()
        self.index_page = index_page
        self.feed_items = items

    def __call__(self, request, *args, **kwargs):
        self.request = request
        return super().__call__(request, *args, **kwargs)

    def title(self):
        return f"{self.index_page.title} - 镜鉴"

    def link(self):
        return public_url(self.index_page)

    def feed_url(self):
        return public_url(self.request.get_full_path())

    def description(self):
        return getattr(self.index_page, "introduction", "") or self.index_page.title

    def items(self):
        return self.feed_items

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_link(self, item):
        return public_url(item)

    def item_pubdate(self, item):
        return item.first_published_at

    def item_updateddate(self, item):
        return item.last_published_at


class FilterableListMixin(RoutablePageMixin):
    """Mixin for index pages. Subclasses override ``get_listing_queryset()``; the filters are
    the listed content type's ``listing_facets()``."""

    paginate_by = 12
    feed_size = 30

    def get_listing_queryset(self):
        return self.get_children().live().specific()

    def listing_facets(self):
        content_type = content_types.of(self.get_listing_queryset().model)
        return content_type.listing_facets() if content_type else ()

    def apply_filters(self, queryset, cleaned_data):
        return facets.filter_queryset(queryset, self.listing_facets(), cleaned_data)

    def get_filter_form(self, request):
        return facets.filter_form_class(self.listing_facets())(request.GET or None)

    def filtered_items(self, request, user):
        form = self.get_filter_form(request)
        queryset = visibility.visible_pages(self.get_listing_queryset(), user)
        if form.is_bound:
            form.is_valid()
            data = {k: v for k, v in getattr(form, "cleaned_data", {}).items() if v}
            queryset = self.apply_filters(queryset, data)
        return form, queryset

    @path("")
    def listing(self, request):
        form, queryset = self.filtered_items(request, request.user)
        paginator = figures.CountingPaginator(queryset, self.paginate_by)
        page_obj = paginator.get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        active = form.active_filters()
        context = {
            "filter_form": form,
            # How many values are chosen, said on the folded filters' 筛选 button (on a phone).
            "filter_count": sum(
                len(v) if isinstance(v, list | tuple) else 1 for v in active.values()
            ),
            "page_obj": page_obj,
            "items": page_obj.object_list,
            "result_count": paginator.count,
            "is_filtered": bool(active),
            "ignored_values": form.ignored_values(),
            "query_without_page": query.urlencode(),
            "feed_url": self.get_url(request)
            + "feed/"
            + (f"?{query.urlencode()}" if query else ""),
        }
        return self.render(request, context_overrides=context)

    @path("feed/")
    def feed(self, request):
        _form, queryset = self.filtered_items(request, None)
        return PageListFeed(self, list(queryset[: self.feed_size]))(request)
