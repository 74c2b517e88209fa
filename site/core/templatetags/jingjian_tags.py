from django import template
from django.conf import settings
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from jingjian.core import page_cache, visibility

register = template.Library()


@register.simple_tag(takes_context=True)
def reader_nav(context):
    """The header's login link, or the reader's name and logout form. In a page the cache
    shares between readers it is a marker, filled in for each reader as the page is served."""
    request = context.get("request")
    if request is not None and page_cache.defers_reader_nav(request):
        return mark_safe(page_cache.reader_marker())
    # As {% include %} would: the page's own context (its user, request and CSRF token).
    return context.template.engine.get_template("includes/reader_nav.html").render(context)


@register.simple_tag
def wagtail_site_name():
    """The site's name (镜鉴), whatever a view put in its templates' ``site_name``."""
    return settings.WAGTAIL_SITE_NAME


# The marks listings and search results put on what not everyone may read: (text, who may).
BADGES = {
    visibility.Visibility.INTRANET: ("内部", "内部资料：仅供登录的党员干部学习使用"),
    visibility.Visibility.RESTRICTED: ("限定", "限定范围：仅供指定人员阅读"),
}


def _restriction_roots(context):
    """The page restrictions, resolved once per request (``visibility.restriction_roots``
    shares one resolution among everything a GET request asks), so that a listing asks the
    same few queries whatever its length."""
    request = context.get("request")
    roots = getattr(request, "_jingjian_restriction_roots", None)
    if roots is None:
        roots = visibility.restriction_roots()
        if request is not None:
            request._jingjian_restriction_roots = roots
    return roots


@register.simple_tag(takes_context=True)
def visibility_label(context, page):
    """The Chinese visibility label of a page (公开/内部/限定范围)."""
    level = visibility.visibility_of(page, _restriction_roots(context))
    return visibility.Visibility(level).label


@register.simple_tag(takes_context=True)
def visibility_badge(context, page):
    """A 内部 or 限定 mark for a page in a listing or a search result; nothing for a public one
    (the level is the visibility module's, read off the request's one resolution)."""
    level = visibility.visibility_of(page, _restriction_roots(context))
    if level not in BADGES:
        return ""
    text, title = BADGES[level]
    return format_html('<span class="badge badge--{}" title="{}">{}</span>', level, title, text)


@register.simple_tag(takes_context=True)
def shown(context, media):
    """``media`` (an image or document) if the reader of this page may see it, else ``None``.

    A public page may use an image from a restricted collection; its file is refused to readers
    outside that collection's groups (``core.media``), so the page leaves it out for them rather
    than showing a broken picture with its title. Usage::

        {% shown page.portrait as portrait %}{% if portrait %}{% image portrait … %}{% endif %}
    """
    if media is None:
        return None
    request = context.get("request")
    user = getattr(request, "user", None)
    roots = getattr(request, "_jingjian_collection_roots", None)
    if roots is None:
        roots = visibility.collection_roots()
        if request is not None:
            request._jingjian_collection_roots = roots
    return media if visibility.can_see_media(media, user, roots) else None
