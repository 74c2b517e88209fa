"""A page form saves no reference to a page, an image or a document hidden from the editor.

The choosers list only what the editor may see, but a form is data anyone can write: an editor
who posts the id of a picture in 限定资料 (as the portrait, or as an image block), or links a
restricted page in the text, would otherwise have it saved, and the edit form and the revision
history would then show its title, alt text or address to them. What a page named before the
edit stays (someone who may see it put it there), so the page can still be edited around it."""

import html
import json
import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from wagtail.images import get_image_model
from wagtail.models import Collection, Page
from wagtail.test.utils.form_data import streamfield

from jingjian.core.visibility import Visibility
from tests.core.test_media_access import png
from tests.core.test_review import exemplar_form
from tests.factories import CaseStudyPageFactory, ExemplarPageFactory

pytestmark = pytest.mark.django_db

REFUSAL = "您无权查看的"


@pytest.fixture
def hidden(make_page_visible):
    cache.clear()
    return {
        "image": get_image_model().objects.create(
            title="限定照片黄建国",
            file=png("hidden.png"),
            collection=Collection.objects.get(name="限定资料"),
        ),
        "page": make_page_visible(
            CaseStudyPageFactory(title="限定案例链接目标", slug="xianding-anli"),
            Visibility.RESTRICTED,
        ),
    }


@pytest.fixture
def shown():
    return get_image_model().objects.create(
        title="公开照片", file=png("shown.png"), collection=Collection.get_first_root_node()
    )


@pytest.fixture
def exemplar():
    page = ExemplarPageFactory(title="引用检查用典型")
    page.save_revision()
    return Page.objects.get(pk=page.pk).specific


def image_block(image):
    return streamfield([("image", {"image": str(image.pk), "decorative": "on", "alt_text": ""})])


def paragraph(text, link=None):
    """A paragraph as the rich-text editor posts it; ``link`` (a page) links its last two
    characters."""
    block = {
        "key": "k1",
        "type": "unstyled",
        "depth": 0,
        "text": text,
        "inlineStyleRanges": [],
        "entityRanges": [],
        "data": {},
    }
    contentstate = {"blocks": [block], "entityMap": {}}
    if link is not None:
        block["entityRanges"] = [{"offset": len(text) - 2, "length": 2, "key": 0}]
        contentstate["entityMap"]["0"] = {
            "type": "LINK",
            "mutability": "MUTABLE",
            "data": {"id": link.pk, "url": "/", "parentId": None},
        }
    return contentstate


def link_to(page):
    return streamfield([("paragraph", json.dumps(paragraph("详见此案", link=page)))])


