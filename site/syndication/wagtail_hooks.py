"""Admin: channels (snippets, managed by editors), the delivery report and its dashboard panel."""

from django.contrib import messages
from django.urls import reverse
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.widgets.button import Button
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from jingjian.syndication import admin_home
from jingjian.syndication.models import Channel, Delivery, DeliveryStatus
from jingjian.syndication.views import (
    DeliveryViewSet,
    can_retry,
    failed_deliveries,
    page_report_url,
    retry_form,
)


class ChannelViewSet(SnippetViewSet):
    model = Channel
    icon = "globe"
    menu_label = "发布渠道"
    menu_order = 255
    add_to_admin_menu = True
    # 是/否 in words: Wagtail shows a model's boolean as True/False (an icon titled so).
    list_display = [
        "name",
        "kind",
        Column(
            "active",
            label="启用",
            accessor=lambda channel: "是" if channel.active else "否",
            sort_key="active",
        ),
        "endpoint",
        "outbox_folder",
    ]
    list_filter = ["kind", "active"]
    inspect_view_enabled = False


register_snippet(ChannelViewSet)


hooks.register("construct_homepage_panels", admin_home.homepage_panels)


@hooks.register("register_admin_viewset")
def register_deliveries():
    return DeliveryViewSet()


@hooks.register("register_log_actions")
def delivery_log_actions(actions):
    actions.register_action("jingjian.delivery.retry", "重试投递", "重新排队了失败的投递")


class RetryFailuresButton(Button):
    """重试失败的投递 in the page header: a POST form (with CSRF) retrying all of the page's
    failed deliveries, then showing them in the page's report."""

    template_name = "syndication/deliveries/retry_button.html"

    def __init__(self, page_id, **kwargs):
        super().__init__("重试失败的投递", icon_name="resubmit", **kwargs)
        self.attrs.pop("type", None)  # set for a link-less button; this one submits its form
        self.page_id = page_id

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context["form"] = retry_form(
            context["request"],
            reverse("deliveries:retry_all"),
            page=self.page_id,
            next=page_report_url(self.page_id),
        )
        return context


@hooks.register("register_page_header_buttons")
def page_deliveries_buttons(page, user, *args, **kwargs):
    if user.has_perm("syndication.view_delivery") and hasattr(page.specific_class, "channels"):
        yield Button("投递记录", url=page_report_url(page.pk), icon_name="resubmit", priority=60)
        if can_retry(user) and failed_deliveries(page.pk).exists():
            yield RetryFailuresButton(page.pk, priority=61)


@hooks.register("after_publish_page")
def report_blocked_channels(request, page):
    """Tell the editor at once which channels this publish could not go to, and why."""
    blocked = Delivery.objects.filter(
        page_ref=page.pk, revision_id=page.live_revision_id, status=DeliveryStatus.FAILED
    ).select_related("channel")
    for delivery in blocked:
        messages.warning(request, f"未发送到“{delivery.channel}”：{delivery.last_error}")
