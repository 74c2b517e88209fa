"""Study lists: who is assigned, 我的学习 (assigned, done, overdue), never a hidden page."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from study import completion, marks
from study.models import OfficialProfile, StudyList, StudyListItem, Unit
from tests.factories import CaseStudyPageFactory, ExemplarPageFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def study_list(title, pages, deadline, groups=(), units=()):
    made = StudyList.objects.create(title=title, deadline=deadline, note="请认真学习。")
    for order, page in enumerate(pages):
        StudyListItem.objects.create(study_list=made, page=page, sort_order=order)
    made.groups.set(Group.objects.filter(name__in=groups))
    made.units.set(units)
    made.save()  # parental many-to-many relations are written when the list is saved
    return made


def official(username, unit, groups=("读者",), post="科员"):
    user = UserFactory(username=username, groups=list(groups), first_name=username.upper())
    OfficialProfile.objects.create(user=user, unit=unit, post=post)
    return user


@pytest.fixture
def world(make_page_visible):
    fagai = Unit.objects.create(name="区发展和改革局")
    jiaoyu = Unit.objects.create(name="区教育局")
    cases = [CaseStudyPageFactory() for _ in range(3)]
    hidden = make_page_visible(CaseStudyPageFactory(), "restricted", ["纪检监察"])
    exemplar = ExemplarPageFactory()
    people = {
        "a": official("a", fagai),
        "b": official("b", fagai),
        "c": official("c", jiaoyu, groups=()),
        "d": official("d", None, groups=("纪检监察",)),
    }
    past = study_list(
        "三月警示教育", [cases[0], cases[1], hidden], TODAY - datetime.timedelta(days=5), ["读者"]
    )
    future = study_list(
        "学习先进典型", [exemplar, cases[2]], TODAY + datetime.timedelta(days=10), units=[jiaoyu]
    )
    return {"units": (fagai, jiaoyu), "cases": cases, "hidden": hidden, "exemplar": exemplar,
            "people": people, "past": past, "future": future}  # fmt: skip


def test_lists_are_assigned_by_group_and_by_unit(world):
    p = world["people"]
    assert set(completion.assignees(world["past"])) == {p["a"], p["b"]}
    assert set(completion.assignees(world["future"])) == {p["c"]}
    assert list(completion.lists_for(p["c"])) == [world["future"]]
    assert list(completion.lists_for(p["d"])) == []


def test_done_and_overdue_count_only_what_the_reader_may_see(world):
    a = world["people"]["a"]
    marks.mark_studied(a, world["cases"][0])
    [assignment] = completion.assignments_for(a)
    # The restricted page is neither listed nor counted: two pages, one done, deadline passed.
    assert [i.page.pk for i in assignment.items] == [world["cases"][0].pk, world["cases"][1].pk]
    assert assignment.done_count == 1 and not assignment.done and assignment.overdue
    marks.mark_studied(a, world["cases"][1])
    [assignment] = completion.assignments_for(a)
    assert assignment.done and not assignment.overdue


def test_completion_per_person_and_per_unit(world):
    p = world["people"]
    marks.mark_studied(p["a"], world["cases"][0])
    marks.mark_studied(p["a"], world["cases"][1])
    marks.mark_studied(p["b"], world["cases"][0])
    marks.add_reading_time(p["b"], world["cases"][1], 300)  # read, not marked
    report = completion.completion(world["past"], UserFactory(is_superuser=True))
    rows = {r.user.username: (r.assigned, r.done, r.complete, r.overdue) for r in report["persons"]}
    assert rows == {"a": (2, 2, True, False), "b": (2, 1, False, True)}
    [unit] = report["units"]
    assert (unit.unit, unit.persons, unit.complete, unit.overdue, unit.rate) == (
        "区发展和改革局", 2, 1, 1, 50
    )  # fmt: skip


def test_the_report_never_names_a_page_its_reader_may_not_see(world, editor):
    report = completion.completion(world["past"], editor)
    assert world["hidden"] not in report["pages"]
    superuser = UserFactory(is_superuser=True)
    assert world["hidden"].pk in {
        p.pk for p in completion.completion(world["past"], superuser)["pages"]
    }


def test_my_study_page_lists_overdue_pending_done_and_history(client, world):
    p = world["people"]
    marks.mark_studied(p["c"], world["exemplar"])
    marks.add_reading_time(p["c"], world["exemplar"], 3700)
    client.force_login(p["a"])
    html = client.get("/study/").content.decode()
    assert "三月警示教育" in html and "已逾期" in html
    assert world["hidden"].title not in html
    assert world["cases"][0].title in html
    client.force_login(p["c"])
    response = client.get("/study/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "学习先进典型" in html and "三月警示教育" not in html
    assert "1小时1分钟" in html  # its history
    assert "private" in response["Cache-Control"]
    marks.mark_studied(p["c"], world["cases"][2])
    html = client.get("/study/").content.decode()
    assert "已完成 1 项" in html


def test_my_study_sends_anonymous_readers_to_login(client):
    response = client.get("/study/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_history_leaves_out_pages_no_longer_visible(client, world, make_page_visible):
    a = world["people"]["a"]
    marks.mark_studied(a, world["cases"][0])
    make_page_visible(world["cases"][0], "restricted", ["纪检监察"])
    assert marks.history(a) == []
    client.force_login(a)
    assert world["cases"][0].title not in client.get("/study/").content.decode()


def test_the_report_asks_as_many_queries_for_many_people_as_for_few(world):
    viewer = UserFactory(is_superuser=True)
    with CaptureQueriesContext(connection) as few:
        completion.completion(world["past"], viewer)
    for n in range(15):
        official(f"more{n}", world["units"][0])
    with CaptureQueriesContext(connection) as many:
        completion.completion(world["past"], viewer)
    assert len(many) == len(few)
