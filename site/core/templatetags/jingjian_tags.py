from django import template

from jingjian.core import visibility

register = template.Library()


@register.simple_tag
def visibility_label(page):
    """The Chinese visibility label of a page (公开/内部/限定范围)."""
    return visibility.Visibility(visibility.visibility_of(page)).label
