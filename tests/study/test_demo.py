"""The demo's study lists are partly done: the report and 我的学习 have something to show."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from jingjian.core import visibility
from study import completion
from study.models import OfficialProfile, StudyList, StudyRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(demo_content, db):
    return demo_content


def test_demo_lists_are_partly_done_with_some_overdue(demo, client):
    assert StudyList.objects.count() == 3
    admin = get_user_model().objects.get(username="admin")
    warning = StudyList.objects.get(title="第一季度警示教育学习")
    report = completion.completion(warning, admin)
    states = {(p.complete, p.overdue) for p in report["persons"]}
    assert (True, False) in states and (False, True) in states
    assert len({u.unit for u in report["units"]}) >= 3
    assert OfficialProfile.objects.get(user__username="duzhe").unit.name == "区发展和改革局"
    assert client.login(username="duzhe", password="jingjian-demo")
    html = client.get("/study/").content.decode()
    assert "第一季度警示教育学习" in html and "已逾期" in html
    assert client.login(username="zhaomin", password="jingjian-demo")
    assert "已完成 2 项" in client.get("/study/").content.decode()


def test_demo_study_content_is_idempotent(demo):
    before = (StudyList.objects.count(), StudyRecord.objects.count())
    call_command("load_demo_content", skip_index=True, verbosity=0)
    assert (StudyList.objects.count(), StudyRecord.objects.count()) == before


def test_readers_are_never_assigned_pages_they_may_not_see(demo):
    for record in StudyRecord.objects.select_related("user", "page"):
        assert visibility.can_see_page(record.page, record.user)
