"""The admin's 通报 menu (纪检监察 only): the list of bulletins with their status, and the picker
that appends ticked case studies to a bulletin as items, in the order ticked."""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.views.generic import TemplateView
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet

from casestudies.bulletins import problems_of, studies_of
from casestudies.models import BulletinIndexPage, BulletinItem, BulletinPage, CaseStudyPage
from casestudies.models.taxonomies import ProblemType
from casestudies.views import discipline_only
from jingjian.core import visibility
from jingjian.core.groups import in_discipline_group
from jingjian.core.models import WorkArea

PICKER_LIMIT = 200


def status_of(page):
    """The bulletin's state as staff name it."""
    if page.workflow_in_progress:
        return "审核中"
    if page.live:
        return "已发布（有未发布的修改）" if page.has_unpublished_changes else "已发布"
    if page.approved_schedule:
        return "已定时发布"
    if page.first_published_at:
        return "已撤下"
    return "草稿"


class PickerForm(forms.Form):
    problem_type = forms.ModelChoiceField(
        ProblemType.objects.all(), label="问题类型", required=False, empty_label="全部"
    )
    work_area = forms.ModelChoiceField(
        WorkArea.objects.all(), label="重点工作", required=False, empty_label="全部"
    )
    handled_from = forms.DateField(label="处理日期自", required=False)
    handled_to = forms.DateField(label="处理日期至", required=False)

    def filtered(self, queryset):
        data = self.cleaned_data
        if data.get("problem_type"):
            queryset = queryset.filter(problem_types=data["problem_type"])
        if data.get("work_area"):
            queryset = queryset.filter(work_area=data["work_area"])
        if data.get("handled_from"):
            queryset = queryset.filter(date_handled__gte=data["handled_from"])
        if data.get("handled_to"):
            queryset = queryset.filter(date_handled__lte=data["handled_to"])
        return queryset


def _editable_bulletin(request, pk):
    """The bulletin ``pk`` as its latest revision, if ``request.user`` may edit it; else 404
    (a page they may not edit or see is not named to them)."""
    page = BulletinPage.objects.filter(pk=pk).first()
    if page is None or not page.permissions_for_user(request.user).can_edit():
        raise Http404
    return page


class BulletinListView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "casestudies/admin/bulletin_list.html"
    header_icon = "doc-full"
    page_title = "通报"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        pages = BulletinPage.objects.order_by("-latest_revision_created_at", "-pk")
        rows = [
            (page, status_of(page))
            for page in pages
            if page.permissions_for_user(self.request.user).can_edit()
        ]
        context["rows"] = rows
        index = BulletinIndexPage.objects.first()
        if index is not None and index.permissions_for_user(self.request.user).can_add_subpage():
            context["add_url"] = reverse(
                "wagtailadmin_pages:add", args=("casestudies", "bulletinpage", index.pk)
            )
        return context


class BulletinPickerView(WagtailAdminTemplateMixin, TemplateView):
    """挑选案例: filter the live case studies, tick them, append them in the order ticked."""

    template_name = "casestudies/admin/bulletin_picker.html"
    header_icon = "list-ul"
    page_title = "挑选案例"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("bulletins:index"), "label": "通报"},
            {"url": "", "label": "挑选案例"},
        ]

    def candidates(self, form, bulletin):
        queryset = visibility.visible_pages(CaseStudyPage.objects.live(), self.request.user)
        queryset = queryset.exclude(pk__in=[s.pk for s in studies_of(bulletin)])
        if form.is_valid():
            queryset = form.filtered(queryset)
        return queryset.order_by("-date_handled", "-pk")

    def get(self, request, pk):
        page = _editable_bulletin(request, pk)
        form = PickerForm(request.GET or None)
        return self.render_to_response(self.context(page, form))

    def context(self, page, form, problems=()):
        bulletin = page.get_latest_revision_as_object()
        return self.get_context_data(
            page=page,
            form=form,
            bulletin=bulletin,
            chosen=studies_of(bulletin),
            candidates=list(self.candidates(form, bulletin)[:PICKER_LIMIT]),
            problems=problems,
        )

    def post(self, request, pk):
        page = _editable_bulletin(request, pk)
        form = PickerForm(request.POST)
        if page.workflow_in_progress:
            problems = ["这份通报正在审核中，请先在编辑页撤回审核，再挑选案例。"]
            return self.render_to_response(self.context(page, form, problems))
        bulletin = page.get_latest_revision_as_object()
        raw = request.POST.getlist("case_study")
        # Ids as the database holds them (a 40-digit number is no id, and no server error).
        # ASCII digits only: “²” and “①” are digits to ``isdigit`` and no number to ``int``.
        ids = [
            int(value)
            for value in raw
            if value.isascii() and value.isdigit() and 0 < int(value) < 2**63
        ]
        allowed = {
            study.pk: study
            for study in visibility.visible_pages(
                CaseStudyPage.objects.live().filter(pk__in=ids), request.user
            )
        }
        if not raw:
            problems = ["请至少勾选一个案例，再点“加入通报”。"]
        elif len(ids) != len(raw) or any(i not in allowed for i in ids):
            problems = ["所选案例中有的不存在、未发布或您无权查看，请重新筛选后勾选。"]
        else:
            ticked = list(dict.fromkeys(allowed[i] for i in ids))
            studies = studies_of(bulletin) + ticked
            problems = problems_of(page, studies, bulletin.for_publication)
        if problems:
            return self.render_to_response(self.context(page, form, problems))
        start = len(bulletin.items.all())
        items = list(bulletin.items.all()) + [
            BulletinItem(case_study=study, sort_order=start + n) for n, study in enumerate(ticked)
        ]
        bulletin.items = items
        if not page.live:
            # As the editor saves a bulletin that is not live: its rows too, so every item the
            # revision names is one the database holds. Rows without an id are new ones to the
            # editor's form, and approving it unchanged would count as an edit, which sends
            # the bulletin back to the review's first step.
            bulletin.save(clean=False)
        bulletin.save_revision(user=request.user, log_action=True)
        messages.success(request, f"已将{len(ticked)}个案例加入通报，可在编辑页调整顺序。")
        return redirect("wagtailadmin_pages:edit", page.pk)


class DisciplineMenuItem(MenuItem):
    def is_shown(self, request):
        return in_discipline_group(request.user)


class BulletinViewSet(ViewSet):
    name = "bulletins"
    url_prefix = "bulletins"
    icon = "doc-full"
    menu_label = "通报"
    menu_order = 260
    add_to_admin_menu = True

    def get_menu_item(self, order=None):
        return DisciplineMenuItem(
            self.menu_label,
            self.menu_url,
            name=self.menu_name,
            icon_name=self.menu_icon,
            order=order if order is not None else self.menu_order,
        )

    @property
    def menu_url(self):
        return reverse("bulletins:index")

    def get_urlpatterns(self):
        return [
            path("", discipline_only(BulletinListView.as_view()), name="index"),
            path("pick/<int:pk>/", discipline_only(BulletinPickerView.as_view()), name="pick"),
        ]
