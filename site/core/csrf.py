"""The answer to a form whose CSRF check failed, in Chinese: usually a page left open past its
session, or cookies turned off. Django's own is an English technical page
(``CSRF_FAILURE_VIEW``)."""

from django.shortcuts import render


def failure(request, reason=""):
    return render(request, "csrf_failure.html", status=403)
