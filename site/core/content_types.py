"""Content types: what each page type gives the site-wide parts, declared by the app that owns it.

The site-wide code (index signals, ``update_index``, the channel feeds, delivery) iterates this
registry and imports no feature app. An app registers its page types in ``AppConfig.ready()``::

    content_types.register(ContentType("casestudies.CaseStudyPage", "case", "警示案例",
                                       withheld=publication.withheld))
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class ContentType:
    """One page type readers find, list, follow in feeds and receive on channels."""

    model: str  # "app_label.ModelName"
    name: str  # the value of search's type facet, e.g. "case"
    label: str  # what readers call it, e.g. "警示案例"
    # ``withheld(page, trust_revision=False)``: why this live page may not go out to readers
    # outside the intranet or to a channel right now (a Chinese reason), or "" when it may.
    withheld: Callable | None = None
    # Relations every feed entry reads (its category), loaded with the page.
    feed_related: tuple = field(default_factory=tuple)

    def page_model(self):
        return apps.get_model(self.model)


_registered: dict[str, ContentType] = {}


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


def unregister(model):
    """Remove a registration (for test apps that add a type for one test)."""
    _registered.pop(model, None)


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
