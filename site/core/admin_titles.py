"""The admin's page titles in Chinese typography.

Wagtail's views build a title and its subtitle into one heading and ``<title>`` in code, not in
a message a catalogue could translate: ``f"{title}: {subtitle}"`` (“正在编辑: 周立军照片”).
GB/T 15834 wants the full-width colon beside Chinese, with no space: “正在编辑：周立军照片”.
``header_title`` replaces ``WagtailAdminTemplateMixin.get_header_title`` (``CoreConfig.ready``);
a language other than Chinese keeps Wagtail's form.
"""

from django.utils import translation


def header_title(view):
    title = view.get_page_title()
    subtitle = view.get_page_subtitle()
    if not subtitle:
        return title
    if (translation.get_language() or "").startswith("zh"):
        return f"{title}：{subtitle}"
    return f"{title}: {subtitle}"


def install():
    # Here, not at the top: Wagtail's admin views import its models, which cannot be loaded
    # before the app registry is ready.
    from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

    WagtailAdminTemplateMixin.get_header_title = header_title
