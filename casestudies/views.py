"""The case-file admin (案卷): 纪检监察 and superusers only, every view and change audited.

Every URL of the viewset is wrapped by ``discipline_only``: anyone else gets 403, whatever model
permissions an administrator may have granted by mistake. Every screen that shows a case file
logs it (``casestudies.audit``: 查看案卷 for one file, 列出案卷 for the list, 导出案卷 for its
spreadsheet export); creation, edits and deletion by Wagtail's generic views as
``wagtail.create``/``wagtail.edit``/``wagtail.delete``; review decisions and draft generation as
``jingjian.casefile.review`` and ``jingjian.casefile.generate``.
"""

import mimetypes
import tempfile
from functools import wraps
from pathlib import Path, PurePosixPath

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.views.generic import TemplateView, View
from wagtail.admin.ui.tables import StatusTagColumn
from wagtail.admin.views.generic import DeleteView, EditView, HistoryView, IndexView, UsageView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import BaseButton
from wagtail.log_actions import log
from wagtail.permission_policies import ModelPermissionPolicy

from casestudies import audit, ledger, publication
from casestudies.anonymization.anonymizer import IDENTIFIER_LABELS
from casestudies.drafts import draft_state, generate_draft, with_draft_inputs
from casestudies.models import CaseFile, CaseFileDocument, GateStatus
from casestudies.review import DraftError, anonymize_text, record_decisions
from jingjian.core import groups
from jingjian.core.groups import in_discipline_group
from jingjian.importing import limits

RULE_LABELS = {
    "person": "姓名",
    "person_unlisted": "未列明的姓名",
    "given_name": "名字",
    "form_of_address": "称呼",
    "surname_and_title": "姓+职务",
    "unit": "单位",
    "address": "地址",
    **IDENTIFIER_LABELS,
}


FORBIDDEN_PAGE = (
    '<!doctype html><html lang="zh-hans"><meta charset="utf-8"><title>无权访问</title>'
    "<h1>无权访问</h1><p>案卷仅限纪检监察组成员和系统管理员查看。"
    "如确需查阅，请联系区纪委监委案件管理部门。</p></html>"
)


class CaseFilePermissionPolicy(ModelPermissionPolicy):
    """Model permissions, and on top of them membership of 纪检监察 (or superuser)."""

    def user_has_permission(self, user, action):
        return in_discipline_group(user) and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return in_discipline_group(user) and super().user_has_any_permission(user, actions)

    def users_with_any_permission(self, actions):
        users = super().users_with_any_permission(actions)
        return users.filter(is_superuser=True) | users.filter(groups__name=groups.DISCIPLINE)


