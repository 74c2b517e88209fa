"""Wagtail's page and collection password forms, throttled: the same addresses and names as
Wagtail's own, listed before them in ``jingjian.urls`` so that these answer."""

from django.urls import path
from wagtail import views as wagtail_views
from wagtail.documents.views import serve as document_views

from jingjian.security.throttling import COLLECTION_PASSWORD, PAGE_PASSWORD, password_form

password_forms = [
    path(
        "_util/authenticate_with_password/<int:page_view_restriction_id>/<int:page_id>/",
        password_form(
            wagtail_views.authenticate_with_password, PAGE_PASSWORD, "page_view_restriction_id"
        ),
        name="wagtailcore_authenticate_with_password",
    ),
    path(
        "documents/authenticate_with_password/<int:restriction_id>/",
        password_form(
            document_views.authenticate_with_password, COLLECTION_PASSWORD, "restriction_id"
        ),
        name="wagtaildocs_authenticate_with_password",
    ),
]
