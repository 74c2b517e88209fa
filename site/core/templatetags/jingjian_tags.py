import html

from django import forms, template
from django.conf import settings
from django.utils.html import format_html
from django.utils.safestring import SafeData, mark_safe
from wagtail.admin.templatetags.wagtailuserbar import wagtailuserbar

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


@register.simple_tag(takes_context=True)
def userbar(context):
    """Wagtail's userbar, for those with admin access only: whether a logged-in reader has it
    comes from their reader card (``page_cache.has_admin_access``), so an uncached reader's
    page does not ask the two permission queries Wagtail's tag makes; for staff the tag asks
    again itself."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    if not user.is_superuser and not page_cache.has_admin_access(request, user):
        return ""
    return wagtailuserbar(context)


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


def _escaped(value):
    """``conditional_escape`` without its lazy-argument wrapper (the filters call it some 300
    times per listing): safe strings as they are, anything else escaped as Django escapes."""
    if isinstance(value, SafeData):
        return str(value)
    return html.escape(str(value))


def _attributes(attrs):
    """HTML attributes as Django's widget templates write them (``True`` alone, ``False`` and
    ``None`` left out)."""
    parts = []
    for name, value in attrs.items():
        if value is True:
            parts.append(" " + _escaped(name))
        elif value is not False and value is not None:
            parts.append(f' {_escaped(name)}="{_escaped(value)}"')
    return mark_safe("".join(parts))


def _widget_context(field):
    """What ``BoundField.as_widget`` gives the widget's template: its attributes and id."""
    widget = field.field.widget
    attrs = field.build_widget_attrs({})
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    return widget.get_context(field.html_name, field.value(), attrs)["widget"]


def _options(widget):
    for _group, options, _index in widget["optgroups"]:
        yield from options


@register.simple_tag
def filter_options(field, label_class="filters__option"):
    """A filter form's checkboxes (``CheckboxSelectMultiple``), each in its label, written here
    rather than through a template per option (a listing's filters hold some 40 of them, and the
    per-option templates were a third of a listing's time). Same markup as ``{{ option.tag }}``."""
    rows = []
    for option in _options(_widget_context(field)):
        attrs = {"type": option["type"], "name": option["name"]}
        if option["value"] is not None:
            attrs["value"] = option["value"]
        attrs.update(option["attrs"])
        rows.append(
            f'<label class="{_escaped(label_class)}"><input{_attributes(attrs)}> '
            f"{_escaped(option['label'])}</label>"
        )
    return mark_safe("\n".join(rows))


@register.simple_tag
def filter_select(field):
    """A filter form's ``<select>`` written without a template per option (see
    ``filter_options``); any other widget is rendered as Django renders it."""
    widget = field.field.widget
    if not isinstance(widget, forms.Select) or widget.allow_multiple_selected:
        return str(field)
    data = _widget_context(field)
    if any(group for group, _options, _index in data["optgroups"]):
        return str(field)
    attrs = {"name": data["name"], **data["attrs"]}
    options = [
        f'  <option value="{"" if option["value"] is None else _escaped(option["value"])}"'
        f"{' selected' if option['selected'] else ''}>{_escaped(option['label'])}</option>"
        for option in _options(data)
    ]
    return format_html(
        "<select{}>\n{}\n</select>", _attributes(attrs), mark_safe("\n".join(options))
    )
