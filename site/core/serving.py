"""Serving a page asks the visibility module, whatever Wagtail's own check decided.

Wagtail checks the restrictions it knows of (``Page.get_view_restrictions``): the page's, its
ancestors' and an alias's source page's. The visibility module also counts what covers the
source's ancestors (see ``visibility.restriction_roots``), so serving asks it too: the page
readers are served is exactly the page listings, search and the API would show them.
"""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from wagtail.forms import PasswordViewRestrictionForm
from wagtail.models import BaseViewRestriction

from jingjian.core import page_cache, visibility


def unmet_restriction(page, request, restrictions=None):
    """The first restriction covering ``page`` that ``request`` does not satisfy, or ``None``."""
    if restrictions is None:
        restrictions = visibility.restrictions_covering(page)
    for restriction in restrictions:
        if not restriction.accept_request(request):
            return restriction
    return None


def refusal(page, request, restriction):
    """The response for a reader who may not see ``page`` because of ``restriction``."""
    if restriction.restriction_type == BaseViewRestriction.PASSWORD:
        form = PasswordViewRestrictionForm(
            instance=restriction, initial={"return_url": request.get_full_path()}
        )
        action_url = reverse(
            "wagtailcore_authenticate_with_password", args=[restriction.id, page.id]
        )
        response = page.serve_password_required_response(request, form, action_url)
    elif not request.user.is_authenticated:
        response = redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
    else:
        # Logged in but outside the groups: a login form would only loop.
        response = render(request, "403.html", status=403)
    add_never_cache_headers(response)
    return response


def guard(callback):
    """An ``on_serve_page`` wrapper: serve only what the visibility module allows."""

    def serve(page, request, serve_args, serve_kwargs):
        restrictions = visibility.restrictions_covering(page)
        restriction = unmet_restriction(page, request, restrictions)
        if restriction is not None:
            return refusal(page, request, restriction)
        # The page cache may keep it for readers of the same scope; never a page a typed
        # password opened (the session, not the scope, decides who sees it).
        if any(r.restriction_type == BaseViewRestriction.PASSWORD for r in restrictions):
            page_cache.forbid_storing(request)
        else:
            # Wagtail's own hook marks a restricted page no-store for browsers and proxies; the
            # page cache still keeps it, per reader scope, and keeps those headers.
            page_cache.allow_storing(request, restricted=bool(restrictions))
        return callback(page, request, serve_args, serve_kwargs)

    return serve
