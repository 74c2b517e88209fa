"""The home page: the introduction, the search box, and each content type's section and figures."""

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page

from jingjian.core import content_types
from jingjian.core.admin_access import AccessControlledPage


class HomePage(AccessControlledPage, Page):
    introduction = models.TextField(
        "导语", blank=True, default="以案为鉴、见贤思齐。学习先进典型，警示身边案例。"
    )

    content_panels = Page.content_panels + [FieldPanel("introduction")]
    subpage_types = ["exemplars.ExemplarIndexPage", "casestudies.CaseIndexPage"]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = "首页"

    def get_context(self, request, *args, **kwargs):
        """Each content type's section (``content_types.home_sections``: the pages come from the
        visibility module) and the headline figures they give, in their order."""
        context = super().get_context(request, *args, **kwargs)
        sections = content_types.home_sections(self, request.user)
        count_items = sorted(
            (count for section in sections for count in section.counts),
            key=lambda count: count.position,
        )
        for section in sections:
            context.update(section.context)
        context.update(
            home_sections=sections,
            count_items=count_items,
            counts={count.key: count.value for count in count_items},
        )
        return context
