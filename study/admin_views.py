"""The admin's 学习 menu: study lists (学习任务) with their completion report and its .xlsx,
units (单位) and officials' units and posts (干部信息).

Study lists are managed by 编辑 and 纪检监察 (model permissions the migration ``0002`` grants)
and superusers; units and officials' profiles by superusers (administrators). Each .xlsx export
is written in Wagtail's audit log on the list (``EXPORT``: 导出学习完成情况), shown in its 历史.
"""

import io

from django.http import HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.views.generic import TemplateView
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from wagtail.admin.panels import ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import DeleteView, EditView, IndexView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.admin.widgets.button import Button
from wagtail.log_actions import log

from study import completion
from study.forms import StudyListForm
from study.models import OfficialProfile, StudyList, Unit

EXPORT = "jingjian.study.export"
REFUSED = "只有编辑、纪检监察组成员和系统管理员可以查看学习完成情况。"
HOLDS_HIDDEN = "这项学习任务包含您无权查看的页面，请联系创建它的纪检监察干部或系统管理员修改。"
# A text cell starting with one of these is what a spreadsheet reads as a formula once edited.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def may_report(user):
    """Whoever may see or change study lists may see their completion."""
    return user.is_active and (
        user.is_superuser
        or user.has_perm("study.change_studylist")
        or user.has_perm("study.view_studylist")
    )


class StudyListIndexView(IndexView):
    """The lists, each with a 完成情况 button; 编辑 and 删除 (and the title's link to the edit
    page) only on the lists the viewer may change: a list holding a page they may not see
    answers them a 403 (``_RefusesListsHoldingHiddenPages``), so it offers no way there."""

    def _may_change(self, instance):
        known = self.__dict__.setdefault("_changeable", {})
        if instance.pk not in known:
            known[instance.pk] = not completion.pages_hidden_from(instance, self.request.user)
        return known[instance.pk]

    def get_edit_url(self, instance):
        if self._may_change(instance):
            return super().get_edit_url(instance)
        return None

    def get_delete_url(self, instance):
        if self._may_change(instance):
            return super().get_delete_url(instance)
        return None

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        buttons.insert(
            0,
            Button(
                "完成情况",
                url=reverse("study_lists:report", args=[instance.pk]),
                icon_name="table",
                priority=5,
            ),
        )
        return buttons


class VisibleItemsColumn(Column):
    """篇数: the pages of the list the viewer may see (a restricted page is not even counted)."""

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        request = parent_context.get("request")
        user = getattr(request, "user", None)
        context["value"] = completion.visible_item_count(instance, user)
        return context


class _RefusesListsHoldingHiddenPages:
    """Someone who may not see one of a list's pages does not edit or delete it: its form
    would show the page's title, and what they save would drop what they cannot see."""

    def dispatch(self, request, *args, **kwargs):
        study_list = get_object_or_404(StudyList, pk=kwargs.get("pk"))
        if completion.pages_hidden_from(study_list, request.user):
            return HttpResponseForbidden(HOLDS_HIDDEN, content_type="text/plain; charset=utf-8")
        return super().dispatch(request, *args, **kwargs)


class StudyListEditView(_RefusesListsHoldingHiddenPages, EditView):
    pass


class StudyListDeleteView(_RefusesListsHoldingHiddenPages, DeleteView):
    pass


