"""The reader's side: the mark's state and its posts (JSON, never cached), and 我的学习.

A page the reader may not see answers exactly as a page that does not exist (404, the same
body). Bad input is a 400 with the reason in Chinese; nothing here answers 500.
"""

import functools

from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from study import completion, marks

NOT_FOUND = "没有找到这篇可学习的内容，请刷新页面后重试。"
LOGIN_FIRST = "请先登录内网，再记录学习。"
BAD_PAGE = "请求缺少有效的页面编号，请刷新页面后重试。"
BAD_ACTION = "学习记录的类型无效，请刷新页面后重试。"
BAD_SECONDS = "阅读时长应为不小于零的整数秒，请刷新页面后重试。"
CSRF_REFUSED = "页面已过期或缺少安全校验，请刷新页面后重试。"
WRONG_METHOD = "这个地址只接受{}请求，请从页面上的“我已学习”按钮操作。"
ACTIONS = ("studied", "time")


def _error(message, status):
    return JsonResponse(
        {"error": message}, status=status, json_dumps_params={"ensure_ascii": False}
    )


def _only(method):
    """Answer any other method with a Chinese JSON 405 (Django's own 405 has an empty body)."""
    allowed = {"GET": ("GET", "HEAD"), "POST": ("POST",)}[method]

    def decorate(view):
        @functools.wraps(view)
        def checked(request, *args, **kwargs):
            if request.method not in allowed:
                response = _error(WRONG_METHOD.format(method), 405)
                response["Allow"] = ", ".join(allowed)
                return response
            return view(request, *args, **kwargs)

        return checked

    return decorate


def _page_id(value):
    value = (value or "").strip()
    if not value.isascii() or not value.isdigit() or len(value) > 12:
        return None
    return int(value)


def _state(record, page):
    studied = record is not None and record.studied_at is not None
    return {
        "page": page.pk,
        "studied": studied,
        "studied_on": timezone.localtime(record.studied_at).strftime("%Y-%m-%d")
        if studied
        else None,
        "seconds": record.seconds if record else 0,
    }


def _page_or_error(request, value):
    if not request.user.is_authenticated:
        return None, _error(LOGIN_FIRST, 403)
    page_id = _page_id(value)
    if page_id is None:
        return None, _error(BAD_PAGE, 400)
    page = marks.markable_page(page_id, request.user)
    if page is None:
        return None, _error(NOT_FOUND, 404)
    return page, None


@csrf_exempt  # it writes nothing; any POST is answered 405 in Chinese, not a CSRF page
@never_cache
@_only("GET")
def mark_state(request):
    """The mark's state for this reader (asked by study.js after the page has loaded). Sets
    the CSRF cookie the mark's posts need when the reader has none yet."""
    page, error = _page_or_error(request, request.GET.get("page"))
    if error:
        return error
    get_token(request)
    return JsonResponse(_state(marks.state(request.user, page), page))


def _csrf_refused(request):
    """Django's own CSRF check, asked here so that a refusal is this endpoint's Chinese JSON
    rather than Django's English page (the check itself is unchanged)."""
    return CsrfViewMiddleware(lambda request: None).process_view(request, None, (), {}) is not None


@csrf_exempt  # checked in the view, by Django's middleware, for a Chinese answer
@never_cache
@_only("POST")
def record(request):
    """``action=studied`` marks the page 已学习 (answers its state); ``action=time&seconds=N``
    adds a visit's time (sent with ``navigator.sendBeacon`` as the reader leaves; answers 204)."""
    if _csrf_refused(request):
        return _error(CSRF_REFUSED, 403)
    page, error = _page_or_error(request, request.POST.get("page"))
    if error:
        return error
    action = request.POST.get("action", "")
    if action not in ACTIONS:
        return _error(BAD_ACTION, 400)
    if action == "studied":
        saved = marks.mark_studied(request.user, page)
    else:
        seconds = (request.POST.get("seconds") or "").strip()
        if not seconds.isascii() or not seconds.isdigit() or len(seconds) > 9:
            return _error(BAD_SECONDS, 400)
        marks.add_reading_time(request.user, page, int(seconds))
        # Sent by sendBeacon as the reader leaves: nobody reads an answer.
        return HttpResponse(status=204)
    return JsonResponse(_state(saved, page))


@never_cache
@require_GET
def my_study(request):
    """我的学习: what is assigned to the reader, what is done and overdue, and their history."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    assignments = completion.assignments_for(request.user)
    context = {
        "assignments": assignments,
        "overdue": [a for a in assignments if a.overdue],
        "pending": [a for a in assignments if not a.overdue and not a.done],
        "done": [a for a in assignments if a.done],
        "history": marks.history(request.user),
    }
    return render(request, "study/my_study.html", context)
