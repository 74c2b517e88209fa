"""警示案例 pages: the index, the case study with its handlings, and the gate's verdict on a draft."""

import copy

from django import forms
from django.core.exceptions import ValidationError
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
from wagtail.log_actions import log
from wagtail.models import Orderable, Page
from wagtail.search import index

from casestudies.choices import (
    DETAINED,
    REFERRED,
    Accountability,
    AdministrativeSanction,
    CaseSource,
    DisciplineForm,
    PartySanction,
    sanction_labels,
)
from casestudies.gate import HANDING_OVER, PUBLISHING, AnonymizationGateError, message_for
from casestudies.lessons import REFUSAL as LESSONS_REFUSAL
from casestudies.lessons import holds_prompt
from casestudies.models.taxonomies import GovernancePriority, ProblemType, UnitType
from jingjian.core.admin_access import AccessControlledPage
from jingjian.core.blocks import StoryBlock
from jingjian.core.filterable import FilterableListMixin
from jingjian.core.models import WorkArea
from jingjian.core.validators import SUMMARY_MAX_LENGTH, validate_summary_length
from jingjian.syndication.pages import SyndicatedPageForm, SyndicatedPageMixin

# What no list of case studies shows: the long texts, read only on the case's own page.
LISTING_DEFERRED = ("facts", "lessons")


class CaseIndexPage(AccessControlledPage, FilterableListMixin, Page):
    """警示案例 index: filtered by the facets of ``casestudies.search``, with an RSS feed."""

    introduction = models.TextField("导语", blank=True)

    content_panels = Page.content_panels + [FieldPanel("introduction")]
    # 通报 lives here too: the case studies' workflow and 纪检监察's page permissions cover it.
    subpage_types = ["casestudies.CaseStudyPage", "casestudies.BulletinIndexPage"]
    parent_page_types = ["home.HomePage"]
    max_count = 1

    class Meta:
        verbose_name = "警示案例栏目"

    def get_listing_queryset(self):
        return (
            CaseStudyPage.objects.child_of(self)
            .live()
            .defer(*LISTING_DEFERRED)
            .select_related("work_area")
            .order_by("-date_handled", "-pk")
        )


GATED_FIELDS = ("title", "slug", "seo_title", "search_description", "subject", "summary")
GATED_FIELDS += ("facts", "lessons")


class CaseStudyPageForm(SyndicatedPageForm):
    """Runs the publication gate when the editor publishes or approves a workflow step."""

    def clean(self):
        cleaned_data = super().clean()
        guarded = self._publishing()
        if not guarded:
            return cleaned_data
        # Here, not at the top: casestudies.publication reads these models (cycle).
        from casestudies.publication import check_page

        if guarded == PUBLISHING and holds_prompt(cleaned_data.get("lessons")):
            self.add_error("lessons", LESSONS_REFUSAL)

        page = copy.copy(self.instance)
        # Its own child lists: a shallow copy shares the instance's in-memory relations
        # (modelcluster), and setting the copy's handlings below would replace the ones the
        # form saves with these partial, unsaved rows.
        page._cluster_related_objects = dict(getattr(self.instance, "_cluster_related_objects", {}))
        for name in GATED_FIELDS:
            if name in cleaned_data:
                setattr(page, name, cleaned_data[name])
        formset = self.formsets.get("handlings")
        if formset is not None and formset.is_valid():
            page.handlings = [
                Handling(
                    pseudonym=form.cleaned_data.get("pseudonym", ""),
                    post=form.cleaned_data.get("post", ""),
                )
                for form in formset.forms
                if form.cleaned_data and not form.cleaned_data.get("DELETE")
            ]
        problems = check_page(page)
        if problems:
            raise ValidationError(message_for(problems, self.for_user, refused=guarded))
        return cleaned_data

    def _publishing(self):
        """What this POST does that the gate guards, *if* the user may do it: ``PUBLISHING``
        (publishing, or approving into the final step), ``HANDING_OVER`` (approving into a step
        reviewed outside 纪检监察) or None. Anyone else's POST is not published by Wagtail anyway
        (it saves a draft), and must not be able to ask the gate about the case file."""
        # Here, not at the top: casestudies.publication reads these models (cycle).
        from casestudies.publication import approval_hands_over, approval_is_gated

        user = self.for_user
        if user is None:
            return None
        if "action-publish" in self.data:
            if self.instance.pk:
                allowed = self.instance.permissions_for_user(user).can_publish()
            else:
                parent = getattr(self, "parent_page", None)
                allowed = bool(parent) and parent.permissions_for_user(user).can_publish_subpage()
            return PUBLISHING if allowed else None
        action = self.data.get("workflow-action-name")
        if "action-workflow-action" not in self.data or action not in (
            "approve",
            "approve-with-comment",
        ):
            return None
        if not self.instance.pk:
            return None
        if approval_is_gated(self.instance):
            guarded = PUBLISHING
        elif approval_hands_over(self.instance):
            guarded = HANDING_OVER
        else:
            return None
        task = self.instance.current_workflow_task
        allowed = task is not None and action in [
            name for name, _label, _modal in task.get_actions(self.instance, user)
        ]
        return guarded if allowed else None


