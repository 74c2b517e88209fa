"""Images embedded in rich text render only from collections no restriction covers: rich text
is rendered without knowing the reader (pages, feeds, the API, renditions for channels)."""

import pytest
from django.core.cache import cache
from wagtail.images import get_image_model
from wagtail.models import Collection

from tests.core.test_media_access import png
from tests.factories import ExemplarPageFactory

pytestmark = pytest.mark.django_db


def _image(collection_name, title):
    cache.clear()
    return get_image_model().objects.create(
        title=title,
        file=png(f"{title}.png"),
        collection=Collection.objects.get(name=collection_name)
        if collection_name
        else Collection.get_first_root_node(),
    )


def _page_embedding(image, alt):
    return ExemplarPageFactory(
        title="嵌入图片的典型材料",
        deeds=[
            {
                "type": "paragraph",
                "value": (
                    f'<p>正文段落。</p><embed embedtype="image" id="{image.pk}" '
                    f'format="fullwidth" alt="{alt}"/>'
                ),
            }
        ],
    )


@pytest.mark.parametrize("collection_name", ["限定资料", "内部资料"])
def test_an_embedded_image_from_a_covered_collection_is_left_out(
    client, discipline_user, collection_name
):
    image = _image(collection_name, "内部照片")
    page = _page_embedding(image, "内部照片替换文字")
    for reader in (None, discipline_user):
        client.logout()
        if reader is not None:
            client.force_login(reader)
        html = client.get(page.url).content.decode()
        assert "正文段落" in html
        assert "内部照片替换文字" not in html
        assert not any(r.file.name.rsplit("/", 1)[-1] in html for r in image.renditions.all())


def test_an_embedded_public_image_is_shown(client):
    image = _image(None, "公开照片")
    page = _page_embedding(image, "公开照片替换文字")
    html = client.get(page.url).content.decode()
    assert 'alt="公开照片替换文字"' in html
    assert image.renditions.exists()