def shown_text(response):
    """A response's text with JSON's \\uXXXX escapes decoded, once or twice over (the block editor's state is JSON
    in an attribute), so that a title cannot hide in an escape."""
    text = html.unescape(response.content.decode())
    return re.sub(r"\\+u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)


def save(client, page, **changes):
    return client.post(
        reverse("wagtailadmin_pages:edit", args=[page.pk]), exemplar_form(page, **changes)
    )


def latest(page):
    return Page.objects.get(pk=page.pk).get_latest_revision().as_object()


def references_of(page):
    draft = latest(page)
    pictures = [block.value.pk for block in draft.deeds if block.block_type == "image"]
    links = [block.value.source for block in draft.deeds if block.block_type == "paragraph"]
    return draft.portrait_id, pictures, links


CHOICES = {
    "portrait": lambda h: {"portrait": str(h["image"].pk)},
    "image block": lambda h: {"deeds": image_block(h["image"])},
    "link in the text": lambda h: {"deeds": link_to(h["page"])},
}


@pytest.mark.parametrize("how", CHOICES)
def test_an_editor_cannot_save_what_they_may_not_see(client, editor, hidden, exemplar, how):
    client.force_login(editor)
    before = references_of(exemplar)
    response = save(client, exemplar, **CHOICES[how](hidden))
    assert response.status_code == 200
    text = shown_text(response)
    assert REFUSAL in text and "已从表单中去掉" in text
    assert "限定照片黄建国" not in text and "xianding-anli" not in text
    assert references_of(exemplar) == before


@pytest.fixture
def intranet(make_page_visible):
    """What an editor may see though readers outside the intranet may not."""
    return {
        "image": get_image_model().objects.create(
            title="内部照片",
            file=png("intranet.png"),
            collection=Collection.objects.get(name="内部资料"),
        ),
        "page": make_page_visible(CaseStudyPageFactory(title="内部案例"), Visibility.INTRANET),
    }


def holds(page, items):
    portrait, pictures, links = references_of(page)
    return (
        portrait == items["image"].pk
        or pictures == [items["image"].pk]
        or f'id="{items["page"].pk}"' in "".join(links)
    )


@pytest.mark.parametrize("how", CHOICES)
def test_what_they_may_see_is_saved(client, editor, superuser, hidden, intranet, exemplar, how):
    client.force_login(editor)
    response = save(client, exemplar, **CHOICES[how](intranet))
    assert response.status_code == 302
    assert holds(exemplar, intranet), references_of(exemplar)
    client.force_login(superuser)  # sees everything
    assert save(client, latest(exemplar), **CHOICES[how](hidden)).status_code == 302
    assert holds(exemplar, hidden)


def test_what_the_page_held_before_stays(client, editor, superuser, hidden, shown, exemplar):
    client.force_login(superuser)
    assert save(client, exemplar, portrait=str(hidden["image"].pk)).status_code == 302
    client.force_login(editor)
    page = latest(exemplar)
    response = save(client, page, portrait=str(hidden["image"].pk), citation="改过的颁奖词")
    assert response.status_code == 302
    assert latest(exemplar).citation == "改过的颁奖词"
    assert latest(exemplar).portrait_id == hidden["image"].pk
    # Choosing something they may see in its place is allowed; going back is not.
    assert save(client, page, portrait=str(shown.pk)).status_code == 302
    assert latest(exemplar).portrait_id == shown.pk
    assert (
        REFUSAL in save(client, latest(exemplar), portrait=str(hidden["image"].pk)).content.decode()
    )


def test_a_new_page_is_checked_too(client, editor, hidden, exemplar):
    client.force_login(editor)
    parent = exemplar.get_parent()
    url = reverse("wagtailadmin_pages:add", args=["exemplars", "exemplarpage", parent.pk])
    data = exemplar_form(exemplar, slug="new-one", portrait=str(hidden["image"].pk))
    response = client.post(url, data)
    assert response.status_code == 200
    assert REFUSAL in response.content.decode()
    assert not Page.objects.filter(slug="new-one").exists()


def test_a_preview_shows_nothing_hidden(client, editor, hidden, exemplar):
    client.force_login(editor)
    url = reverse("wagtailadmin_pages:preview_on_edit", args=[exemplar.pk])
    response = client.post(url, exemplar_form(exemplar, portrait=str(hidden["image"].pk)))
    assert json.loads(response.content)["is_valid"] is False
    shown = client.get(url)
    assert "限定照片黄建国" not in shown_text(shown)


def test_a_refused_form_keeps_the_rest_of_the_edit(client, editor, hidden, exemplar):
    client.force_login(editor)
    deeds = streamfield(
        [
            ("paragraph", json.dumps(paragraph("这一段要保留"))),
            ("image", {"image": str(hidden["image"].pk), "decorative": "on", "alt_text": ""}),
        ]
    )
    response = save(client, exemplar, title="改过的标题", deeds=deeds)
    text = shown_text(response)
    assert REFUSAL in text
    assert "改过的标题" in text and "这一段要保留" in text
    assert "限定照片黄建国" not in text


def test_every_page_type_is_checked():
    """A system check refuses a page type whose form skips the check (and one without the
    permission tester)."""
    from django.apps import apps
    from wagtail.admin.forms import WagtailAdminPageForm

    from jingjian.core.admin_access import every_page_type_is_access_controlled

    assert every_page_type_is_access_controlled(None) == []
    model = apps.get_model("exemplars", "ExemplarPage")
    original = model.base_form_class
    try:
        model.base_form_class = WagtailAdminPageForm
        errors = every_page_type_is_access_controlled(None)
    finally:
        model.base_form_class = original
    assert [error.id for error in errors] == ["jingjian.E002"]
    assert errors[0].obj is model


def test_a_page_is_not_copied_under_a_hidden_page(client, editor, exemplar, make_page_visible):
    from exemplars.models import ExemplarIndexPage

    home = exemplar.get_parent().get_parent()
    section = home.add_child(instance=ExemplarIndexPage(title="限定典型栏目", slug="xianding"))
    make_page_visible(section, Visibility.RESTRICTED)
    client.force_login(editor)
    response = client.post(
        reverse("wagtailadmin_pages:copy", args=[exemplar.pk]),
        {
            "new_title": "复制到限定页面下",
            "new_slug": "copied-under-hidden",
            "new_parent_page": str(section.pk),
            "copy_subpages": "",
            "publish_copies": "",
            "alias": "",
        },
    )
    assert response.status_code == 404
    assert not Page.objects.filter(slug="copied-under-hidden").exists()
