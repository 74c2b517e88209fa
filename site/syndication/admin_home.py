"""投递失败 on the admin dashboard: the deliveries that failed, for those who may see the delivery
report, with 重试 for those who may retry. Deliveries of pages the user may not see in the admin
are left out (``admin_access.hidden_ids``), as every dashboard panel leaves such pages out."""

from django.urls import reverse
from wagtail.admin.ui.components import Component

from jingjian.core import admin_access
from jingjian.syndication.models import Delivery, DeliveryStatus
from jingjian.syndication.views import can_retry, report_url, retry_form

LIMIT = 10


def may_see_report(user):
    """Who sees the delivery report (投递记录): the groups granted ``view_delivery``."""
    return user.is_active and user.has_perm("syndication.view_delivery")


class FailedDeliveriesPanel(Component):
    name = "jingjian_failed_deliveries"
    template_name = "syndication/admin_home/failed_deliveries.html"
    order = 120

    def render_html(self, parent_context=None):
        if not may_see_report(parent_context["request"].user):
            return ""
        return super().render_html(parent_context)

    def get_context_data(self, parent_context):
        request = parent_context["request"]
        hidden = admin_access.hidden_ids(request.user)
        failed = (
            Delivery.objects.filter(status=DeliveryStatus.FAILED)
            .exclude(page_ref__in=hidden)
            .select_related("channel")
            .order_by("-updated_at", "-pk")
        )
        shown = list(failed[:LIMIT])
        retrying = can_retry(request.user)
        home = reverse("wagtailadmin_home")
        rows = [
            {
                "delivery": delivery,
                "inspect_url": reverse("deliveries:inspect", args=[delivery.pk]),
                "page_report_url": report_url(f"page={delivery.page_ref}"),
                "retry": retry_form(
                    request, reverse("deliveries:retry", args=[delivery.pk]), next=home
                )
                if retrying
                else None,
            }
            for delivery in shown
        ]
        return {
            "rows": rows,
            "total": failed.count(),
            "report_url": report_url(f"status={DeliveryStatus.FAILED}"),
        }


def homepage_panels(request, panels):
    """``construct_homepage_panels``: 投递失败 after the panels of the site's core."""
    panels.append(FailedDeliveriesPanel())
