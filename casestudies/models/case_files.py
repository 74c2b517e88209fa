"""案卷: what a case study is made from, restricted to 纪检监察 (persons, units, documents, reviewers' decisions on candidate names)."""

from django import forms
from django.conf import settings
from django.contrib import admin
from django.db import models
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
)
from wagtail.models import Orderable

from casestudies.choices import (
    Accountability,
    AdministrativeSanction,
    CaseSource,
    DisciplineForm,
    PartySanction,
    RankLevel,
)
from casestudies.models.taxonomies import ProblemType, UnitType
from casestudies.storage import private_storage
from jingjian.core.models import WorkArea


class PersonRole(models.TextChoices):
    SUBJECT = "subject", "被审查调查人"
    WITNESS = "witness", "证人"
    VICTIM = "victim", "受害人"
    OTHER = "other", "其他"


class NameKind(models.TextChoices):
    HAN = "han", "汉族姓名"
    MINORITY = "minority", "少数民族姓名"
    FOREIGN = "foreign", "外国人姓名"


class CaseFile(ClusterableModel):
    """案卷: names, units, the raw account and documents; a case study is made from it."""

    number = models.CharField(
        "案卷编号", max_length=50, unique=True, help_text="如“鉴纪案〔2025〕17号”。"
    )
    title = models.CharField("案卷名称", max_length=200)
    raw_account = models.TextField(
        "原始案情", help_text="可写真实姓名、单位和证件号码；生成脱敏稿时按规则替换。"
    )
    unit_type = models.ForeignKey(
        UnitType, verbose_name="单位类型", null=True, blank=True, on_delete=models.SET_NULL
    )
    work_area = models.ForeignKey(
        WorkArea, verbose_name="重点工作", null=True, blank=True, on_delete=models.SET_NULL
    )
    source = models.CharField("线索来源", max_length=30, choices=CaseSource.choices, blank=True)
    problem_types = ParentalManyToManyField(
        ProblemType,
        verbose_name="问题类型",
        blank=True,
        related_name="case_files",
        help_text="生成脱敏稿时带入警示案例。",
    )
    date_handled = models.DateField("处理日期", null=True, blank=True)
    named_in_bulletin = models.BooleanField(
        "已公开通报",
        default=False,
        help_text="本案已在公开通报中点名道姓通报。统计中，公开通报的案件不按小数字隐去。",
    )
    draft_inputs = models.JSONField(
        "生成脱敏稿时的依据",
        default=dict,
        blank=True,
        editable=False,
        help_text="生成脱敏稿时案卷各部分的摘要值（不含原文），用于判断脱敏稿是否需要重新生成。",
    )
    draft_generated_at = models.DateTimeField(
        "脱敏稿生成时间", null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField("建档时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    panels = [
        FieldRowPanel([FieldPanel("number"), FieldPanel("title")]),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [
                        FieldPanel("unit_type"),
                        FieldPanel("work_area"),
                        FieldPanel("source"),
                        FieldPanel("date_handled"),
                    ]
                ),
                FieldPanel("problem_types", widget=forms.CheckboxSelectMultiple),
                FieldPanel("named_in_bulletin"),
            ],
            heading="分类",
        ),
        InlinePanel("persons", label="涉案人员", heading="涉案人员"),
        InlinePanel("units", label="涉案单位", heading="涉案单位"),
        FieldPanel("raw_account"),
        InlinePanel("documents", label="案卷材料", heading="案卷材料（仅纪检监察可下载）"),
    ]

    class Meta:
        verbose_name = "案卷"
        verbose_name_plural = "案卷"
        ordering = ["-updated_at", "-pk"]
        # Covering the statistics' queries (``casestudies.statistics.register``).
        indexes = [
            models.Index(
                fields=["date_handled", "named_in_bulletin", "work_area", "source", "unit_type"],
                name="case_file_register",
            )
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    def draft_study(self):
        """The case study generated from this case file (its first; copies and aliases of it
        record the case file too, ``CaseStudyPage.source_case_file``), or None. A listing that
        prefetched ``case_studies`` asks nothing more."""
        prefetched = getattr(self, "_prefetched_objects_cache", {}).get("case_studies")
        if prefetched is not None:
            return min(prefetched, key=lambda study: study.pk, default=None)
        return self.case_studies.order_by("pk").first()

    @admin.display(description="被处理人")
    def subject_names(self):
        """The persons handled (被审查调查人), in order: the list export's column. A listing that
        prefetched ``persons`` asks nothing more."""
        persons = sorted(self.persons.all(), key=lambda person: (person.sort_order or 0, person.pk))
        return "、".join(p.name for p in persons if p.role == PersonRole.SUBJECT)

    @admin.display(description="脱敏稿（警示案例）")
    def draft_title(self):
        study = self.draft_study()
        return study.title if study else "—"


class CaseFilePerson(Orderable):
    case_file = ParentalKey(CaseFile, related_name="persons", on_delete=models.CASCADE)
    name = models.CharField("姓名", max_length=50)
    name_kind = models.CharField(
        "姓名类型", max_length=10, choices=NameKind.choices, default=NameKind.HAN
    )
    gender = models.CharField(
        "性别", max_length=2, choices=[("男", "男"), ("女", "女")], blank=True
    )
    post = models.CharField("职务", max_length=120, blank=True)
    unit = models.CharField("单位", max_length=120, blank=True)
    role = models.CharField("身份", max_length=10, choices=PersonRole.choices)
    discipline_form = models.PositiveSmallIntegerField(
        "四种形态", choices=DisciplineForm.choices, null=True, blank=True
    )
    party_sanction = models.CharField(
        "党纪处分", max_length=30, choices=PartySanction.choices, blank=True
    )
    administrative_sanction = models.CharField(
        "政务处分", max_length=30, choices=AdministrativeSanction.choices, blank=True
    )
    rank_level = models.PositiveSmallIntegerField(
        "职级", choices=RankLevel.choices, null=True, blank=True
    )
    accountability = models.CharField(
        "问责方式", max_length=30, choices=Accountability.choices, blank=True
    )
    detained = models.BooleanField("留置", default=False)
    referred = models.BooleanField("移送司法机关", default=False)

    panels = [
        FieldRowPanel(
            [FieldPanel("name"), FieldPanel("name_kind"), FieldPanel("gender"), FieldPanel("role")]
        ),
        FieldRowPanel([FieldPanel("unit"), FieldPanel("post"), FieldPanel("rank_level")]),
        FieldRowPanel(
            [
                FieldPanel("discipline_form"),
                FieldPanel("party_sanction"),
                FieldPanel("administrative_sanction"),
                FieldPanel("accountability"),
            ],
            heading="处理意见（被审查调查人填写，生成脱敏稿时成为处理情况）",
        ),
        FieldRowPanel([FieldPanel("detained"), FieldPanel("referred")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = "涉案人员"
        verbose_name_plural = "涉案人员"
        # Covering the statistics' queries: no row of the table is read.
        indexes = [
            models.Index(
                fields=[
                    "case_file",
                    "role",
                    "rank_level",
                    "discipline_form",
                    "party_sanction",
                    "administrative_sanction",
                    "detained",
                    "referred",
                ],
                name="case_file_person_register",
            )
        ]

    def __str__(self):
        return f"{self.name}（{self.get_role_display()}）"


class CaseFileUnit(Orderable):
    case_file = ParentalKey(CaseFile, related_name="units", on_delete=models.CASCADE)
    name = models.CharField("单位名称", max_length=120)
    kind = models.CharField(
        "替换为",
        max_length=30,
        blank=True,
        help_text="留空则按名称推断，如“鉴湖区住房和城乡建设局”→“某局”。",
    )
    replace = models.BooleanField(
        "在脱敏稿中替换", default=True, help_text="已在通报中公开点名的单位可不替换。"
    )
    named_in_bulletin = models.BooleanField(
        "已公开通报", default=False, help_text="本单位已因本案在公开通报中被点名。"
    )

    panels = [
        FieldRowPanel(
            [
                FieldPanel("name"),
                FieldPanel("kind"),
                FieldPanel("replace"),
                FieldPanel("named_in_bulletin"),
            ]
        )
    ]

    class Meta(Orderable.Meta):
        verbose_name = "涉案单位"
        verbose_name_plural = "涉案单位"
        indexes = [
            models.Index(
                fields=["named_in_bulletin", "case_file", "name"], name="case_file_unit_register"
            )
        ]

    def __str__(self):
        return self.name


class CaseFileDocument(Orderable):
    case_file = ParentalKey(CaseFile, related_name="documents", on_delete=models.CASCADE)
    title = models.CharField("材料名称", max_length=200)
    file = models.FileField("文件", storage=private_storage, upload_to="casefiles/%Y/%m/")

    panels = [FieldRowPanel([FieldPanel("title"), FieldPanel("file")])]

    class Meta(Orderable.Meta):
        verbose_name = "案卷材料"
        verbose_name_plural = "案卷材料"

    def __str__(self):
        return self.title


class CandidateDecision(models.Model):
    """A reviewer's answer about a name the tagger found that nobody listed."""

    ACCEPTED, REJECTED = "accepted", "rejected"
    case_file = models.ForeignKey(
        CaseFile, on_delete=models.CASCADE, related_name="candidate_decisions"
    )
    text = models.CharField("疑似姓名", max_length=50)
    decision = models.CharField(
        "审核结论",
        max_length=10,
        choices=[(ACCEPTED, "是人名，予以替换"), (REJECTED, "不是人名，保留原文")],
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "疑似姓名审核"
        constraints = [
            models.UniqueConstraint(fields=["case_file", "text"], name="one_decision_per_candidate")
        ]

    def __str__(self):
        return f"{self.text}：{self.get_decision_display()}"
