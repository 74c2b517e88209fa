"""A page form that no browser sends (the body's block data made by hand) is answered with a
form error in Chinese and saves nothing; it is never a server error."""

import pytest
from wagtail.test.utils.form_data import streamfield

from tests.core.test_admin_references import exemplar, latest, save, shown_text  # noqa: F401

pytestmark = pytest.mark.django_db

HAND_MADE = {
    "paragraph that is no JSON": streamfield([("paragraph", "{not json")]),
    "paragraph that is HTML": streamfield(
        [("paragraph", '<p><a linktype="page" id="3">x</a></p>')]
    ),
    "paragraph of the wrong shape": streamfield([("paragraph", '{"blocks": 5}')]),
    "image id that is no number": streamfield(
        [("image", {"image": "abc", "decorative": "", "alt_text": ""})]
    ),
    "image id too large": streamfield(
        [("image", {"image": "9" * 30, "decorative": "", "alt_text": ""})]
    ),
    "block count that is no number": {"count": "abc"},
    "block order that is no number": {
        "count": "1",
        "0": {"type": "paragraph", "order": "x", "deleted": "", "value": "{}"},
    },
}
SAID = {
    "paragraph that is no JSON": "这一段的内容无法识别",
    "image id that is no number": "请选择一张图片",
    "block count that is no number": "正文的内容无法识别",
}


@pytest.mark.parametrize("how", HAND_MADE)
def test_a_hand_made_body_is_a_form_error(client, editor, exemplar, how):  # noqa: F811
    client.force_login(editor)
    before = list(latest(exemplar).deeds.raw_data)
    response = save(client, exemplar, title="不应保存的标题", deeds=HAND_MADE[how])
    assert response.status_code == 200
    if how in SAID:
        assert SAID[how] in shown_text(response)
    assert latest(exemplar).title != "不应保存的标题"
    assert list(latest(exemplar).deeds.raw_data) == before
