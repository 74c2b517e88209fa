"""Serving images and documents: every file leaves through a view that asks the visibility
module (``visibility.can_see_media``), whatever its address.

- ``/media/<name>`` (``serve_media``): originals, renditions and documents by their stored name.
  Only files that belong to an image, a rendition or a document are served; anything else under
  MEDIA_ROOT, a missing file or a name that tries to leave the folder is 404.
- ``/documents/<id>/<filename>`` (``serve_document``): Wagtail's own document view, with
  ``document_refusal`` as its first ``before_serve_document`` hook, so it refuses exactly what
  the visibility module refuses.

Refusals: an anonymous reader is sent to the login page; a logged-in reader who may not see the
file gets the Chinese 403 page. Whatever is covered by a restriction (and every refusal) carries
``Cache-Control: private, no-store``, so no shared cache keeps it. With
``MEDIA_ACCEL_REDIRECT_PREFIX`` set (production), the file itself is sent by the web server: the
view answers with ``X-Accel-Redirect`` to that internal location (see the README's nginx
snippet) instead of streaming it.
"""

import mimetypes
import os
import posixpath
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe
from wagtail.documents import get_document_model
from wagtail.documents.views.serve import serve as wagtail_serve_document
from wagtail.images import get_image_model
from wagtail.images.formats import get_image_format
from wagtail.images.rich_text import ImageEmbedHandler
from wagtail.models import BaseViewRestriction

from jingjian.core import visibility


def media_owner(name):
    """The image, rendition or document stored as ``name``, or ``None``."""
    Image = get_image_model()
    image = Image.objects.select_related("collection").filter(file=name).first()
    if image is not None:
        return image
    Rendition = Image.get_rendition_model()
    rendition = Rendition.objects.select_related("image__collection").filter(file=name).first()
    if rendition is not None:
        return rendition.image
    return get_document_model().objects.select_related("collection").filter(file=name).first()


def clean_name(path):
    """``path`` as a stored name, or ``None`` when it is not one (``..``, empty parts, …)."""
    if not path or "\\" in path or "\x00" in path or path.startswith("/"):
        return None
    parts = path.split("/")
    if any(part in ("", ".", "..") for part in parts):
        return None
    return posixpath.join(*parts)


def refusal(request):
    """The answer to a reader who may not see a file."""
    if not request.user.is_authenticated:
        response = redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
    else:
        # Logged in but outside the groups: a login form would only loop.
        response = render(request, "403.html", status=403)
    return private(response)


def private(response):
    patch_cache_control(response, private=True, no_store=True)
    return response


def accel_response(name, content_type):
    """An empty answer telling the web server to send ``name`` from its internal location."""
    response = HttpResponse(content_type=content_type)
    prefix = settings.MEDIA_ACCEL_REDIRECT_PREFIX.rstrip("/") + "/"
    response["X-Accel-Redirect"] = prefix + quote(name)
    return response


def file_response(name):
    """The file stored as ``name`` (404 when it is not on disk)."""
    try:
        path = default_storage.path(name)
    except SuspiciousFileOperation as error:
        raise Http404("该文件不存在。") from error
    if not os.path.isfile(path):
        raise Http404("该文件不存在。")
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    if settings.MEDIA_ACCEL_REDIRECT_PREFIX:
        response = accel_response(name, content_type)
    else:
        response = FileResponse(open(path, "rb"), content_type=content_type)  # noqa: SIM115
    # As Wagtail does for documents: nothing served from here runs as a page of the site.
    response["Content-Security-Policy"] = "default-src 'none'"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
def serve_media(request, path):
    """``/media/<path>``: a file of an image, rendition or document, if the reader may see it."""
    name = clean_name(path)
    owner = media_owner(name) if name else None
    if owner is None:
        raise Http404("该文件不存在。")
    roots = visibility.collection_roots()
    if not visibility.can_see_media(owner, request.user, roots):
        return refusal(request)
    response = file_response(name)
    if not visibility.is_public_media(owner, roots):
        private(response)
    return response


def document_refusal(document, request):
    """``before_serve_document``: refuse what the visibility module refuses. A collection kept
    behind a password alone is left to Wagtail's own hook, which asks for the password."""
    roots = visibility.collection_roots()
    if visibility.can_see_media(document, request.user, roots):
        return None
    group_ids = visibility._user_group_ids(request.user)
    unmet = [
        r
        for r in visibility.media_restrictions_covering(document, roots)
        if not visibility._user_passes(r, request.user, group_ids)
    ]
    if all(r.restriction_type == BaseViewRestriction.PASSWORD for r in unmet):
        return None
    return refusal(request)


def serve_document(request, document_id, document_filename):
    """Wagtail's document view (``document_refusal`` runs first), with our cache headers."""
    Document = get_document_model()
    response = wagtail_serve_document(request, document_id, document_filename)
    document = Document.objects.filter(pk=document_id).select_related("collection").first()
    if document is not None and not visibility.is_public_media(document):
        private(response)
    if "X-Accel-Redirect" in response:
        del response["Content-Length"]  # the web server sends the file and its length
    return response


def sendfile(request, filename, **kwargs):
    """A sendfile backend (``SENDFILE_BACKEND``) for Wagtail's document view: the web server
    sends the file from MEDIA_ROOT through its internal location."""
    name = os.path.relpath(filename, settings.MEDIA_ROOT).replace(os.sep, "/")
    if name.startswith("../"):
        raise Http404("该文件不存在。")
    return accel_response(name, kwargs.get("mimetype") or "application/octet-stream")


class PublicImageEmbedHandler(ImageEmbedHandler):
    """Images embedded in rich text (``<embed embedtype="image">``) render only from collections
    no restriction covers: rich text is rendered without the reader (a feed, the API, a
    syndication rendition, a cached page), so an image from 内部资料 or 限定资料 is left out of
    it, alt text included. Internal pictures go in the image block, which asks for the reader
    (``{% shown %}``). Registered after Wagtail's own handler (``wagtail_hooks``)."""

    @classmethod
    def expand_db_attributes_many(cls, attrs_list):
        images = cls.get_many(attrs_list)
        roots = visibility.collection_roots()
        tags = []
        for attrs, image in zip(attrs_list, images, strict=True):
            if image is None or not visibility.is_public_media(image, roots):
                tags.append("")
                continue
            image_format = get_image_format(attrs.get("format") or "fullwidth")
            tags.append(image_format.image_to_html(image, attrs.get("alt", "")))
        return tags