def discipline_only(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not in_discipline_group(request.user):
            # A response, not PermissionDenied: Wagtail's admin turns that into a redirect.
            return HttpResponseForbidden(FORBIDDEN_PAGE)
        return view(request, *args, **kwargs)

    return wrapped


def log_view(case_file, user, what):
    audit.log_view(case_file, user, what)


class LogsItsCaseFile:
    """A generic view of one case file that logs the file each time it shows it (``what``)."""

    what = ""

    def get(self, request, *args, **kwargs):
        # Before the page is built: a history page then lists its own viewing consistently
        # (its count and its rows are read at different times). The object was found in setup.
        log_view(self.object, request.user, self.what)
        return super().get(request, *args, **kwargs)


def tell_withdrawn(request, withdrawn):
    """Messages naming each live case study the gate took down after a change to its file."""
    review_hint = "详见本案卷的“脱敏审核”页。"
    for page, problems in withdrawn:
        messages.warning(
            request,
            f"已发布的警示案例“{page.title}”不再通过脱敏检查（{len(problems)} 处），"
            f"已自动撤下并从各渠道撤回。{review_hint}",
        )


def review_url(case_file):
    return reverse("casefiles:review", args=[case_file.pk])


class CaseFileIndexView(IndexView):
    """The list of case files, each row with its draft's state and 脱敏审核 as its first button;
    导入台账 beside the title."""

    @property
    def header_buttons(self):
        upload = BaseButton(
            "导入台账", url=reverse("casefiles:import"), icon_name="upload", priority=20
        )
        return [*super().header_buttons, upload]

    def get_base_queryset(self):
        queryset = with_draft_inputs(super().get_base_queryset())
        return queryset.prefetch_related("persons") if self.is_export else queryset

    def render_to_response(self, context, **response_kwargs):
        # What this response shows: the whole (filtered) list when exported, else one page.
        if self.is_export:
            export_format = self.request.GET.get("export")
            audit.log_seen(
                context["object_list"],
                self.request.user,
                audit.EXPORT,
                "导出案卷列表",
                format=export_format,
            )
        else:
            audit.log_seen(context["object_list"], self.request.user, audit.LIST, "案卷列表")
        return super().render_to_response(context, **response_kwargs)

    def get_list_buttons(self, instance):
        review = BaseButton(
            "脱敏审核",
            url=review_url(instance),
            icon_name="view",
            classname="button button-small",
            attrs={"aria-label": f"脱敏审核：{instance.number}"},
            priority=0,
        )
        return [review, *super().get_list_buttons(instance)]


def _state_of(case_file):
    state = getattr(case_file, "_draft_state", None)
    if state is None:
        state = case_file._draft_state = draft_state(case_file)
    return state


class CaseFileEditView(EditView):
    template_name = "casestudies/admin/case_file_edit.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # As stored: a form shown again with errors has put its unsaved values on self.object.
        stored = CaseFile.objects.get(pk=self.object.pk)
        context["draft_state"] = draft_state(stored)
        context["case_study"] = stored.draft_study()
        context["review_url"] = review_url(stored)
        return context

    def form_valid(self, form):
        response = super().form_valid(form)
        # At once, for the message; the commit hook asks again for every other way in.
        tell_withdrawn(self.request, publication.recheck(self.object, self.request.user))
        return response

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        log_view(self.object, request.user, "编辑页")
        return response

    def form_invalid(self, form):
        # Shown again with its errors: the stored persons and documents are on the page too.
        log_view(self.object, self.request.user, "编辑页")
        return super().form_invalid(form)

    @property
    def header_buttons(self):
        """脱敏审核 beside the title, the next step after entering a case file: a filled button,
        not Wagtail's outlined header button, and not in the “…” menu beside 删除."""
        review = BaseButton(
            "脱敏审核",
            url=review_url(self.object),
            icon_name="view",
            classname="button button-small",
        )
        return [*super().header_buttons, review]


class CaseFileDeleteView(LogsItsCaseFile, DeleteView):
    what = "删除确认页"


class CaseFileHistoryView(LogsItsCaseFile, HistoryView):
    what = "历史记录"


class CaseFileUsageView(LogsItsCaseFile, UsageView):
    what = "引用情况"


def highlight(text, spans):
    """``text`` as HTML with each (start, end, css_class, title) span marked, escaped."""
    parts, cursor = [], 0
    for start, end, css, title in sorted(spans):
        if start < cursor:
            continue
        parts.append(format_html("{}", text[cursor:start]))
        parts.append(
            format_html('<mark class="{}" title="{}">{}</mark>', css, title, text[start:end])
        )
        cursor = end
    parts.append(format_html("{}", text[cursor:]))
    return mark_safe("".join(parts))


def _output_spans(replacements):
    """Where each replacement landed in the anonymized text."""
    spans, shift = [], 0
    for item in sorted(replacements, key=lambda r: r.start):
        start = item.start + shift
        label = RULE_LABELS.get(item.rule, item.rule)
        spans.append((start, start + len(item.replacement), "anon-replaced", label))
        shift += len(item.replacement) - (item.end - item.start)
    return spans


class ReviewView(WagtailAdminTemplateMixin, TemplateView):
    """Original and anonymized text side by side; the reviewer decides on each candidate."""

    template_name = "casestudies/admin/case_file_review.html"
    header_icon = "view"

    def dispatch(self, request, pk):
        self.case_file = get_object_or_404(CaseFile, pk=pk)
        return super().dispatch(request, pk)

    def get_page_title(self):
        return f"脱敏审核：{self.case_file}"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("casefiles:index"), "label": "案卷"},
            {"url": reverse("casefiles:edit", args=[self.case_file.pk]), "label": "编辑"},
            {"url": "", "label": "脱敏审核"},
        ]

    def get(self, request, pk):
        log_view(self.case_file, request.user, "脱敏审核页")
        return super().get(request)

    def post(self, request, pk):
        answers = {
            key.split(":", 1)[1]: value
            for key, value in request.POST.items()
            if key.startswith("decision:")
        }
        try:
            changed = record_decisions(self.case_file, answers, request.user)
        except DraftError as error:
            messages.error(request, str(error))
            return redirect("casefiles:review", pk)
        if changed:
            log(
                instance=self.case_file,
                action="jingjian.casefile.review",
                user=request.user,
                data={"decisions": changed},
            )
            messages.success(request, f"已保存 {len(changed)} 项审核结论。")
            tell_withdrawn(request, publication.recheck(self.case_file, request.user))
        else:
            messages.warning(request, "没有选择任何审核结论。")
        return redirect("casefiles:review", pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        original = self.case_file.raw_account
        result = anonymize_text(self.case_file, original)
        decisions = {d.text: d for d in self.case_file.candidate_decisions.all()}
        source_spans = [
            (
                r.start,
                r.end,
                "anon-original",
                f"{RULE_LABELS.get(r.rule, r.rule)} → {r.replacement}",
            )
            for r in result.replacements
        ]
        source_spans += [
            (c.start, c.end, "anon-candidate", f"疑似姓名：{c.reason}") for c in result.candidates
        ]
        output_spans = _output_spans(result.replacements)
        pending = list({c.text: c for c in result.candidates}.values())
        context.update(
            case_file=self.case_file,
            original_html=highlight(original, source_spans),
            anonymized_html=highlight(result.text, output_spans),
            replacements=[
                (r, RULE_LABELS.get(r.rule, r.rule))
                for r in sorted(result.replacements, key=lambda r: r.start)
            ],
            pending=pending,
            decisions=sorted(decisions.values(), key=lambda d: d.text),
            case_study=self.case_file.draft_study(),
            draft_state=draft_state(self.case_file),
            gate_statuses=[
                (study, GateStatus.objects.filter(page_id=study.pk).first())
                for study in publication.case_studies_of(self.case_file)
            ],
        )
        return context


class GenerateDraftView(View):
    """生成脱敏稿: create or update the case study of a case file (POST only)."""

    http_method_names = ["post"]

    def post(self, request, pk):
        case_file = get_object_or_404(CaseFile, pk=pk)
        try:
            page, created = generate_draft(case_file, user=request.user)
        except DraftError as error:
            messages.error(request, str(error))
            return redirect("casefiles:review", pk)
        log(
            instance=case_file,
            action="jingjian.casefile.generate",
            user=request.user,
            data={"page": page.pk, "created": created},
        )
        edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
        verb = "已生成" if created else "已更新"
        messages.success(
            request,
            format_html(
                '{}脱敏稿“{}”（草稿）。<a href="{}">打开编辑</a>', verb, page.title, edit_url
            ),
        )
        return redirect("casefiles:review", pk)


class DocumentDownloadView(View):
    def get(self, request, pk, document_pk):
        document = get_object_or_404(CaseFileDocument, pk=document_pk, case_file_id=pk)
        try:
            handle = document.file.open("rb")
        except FileNotFoundError as error:
            raise Http404("文件已不在存储中，请联系管理员。") from error
        audit.log_view(document.case_file, request.user, "下载材料", document=document.title)
        name = PurePosixPath(document.file.name).name
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        return FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)


