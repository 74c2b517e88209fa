"""manage.py rename_media_files: files stored before token names get one, and stay served."""

import io
import os
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.core.management import call_command
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from jingjian.core.storage import is_token_name
from tests.factories import ExemplarPageFactory

pytestmark = pytest.mark.django_db


def png_bytes():
    buffer = io.BytesIO()
    PILImage.new("RGB", (30, 40), "green").save(buffer, "PNG")
    return buffer.getvalue()


def stored_as(name, content, settings):
    """Write ``content`` under ``name`` as the old storage did (the name as given)."""
    return FileSystemStorage(location=settings.MEDIA_ROOT).save(name, ContentFile(content))


@pytest.fixture
def old_files(settings):
    cache.clear()  # Wagtail caches renditions by image id, and ids come back after a rollback
    Image, Document = get_image_model(), get_document_model()
    image = Image.objects.create(title="陈晓照片", file=ContentFile(png_bytes(), name="x.png"))
    rendition = image.get_rendition("width-10")
    document = Document.objects.create(title="陈晓材料", file=ContentFile(b"deeds", name="x.txt"))
    names = {
        "image": stored_as("original_images/chen_xiao_zhaopian.png", png_bytes(), settings),
        "rendition": stored_as("images/chen_xiao_zhaopian.width-10.png", png_bytes(), settings),
        "document": stored_as("documents/陈晓材料.txt", b"deeds", settings),
    }
    Image.objects.filter(pk=image.pk).update(file=names["image"])
    type(rendition).objects.filter(pk=rendition.pk).update(file=names["rendition"])
    rendition.purge_from_cache()
    Document.objects.filter(pk=document.pk).update(file=names["document"])
    ExemplarPageFactory(portrait=image)  # a public page shows the portrait
    return {"image": image, "rendition": rendition, "document": document, "names": names}


def test_old_names_are_replaced_by_tokens_and_still_served(
    old_files, client, django_capture_on_commit_callbacks
):
    names = old_files["names"]
    for name in names.values():
        assert client.get(f"/media/{name}").status_code == 200
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):  # old files go once committed
        call_command("rename_media_files", stdout=out)
    assert "已改名 3 个文件" in out.getvalue()

    image = get_image_model().objects.get(pk=old_files["image"].pk)
    rendition = type(old_files["rendition"]).objects.get(pk=old_files["rendition"].pk)
    document = get_document_model().objects.get(pk=old_files["document"].pk)
    for obj in (image, rendition, document):
        assert is_token_name(os.path.basename(obj.file.name)), obj.file.name
        assert client.get(obj.file.url).status_code == 200
    assert image.file.name.startswith("original_images/") and image.file.name.endswith(".png")
    assert document.file.name.endswith(".txt")
    with document.file.open("rb") as stored:
        assert stored.read() == b"deeds"
    for name in names.values():  # the old files are gone
        assert client.get(f"/media/{name}").status_code == 404
        assert not os.path.exists(os.path.join(str(image.file.storage.location), name))
    # The page shows the renamed rendition.
    assert image.get_rendition("width-10").url == rendition.url

    again = StringIO()
    call_command("rename_media_files", stdout=again)
    assert "已改名 0 个文件" in again.getvalue()


def test_dry_run_changes_nothing_and_a_missing_file_is_reported(old_files, settings):
    os.remove(os.path.join(settings.MEDIA_ROOT, old_files["names"]["document"]))
    out, err = StringIO(), StringIO()
    call_command("rename_media_files", "--dry-run", stdout=out, stderr=err)
    assert "将改名 2 个文件；找不到 1 个。" in out.getvalue()
    assert "找不到文件 documents/陈晓材料.txt" in err.getvalue()
    image = get_image_model().objects.get(pk=old_files["image"].pk)
    assert image.file.name == old_files["names"]["image"]
