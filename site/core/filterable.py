"""The filterable list: an index page whose children can be filtered, paginated and fed as RSS.

Follows the pattern of cfgov's filterable lists: a Django form per list describes the filters,
the same form drives the HTML page and its ``feed/`` route, filtered views are ``noindex``, and
bad query values are ignored with a notice instead of failing.
"""

import datetime

from django import forms
from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.utils.feedgenerator import Rss201rev2Feed
from wagtail.contrib.routable_page.models import RoutablePageMixin, path

from jingjian.core import visibility
from jingjian.core.public_address import public_url

MAX_VALUES_PER_FILTER = 30
MAX_VALUE_LENGTH = 100
# The earliest year a listing or search offers: nothing on this platform is handled or
# published before the People's Republic, and a bound keeps a typo (0202) out of the facets.
FIRST_YEAR = 1949


def allowed_years(today=None):
    """The years readers may filter by, newest first: ``FIRST_YEAR`` to ``today``'s year.

    Asked at each request (never at import, or a process started in December would refuse
    January's year); listings, search filters and search facets all use it, so a year shown as
    a facet is always a filter that works."""
    today = today or datetime.date.today()
    return list(range(today.year, FIRST_YEAR - 1, -1))


def year_choices(today=None):
    """``allowed_years`` as form choices (``"2024"``, ``"2024年"``)."""
    return [(str(year), f"{year}年") for year in allowed_years(today)]


def year_filter_choices():
    """The year field's choices, "不限" first; a callable, so the form asks at each request."""
    return [("", "不限")] + year_choices()


class LenientSlugMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Chooses taxonomy terms by slug; unknown, overlong or excessive values are dropped."""

    def __init__(self, queryset, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("to_field_name", "slug")
        kwargs.setdefault("widget", forms.CheckboxSelectMultiple)
        super().__init__(queryset, **kwargs)
        self.ignored = []

    def clean(self, value):
        values = [v for v in (value or []) if isinstance(v, str)][:MAX_VALUES_PER_FILTER]
        too_long = [v for v in values if len(v) > MAX_VALUE_LENGTH]
        values = [v for v in values if len(v) <= MAX_VALUE_LENGTH]
        known = set(self.queryset.filter(slug__in=values).values_list("slug", flat=True))
        self.ignored = [v for v in values if v not in known] + [v[:20] + "…" for v in too_long]
        return super().clean([v for v in values if v in known])


class LenientChoiceField(forms.ChoiceField):
    """A single choice whose bad values are dropped rather than reported as errors."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.ignored = []

    def clean(self, value):
        self.ignored = []
        if value in (None, ""):
            return ""
        if not isinstance(value, str) or not self.valid_value(value):
            self.ignored = [str(value)[:20]]
            return ""
        return value


class LenientMultipleChoiceField(forms.MultipleChoiceField):
    """Several fixed choices (e.g. TextChoices); bad values are dropped rather than reported."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.ignored = []

    def clean(self, value):
        values = [v for v in (value or []) if isinstance(v, str)][:MAX_VALUES_PER_FILTER]
        self.ignored = [v[:20] for v in values if not self.valid_value(v)]
        return [v for v in values if self.valid_value(v)]


class FilterForm(forms.Form):
    """Base form: every field is optional and lenient; ``ignored_values`` lists what was dropped."""

    def ignored_values(self):
        if not self.is_bound:
            return []
        self.is_valid()
        ignored = []
        for field in self.fields.values():
            ignored.extend(getattr(field, "ignored", []))
        return ignored

    def active_filters(self):
        if not self.is_bound or not self.is_valid():
            return {}
        return {name: value for name, value in self.cleaned_data.items() if value}


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
    """Mixin for index pages. Subclasses set ``filter_form_class`` and override
    ``get_listing_queryset()`` and ``apply_filters(queryset, cleaned_data)``."""

    filter_form_class = FilterForm
    paginate_by = 12
    feed_size = 30

    def get_listing_queryset(self):
        return self.get_children().live().specific()

    def apply_filters(self, queryset, cleaned_data):
        return queryset

    def get_filter_form(self, request):
        return self.filter_form_class(request.GET or None)

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
        paginator = Paginator(queryset, self.paginate_by)
        page_obj = paginator.get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        context = {
            "filter_form": form,
            "page_obj": page_obj,
            "items": page_obj.object_list,
            "result_count": paginator.count,
            "is_filtered": bool(form.active_filters()),
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
