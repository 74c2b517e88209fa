"""Facets: what a filter value means, declared once by the content type that has it.

A facet is a named filter readers use on a listing and on the search page (``problem_type``,
``year``). Its meaning is given once, as lookups on the type's page model (``Part``); every
place that filters, counts or indexes asks that one definition:

- ``Facet.q(values)``: the pages having any of ``values`` (the listing and the database search);
- ``Facet.values_by_page(queryset)``: the values each page holds (the Elasticsearch document);
- ``Facet.counts(queryset)``: how many pages hold each value (the database search's counts);
- ``Facet.clean(params)``: which values of a request are values the facet knows.

Different types may declare a facet of the same name (``work_area``, ``year``): the search page
shows one group for them, and a value chosen there matches the pages of every type declaring it.
"""

import datetime
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, reduce
from operator import or_

from django import forms
from django.db.models import Count, Q

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


@dataclass(frozen=True)
class Part:
    """One lookup on the page model and how its stored values read as facet values.

    ``Part("problem_types__slug")`` gives the slugs as they are; ``Part("handlings__party_sanction",
    prefix="party:")`` gives ``party:warning``; ``Part("handlings__detained", constant="detained")``
    gives ``detained`` where the stored value is true."""

    lookup: str
    prefix: str = ""
    constant: str = ""

    def encode(self, raw):
        """The facet value of a stored value, or ``None`` where it gives none (empty, false)."""
        if self.constant:
            return self.constant if raw is True else None
        if raw is None or raw == "":
            return None
        return f"{self.prefix}{raw}"

    def stored(self, values):
        """The stored values ``values`` stand for under this part (those it can give)."""
        if self.constant:
            return [True] if self.constant in values else []
        return [v[len(self.prefix) :] for v in values if v.startswith(self.prefix)]

    def q(self, values):
        stored = self.stored(values)
        if not stored:
            return None
        if self.constant:
            return Q(**{self.lookup: True})
        return Q(**{f"{self.lookup}__in": stored})


@dataclass(frozen=True)
class YearPart(Part):
    """A year of a date (``date_handled__year``), filtered as a range of the date: Django
    turns ``__year`` into ``BETWEEN`` its first and last day, which the date's index answers,
    where ``__year__in`` asks the database to extract the year of every row (on SQLite a Python
    function per row: 21 ms of a filtered listing at 10,000 cases)."""

    def q(self, values):
        years = [int(v) for v in self.stored(values) if v.isdigit()]
        if not years:
            return None
        return reduce(or_, (Q(**{self.lookup: year}) for year in years))


