"""设置 → 登录锁定: the login and password-form failures being counted, the lock-outs among them,
and a button that lifts one (superusers only)."""

import logging

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from jingjian.security.throttling import describe

logger = logging.getLogger(__name__)


def superuser_only(request):
    if not request.user.is_superuser:
        raise PermissionDenied


def counted_attempts():
    """One row per username and address whose failures still count (within the cool-off):
    failures (summed over browsers), the last one, and whether it is locked out now."""
    since = timezone.now() - get_cool_off()
    rows = {}
    for attempt in AccessAttempt.objects.filter(attempt_time__gte=since).order_by("-attempt_time"):
        key = (attempt.username, attempt.ip_address)
        row = rows.setdefault(
            key,
            {
                "pk": attempt.pk,
                "label": describe(attempt.username),
                "ip_address": attempt.ip_address or "（未知）",
                "last": attempt.attempt_time,
                "failures": 0,
            },
        )
        row["failures"] += attempt.failures_since_start
    for row in rows.values():
        row["locked"] = row["failures"] >= settings.AXES_FAILURE_LIMIT
        row["until"] = row["last"] + get_cool_off()
    return sorted(rows.values(), key=lambda row: (not row["locked"], -row["last"].timestamp()))


class LockoutIndexView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "security/lockouts.html"
    page_title = "登录锁定"
    header_icon = "lock"

    def dispatch(self, request, *args, **kwargs):
        superuser_only(request)
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": "登录锁定"}]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            attempts=counted_attempts(),
            failure_limit=settings.AXES_FAILURE_LIMIT,
            cooloff_minutes=round(get_cool_off().total_seconds() / 60),
            **kwargs,
        )


@require_POST
def unlock(request, pk):
    """Forget the failures of one username from one address (every browser's): it may log in
    again at once."""
    superuser_only(request)
    attempt = get_object_or_404(AccessAttempt, pk=pk)
    label = describe(attempt.username)
    AccessAttempt.objects.filter(username=attempt.username, ip_address=attempt.ip_address).delete()
    logger.warning(
        "security.unlock: %s lifted the lock-out of %r from %s",
        request.user.get_username(),
        attempt.username,
        attempt.ip_address,
    )
    messages.success(
        request, f"已解除{label}在 {attempt.ip_address} 的登录锁定，现在可以重新登录。"
    )
    return redirect("security_lockouts")
