"""The Content-Security-Policy header: ``CONTENT_SECURITY_POLICY`` (settings) for our pages, and
``ADMIN_POLICY`` for Wagtail's admin.

Our pages need nothing inline: scripts and styles come from ``static/`` only, with no inline
``<script>``, ``<style>``, ``style=`` or ``on…=`` attribute (``tests/security/test_csp.py`` reads
every template for them). No nonces: a nonce would be stored with a cached page and served to
everyone, and the page cache must be able to keep the header as it is.

Wagtail's admin writes inline styles (and its editors' widgets inline scripts), so the admin
allows them from its own pages only: no script, style, frame or form target from elsewhere, and
frames only from the site itself (the preview panel).
"""

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.urls import reverse

ADMIN_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'", "'unsafe-inline'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "media-src": ["'self'"],
    "worker-src": ["'self'", "blob:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'self'"],
}


def admin_prefix():
    return reverse("wagtailadmin_home")


def admin_policy():
    """The admin's policy; its frames as our pages' (the preview, video embeds)."""
    frames = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"].get("frame-src", ["'self'"])
    return {**ADMIN_POLICY, "frame-src": list(frames)}


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the admin's policy under the admin's address."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and parts.config is None and request.path.startswith(admin_prefix()):
            return PolicyParts(admin_policy(), parts.update, parts.replace, parts.nonce)
        return parts