class CaseStudyPage(SyndicatedPageMixin):
    """One anonymized warning case (典型案例)."""

    # Fetched with the page when its kept route serves it (``core.routing``): the template
    # shows each of them.
    serve_select_related = ("unit_type", "work_area", "governance_priority")

    subject = models.CharField(
        "当事人（脱敏）",
        max_length=200,
        help_text="脱敏后的身份描述，如“鉴湖区某局原副局长王某”。不得出现真实姓名。",
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
    source_case_file = models.ForeignKey(
        "casestudies.CaseFile",
        verbose_name="来源案卷",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="case_studies",
        help_text="生成脱敏稿时记录；复制页面时随之复制，发布前按该案卷检查。",
    )

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
        InlinePanel("handlings", label="处理情况", heading="处理情况（每人一条）"),
        FieldPanel("lessons"),
        FieldPanel("named_in_bulletin"),
    ]

    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading="内容"),
            ObjectList(Page.promote_panels, heading="推广"),
            ObjectList(SyndicatedPageMixin.syndication_panels, heading="发布渠道"),
            ObjectList(Page.settings_panels, heading="设置", classname="settings"),
        ]
    )

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
    base_form_class = CaseStudyPageForm

    class Meta:
        verbose_name = "警示案例"
        verbose_name_plural = "警示案例"
        # The listing's, the home page's and the feed's order: walked in index order, a page of
        # results reads a dozen rows instead of sorting the archive.
        indexes = [
            models.Index(
                models.F("date_handled").desc(),
                models.F("page_ptr").desc(),
                name="casestudy_date_handled_desc",
            )
        ]

    def clean(self):
        super().clean()
        if self.period_start and self.period_end and self.period_start > self.period_end:
            raise ValidationError({"period_end": "截止时间不能早于起始时间，请检查后重新填写。"})
        if self.period_end and self.date_handled and self.period_end > self.date_handled:
            raise ValidationError({"date_handled": "处理日期不能早于问题发生的截止时间。"})

    def with_content_json(self, content):
        """A revision as a page, with the case file this page records in the database: a
        revision never changes which case file the gate checks (one saved before the study was
        linked, or naming another file, is checked against this page's own)."""
        page = super().with_content_json(content)
        if self.source_case_file_id:
            page.source_case_file_id = self.source_case_file_id
        return page

    def publish(self, revision, *args, **kwargs):
        """The gate before anything of the publish is written (``save`` is the backstop for
        paths that bypass this method, e.g. Wagtail's admin API).

        A scheduled publish that fails (the case file changed after scheduling) is not
        published: its schedule is cleared and the refusal logged, and the scheduler goes on
        with the other pages instead of stopping at this one."""
        # Here, not at the top: casestudies.publication reads these models (cycle).
        from casestudies.publication import enforce

        try:
            enforce(revision.as_object())
        except AnonymizationGateError as error:
            if kwargs.get("log_action") != "wagtail.publish.scheduled":
                raise
            revision.approved_go_live_at = None
            revision.save(update_fields=["approved_go_live_at"])
            log(
                instance=self,
                action="jingjian.gate.refused",
                data={"message": str(error)},
                revision=revision,
            )
            return None
        return super().publish(revision, *args, **kwargs)

    def save(self, *args, **kwargs):
        """The backstop: whatever path publishes a revision of a case study ends in this save,
        with ``live`` set and a new ``live_revision``; the gate runs then."""
        if self.pk and self.live and self.live_revision_id:
            stored = (
                CaseStudyPage.objects.filter(pk=self.pk)
                .values_list("live", "live_revision_id")
                .first()
            )
            if stored != (True, self.live_revision_id):
                # Here, not at the top: casestudies.publication reads these models (cycle).
                from casestudies.publication import enforce

                enforce(self)
        return super().save(*args, **kwargs)

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
    pseudonym = models.CharField("化名", max_length=20, help_text="如“王某”，不得填写真实姓名。")
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
        labels = sanction_labels()
        if self.party_sanction:
            parts.append(labels[f"party:{self.party_sanction}"])
        if self.administrative_sanction:
            parts.append(labels[f"admin:{self.administrative_sanction}"])
        text = "、".join(parts) + "处分" if parts else ""
        extra = []
        if self.accountability:
            extra.append(self.get_accountability_display())
        if self.detained:
            extra.append(labels[DETAINED])
        if self.referred:
            extra.append(labels[REFERRED])
        return "；".join(p for p in [text, "、".join(extra)] if p)


# --- 案卷: the named record a case study is made from (纪检监察 only) ---------------------------


class GateStatus(models.Model):
    """The anonymization gate's latest answer about a case study made from a case file.

    Written whenever the answer may change (a new revision; a change to the case file, its
    persons, units or candidate decisions: ``casestudies.publication``). The admin hides a draft
    that does not pass from everyone outside 纪检监察; the case file's review screen shows why,
    and when a live case study was taken down because of it."""

    page = models.OneToOneField(
        CaseStudyPage, on_delete=models.CASCADE, primary_key=True, related_name="gate_status"
    )
    draft_passes = models.BooleanField("最新稿通过脱敏检查", default=False)
    draft_problems = models.JSONField("最新稿的问题", default=list, blank=True)
    withdrawn_at = models.DateTimeField("因脱敏检查撤下的时间", null=True, blank=True)
    withdrawn_problems = models.JSONField("撤下时的问题", default=list, blank=True)
    checked_at = models.DateTimeField("检查时间", auto_now=True)

    class Meta:
        verbose_name = "脱敏检查结果"
        verbose_name_plural = "脱敏检查结果"

    def __str__(self):
        return f"{self.page_id}：{'通过' if self.draft_passes else '未通过'}"
