"""Bulletins take a study mark as case studies do (``STUDY_PAGE_TYPES``): the button on the
bulletin's page, and a read recorded for the readers who may see it."""

import json

import pytest

from study.models import StudyRecord
from tests.casestudies.bulletin_support import make_bulletin, make_study

pytestmark = pytest.mark.django_db


def test_a_reader_marks_a_bulletin_as_studied(client, reader):
    bulletin = make_bulletin([make_study("一起推诿扯皮问题")])
    client.force_login(reader)
    page = client.get(bulletin.url)
    assert page.status_code == 200
    assert 'class="study-mark' in page.content.decode()
    state = client.get("/study/mark/", {"page": bulletin.pk})
    assert state.status_code == 200 and json.loads(state.content)["studied"] is False
    marked = client.post("/study/mark/record/", {"page": bulletin.pk, "action": "studied"})
    assert marked.status_code == 200
    assert StudyRecord.objects.get(user=reader, page=bulletin).studied_at is not None


def test_an_anonymous_reader_gets_no_bulletin_and_no_mark(client):
    bulletin = make_bulletin([make_study("一起推诿扯皮问题")])
    assert client.get(bulletin.url).status_code == 302  # the 通报 section is intranet
    refused = client.post("/study/mark/record/", {"page": bulletin.pk, "action": "studied"})
    assert refused.status_code in (403, 302)
    assert not StudyRecord.objects.exists()
