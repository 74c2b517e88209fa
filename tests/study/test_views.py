"""The study mark over HTTP: its state, 我已学习, time spent reading, refusals, 我的学习."""

import datetime
import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from jingjian.core import page_cache
from study.models import StudyRecord
from tests.factories import CaseStudyPageFactory, ExemplarPageFactory, UserFactory

pytestmark = pytest.mark.django_db

RECORD = "/study/mark/record/"
STATE = "/study/mark/"


def post(client, **data):
    return client.post(RECORD, data)


def body(response):
    return json.loads(response.content.decode())


@pytest.fixture
def logged_in(client, reader):
    client.force_login(reader)
    return client


def test_marking_twice_is_one_record_and_keeps_the_first_date(logged_in, reader):
    page = CaseStudyPageFactory()
    first = post(logged_in, page=page.pk, action="studied")
    assert first.status_code == 200
    assert body(first)["studied"] is True
    studied_on = body(first)["studied_on"]
    assert studied_on == timezone.localdate().isoformat()
    StudyRecord.objects.filter(user=reader).update(
        studied_at=timezone.now() - datetime.timedelta(days=3)
    )
    second = post(logged_in, page=page.pk, action="studied")
    assert second.status_code == 200
    assert StudyRecord.objects.filter(user=reader, page=page).count() == 1
    kept = StudyRecord.objects.get(user=reader, page=page).studied_at
    assert timezone.localdate(kept) == timezone.localdate() - datetime.timedelta(days=3)


def test_a_mark_after_time_was_read_keeps_the_time_and_a_second_mark_writes_nothing(
    logged_in, reader
):
    page = CaseStudyPageFactory()
    assert post(logged_in, page=page.pk, action="time", seconds="30").status_code == 204
    first = post(logged_in, page=page.pk, action="studied")
    assert body(first) == {
        "page": page.pk,
        "studied": True,
        "studied_on": timezone.localdate().isoformat(),
        "seconds": 30,
    }
    with CaptureQueriesContext(connection) as captured:
        second = post(logged_in, page=page.pk, action="studied")
    assert body(second) == body(first)
    writes = [q["sql"] for q in captured if not q["sql"].lstrip().upper().startswith("SELECT")]
    assert [sql for sql in writes if "study_studyrecord" in sql] == []


def test_reading_time_accumulates_and_one_visit_is_capped(logged_in, reader, settings):
    settings.STUDY_MAX_SECONDS_PER_VISIT = 7200
    page = ExemplarPageFactory()
    for seconds in ("95", "30", "999999"):
        assert post(logged_in, page=page.pk, action="time", seconds=seconds).status_code == 204
    record = StudyRecord.objects.get(user=reader, page=page)
    assert record.seconds == 95 + 30 + 7200
    assert record.studied_at is None  # time alone is not 已学习
    assert body(logged_in.get(STATE, {"page": page.pk}))["seconds"] == 95 + 30 + 7200


def test_state_is_fetched_per_reader_and_never_cached(logged_in, reader):
    page = CaseStudyPageFactory()
    fresh = logged_in.get(STATE, {"page": page.pk})
    assert fresh.status_code == 200
    assert body(fresh) == {"page": page.pk, "studied": False, "studied_on": None, "seconds": 0}
    assert "no-cache" in fresh["Cache-Control"] and "private" in fresh["Cache-Control"]
    post(logged_in, page=page.pk, action="studied")
    assert body(logged_in.get(STATE, {"page": page.pk}))["studied"] is True
    other = Client()
    other.force_login(UserFactory(groups=["读者"]))
    assert body(other.get(STATE, {"page": page.pk}))["studied"] is False


def test_a_page_the_reader_may_not_see_answers_as_a_missing_page(logged_in, make_page_visible):
    hidden = make_page_visible(CaseStudyPageFactory(), "restricted", ["纪检监察"])
    missing = post(logged_in, page=987654, action="studied")
    refused = post(logged_in, page=hidden.pk, action="studied")
    assert missing.status_code == refused.status_code == 404
    assert missing.content == refused.content
    assert body(refused)["error"].startswith("没有找到")
    assert logged_in.get(STATE, {"page": hidden.pk}).content == missing.content
    assert not StudyRecord.objects.exists()


def test_the_restricted_group_may_mark_its_page(client, discipline_user, make_page_visible):
    page = make_page_visible(CaseStudyPageFactory(), "restricted", ["纪检监察"])
    client.force_login(discipline_user)
    assert post(client, page=page.pk, action="studied").status_code == 200


