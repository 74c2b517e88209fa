"""警示案例: anonymized case studies, their index and the staff-editable taxonomies."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from rest_framework import serializers
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from casestudies.choices import (
    Accountability,
    AdministrativeSanction,
    CaseSource,
    DisciplineForm,
    PartySanction,
)
from jingjian.core.blocks import StoryBlock
from jingjian.core.filterable import (
    FilterableListMixin,
    FilterForm,
    LenientChoiceField,
    LenientMultipleChoiceField,
    LenientSlugMultipleChoiceField,
)
from jingjian.core.models import Taxonomy, WorkArea
from jingjian.core.validators import SUMMARY_MAX_LENGTH, validate_summary_length

FIRST_YEAR = 2015


class ProblemType(Taxonomy):
    """问题类型 (庸懒散浮拖, 推诿扯皮, …)."""

    class Meta(Taxonomy.Meta):
        verbose_name = "问题类型"
        verbose_name_plural = "问题类型"


class UnitType(Taxonomy):
    """单位类型 (区直部门, 镇街, …)."""

    class Meta(Taxonomy.Meta):
        verbose_name = "单位类型"
        verbose_name_plural = "单位类型"


class GovernancePriority(Taxonomy):
    """治理重点."""

    class Meta(Taxonomy.Meta):
        verbose_name = "治理重点"
        verbose_name_plural = "治理重点"


def sanction_choices():
    party = [(f"party:{v}", f"党纪处分·{label}") for v, label in PartySanction.choices]
    admin = [(f"admin:{v}", f"政务处分·{label}") for v, label in AdministrativeSanction.choices]
    other = [("detained", "留置"), ("referred", "移送司法机关")]
    return party + admin + other


def year_choices():
    this_year = datetime.date.today().year
    return [(str(y), f"{y}年") for y in range(this_year, FIRST_YEAR - 1, -1)]


class CaseFilterForm(FilterForm):
    problem_type = LenientSlugMultipleChoiceField(ProblemType.objects.all(), label="问题类型")
    source = LenientMultipleChoiceField(choices=CaseSource.choices, label="线索来源")
    work_area = LenientSlugMultipleChoiceField(WorkArea.objects.all(), label="重点工作")
    sanction = LenientChoiceField(choices=[("", "不限")] + sanction_choices(), label="处理结果")
    discipline_form = LenientChoiceField(
        choices=[("", "不限")] + [(str(v), label) for v, label in DisciplineForm.choices],
        label="四种形态",
    )
    year = LenientChoiceField(choices=[("", "不限")] + year_choices(), label="处理年份")


class CaseIndexPage(FilterableListMixin, Page):
    """警示案例 index: filters by problem type, source, work area, sanction, form and year."""

    introduction = models.TextField("导语", blank=True)

    content_panels = Page.content_panels + [FieldPanel("introduction")]
    subpage_types = ["casestudies.CaseStudyPage"]
    parent_page_types = ["home.HomePage"]
    max_count = 1
    filter_form_class = CaseFilterForm

    class Meta:
        verbose_name = "警示案例栏目"

    def get_listing_queryset(self):
        return (
            CaseStudyPage.objects.child_of(self)
            .live()
            .select_related("unit_type", "work_area")
            .prefetch_related("problem_types")
            .order_by("-date_handled", "-pk")
        )

    def apply_filters(self, queryset, data):
        if data.get("problem_type"):
            queryset = queryset.filter(problem_types__in=data["problem_type"])
        if data.get("source"):
            queryset = queryset.filter(source__in=data["source"])
        if data.get("work_area"):
            queryset = queryset.filter(work_area__in=data["work_area"])
        sanction = data.get("sanction", "")
        if sanction.startswith("party:"):
            queryset = queryset.filter(handlings__party_sanction=sanction.split(":", 1)[1])
        elif sanction.startswith("admin:"):
            queryset = queryset.filter(handlings__administrative_sanction=sanction.split(":", 1)[1])
        elif sanction == "detained":
            queryset = queryset.filter(handlings__detained=True)
        elif sanction == "referred":
            queryset = queryset.filter(handlings__referred=True)
        if data.get("discipline_form"):
            queryset = queryset.filter(handlings__discipline_form=int(data["discipline_form"]))
        if data.get("year"):
            queryset = queryset.filter(date_handled__year=int(data["year"]))
        # Joins through M2M and handlings can repeat a page.
        return queryset.distinct()


class CaseStudyPage(Page):
    """One anonymized warning case (典型案例)."""

    subject = models.CharField(
        "当事人(脱敏)",
        max_length=200,
        help_text="脱敏后的身份描述,如“鉴湖区某局原副局长王某”。不得出现真实姓名。",
    )
    summary = models.TextField(
        "一句话简介",
        max_length=SUMMARY_MAX_LENGTH,
        validators=[validate_summary_length],
        help_text=f"最多 {SUMMARY_MAX_LENGTH} 个字。",
    )
    unit_type = models.ForeignKey(
        UnitType, verbose_name="单位类型", on_delete=models.PROTECT, related_name="cases"
    )
    problem_types = ParentalManyToManyField(
        ProblemType, verbose_name="问题类型", blank=True, related_name="cases"
    )
    governance_priority = models.ForeignKey(
        GovernancePriority,
        verbose_name="治理重点",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
    )
    work_area = models.ForeignKey(
        WorkArea,
        verbose_name="重点工作",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
    )
    source = models.CharField("线索来源", max_length=30, choices=CaseSource.choices)
    period_start = models.DateField("问题发生起始", null=True, blank=True)
    period_end = models.DateField("问题发生截止", null=True, blank=True)
    date_handled = models.DateField("处理日期")
    facts = StreamField(StoryBlock(), verbose_name="基本案情", blank=True)
    lessons = models.TextField("以案说法", blank=True)
    named_in_bulletin = models.BooleanField("已公开通报", default=False)

    content_panels = Page.content_panels + [
        FieldPanel("subject"),
        FieldPanel("summary"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("unit_type"), FieldPanel("source")]),
                FieldRowPanel([FieldPanel("work_area"), FieldPanel("governance_priority")]),
                FieldPanel("problem_types", widget=forms.CheckboxSelectMultiple),
            ],
            heading="分类",
        ),
        FieldRowPanel(
            [FieldPanel("period_start"), FieldPanel("period_end"), FieldPanel("date_handled")],
            heading="时间",
        ),
        FieldPanel("facts"),
        InlinePanel("handlings", label="处理情况", heading="处理情况(每人一条)"),
        FieldPanel("lessons"),
        FieldPanel("named_in_bulletin"),
    ]

    search_fields = Page.search_fields + [
        index.SearchField("subject", boost=2),
        index.SearchField("summary", boost=2),
        index.SearchField("facts"),
        index.SearchField("lessons"),
        index.FilterField("source"),
        index.FilterField("date_handled"),
        index.FilterField("work_area"),
        index.FilterField("unit_type"),
        index.RelatedFields("problem_types", [index.SearchField("name")]),
        index.RelatedFields("work_area", [index.SearchField("name")]),
    ]

    api_fields = [
        APIField("subject"),
        APIField("summary"),
        APIField("unit_type", serializer=serializers.StringRelatedField()),
        APIField("problem_types", serializer=serializers.StringRelatedField(many=True)),
        APIField("governance_priority", serializer=serializers.StringRelatedField()),
        APIField("work_area", serializer=serializers.StringRelatedField()),
        APIField("source"),
        APIField("period_start"),
        APIField("period_end"),
        APIField("date_handled"),
        APIField("facts"),
        APIField("handlings"),
        APIField("lessons"),
        APIField("named_in_bulletin"),
    ]

    parent_page_types = ["casestudies.CaseIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = "警示案例"
        verbose_name_plural = "警示案例"

    def clean(self):
        super().clean()
        if self.period_start and self.period_end and self.period_start > self.period_end:
            raise ValidationError({"period_end": "截止时间不能早于起始时间,请检查后重新填写。"})
        if self.period_end and self.date_handled and self.period_end > self.date_handled:
            raise ValidationError({"date_handled": "处理日期不能早于问题发生的截止时间。"})

    def period_display(self):
        if not self.period_start:
            return ""
        start = f"{self.period_start.year}年{self.period_start.month}月"
        if not self.period_end or self.period_end == self.period_start:
            return start
        return f"{start}至{self.period_end.year}年{self.period_end.month}月"


class Handling(Orderable):
    """How one person in a case was dealt with (处理情况)."""

    page = ParentalKey(CaseStudyPage, related_name="handlings", on_delete=models.CASCADE)
    pseudonym = models.CharField("化名", max_length=20, help_text="如“王某”,不得填写真实姓名。")
    post = models.CharField("职务", max_length=120, blank=True)
    discipline_form = models.PositiveSmallIntegerField("四种形态", choices=DisciplineForm.choices)
    party_sanction = models.CharField(
        "党纪处分", max_length=30, choices=PartySanction.choices, blank=True
    )
    administrative_sanction = models.CharField(
        "政务处分", max_length=30, choices=AdministrativeSanction.choices, blank=True
    )
    accountability = models.CharField(
        "问责方式", max_length=30, choices=Accountability.choices, blank=True
    )
    detained = models.BooleanField("留置", default=False)
    referred = models.BooleanField("移送司法机关", default=False)

    panels = [
        FieldRowPanel([FieldPanel("pseudonym"), FieldPanel("post")]),
        FieldRowPanel(
            [
                FieldPanel("discipline_form"),
                FieldPanel("party_sanction"),
                FieldPanel("administrative_sanction"),
                FieldPanel("accountability"),
            ]
        ),
        FieldRowPanel([FieldPanel("detained"), FieldPanel("referred")]),
    ]
    api_fields = [
        APIField("pseudonym"),
        APIField("post"),
        APIField("discipline_form"),
        APIField("party_sanction"),
        APIField("administrative_sanction"),
        APIField("accountability"),
        APIField("detained"),
        APIField("referred"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = "处理情况"
        verbose_name_plural = "处理情况"

    def __str__(self):
        return f"{self.pseudonym} {self.outcome()}"

    def outcome(self):
        """The outcome as a bulletin would word it, e.g. “党内严重警告、政务记过处分”."""
        parts = []
        if self.party_sanction:
            parts.append(f"党纪{self.get_party_sanction_display()}")
        if self.administrative_sanction:
            parts.append(f"政务{self.get_administrative_sanction_display()}")
        text = "、".join(parts) + "处分" if parts else ""
        extra = []
        if self.accountability:
            extra.append(self.get_accountability_display())
        if self.detained:
            extra.append("留置")
        if self.referred:
            extra.append("移送司法机关")
        return ";".join(p for p in [text, "、".join(extra)] if p)
