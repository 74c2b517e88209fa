"""The delivery report (投递记录): per page and overall, filterable. Staff who may retry get a
重试 button on each failed row and, on one page's report, 全部重试; the page editor's header
offers the same (``wagtail_hooks``). Retrying queues a failed delivery again; whether it may
leave is decided at send time, as for every delivery (``delivery.check_eligible``)."""

from django.contrib import messages
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django_filters import ChoiceFilter, ModelChoiceFilter, NumberFilter
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import BaseColumn, Column, DateColumn
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.log_actions import log

from jingjian.syndication.delivery import retry
from jingjian.syndication.forms import PageRetryForm
from jingjian.syndication.models import (
    Channel,
    Delivery,
    DeliveryEvent,
    DeliveryStatus,
)


class DeliveryFilterSet(WagtailFilterSet):
    status = ChoiceFilter(label="状态", choices=DeliveryStatus.choices)
    event = ChoiceFilter(label="事件", choices=DeliveryEvent.choices)
    channel = ModelChoiceFilter(label="渠道", queryset=Channel.objects.all())
    page = NumberFilter(label="页面编号", field_name="page_ref")

    class Meta:
        model = Delivery
        fields = ["status", "event", "channel", "page"]


def can_retry(user):
    """Who may retry: the groups granted ``retry_delivery`` (编辑, 审核, 纪检监察)."""
    return user.is_active and user.has_perm("syndication.retry_delivery")


def failed_deliveries(page_id):
    return Delivery.objects.filter(page_ref=page_id, status=DeliveryStatus.FAILED)


def report_url(query=""):
    """The report, with ``query`` (its filters) if given."""
    return reverse("deliveries:index") + (f"?{query}" if query else "")


def page_report_url(page_id):
    return report_url(f"page={page_id}")


def retry_form(request, action, **fields):
    """What a retry button's template needs: a POST form to ``action`` with CSRF."""
    return {"action": action, "fields": fields, "csrf_token": get_token(request)}


class RetryView(View):
    """POST only: retry one delivery (``pk``) or all failed deliveries of a page (``page``)."""

    http_method_names = ["post"]

    def dispatch(self, request, *args, **kwargs):
        if not can_retry(request.user):
            return render(request, "syndication/deliveries/retry_forbidden.html", status=403)
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, pk=None):
        if pk is None:
            form = PageRetryForm(request.POST)
            if not form.is_valid():
                messages.error(request, form.errors["page"][0])
                return redirect(report_url())
            page_id = form.cleaned_data["page"]
            deliveries = list(failed_deliveries(page_id))
            fallback = page_report_url(page_id)
        else:
            deliveries = [get_object_or_404(Delivery, pk=pk)]
            fallback = report_url()
        retried = [delivery for delivery in deliveries if retry(delivery)]
        for delivery in retried:
            log(instance=delivery, action="jingjian.delivery.retry", user=request.user)
        if retried:
            messages.success(request, f"已将 {len(retried)} 条失败投递重新排队。")
        elif pk is None:
            messages.warning(request, "这一页面没有失败的投递，无需重试。")
        else:
            messages.warning(
                request,
                f"只有“失败”的投递可以重试：这条投递现在是“{deliveries[0].get_status_display()}”，"
                "没有重新发送。",
            )
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
            target = fallback
        return redirect(target)


class RetryColumn(BaseColumn):
    """A 重试 button (a POST form) on each failed row, for users who may retry."""

    cell_template_name = "syndication/deliveries/retry_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        request = context["request"]
        if instance.status == DeliveryStatus.FAILED and can_retry(request.user):
            # Back to the report as it was filtered (also when the rows came from the results
            # view the filters refresh).
            context["retry"] = retry_form(
                request,
                reverse("deliveries:retry", args=[instance.pk]),
                next=report_url(request.GET.urlencode()),
            )
        return context


class DeliveryIndexView(IndexView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["retry_page"] = self.retry_page()
        return context

    def retry_page(self):
        """全部重试 for the report of one page (``?page=``) with failures, if the user may."""
        form = PageRetryForm(self.request.GET)
        if not (can_retry(self.request.user) and form.is_valid()):
            return None
        page_id = form.cleaned_data["page"]
        count = failed_deliveries(page_id).count()
        if not count:
            return None
        query = self.request.GET.urlencode()
        return {
            "count": count,
            "form": retry_form(
                self.request, reverse("deliveries:retry_all"), page=page_id, next=report_url(query)
            ),
        }


class DeliveryViewSet(ModelViewSet):
    model = Delivery
    name = "deliveries"
    url_prefix = "deliveries"
    icon = "resubmit"
    menu_label = "投递记录"
    menu_order = 260
    add_to_admin_menu = True
    filterset_class = DeliveryFilterSet
    index_view_class = DeliveryIndexView
    index_results_template_name = "syndication/deliveries/index_results.html"
    search_fields = ["page_title", "receiver_id", "last_error"]
    search_backend_name = None
    inspect_view_enabled = True
    inspect_view_fields = [
        "page_title",
        "page_ref",
        "channel",
        "event",
        "status",
        "attempts",
        "last_error",
        "receiver_id",
        "idempotency_key",
        "next_attempt_at",
        "created_at",
        "sent_at",
    ]
    copy_view_enabled = False
    form_fields = []  # no add or edit views: records are written by the engine only
    list_per_page = 50
    list_display = [
        "page_title",
        "channel",
        Column("event", label="事件", accessor="get_event_display"),
        Column("status", label="状态", accessor="get_status_display"),
        "attempts",
        Column("last_error", label="最近错误"),
        "receiver_id",
        DateColumn("updated_at", label="更新时间"),
        RetryColumn("retry", label="操作"),
    ]
    list_export = ["page_title", "channel", "event", "status", "attempts", "last_error"]

    def get_common_view_kwargs(self, **kwargs):
        view_kwargs = super().get_common_view_kwargs(**kwargs)
        # A report: records are written by the engine only, never through forms.
        for name in ("add_url_name", "edit_url_name", "delete_url_name", "copy_url_name"):
            view_kwargs[name] = None
        return view_kwargs

    def get_urlpatterns(self):
        keep = {"index", "index_results", "inspect", "history", "history_results"}
        patterns = [p for p in super().get_urlpatterns() if p.name in keep]
        return patterns + [
            path("retry/", RetryView.as_view(), name="retry_all"),
            path("retry/<int:pk>/", RetryView.as_view(), name="retry"),
        ]
