"""Images and documents leave only through the visibility module: their files at /media/, their
renditions, Wagtail's document view and the API, for each kind of reader."""

import io
import os

import pytest
import wagtail_factories
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection

from jingjian.core import visibility
from jingjian.core.storage import is_token_name
from tests.factories import ExemplarPageFactory

pytestmark = pytest.mark.django_db

READERS = ["anonymous", "reader", "discipline_user", "superuser"]
# Who may see each collection's files (the migrations' 内部资料: login; 限定资料: 纪检监察).
SEES = {
    "public": {"anonymous", "reader", "discipline_user", "superuser"},
    "intranet": {"reader", "discipline_user", "superuser"},
    "restricted": {"discipline_user", "superuser"},
}
COLLECTIONS = {"intranet": "内部资料", "restricted": "限定资料"}
PAGE_LEVEL = {
    "public": visibility.Visibility.PUBLIC,
    "intranet": visibility.Visibility.INTRANET,
    "restricted": visibility.Visibility.RESTRICTED,
}


def png(name="照片.png"):
    buffer = io.BytesIO()
    PILImage.new("RGB", (48, 60), "red").save(buffer, "PNG")
    return ImageFile(io.BytesIO(buffer.getvalue()), name=name)


def collection(level):
    if level == "public":
        return Collection.get_first_root_node()
    return Collection.objects.get(name=COLLECTIONS[level])


@pytest.fixture
def media(db):
    """Per level: a live exemplar at that level whose portrait and linked document are kept in
    that level's collection; plus the portrait of an unpublished exemplar (public collection)."""
    cache.clear()  # Wagtail caches renditions by image id, and ids come back after a rollback
    Image, Document = get_image_model(), get_document_model()
    made = {}
    for level in SEES:
        image = Image.objects.create(
            title=f"{level}肖像", file=png(f"陈晓{level}照片.png"), collection=collection(level)
        )
        document = Document.objects.create(
            title=f"{level}事迹材料",
            file=ContentFile(b"%PDF-1.4 deeds", name=f"陈晓{level}事迹材料.pdf"),
            collection=collection(level),
        )
        page = ExemplarPageFactory(
            name=f"陈晓{level}",
            portrait=image,
            deeds=[
                {
                    "type": "paragraph",
                    "value": f'<p>见<a linktype="document" id="{document.pk}">事迹材料</a>。</p>',
                }
            ],
        )
        visibility.set_visibility(page, PAGE_LEVEL[level])
        made[level] = {"image": image, "document": document, "page": page}
    draft_portrait = Image.objects.create(title="未发布者肖像", file=png("李明照片.png"))
    draft = ExemplarPageFactory(name="李明", portrait=draft_portrait, live=False)
    made["draft"] = {"image": draft_portrait, "page": draft}
    return made


@pytest.fixture
def as_reader(request, client):
    def login(who):
        if who != "anonymous":
            client.force_login(request.getfixturevalue(who))
        return client

    return login


def assert_refused(response, who, path):
    if who == "anonymous":
        assert response.status_code == 302, path
        assert response["Location"].startswith("/accounts/login/?next="), path
    else:
        assert response.status_code == 403, path
        assert "无权查看" in response.content.decode()
    assert_private(response)


def assert_private(response):
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize("who", READERS)
@pytest.mark.parametrize("level", list(SEES))
def test_files_are_served_to_those_who_may_see_them(media, as_reader, who, level):
    client = as_reader(who)
    image, document = media[level]["image"], media[level]["document"]
    rendition = image.get_rendition("fill-360x450")
    urls = {
        "original": image.file.url,
        "rendition": rendition.url,
        "document file": document.file.url,
        "document": document.url,
    }
    assert urls["document"].startswith("/documents/")
    for what, url in urls.items():
        response = client.get(url)
        if who in SEES[level]:
            assert response.status_code == 200, (what, url)
            assert len(body(response)) > 0
            if level != "public":
                assert_private(response)
            else:
                assert "no-store" not in response.get("Cache-Control", "")
        else:
            assert_refused(response, who, url)


@pytest.mark.parametrize("who", READERS)
def test_a_page_s_pictures_load_for_whoever_may_see_the_page(media, as_reader, who):
    client = as_reader(who)
    for level in SEES:
        response = client.get(media[level]["page"].url)
        if who not in SEES[level]:
            continue
        assert response.status_code == 200
        html = response.content.decode()
        rendition = media[level]["image"].get_rendition("fill-360x450")
        assert rendition.url in html
        assert client.get(rendition.url).status_code == 200


@pytest.mark.parametrize("who", READERS)
def test_images_api_lists_what_live_visible_pages_use(media, as_reader, who):
    client = as_reader(who)
    expected = {media[level]["image"].pk for level in SEES if who in SEES[level]}
    listed = {item["id"] for item in client.get("/api/v2/images/").json()["items"]}
    assert listed == expected
    for key, item in media.items():
        status = client.get(f"/api/v2/images/{item['image'].pk}/").status_code
        assert status == (200 if item["image"].pk in expected else 404), key
    documents = {item["id"] for item in client.get("/api/v2/documents/").json()["items"]}
    assert documents == {media[level]["document"].pk for level in SEES if who in SEES[level]}


