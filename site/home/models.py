"""The home page: featured exemplars, latest cases and headline counts."""

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page

from jingjian.core import statistics, visibility
from jingjian.core.admin_access import AccessControlledPage


class HomePage(AccessControlledPage, Page):
    introduction = models.TextField(
        "导语", blank=True, default="以案为鉴、见贤思齐。学习先进典型,警示身边案例。"
    )

    content_panels = Page.content_panels + [FieldPanel("introduction")]
    subpage_types = ["exemplars.ExemplarIndexPage", "casestudies.CaseIndexPage"]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = "首页"

    def get_context(self, request, *args, **kwargs):
        from casestudies.models import CaseIndexPage, CaseStudyPage
        from exemplars.models import ExemplarIndexPage, ExemplarPage

        context = super().get_context(request, *args, **kwargs)
        user = request.user
        exemplars = visibility.visible_pages(
            ExemplarPage.objects.live().descendant_of(self), user
        ).select_related("category", "portrait")
        featured = list(exemplars.filter(featured=True).order_by("-date")[:4])
        if len(featured) < 4:
            seen = [p.pk for p in featured]
            featured += list(exemplars.exclude(pk__in=seen).order_by("-date")[: 4 - len(featured)])
        cases = visibility.visible_pages(CaseStudyPage.objects.live().descendant_of(self), user)
        context.update(
            featured_exemplars=featured,
            latest_cases=list(
                cases.select_related("work_area").order_by("-date_handled", "-pk")[:6]
            ),
            counts=statistics.headline_counts(cases, exemplars),
            exemplar_index=ExemplarIndexPage.objects.live().descendant_of(self).first(),
            case_index=CaseIndexPage.objects.live().descendant_of(self).first(),
        )
        return context
