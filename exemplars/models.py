"""先进典型: exemplar profiles and the index that lists them."""

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from rest_framework import serializers
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.api import APIField
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from jingjian.core.admin_access import AccessControlledPage
from jingjian.core.blocks import StoryBlock
from jingjian.core.filterable import FilterableListMixin
from jingjian.core.models import Taxonomy, WorkArea
from jingjian.core.validators import SUMMARY_MAX_LENGTH, validate_summary_length
from jingjian.syndication.pages import SyndicatedPageForm, SyndicatedPageMixin


class Gender(models.TextChoices):
    MALE = "male", "男"
    FEMALE = "female", "女"


class PoliticalStatus(models.TextChoices):
    PARTY_MEMBER = "party_member", "中共党员"
    PROBATIONARY_MEMBER = "probationary_member", "中共预备党员"
    LEAGUE_MEMBER = "league_member", "共青团员"
    DEMOCRATIC_PARTY = "democratic_party", "民主党派成员"
    MASSES = "masses", "群众"


class ExemplarCategory(Taxonomy):
    """先进典型类别 (担当作为, 敬业奉献, …)."""

    class Meta(Taxonomy.Meta):
        verbose_name = "典型类别"
        verbose_name_plural = "典型类别"


# How the name of a place or a body ends: where a post may start again with what its unit names
# further in (鉴湖区白沙镇人民政府 + 白沙镇应急管理办公室副主任).
PLACE_ENDINGS = ("省", "市", "区", "县", "镇", "乡", "村", "街道", "社区", "局", "所", "院", "中心")


def join_unit_and_post(unit, post):
    """“单位+职务” without repeating what both say: 上坝村党支部 + 上坝村党支部书记 is
    上坝村党支部书记, 鉴湖区白沙镇人民政府 + 白沙镇应急管理办公室副主任 is
    鉴湖区白沙镇应急管理办公室副主任."""
    unit, post = (unit or "").strip(), (post or "").strip()
    if not unit or unit in post:
        return post or unit
    for size in range(min(len(unit), len(post)), 1, -1):
        if unit.endswith(post[:size]):
            return unit + post[size:]
    # The post opens with a place the unit names (three characters at least, ending as a place
    # name does, so that 农业农村局 + 农村工作科科长 stays whole): the unit up to it, then the post.
    for size in range(min(len(unit), len(post)), 2, -1):
        head = post[:size]
        if head.endswith(PLACE_ENDINGS) and head in unit:
            return unit[: unit.rfind(head)] + post
    return unit + post


class ExemplarIndexPage(AccessControlledPage, FilterableListMixin, Page):
    """先进典型 index: filtered by the facets of ``exemplars.search``, with an RSS feed."""

    introduction = models.TextField("导语", blank=True)

    content_panels = Page.content_panels + [FieldPanel("introduction")]
    subpage_types = ["exemplars.ExemplarPage"]
    parent_page_types = ["home.HomePage"]
    max_count = 1

    class Meta:
        verbose_name = "先进典型栏目"

    def get_listing_queryset(self):
        return (
            ExemplarPage.objects.child_of(self)
            .live()
            .defer(*LISTING_DEFERRED)
            .select_related("category", "portrait__collection")
            .order_by("-date", "-pk")
        )


# What no list of exemplars shows: the long texts, read only on the profile itself.
LISTING_DEFERRED = ("deeds", "citation")


