"""Content types: what each page type gives the site-wide parts, declared by the app that owns it.

The site-wide code (index signals, ``update_index``, the channel feeds, delivery, the home page,
the taxonomy menu) iterates this registry and imports no feature app. An app registers its page
types and its staff-edited taxonomies in ``AppConfig.ready()``::

    content_types.register(ContentType("casestudies.CaseStudyPage", "case", "警示案例",
                                       withheld=publication.withheld))
    content_types.register_taxonomy("casestudies.ProblemType", order=10)
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured

from jingjian.core import visibility


@dataclass(frozen=True)
class ContentType:
    """One page type readers find, list, follow in feeds and receive on channels."""

    model: str  # "app_label.ModelName"
    name: str  # the value of search's type facet, e.g. "case"
    label: str  # what readers call it, e.g. "警示案例"
    # ``withheld(page, trust_revision=False)``: why this live page may not go out to readers
    # outside the intranet or to a channel right now (a Chinese reason), or "" when it may.
    withheld: Callable | None = None
    # Relations every feed entry reads, loaded with the page: the first one a page has is the
    # entry's category (its ``name``).
    feed_related: tuple = field(default_factory=tuple)
    # ``home_section(pages, home_page)``: this type's part of the home page (a ``HomeSection``),
    # given the live pages of the type under the home page that the reader may see.
    home_section: Callable | None = None
    home_order: int = 0  # where the section stands on the home page (smaller first)
    # ``channel_reading(page, subheadline, media_roots)``: what the channels get of a page, as a
    # ``jingjian.syndication.renderers.Reading`` (body blocks, sections, portrait).
    channel_reading: Callable | None = None
    # ``importer(row)``: the type's values in one row of an import file, as a
    # ``jingjian.importing.writer.RowValues``; the pages go under the first ``index_model`` page.
    importer: Callable | None = None
    index_model: str = ""
    # Exceptions publishing may raise whose message (Chinese) is the reason a row is refused.
    import_refusals: tuple = ()
    # What readers filter the type by (``jingjian.core.facets.Facet``): its listing's form,
    # both search engines and the search documents ask these; ``listing_filters`` names those
    # its index page offers, in order (all of them when empty).
    facets: tuple = ()
    listing_filters: tuple = ()
    # What search reads of a page besides its title: ``summary_field`` (ranked after the title),
    # the StreamFields shown under the title (``body_streams``, the snippets' text) and lookups
    # searched but not shown (``searched``: "subject", "problem_types__name" …).
    summary_field: str = "summary"
    body_streams: tuple = ()
    searched: tuple = ()

    def page_model(self):
        return apps.get_model(self.model)

    def facet(self, name):
        """The type's facet called ``name``, or None."""
        return next((facet for facet in self.facets if facet.name == name), None)

    def listing_facets(self):
        """The facets its index page filters by, in the listing's order."""
        if not self.listing_filters:
            return self.facets
        return tuple(self.facet(name) for name in self.listing_filters)


@dataclass(frozen=True)
class HeadlineCount:
    """One figure in the home page's overview (“警示案例 12 起”)."""

    key: str  # the name in the template's ``counts`` dict, e.g. "cases"
    label: str
    value: int
    unit: str
    position: int = 0  # where it stands in the overview (smaller first)


@dataclass(frozen=True)
class HomeSection:
    """A content type's part of the home page: a template included with ``context`` (its keys
    are also put in the page's context), and the figures it adds to the overview."""

    template: str
    context: dict
    counts: tuple = ()


_registered: dict[str, ContentType] = {}
_taxonomies: dict[str, int] = {}


def register(content_type):
    """Add ``content_type``; registering the same declaration again (a second ``ready()``) is a
    no-op, a different one for the same model an error."""
    known = _registered.get(content_type.model)
    if known is not None and known != content_type:
        raise ImproperlyConfigured(f"{content_type.model} 已登记为另一种内容类型。")
    for other in _registered.values():
        if other.name == content_type.name and other.model != content_type.model:
            raise ImproperlyConfigured(f"内容类型名 {content_type.name} 已被 {other.model} 使用。")
    _registered[content_type.model] = content_type


def registered():
    """Every registered content type, in registration order."""
    return tuple(_registered.values())


def page_models():
    return tuple(content_type.page_model() for content_type in registered())


def of(page):
    """The content type of ``page`` (an instance or class, generic ``Page`` or specific), or None."""
    cls = page if isinstance(page, type) else (getattr(page, "specific_class", None) or type(page))
    for content_type in registered():
        if issubclass(cls, content_type.page_model()):
            return content_type
    return None


def withheld_reason(page, trust_revision=False):
    """Why ``page`` may not go out now, asked of its content type; "" when nothing holds it."""
    content_type = of(page)
    if content_type is None or content_type.withheld is None:
        return ""
    return content_type.withheld(page, trust_revision=trust_revision) or ""


def register_taxonomy(model, order=0):
    """Add a staff-edited taxonomy (``"app_label.ModelName"``) to the admin's 分类词表 menu."""
    _taxonomies[model] = order


def taxonomy_models():
    """The registered taxonomy models, in menu order."""
    ordered = sorted(_taxonomies.items(), key=lambda item: (item[1], item[0]))
    return tuple(apps.get_model(model) for model, _order in ordered)


def home_sections(home_page, user):
    """Each content type's home-page section for ``user``, in ``home_order``; the pages come from
    the visibility module, so a section never shows what the reader may not see."""
    sections = []
    for content_type in sorted(registered(), key=lambda t: t.home_order):
        if content_type.home_section is None:
            continue
        pages = visibility.visible_pages(
            content_type.page_model().objects.live().descendant_of(home_page), user
        )
        sections.append(content_type.home_section(pages, home_page))
    return sections
