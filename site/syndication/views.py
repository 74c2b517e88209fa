"""The delivery report (投递记录): per page and overall, filterable, failures retried by editors."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django_filters import ChoiceFilter, ModelChoiceFilter, NumberFilter
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button
from wagtail.log_actions import log

from jingjian.syndication.delivery import retry
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
    return user.is_active and user.has_perm("syndication.retry_delivery")


class RetryView(View):
    http_method_names = ["post"]

    def post(self, request, pk=None):
        if not can_retry(request.user):
            messages.error(request, "您没有重试投递的权限,请联系管理员。")
            return redirect("deliveries:index")
        if pk is None:
            failed = Delivery.objects.filter(status=DeliveryStatus.FAILED)
            page = request.POST.get("page", "")
            if page and not page.isdigit():
                messages.error(request, "页面编号应为数字,请从投递记录页面重新操作。")
                return redirect("deliveries:index")
            if page:
                failed = failed.filter(page_ref=int(page))
            retried = [d for d in failed if retry(d)]
            for delivery in retried:
                log(instance=delivery, action="jingjian.delivery.retry", user=request.user)
            messages.success(request, f"已将 {len(retried)} 条失败投递重新排队。")
        else:
            delivery = get_object_or_404(Delivery, pk=pk)
            if retry(delivery):
                log(instance=delivery, action="jingjian.delivery.retry", user=request.user)
                messages.success(request, f"已重新排队:{delivery}")
            else:
                messages.warning(request, "只有“失败”的投递可以重试。")
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
            target = reverse("deliveries:index")
        return redirect(target)


class DeliveryViewSet(ModelViewSet):
    model = Delivery
    name = "deliveries"
    url_prefix = "deliveries"
    icon = "resubmit"
    menu_label = "投递记录"
    menu_order = 260
    add_to_admin_menu = True
    filterset_class = DeliveryFilterSet
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


def retry_button(delivery, user):
    if delivery.status == DeliveryStatus.FAILED and can_retry(user):
        return Button(
            "重试", url=reverse("deliveries:retry", args=[delivery.pk]), icon_name="resubmit"
        )
    return None