class ExemplarPage(SyndicatedPageMixin):
    """One exemplary official's profile."""

    # Fetched with the page when its kept route serves it (``core.routing``).
    serve_select_related = ("category", "portrait")

    date = models.DateField("发布日期")
    name = models.CharField("姓名", max_length=40)
    gender = models.CharField("性别", max_length=10, choices=Gender.choices)
    ethnicity = models.CharField("民族", max_length=20, default="汉族")
    birth_year = models.PositiveSmallIntegerField(
        "出生年份", validators=[MinValueValidator(1900), MaxValueValidator(2020)]
    )
    birth_month = models.PositiveSmallIntegerField(
        "出生月份", null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    political_status = models.CharField(
        "政治面貌", max_length=30, choices=PoliticalStatus.choices, blank=True
    )
    unit = models.CharField("工作单位", max_length=120)
    post = models.CharField("职务", max_length=120)
    posthumous = models.BooleanField("已故", default=False, help_text="勾选后身份写作“生前系……”。")
    category = models.ForeignKey(
        ExemplarCategory,
        verbose_name="类别",
        on_delete=models.PROTECT,
        related_name="exemplars",
    )
    portrait = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name="照片",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    summary = models.TextField(
        "一句话简介",
        max_length=SUMMARY_MAX_LENGTH,
        validators=[validate_summary_length],
        help_text=f"最多 {SUMMARY_MAX_LENGTH} 个字，用于列表、搜索结果和分发摘要。",
    )
    deeds = StreamField(StoryBlock(), verbose_name="先进事迹", blank=True)
    citation = models.TextField("颁奖词", blank=True)
    work_areas = ParentalManyToManyField(
        WorkArea, verbose_name="重点工作", blank=True, related_name="exemplars"
    )
    featured = models.BooleanField("首页推荐", default=False)

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("name"), FieldPanel("gender"), FieldPanel("ethnicity")]),
                FieldRowPanel(
                    [
                        FieldPanel("birth_year"),
                        FieldPanel("birth_month"),
                        FieldPanel("political_status"),
                    ]
                ),
                FieldRowPanel([FieldPanel("unit"), FieldPanel("post")]),
                FieldPanel("posthumous"),
            ],
            heading="基本信息",
        ),
        FieldPanel("portrait"),
        FieldRowPanel([FieldPanel("category"), FieldPanel("date"), FieldPanel("featured")]),
        FieldPanel("work_areas", widget=forms.CheckboxSelectMultiple),
        FieldPanel("deeds"),
        FieldPanel("citation"),
        InlinePanel("honours", label="荣誉", heading="所获荣誉"),
    ]

    base_form_class = SyndicatedPageForm
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading="内容"),
            ObjectList(Page.promote_panels, heading="推广"),
            ObjectList(SyndicatedPageMixin.syndication_panels, heading="发布渠道"),
            ObjectList(Page.settings_panels, heading="设置", classname="settings"),
        ]
    )

    search_fields = Page.search_fields + [
        index.SearchField("name", boost=3),
        index.SearchField("summary", boost=2),
        index.SearchField("unit"),
        index.SearchField("post"),
        index.SearchField("deeds"),
        index.SearchField("citation"),
        index.FilterField("date"),
        index.FilterField("category"),
        index.RelatedFields("category", [index.SearchField("name")]),
        index.RelatedFields("work_areas", [index.SearchField("name")]),
    ]

    api_fields = [
        APIField("date"),
        APIField("name"),
        APIField("gender"),
        APIField("ethnicity"),
        APIField("birth_year"),
        APIField("birth_month"),
        APIField("political_status"),
        APIField("unit"),
        APIField("post"),
        APIField("posthumous"),
        APIField("category", serializer=serializers.StringRelatedField()),
        APIField("summary"),
        APIField("portrait"),
        APIField("deeds"),
        APIField("citation"),
        APIField("honours"),
        APIField("work_areas", serializer=serializers.StringRelatedField(many=True)),
    ]

    parent_page_types = ["exemplars.ExemplarIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = "先进典型"
        verbose_name_plural = "先进典型"
        # The listing's and the home page's order, walked in index order.
        indexes = [
            models.Index(
                models.F("date").desc(), models.F("page_ptr").desc(), name="exemplar_date_desc"
            )
        ]

    def unit_and_post(self):
        """单位和职务, each said once (“鉴湖区临江镇江湾村党总支书记”)."""
        return join_unit_and_post(self.unit, self.post)

    def identity_line(self):
        """The one-line identity of a profile release: 姓名,性别,民族,党派,出生年月,单位职务."""
        parts = [self.name, self.get_gender_display(), self.ethnicity]
        if self.political_status:
            parts.append(self.get_political_status_display())
        born = (
            f"{self.birth_year}年{self.birth_month}月生"
            if self.birth_month
            else f"{self.birth_year}年生"
        )
        parts.append(born)
        role = self.unit_and_post()
        parts.append(f"生前系{role}" if self.posthumous else f"现任{role}")
        return "，".join(parts)


class Honour(Orderable):
    page = ParentalKey(ExemplarPage, related_name="honours", on_delete=models.CASCADE)
    title = models.CharField("荣誉称号", max_length=120)
    awarding_body = models.CharField("授予单位", max_length=120, blank=True)
    year = models.PositiveSmallIntegerField(
        "年份", validators=[MinValueValidator(1949), MaxValueValidator(2100)]
    )

    panels = [FieldPanel("title"), FieldPanel("awarding_body"), FieldPanel("year")]
    api_fields = [APIField("title"), APIField("awarding_body"), APIField("year")]

    class Meta(Orderable.Meta):
        verbose_name = "荣誉"
        verbose_name_plural = "荣誉"

    def __str__(self):
        return f"{self.year}年 {self.title}"
