"""Upload limits of images and documents in the admin (the settings' "Upload and import limits"):
a file too large, with too many pixels or of a type not allowed is refused in Chinese, on the
single upload form and on the multiple upload's answer, and nothing is stored."""

import io

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection

from tests.support.admin_text import english, shown_texts

pytestmark = pytest.mark.django_db


def png(width=48, height=60, name="照片.png"):
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), "red").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


# File extensions as the messages list them (lower case, as the settings give them).
EXTENSIONS = {
    "csv",
    "docx",
    "odt",
    "pdf",
    "pptx",
    "rtf",
    "txt",
    "xlsx",
    "zip",
    "png",
    "svg",
    "html",
}


def text_of(response):
    """What a person reads on the page, which must be Chinese."""
    texts = shown_texts(response.content.decode())
    assert not english(texts, EXTENSIONS), english(texts, EXTENSIONS)
    return " ".join(texts)


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def add_image(client, upload):
    collection = Collection.get_first_root_node()
    return client.post(
        reverse("wagtailimages:add"),
        {"title": "上传测试", "file": upload, "collection": collection.pk},
    )


def add_document(client, upload):
    collection = Collection.get_first_root_node()
    return client.post(
        reverse("wagtaildocs:add"),
        {"title": "上传测试", "file": upload, "collection": collection.pk},
    )


def test_the_limits_are_set():
    assert settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE == 10 * 1024 * 1024
    assert settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS == 40_000_000
    assert "svg" not in settings.WAGTAILIMAGES_EXTENSIONS
    assert settings.WAGTAILDOCS_MAX_UPLOAD_SIZE == 20 * 1024 * 1024
    assert not {"exe", "html", "svg", "js"} & set(settings.WAGTAILDOCS_EXTENSIONS)


def test_an_image_too_large(editor_client, settings):
    settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE = 100
    response = add_image(editor_client, png())
    assert response.status_code == 200
    assert "文件过大" in text_of(response) and "文件大小上限为 100 字节" in text_of(response)
    assert not get_image_model().objects.exists()


def test_an_image_with_too_many_pixels(editor_client, settings):
    settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS = 1000
    response = add_image(editor_client, png(100, 100))
    assert "图片像素过多（10000），上限为 1000，请缩小后重新上传。" in text_of(response)
    assert not get_image_model().objects.exists()


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("图.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
        SimpleUploadedFile("图.txt", b"not an image"),
        SimpleUploadedFile("图.png", b"<html>not a png</html>"),
    ],
    ids=["svg", "txt", "not-a-png"],
)
def test_an_image_of_the_wrong_type(editor_client, upload):
    text = text_of(add_image(editor_client, upload))
    assert "不支持的图片格式" in text or "请上传有效图片" in text or "扩展名与文件格式" in text
    assert not get_image_model().objects.exists()


def test_the_multiple_upload_answers_in_chinese(editor_client, settings):
    settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE = 100
    response = editor_client.post(reverse("wagtailimages:add_multiple"), {"files[]": png()})
    answer = response.json()
    assert answer["success"] is False and "文件过大" in answer["error_message"]
    response = editor_client.post(
        reverse("wagtaildocs:add_multiple"),
        {"files[]": SimpleUploadedFile("程序.exe", b"MZ")},
    )
    answer = response.json()
    assert answer["success"] is False and "不允许上传扩展名为“exe”的文件" in answer["error_message"]
    assert not get_image_model().objects.exists() and not get_document_model().objects.exists()


def test_a_document_too_large_or_of_the_wrong_type(editor_client, settings):
    settings.WAGTAILDOCS_MAX_UPLOAD_SIZE = 10
    text = text_of(add_document(editor_client, SimpleUploadedFile("纪要.pdf", b"%PDF-1.4 " * 4)))
    assert "文件过大" in text and "文件大小上限为 10 字节" in text
    settings.WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
    text = text_of(add_document(editor_client, SimpleUploadedFile("页面.html", b"<script>")))
    assert "不允许上传扩展名为“html”的文件" in text and "允许的扩展名：csv, docx" in text
    assert not get_document_model().objects.exists()
