from django import template
from django.conf import settings

from jingjian.core import visibility

register = template.Library()


@register.simple_tag
def wagtail_site_name():
    """The site's name (镜鉴), whatever a view put in its templates' ``site_name``."""
    return settings.WAGTAIL_SITE_NAME


@register.simple_tag
def visibility_label(page):
    """The Chinese visibility label of a page (公开/内部/限定范围)."""
    return visibility.Visibility(visibility.visibility_of(page)).label


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