class LedgerForm(forms.Form):
    file = forms.FileField(
        label="台账文件（.xlsx）",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # From the settings as they are now (tests and deployments change them).
        self.fields["file"].help_text = (
            "每名被处理人一行，列名见 README 和示例文件 examples/case-file-ledger.xlsx；"
            f"最大 {settings.IMPORT_MAX_FILE_BYTES // 1024 // 1024} MB、"
            f"{settings.IMPORT_MAX_ROWS} 行。"
        )


class LedgerImportView(WagtailAdminTemplateMixin, TemplateView):
    """导入台账: the same import as ``manage.py import_case_files``, from an upload."""

    template_name = "casestudies/admin/case_file_import.html"
    header_icon = "upload"
    page_title = "导入台账"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("casefiles:index"), "label": "案卷"},
            {"url": "", "label": "导入台账"},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", LedgerForm())
        return context

    def post(self, request):
        form = LedgerForm(request.POST, request.FILES)
        context = {"form": form}
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                limits.check_size(upload.size)
                suffix = Path(upload.name).suffix.lower()
                with tempfile.TemporaryDirectory(prefix="jingjian-ledger-") as folder:
                    path = Path(folder) / f"upload{suffix}"
                    with path.open("wb") as out:
                        for chunk in upload.chunks():
                            out.write(chunk)
                    rows = ledger.read_ledger(path)
                result = ledger.import_rows(rows, user=request.user, file_name=upload.name)
            except limits.FileRefused as error:
                form.add_error("file", str(error))
            else:
                context["result"] = result
                context["summary"] = ledger.summary(result)
                if result.ok:
                    messages.success(request, context["summary"])
                else:
                    messages.warning(request, context["summary"])
        return self.render_to_response(self.get_context_data(**context))


