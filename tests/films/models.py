"""警示片: a page type the site-wide code has never heard of."""

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from jingjian.core.admin_access import AccessControlledPage
from jingjian.core.blocks import StoryBlock
from jingjian.core.filterable import FilterableListMixin
from jingjian.syndication.pages import SyndicatedPageForm, SyndicatedPageMixin


class FilmKind(models.TextChoices):
    FEATURE = "feature", "专题片"
    MICRO = "micro", "微视频"


class FilmIndexPage(AccessControlledPage, FilterableListMixin, Page):
    introduction = models.TextField("导语", blank=True)

    subpage_types = ["films.FilmPage"]
    parent_page_types = ["home.HomePage"]

    class Meta:
        verbose_name = "警示片栏目"

    def get_listing_queryset(self):
        return FilmPage.objects.child_of(self).live().order_by("-date", "-pk")


class FilmPage(SyndicatedPageMixin):
    date = models.DateField("摄制日期")
    kind = models.CharField("片种", max_length=20, choices=FilmKind.choices)
    producer = models.CharField("摄制单位", max_length=60, blank=True)
    summary = models.TextField("内容简介")
    body = StreamField(StoryBlock(), verbose_name="解说词", blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("date"),
        FieldPanel("kind"),
        FieldPanel("producer"),
        FieldPanel("summary"),
        FieldPanel("body"),
    ]
    base_form_class = SyndicatedPageForm
    search_fields = Page.search_fields + [
        index.SearchField("summary", boost=2),
        index.SearchField("body"),
        index.SearchField("producer"),
    ]
    parent_page_types = ["films.FilmIndexPage"]

    class Meta:
        verbose_name = "警示片"
