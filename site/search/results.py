"""The search page's filters and facet groups, from the content types' declarations.

The type filter offers every registered content type; every other filter is a facet some type
declares (``jingjian.core.facets``). Facets of the same name from several types make one group:
its values are the union of theirs, and a value chosen there matches the pages of each type
that declares it. Both engines count into the same ``Counter``s and hand them to
``facet_groups``, so the groups, their order and their labels never differ between engines.
"""

from collections import Counter
from dataclasses import dataclass, field

from jingjian.core import content_types

TYPE = "type"
TYPE_LABEL = "类型"


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass
class Outcome:
    query: str
    terms: list
    total: int
    results: list
    facets: dict = field(default_factory=dict)
    suggestions: list = field(default_factory=list)
    engine: str = "database"
    # How many of the first results the facet counts were taken over, when fewer than all
    # (the database engine's ``FACET_SAMPLE``); 0: over every result.
    facets_over: int = 0
    # Said to the reader when the results are not the engine's (``reader.FALLBACK_NOTICE``).
    notice: str = ""


@dataclass(frozen=True)
class SearchFacet:
    """One filter of the search page: a name and every (content type, facet) declaring it."""

    name: str
    declarations: tuple  # ((ContentType, Facet), ...)

    @property
    def first(self):
        return self.declarations[0][1]

    @property
    def label(self):
        return self.first.heading

    @property
    def multiple(self):
        return self.first.multiple

    @property
    def shown(self):
        return any(facet.shown for _type, facet in self.declarations)

    def labels(self):
        labels = {}
        for choices in dict.fromkeys(facet.choices for _type, facet in self.declarations):
            for value, label in choices():
                labels.setdefault(value, label)
        return labels


def search_facets():
    """Every facet name of the registered types, as ``SearchFacet``s in search-page order."""
    by_name = {}
    for content_type in content_types.registered():
        for facet in content_type.facets:
            by_name.setdefault(facet.name, []).append((content_type, facet))
    facets = [SearchFacet(name, tuple(found)) for name, found in by_name.items()]
    return sorted(facets, key=lambda f: min(facet.position for _t, facet in f.declarations))


def type_labels():
    return {t.name: t.label for t in content_types.registered()}


def clean_filters(params):
    """{name: [values]} of the known filter values in a query dict; unknown names and values
    are dropped."""
    getlist = getattr(params, "getlist", None)
    if getlist is None:
        return {}
    data = {}
    types = type_labels()
    chosen = [t for t in dict.fromkeys(getlist(TYPE)) if t in types]
    if chosen:
        data[TYPE] = chosen
    for search_facet in search_facets():
        given = getlist(search_facet.name)
        if not given:  # the labels may cost a query: asked only for a filter that was given
            continue
        values, _ignored = search_facet.first.clean(given, search_facet.labels())
        if values:
            data[search_facet.name] = values
    return data


def facet_groups(counts, filters):
    """{name: [FacetValue]}: the type group and each shown facet, from ``counts`` {name:
    Counter} (an engine's counts over the matched pages), values in their facet's order."""
    groups = {}
    types = type_labels()
    type_counts = counts.get(TYPE, Counter())
    groups[TYPE] = [
        FacetValue(name, label, type_counts[name], name in filters.get(TYPE, []))
        for name, label in sorted(types.items(), key=lambda item: -type_counts[item[0]])
        if type_counts[name]
    ]
    for search_facet in search_facets():
        if not search_facet.shown:
            continue
        chosen = set(filters.get(search_facet.name, []))
        ordered = search_facet.first.ordered(
            counts.get(search_facet.name, Counter()), search_facet.labels()
        )
        groups[search_facet.name] = [
            FacetValue(value, label, count, value in chosen) for value, label, count in ordered
        ]
    return groups


def group_headings():
    """(name, heading, several values at once) of the search page's groups, in order."""
    shown = [(f.name, f.label, f.multiple) for f in search_facets() if f.shown]
    return [(TYPE, TYPE_LABEL, True), *shown]