class CaseFileViewSet(ModelViewSet):
    model = CaseFile
    name = "casefiles"
    url_prefix = "casefiles"
    icon = "folder-inverse"
    menu_label = "案卷"
    menu_order = 250
    add_to_admin_menu = True
    list_display = [
        "number",
        "title",
        "draft_title",
        StatusTagColumn(
            "draft_state",
            label="脱敏稿状态",
            accessor=lambda case_file: _state_of(case_file).label,
            primary=lambda case_file: _state_of(case_file).needs_generating,
        ),
        "updated_at",
    ]
    list_filter = ["source", "unit_type"]
    search_fields = ["number", "title"]
    search_backend_name = None
    index_view_class = CaseFileIndexView
    edit_view_class = CaseFileEditView
    delete_view_class = CaseFileDeleteView
    history_view_class = CaseFileHistoryView
    usage_view_class = CaseFileUsageView
    # 下载 XLSX / CSV in the list's “…” menu: the list as filtered, each file logged as exported.
    list_export = [
        "number",
        "title",
        "date_handled",
        "get_source_display",
        "unit_type",
        "work_area",
        "subject_names",
        "updated_at",
    ]
    export_headings = {"get_source_display": "线索来源"}
    export_filename = "案卷"
    inspect_view_enabled = False
    copy_view_enabled = False

    def get_urlpatterns(self):
        patterns = super().get_urlpatterns() + [
            path("review/<int:pk>/", ReviewView.as_view(), name="review"),
            path("generate/<int:pk>/", GenerateDraftView.as_view(), name="generate"),
            path("import/", LedgerImportView.as_view(), name="import"),
            path(
                "document/<int:pk>/<int:document_pk>/",
                DocumentDownloadView.as_view(),
                name="document",
            ),
        ]
        return [
            path(str(pattern.pattern), discipline_only(pattern.callback), name=pattern.name)
            for pattern in patterns
        ]
