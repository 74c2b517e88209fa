"""Turns a refusal by the publication gate, wherever it happens, into a message for the editor."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse

from casestudies.gate import AnonymizationGateError


class AnonymizationGateMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, AnonymizationGateError):
            return None
        # Wagtail's publish and workflow actions run in transactions: nothing was written.
        # The message says only what this user may know (the case file's strings only to 纪检监察).
        messages.error(request, exception.message_for(request.user))
        page_id = getattr(exception.page, "pk", None)
        if page_id:
            return redirect(reverse("wagtailadmin_pages:edit", args=[page_id]))
        return redirect(reverse("wagtailadmin_home"))