@dataclass(frozen=True)
class Facet:
    """A filter of one content type: its name (the query parameter and the search document's
    field), its label, its parts, and the values it offers with their labels."""

    name: str
    label: str
    parts: tuple
    # ``choices()``: [(value, label)], asked at each use (taxonomies change, years advance);
    # a value outside them is no filter and no facet.
    choices: Callable
    multiple: bool = True  # several values at once (any of them), or one
    # Offered as a group on the search page (a facet still filters there when not shown).
    shown: bool = True
    search_label: str = ""  # the search page's heading, when it differs from the listing's
    position: int = 0  # where the group stands on the search page (smaller first)
    # "count": most pages first, ties in ``choices`` order; "choices": in ``choices`` order.
    order: str = "count"
    # Its labels are offered on the search page when nothing matched and a label shares two
    # characters with the query (taxonomy names: 营商环境, 推诿扯皮).
    suggest: bool = False

    def __post_init__(self):
        if not self.parts:
            raise ValueError(f"筛选项 {self.name} 没有查询字段。")

    @classmethod
    def on(cls, name, label, lookup, choices, **options):
        """A facet of one plain lookup (``Facet.on("source", "线索来源", "source", …)``)."""
        return cls(name, label, (Part(lookup),), choices, **options)

    @property
    def heading(self):
        return self.search_label or self.label

    def labels(self):
        return dict(self.choices())

    def q(self, values):
        """A Q over the type's model: pages having any of ``values`` (none known: no page)."""
        clauses = [q for q in (part.q(values) for part in self.parts) if q is not None]
        return reduce(or_, clauses) if clauses else Q(pk__in=[])

    def values_by_page(self, queryset):
        """{pk: sorted values} for the pages of ``queryset`` (one query per part)."""
        found = {}
        for part in self.parts:
            for pk, raw in queryset.values_list("pk", part.lookup).order_by():
                value = part.encode(raw)
                if value is not None:
                    found.setdefault(pk, set()).add(value)
        return {pk: sorted(values) for pk, values in found.items()}

    def counts(self, queryset):
        """Counter {value: pages of ``queryset`` holding it} (one grouped query per part)."""
        counted = Counter()
        for part in self.parts:
            rows = (
                queryset.order_by()
                .values(part.lookup)
                .annotate(n=Count("pk", distinct=True))
                .values_list(part.lookup, "n")
            )
            for raw, n in rows:
                value = part.encode(raw)
                if value is not None:
                    counted[value] += n
        return counted

    def clean(self, values, labels=None):
        """(known values, ignored values) of what a request gave: strings the facet offers, at
        most ``MAX_VALUES_PER_FILTER``, one when the facet takes one."""
        labels = self.labels() if labels is None else labels
        given = [v for v in values if isinstance(v, str) and v][:MAX_VALUES_PER_FILTER]
        known = list(dict.fromkeys(v for v in given if v in labels))
        ignored = [v[:20] for v in given if v not in labels]
        if not self.multiple:
            known = known[:1]
        return known, ignored

    def form_field(self):
        """The listing form's field for the facet (bad values dropped, never an error)."""
        if self.multiple:
            return LenientMultipleChoiceField(choices=self.choices, label=self.label)
        return LenientChoiceField(
            choices=lambda: [("", "不限")] + list(self.choices()), label=self.label
        )

    def ordered(self, counter, labels=None):
        """(value, label, count) of the values in ``counter`` the facet offers, in its order."""
        labels = self.labels() if labels is None else labels
        position = {value: i for i, value in enumerate(labels)}
        values = [v for v in counter if v in labels and counter[v]]
        if self.order == "choices":
            values.sort(key=lambda v: position[v])
        else:
            values.sort(key=lambda v: (-counter[v], position[v]))
        return [(v, labels[v], counter[v]) for v in values]


def filter_form_class(facets, name="FilterForm"):
    """A ``FilterForm`` with one field per facet, in the given order."""
    fields = {facet.name: facet.form_field() for facet in facets}
    return type(name, (FilterForm,), fields)


def filter_queryset(queryset, facets, data):
    """``queryset`` (of the facets' page model) narrowed by the cleaned ``data`` {name: value(s)}:
    every facet with a value must match. Through ``pk__in`` subqueries, so joins never repeat a
    page and the queryset's own ordering and loading stay as they are."""
    model = queryset.model
    for facet in facets:
        chosen = data.get(facet.name)
        if not chosen:
            continue
        values = list(chosen) if isinstance(chosen, list | tuple) else [chosen]
        queryset = queryset.filter(pk__in=model.objects.filter(facet.q(values)).values("pk"))
    return queryset


@cache
def taxonomy_choices(model):
    """``choices`` for a taxonomy model: its terms' (slug, name), in the taxonomy's order (one
    function per model, so facets of several types over one taxonomy ask it once)."""

    def choices():
        return list(model.objects.values_list("slug", "name"))

    return choices


def year_facet(lookup, label="年份", **options):
    """The year a page belongs to (``date_handled__year``), offered as ``allowed_years`` allows."""
    options.setdefault("order", "choices")
    return Facet("year", label, (YearPart(lookup),), year_choices, multiple=False, **options)
