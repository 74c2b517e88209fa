"""Images and documents in the admin follow the visibility module: a collection permission
granted on the root reaches no file in a collection the user may not see. Such a file is not
listed, chosen, previewed, edited, moved or named in a bulk action; its address is a 404."""

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.urls import reverse
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection

from tests.core.test_media_access import png

pytestmark = pytest.mark.django_db

STAFF = ["editor", "reviewer", "discipline_user", "superuser"]
SEES_RESTRICTED = {"discipline_user", "superuser"}
IMAGE_TITLE = "限定照片黄建国"
DOCUMENT_TITLE = "汪振华谈话笔录"


@pytest.fixture
def files(db):
    cache.clear()
    restricted = Collection.objects.get(name="限定资料")
    intranet = Collection.objects.get(name="内部资料")
    return {
        "image": get_image_model().objects.create(
            title=IMAGE_TITLE, file=png("a.png"), collection=restricted
        ),
        "intranet_image": get_image_model().objects.create(
            title="内部照片", file=png("b.png"), collection=intranet
        ),
        "document": get_document_model().objects.create(
            title=DOCUMENT_TITLE,
            file=ContentFile(b"%PDF-1.4 notes", name="notes.pdf"),
            collection=restricted,
        ),
    }


def urls(files):
    image, document = files["image"], files["document"]
    return {
        "image edit": reverse("wagtailimages:edit", args=[image.pk]),
        "image preview": reverse("wagtailimages:preview", args=[image.pk, "original"]),
        "image preview rendition": reverse("wagtailimages:preview", args=[image.pk, "fill-80x80"]),
        "image usage": reverse("wagtailimages:image_usage", args=[image.pk]),
        "image delete": reverse("wagtailimages:delete", args=[image.pk]),
        "image chosen": reverse("wagtailimages_chooser:chosen", args=[image.pk]),
        "document edit": reverse("wagtaildocs:edit", args=[document.pk]),
        "document delete": reverse("wagtaildocs:delete", args=[document.pk]),
        "document usage": reverse("wagtaildocs:document_usage", args=[document.pk]),
        "document chosen": reverse("wagtaildocs_chooser:chosen", args=[document.pk]),
    }


def listings(files):
    image, document = files["image"], files["document"]
    return {
        "images": reverse("wagtailimages:index"),
        "images search": reverse("wagtailimages:index") + "?q=黄建国",
        "image chooser": reverse("wagtailimages_chooser:choose"),
        "image chooser search": reverse("wagtailimages_chooser:choose_results") + "?q=黄建国",
        "images chosen together": reverse("wagtailimages_chooser:chosen_multiple")
        + f"?id={image.pk}&id={files['intranet_image'].pk}",
        "documents": reverse("wagtaildocs:index"),
        "document chooser": reverse("wagtaildocs_chooser:choose"),
        "document chooser search": reverse("wagtaildocs_chooser:choose_results") + "?q=汪振华",
        "image bulk delete": reverse(
            "wagtail_bulk_action", args=["wagtailimages", "image", "delete"]
        )
        + f"?id={image.pk}",
        "image bulk all": reverse("wagtail_bulk_action", args=["wagtailimages", "image", "delete"])
        + "?id=all",
        "document bulk": reverse("wagtail_bulk_action", args=["wagtaildocs", "document", "delete"])
        + f"?id={document.pk}",
    }


def text_of(response):
    return response.content.decode("utf-8", "replace")


@pytest.mark.parametrize("who", STAFF)
def test_restricted_files_in_the_admin_only_for_who_may_see_them(client, request, files, who):
    client.force_login(request.getfixturevalue(who))
    sees = who in SEES_RESTRICTED
    for name, url in urls(files).items():
        response = client.get(url)
        if sees:
            assert response.status_code == 200, (name, response.status_code)
        else:
            assert response.status_code == 404, (name, response.status_code)
            assert IMAGE_TITLE not in text_of(response) and DOCUMENT_TITLE not in text_of(response)
    for name, url in listings(files).items():
        response = client.get(url)
        # A bulk action left with no ids it may name answers Wagtail's 404.
        allowed = (200, 404) if "bulk" in name and not sees else (200,)
        assert response.status_code in allowed, (name, response.status_code)
        text = text_of(response)
        if not sees:
            assert IMAGE_TITLE not in text and DOCUMENT_TITLE not in text, name
    if sees:
        assert IMAGE_TITLE in text_of(client.get(reverse("wagtailimages:index")))
        assert DOCUMENT_TITLE in text_of(client.get(reverse("wagtaildocs:index")))
    # The intranet picture is every staff member's to see.
    assert "内部照片" in text_of(client.get(reverse("wagtailimages:index")))


@pytest.mark.parametrize("who", ["editor", "reviewer"])
def test_an_editor_cannot_move_a_restricted_file_into_the_open(client, request, files, who):
    image, document = files["image"], files["document"]
    root = Collection.get_first_root_node()
    client.force_login(request.getfixturevalue(who))
    response = client.post(
        reverse("wagtailimages:edit", args=[image.pk]), {"title": "改名", "collection": root.pk}
    )
    assert response.status_code == 404
    response = client.post(
        reverse("wagtaildocs:edit", args=[document.pk]), {"title": "改名", "collection": root.pk}
    )
    assert response.status_code == 404
    image.refresh_from_db()
    document.refresh_from_db()
    assert image.collection.name == "限定资料" and image.title == IMAGE_TITLE
    assert document.collection.name == "限定资料"
    client.logout()
    assert client.get(image.file.url).status_code == 302  # still refused to the anonymous


def test_an_editor_is_offered_only_collections_they_may_see(client, files, editor):
    client.force_login(editor)
    form = text_of(client.get(reverse("wagtailimages:edit", args=[files["intranet_image"].pk])))
    assert "内部资料" in form and "限定资料" not in form
    assert "限定资料" not in text_of(client.get(reverse("wagtailimages:add")))
    assert "限定资料" not in text_of(client.get(reverse("wagtaildocs:add")))