class ReportView(WagtailAdminTemplateMixin, TemplateView):
    """完成情况: per unit and per person (assigned, done, overdue), with an .xlsx download."""

    template_name = "study/admin/report.html"
    header_icon = "table"

    def dispatch(self, request, pk):
        if not may_report(request.user):
            return HttpResponseForbidden(REFUSED)
        self.study_list = get_object_or_404(StudyList, pk=pk)
        return super().dispatch(request, pk)

    def get_page_title(self):
        return f"完成情况：{self.study_list}"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("study_lists:index"), "label": "学习任务"},
            {"url": "", "label": "完成情况"},
        ]

    def get(self, request, pk):
        self.report = completion.completion(self.study_list, request.user)
        if request.GET.get("format") == "xlsx":
            return self.export(self.report)
        return super().get(request)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["study_list"] = self.study_list
        context["report"] = self.report
        context["export_url"] = (
            reverse("study_lists:report", args=[self.study_list.pk]) + "?format=xlsx"
        )
        return context

    def export(self, report):
        content = workbook(self.study_list, report)
        log(
            instance=self.study_list,
            action=EXPORT,
            user=self.request.user,
            data={"format": "xlsx", "persons": len(report["persons"])},
        )
        response = HttpResponse(content, content_type=XLSX)
        name = f"study-{self.study_list.pk}-{timezone.localdate():%Y%m%d}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


def _text(cell, value):
    """A text cell, never a formula: a name starting with “=” stays text, and is marked with
    the quote prefix so that editing the cell keeps it text. Characters a worksheet cannot hold
    (control characters anyone may type into their own name) are left out."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
        if value.startswith(FORMULA_START):
            cell.quotePrefix = True


def _sheet(sheet, header, rows):
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for values in rows:
        sheet.append([None] * len(values))
        for cell, value in zip(sheet[sheet.max_row], values, strict=True):
            _text(cell, value)


def workbook(study_list, report):
    """The report as .xlsx bytes: a sheet per unit totals, a sheet per person."""
    book = Workbook()
    units = book.active
    units.title = "按单位"
    _sheet(
        units,
        ["单位", "应学人数", "已完成人数", "逾期人数", "完成率（%）", "应学篇次", "已学篇次"],
        [
            [u.unit, u.persons, u.complete, u.overdue, u.rate, u.assigned, u.done]
            for u in report["units"]
        ],
    )
    persons = book.create_sheet("按人员")
    _sheet(
        persons,
        ["单位", "姓名", "职务", "应学篇数", "已学篇数", "状态"],
        [
            [
                p.unit,
                p.name,
                p.post,
                p.assigned,
                p.done,
                "已完成" if p.complete else ("已逾期" if p.overdue else "未完成"),
            ]
            for p in report["persons"]
        ],
    )
    about = book.create_sheet("任务")
    _sheet(
        about,
        ["任务名称", "完成期限", "学习内容"],
        [
            [study_list.title, f"{study_list.deadline:%Y-%m-%d}", page.title]
            for page in report["pages"]
        ],
    )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


class StudyListViewSet(ModelViewSet):
    model = StudyList
    menu_label = "学习任务"
    icon = "list-ol"
    name = "study_lists"
    url_prefix = "study/lists"
    index_view_class = StudyListIndexView
    edit_view_class = StudyListEditView
    delete_view_class = StudyListDeleteView
    edit_handler = ObjectList(StudyList.panels, base_form_class=StudyListForm)
    list_display = [
        "title",
        Column("deadline", label="完成期限", accessor="deadline"),
        VisibleItemsColumn("items", label="篇数", accessor="item_count"),
    ]
    add_to_admin_menu = False
    inspect_view_enabled = False
    copy_view_enabled = False

    @property
    def report_view(self):
        return ReportView.as_view()

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("report/<int:pk>/", self.report_view, name="report"),
        ]


class UnitViewSet(ModelViewSet):
    model = Unit
    menu_label = "单位"
    icon = "group"
    name = "study_units"
    url_prefix = "study/units"
    list_display = ["name"]
    form_fields = ["name"]
    inspect_view_enabled = False


class OfficialProfileViewSet(ModelViewSet):
    model = OfficialProfile
    menu_label = "干部信息"
    icon = "user"
    name = "study_officials"
    url_prefix = "study/officials"
    list_display = ["__str__", "post"]
    list_filter = ["unit"]
    form_fields = ["user", "unit", "post"]
    inspect_view_enabled = False


class StudyMenu(ModelViewSetGroup):
    menu_label = "学习"
    menu_icon = "doc-full-inverse"
    menu_order = 250
    items = (StudyListViewSet, UnitViewSet, OfficialProfileViewSet)