def test_unused_and_draft_images_are_not_listed(media, client, superuser):
    """An upload no live page uses is no publication: not listed, even public and to admins."""
    get_image_model().objects.create(title="未使用的公开图片", file=png())
    client.force_login(superuser)
    titles = {item["title"] for item in client.get("/api/v2/images/").json()["items"]}
    assert "未使用的公开图片" not in titles and "未发布者肖像" not in titles
    # Unpublishing the page takes its portrait out of the list.
    media["public"]["page"].unpublish()
    titles = {item["title"] for item in client.get("/api/v2/images/").json()["items"]}
    assert "public肖像" not in titles


def test_stored_names_say_nothing_about_the_title(media):
    image = wagtail_factories.ImageFactory(title="王建军照片", file__filename="王建军照片.jpg")
    rendition = image.get_rendition("width-20")
    document = get_document_model().objects.create(
        title="王建军谈话材料", file=ContentFile(b"x", name="wang-jianjun-tanhua.txt")
    )
    for name in (image.file.name, rendition.file.name, document.file.name):
        base = os.path.basename(name)
        assert is_token_name(base), name
        assert "wang" not in base.lower() and "jian" not in base.lower()
    assert image.file.name.endswith(".jpg") and document.file.name.endswith(".txt")
    assert get_image_model().objects.get(pk=image.pk).file.name.startswith("original_images/")
    names = {media[level]["image"].file.name for level in SEES}
    assert len(names) == 3 and all(is_token_name(os.path.basename(n)) for n in names)


@pytest.mark.parametrize(
    "path",
    [
        "/media/original_images/none.png",
        "/media/../pyproject.toml",
        "/media/original_images/../../pyproject.toml",
        "/media/%2e%2e/pyproject.toml",
        "/media//etc/passwd",
        "/media/",
        "/media/outbox/note.txt",  # under MEDIA_ROOT, but no image's or document's file
    ],
)
def test_a_path_that_is_no_media_file_is_404(media, client, superuser, settings, path):
    outbox = os.path.join(settings.MEDIA_ROOT, "outbox")
    os.makedirs(outbox, exist_ok=True)
    with open(os.path.join(outbox, "note.txt"), "w") as note:
        note.write("not a media file")
    client.force_login(superuser)
    assert client.get(media["restricted"]["image"].file.url).status_code == 200  # served here
    assert client.get(path).status_code == 404


def test_a_file_missing_on_disk_is_404(media, client, superuser):
    image = media["restricted"]["image"]
    document = media["restricted"]["document"]
    client.force_login(superuser)
    for url in (image.file.url, document.file.url, document.url):
        assert client.get(url).status_code == 200
    os.remove(image.file.path)
    os.remove(document.file.path)
    for url in (image.file.url, document.file.url, document.url):
        assert client.get(url).status_code == 404, url
    assert client.get("/documents/999999/x.pdf").status_code == 404


def test_production_hands_files_to_the_web_server(media, client, discipline_user, settings):
    settings.MEDIA_ACCEL_REDIRECT_PREFIX = "/internal-media/"
    settings.SENDFILE_BACKEND = "jingjian.core.media"
    client.force_login(discipline_user)
    image, document = media["restricted"]["image"], media["restricted"]["document"]
    response = client.get(image.file.url)
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/internal-media/{image.file.name}"
    assert response["Content-Type"] == "image/png" and response.content == b""
    assert_private(response)
    response = client.get(document.url)
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/internal-media/{document.file.name}"
    assert response.get("Content-Length", "0") == "0"  # not the file's: the body is empty
    assert_private(response)
    # The check still comes first.
    client.logout()
    assert client.get(image.file.url).status_code == 302
    assert client.get(document.url).status_code == 302


@pytest.fixture
def public_page_with_restricted_pictures(db):
    """A public exemplar whose portrait and body picture are kept in 限定资料 (纪检监察 only)."""
    cache.clear()
    Image = get_image_model()
    portrait = Image.objects.create(
        title="限定肖像赵某", file=png("portrait.png"), collection=collection("restricted")
    )
    figure = Image.objects.create(
        title="限定现场照片", file=png("figure.png"), collection=collection("restricted")
    )
    page = ExemplarPageFactory(
        name="赵文华",
        portrait=portrait,
        deeds=[
            {"type": "paragraph", "value": "<p>扎根基层三十年。</p>"},
            {
                "type": "image",
                "value": {"image": figure.pk, "alt_text": "谈话现场", "decorative": False},
            },
        ],
    )
    return page, portrait, figure


@pytest.mark.parametrize("who", READERS)
def test_a_public_page_shows_restricted_pictures_only_to_who_may_see_them(
    public_page_with_restricted_pictures, as_reader, who
):
    page, portrait, figure = public_page_with_restricted_pictures
    client = as_reader(who)
    sees = who in SEES["restricted"]
    html = client.get(page.url).content.decode()
    listing = client.get(page.get_parent().url).content.decode()
    assert page.name in html and page.name in listing
    for image in (portrait, figure):
        shown = any(
            r.image_id == image.pk and r.url in html + listing for r in image.renditions.all()
        )
        assert shown == sees, (who, image.title)
    assert ("谈话现场" in html) == sees
    data = client.get(f"/api/v2/pages/{page.pk}/").json()
    if sees:
        assert data["portrait"]["id"] == portrait.pk
        assert data["portrait"]["title"] == "限定肖像赵某"
    else:
        assert data["portrait"] is None
        assert "限定肖像赵某" not in client.get(f"/api/v2/pages/{page.pk}/").content.decode()
