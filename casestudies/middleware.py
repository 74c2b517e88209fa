"""Turns a refusal by the publication gate or by a bulletin's rules, wherever it happens (a
publish, a workflow's approve button), into a message for the editor."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse

from casestudies.bulletins import BulletinRefused
from casestudies.gate import AnonymizationGateError
from jingjian.core import admin_access


class AnonymizationGateMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, AnonymizationGateError):
            page = exception.page
        elif isinstance(exception, BulletinRefused):
            page = exception.bulletin
        else:
            return None
        # Wagtail's publish and workflow actions run in transactions: nothing was written.
        # The message says only what this user may know (the case file's strings only to
        # 纪检监察; a bulletin's items only to those who may see them).
        messages.error(request, exception.message_for(request.user))
        page_id = getattr(page, "pk", None)
        if page_id and admin_access.can_see_in_admin(page, request.user):
            return redirect(reverse("wagtailadmin_pages:edit", args=[page_id]))
        return redirect(reverse("wagtailadmin_home"))
