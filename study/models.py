"""Study records (学习记录): units and officials' posts, what each reader studied, study lists.

The app knows pages only as Wagtail pages: which page types take a study mark is the setting
``STUDY_PAGE_TYPES`` (``study.marks.studied_types``), filled with the feature apps' types.
"""

from django import forms
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, PageChooserPanel
from wagtail.models import Orderable, Page


class Unit(models.Model):
    """A unit officials work in (区发展和改革局): what study lists are assigned to and the
    completion report groups by."""

    name = models.CharField("单位名称", max_length=100, unique=True)

    panels = [FieldPanel("name")]

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["name"]

    def __str__(self):
        return self.name


class OfficialProfile(models.Model):
    """An official's unit and post, beside Django's user (which has neither)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="official_profile",
        verbose_name="账号",
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="officials",
        verbose_name="单位",
    )
    post = models.CharField("职务", max_length=100, blank=True)

    panels = [FieldPanel("user"), FieldPanel("unit"), FieldPanel("post")]

    class Meta:
        verbose_name = "干部信息"
        verbose_name_plural = "干部信息"
        ordering = ["unit__name", "user__username"]

    def __str__(self):
        name = self.user.get_full_name() or self.user.get_username()
        return f"{name}（{self.unit or '未填单位'}）"


class StudyRecord(models.Model):
    """One reader's study of one page: one row per (user, page), however often they read it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="study_records"
    )
    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="study_records")
    studied_at = models.DateTimeField("标记已学习时间", null=True, blank=True)
    seconds = models.PositiveIntegerField("阅读时长（秒）", default=0)
    first_read_at = models.DateTimeField("首次阅读", auto_now_add=True)
    last_read_at = models.DateTimeField("最近阅读", auto_now=True)

    class Meta:
        verbose_name = "学习记录"
        verbose_name_plural = "学习记录"
        constraints = [
            models.UniqueConstraint(fields=["user", "page"], name="study_record_one_per_page")
        ]

    def __str__(self):
        return f"{self.user} · {self.page_id}"


class StudyList(ClusterableModel):
    """A study task (学习任务): pages in order, assigned to groups and/or units, by a deadline."""

    title = models.CharField("任务名称", max_length=200)
    deadline = models.DateField("完成期限")
    note = models.TextField("说明", blank=True)
    groups = ParentalManyToManyField(
        Group, blank=True, related_name="study_lists", verbose_name="分配给用户组"
    )
    units = ParentalManyToManyField(
        Unit, blank=True, related_name="study_lists", verbose_name="分配给单位"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    panels = [
        FieldPanel("title"),
        FieldPanel("deadline"),
        FieldPanel("note"),
        FieldPanel("groups", widget=forms.CheckboxSelectMultiple),
        FieldPanel("units", widget=forms.CheckboxSelectMultiple),
        InlinePanel("items", label="学习内容", min_num=1),
    ]

    class Meta:
        verbose_name = "学习任务"
        verbose_name_plural = "学习任务"
        ordering = ["-deadline", "title"]

    def __str__(self):
        return self.title

    def item_count(self):
        return self.items.count()


class StudyListItem(Orderable):
    """One page of a study list, in the order the list gives."""

    study_list = ParentalKey(StudyList, on_delete=models.CASCADE, related_name="items")
    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="+", verbose_name="页面")

    panels = [PageChooserPanel("page", page_type=settings.STUDY_PAGE_TYPES)]

    class Meta(Orderable.Meta):
        verbose_name = "学习内容"
        verbose_name_plural = "学习内容"

    def __str__(self):
        return str(self.page_id)
