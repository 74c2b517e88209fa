"""Login throttling (django-axes, its database handler) on every login and password form.

- The account logins (the admin's ``/admin/login/``, the intranet's ``/accounts/login/``,
  Wagtail's ``/_util/login/``) all call ``authenticate()`` with the request, so
  ``ThrottlingBackend``, first in ``AUTHENTICATION_BACKENDS``, refuses any login while the
  username is locked out from that address, even with the right password.
- Wagtail's page and collection password forms log no one in: ``password_form`` wraps their
  views and counts failures as the "username" ``page-password:<restriction id>`` (or
  ``collection-password:<id>``), per restriction rather than per page, so that the pages under
  one restriction do not multiply the tries.

After ``AXES_FAILURE_LIMIT`` failures within ``AXES_COOLOFF_TIME``, ``lockout_response`` answers
429 with what happened, when to try again and whom to ask. Administrators see and lift lock-outs
in the admin (``jingjian.security.views``).
"""

from functools import wraps

from axes.backends import AxesStandaloneBackend
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username, get_cool_off, get_credentials
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

PAGE_PASSWORD = "page-password"
COLLECTION_PASSWORD = "collection-password"
PASSWORD_FORMS = {PAGE_PASSWORD: "页面访问密码", COLLECTION_PASSWORD: "文档集访问密码"}


class ThrottlingBackend(AxesStandaloneBackend):
    """Axes' check, for logins through a request only. A call without one (the test client's
    ``login``, a script) is no HTTP login attempt; Axes would refuse it outright."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def password_form_name(kind, restriction_id):
    """The name a password form's failures are counted under: ``page-password:12``. A colon is
    in no username Django accepts, so it never meets an account's."""
    return f"{kind}:{restriction_id}"


def describe(username):
    """What a counted name is, in Chinese: the account name, or which password form."""
    kind, _, rest = (username or "").partition(":")
    if kind in PASSWORD_FORMS and rest.isdigit():
        return f"{PASSWORD_FORMS[kind]}（限制 #{rest}）"
    return f"账号“{username}”"


def locked_until(username, ip_address):
    """When the lock-out of ``username`` from ``ip_address`` ends: the cool-off after the last
    counted failure."""
    last = AccessAttempt.objects.filter(username=username, ip_address=ip_address).aggregate(
        last=Max("attempt_time")
    )["last"]
    return (last or timezone.now()) + get_cool_off()


def lockout_response(request, original_response=None, credentials=None):
    """The page shown instead of a login or password form while it is locked out (429).

    Axes calls this with three arguments; it retries with two on a ``TypeError``, so nothing
    here may raise one."""
    username = get_client_username(request, credentials) or ""
    ip_address = getattr(request, "axes_ip_address", None)
    until = timezone.localtime(locked_until(username, ip_address))
    minutes = max(1, round((until - timezone.now()).total_seconds() / 60))
    kind = username.partition(":")[0]
    response = render(
        request,
        "security/locked_out.html",
        {
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "cooloff_minutes": round(get_cool_off().total_seconds() / 60),
            "until": until,
            "minutes": minutes,
            "password_form": PASSWORD_FORMS.get(kind),
            "username": "" if kind in PASSWORD_FORMS else username,
        },
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
    add_never_cache_headers(response)
    return response


def password_form(view, kind, restriction_kwarg):
    """Wrap Wagtail's view that checks a page or collection password: a locked-out form is
    refused before the password is looked at; a wrong password (the form shown again) counts as
    a failure, a right one (a redirect) clears the count."""

    @wraps(view)
    def throttled(request, *args, **kwargs):
        if request.method != "POST":
            return view(request, *args, **kwargs)
        credentials = get_credentials(password_form_name(kind, kwargs[restriction_kwarg]))
        if not AxesProxyHandler.is_allowed(request, credentials):
            return lockout_response(request, None, credentials)
        response = view(request, *args, **kwargs)
        if 300 <= response.status_code < 400:
            AxesProxyHandler.get_implementation().reset_user_attempts(request, credentials)
        else:
            # Marks request.axes_locked_out at the limit: AxesMiddleware then answers with
            # lockout_response instead of the form.
            AxesProxyHandler.user_login_failed(
                sender=throttled, credentials=credentials, request=request
            )
        return response

    return throttled