def test_pages_of_other_types_and_unpublished_pages_answer_as_missing(logged_in):
    draft = CaseStudyPageFactory()
    draft.unpublish()
    missing = post(logged_in, page=987654, action="studied").content
    assert post(logged_in, page=draft.pk, action="studied").content == missing
    index = draft.get_parent()
    assert post(logged_in, page=index.pk, action="studied").content == missing


def test_anonymous_readers_are_refused(client):
    page = CaseStudyPageFactory()
    response = post(client, page=page.pk, action="studied")
    assert response.status_code == 403
    assert "登录" in body(response)["error"]
    assert client.get(STATE, {"page": page.pk}).status_code == 403
    assert not StudyRecord.objects.exists()


def test_csrf_is_required(reader):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reader)
    page = CaseStudyPageFactory()
    refused = client.post(RECORD, {"page": page.pk, "action": "studied"})
    assert refused.status_code == 403
    assert body(refused)["error"] == "页面已过期或缺少安全校验，请刷新页面后重试。"
    forged = {"page": page.pk, "action": "studied", "csrfmiddlewaretoken": "x" * 32}
    client.cookies["csrftoken"] = "y" * 32
    assert client.post(RECORD, forged).status_code == 403
    del client.cookies["csrftoken"]
    assert not StudyRecord.objects.exists()
    # The state request sets the cookie; the token in the form (as sendBeacon sends it) passes.
    client.get(STATE, {"page": page.pk})
    token = client.cookies["csrftoken"].value
    data = {"page": page.pk, "action": "studied", "csrfmiddlewaretoken": token}
    assert client.post(RECORD, data).status_code == 200


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"page": "abc", "action": "studied"},
        {"page": "١٢", "action": "studied"},
        {"page": "9" * 40, "action": "studied"},
        {"page": "-1", "action": "studied"},
        {"page": "PAGE", "action": "nothing"},
        {"page": "PAGE", "action": "time"},
        {"page": "PAGE", "action": "time", "seconds": "-5"},
        {"page": "PAGE", "action": "time", "seconds": "1e9"},
        {"page": "PAGE", "action": "time", "seconds": "9" * 30},
        {"page": "PAGE", "action": "time", "seconds": "\x00"},
    ],
)
def test_bad_input_is_a_400_in_chinese(logged_in, data):
    page = CaseStudyPageFactory()
    data = {k: (str(page.pk) if v == "PAGE" else v) for k, v in data.items()}
    response = post(logged_in, **data)
    assert response.status_code == 400
    message = body(response)["error"]
    assert "请" in message and message.endswith("。")


def test_only_get_and_post_where_each_belongs(logged_in):
    assert logged_in.get(RECORD).status_code == 405
    assert logged_in.post(STATE).status_code == 405


def test_the_mark_is_in_the_page_for_readers_and_absent_for_anonymous(client, reader):
    page = CaseStudyPageFactory()
    anonymous = client.get(page.url).content.decode()
    assert "data-study-page" not in anonymous and "study.js" not in anonymous
    client.force_login(reader)
    mine = client.get(page.url).content.decode()
    assert f'data-study-page="{page.pk}"' in mine and "js/study.js" in mine
    assert "我已学习" in mine
    exemplar = ExemplarPageFactory()
    assert f'data-study-page="{exemplar.pk}"' in client.get(exemplar.url).content.decode()


def test_a_cached_page_holds_no_reader_state(client, reader):
    """The copy the cache shares between readers of one scope says nothing of anyone's marks,
    and marking does not purge it."""
    page = CaseStudyPageFactory()
    client.force_login(reader)
    first = client.get(page.url)
    assert first["X-Page-Cache"] == "miss"
    post(client, page=page.pk, action="studied")
    post(client, page=page.pk, action="time", seconds="60")
    second = client.get(page.url)
    assert second["X-Page-Cache"] == "hit"
    html = second.content.decode()
    assert "已学习" not in html.replace("我已学习", "")
    other = Client()
    other.force_login(UserFactory(groups=["读者"]))
    third = other.get(page.url)
    assert third["X-Page-Cache"] == "hit"
    assert third.content.decode().replace(reader.get_username(), "") == third.content.decode()
    anonymous = Client().get(page.url)
    assert anonymous["X-Page-Cache"] == "miss"
    assert Client().get(page.url)["X-Page-Cache"] == "hit"
    assert "data-study-page" not in anonymous.content.decode()
    assert page_cache.UNRENDERED >= {"study.studyrecord"}


def test_reader_nav_links_my_study_for_readers_only(client, reader):
    page = CaseStudyPageFactory()
    assert "/study/" not in client.get(page.url).content.decode()
    client.force_login(reader)
    assert 'href="/study/"' in client.get(page.url).content.decode()
    assert reverse("study:mine") == "/study/"
