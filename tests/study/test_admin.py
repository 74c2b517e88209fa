"""The admin's 学习 menu: study lists edited by 编辑 and 纪检监察, the completion report and its
.xlsx (read back with openpyxl, and in the audit log), units and officials' profiles."""

import datetime
import io

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from wagtail.models import ModelLogEntry

from study import marks
from study.admin_views import EXPORT
from study.models import OfficialProfile, StudyList, StudyListItem, Unit
from tests.factories import CaseStudyPageFactory, ExemplarPageFactory, UserFactory
from tests.support.study_forms import study_list_form

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", ["editor", "discipline_user", "superuser"])
def test_staff_create_a_study_list_from_the_menu(client, request, who):
    client.force_login(request.getfixturevalue(who))
    menu = client.get("/admin/").content.decode()
    # The sidebar is drawn from JSON in the page, which escapes non-ASCII text.
    assert "学习任务".encode("unicode_escape").decode() in menu
    assert client.get(reverse("study_lists:add")).status_code == 200
    pages = [ExemplarPageFactory(), CaseStudyPageFactory()]
    readers = Group.objects.get(name="读者")
    unit = Unit.objects.create(name="区教育局")
    deadline = timezone.localdate() + datetime.timedelta(days=7)
    response = client.post(
        reverse("study_lists:add"),
        study_list_form(
            "学习任务一",
            pages,
            [readers],
            [unit],
            deadline=deadline,
            note="结合本单位实际认真学习。",
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    made = StudyList.objects.get(title="学习任务一")
    assert [i.page_id for i in made.items.all()] == [p.pk for p in pages]
    assert list(made.groups.all()) == [readers] and list(made.units.all()) == [unit]
    index = client.get(reverse("study_lists:index")).content.decode()
    assert "学习任务一" in index and reverse("study_lists:report", args=[made.pk]) in index


def test_readers_and_reviewers_have_no_study_admin(client, reader, reviewer):
    made = StudyList.objects.create(title="任务", deadline=timezone.localdate())
    for user in (reader, reviewer):
        client.force_login(user)
        assert client.get(reverse("study_lists:index")).status_code in (302, 403)
        assert client.get(reverse("study_lists:report", args=[made.pk])).status_code in (302, 403)
    client.force_login(UserFactory(groups=["编辑"]))
    assert client.get(reverse("study_units:index")).status_code in (302, 403)


def test_a_list_needs_a_title_deadline_and_a_page(client, editor):
    client.force_login(editor)
    response = client.post(
        reverse("study_lists:add"), study_list_form("", [], deadline=timezone.localdate())
    )
    assert response.status_code == 200
    assert not StudyList.objects.exists()


@pytest.fixture
def reported(make_page_visible):
    fagai = Unit.objects.create(name="区发展和改革局")
    jiaoyu = Unit.objects.create(name="=区教育局")  # a name that would be a formula
    cases = [CaseStudyPageFactory(), CaseStudyPageFactory()]
    people = []
    for username, unit in [("a", fagai), ("b", fagai), ("c", jiaoyu)]:
        user = UserFactory(username=username, first_name=f"官员{username}", groups=["读者"])
        OfficialProfile.objects.create(user=user, unit=unit, post="科员")
        people.append(user)
    made = StudyList.objects.create(
        title="三月警示教育", deadline=timezone.localdate() - datetime.timedelta(days=1)
    )
    for order, page in enumerate(cases):
        StudyListItem.objects.create(study_list=made, page=page, sort_order=order)
    made.groups.set([Group.objects.get(name="读者")])
    made.save()
    for page in cases:
        marks.mark_studied(people[0], page)
    marks.mark_studied(people[2], cases[0])
    return made


def test_the_report_shows_units_and_persons(client, editor, reported):
    client.force_login(editor)
    html = client.get(reverse("study_lists:report", args=[reported.pk])).content.decode()
    assert "区发展和改革局" in html and "官员a" in html and "已逾期" in html and "已完成" in html
    assert "50%" in html  # one of two in 区发展和改革局


def test_the_xlsx_reads_back_and_is_in_the_audit_log(client, discipline_user, reported):
    client.force_login(discipline_user)
    url = reverse("study_lists:report", args=[reported.pk]) + "?format=xlsx"
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    units = [tuple(r) for r in book["按单位"].iter_rows(values_only=True)]
    assert units[0][:5] == ("单位", "应学人数", "已完成人数", "逾期人数", "完成率（%）")
    assert ("=区教育局", 1, 0, 1, 0, 2, 1) in units  # text, not a formula
    assert ("区发展和改革局", 2, 1, 1, 50, 4, 2) in units
    persons = {r[1]: r for r in book["按人员"].iter_rows(min_row=2, values_only=True)}
    assert persons["官员a"][3:] == (2, 2, "已完成")
    assert persons["官员b"][3:] == (2, 0, "已逾期")
    entry = ModelLogEntry.objects.get(action=EXPORT)
    assert entry.user == discipline_user and entry.object_id == str(reported.pk)
    history = client.get(reverse("study_lists:history", args=[reported.pk])).content.decode()
    assert "导出了学习完成情况" in history


def test_an_unknown_list_is_a_404(client, editor):
    client.force_login(editor)
    assert client.get(reverse("study_lists:report", args=[99999])).status_code == 404


def test_an_administrator_gives_an_official_a_unit_and_post(client, superuser, reader):
    client.force_login(superuser)
    unit = Unit.objects.create(name="区财政局")
    response = client.post(
        reverse("study_officials:add"), {"user": reader.pk, "unit": unit.pk, "post": "副局长"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    profile = OfficialProfile.objects.get(user=reader)
    assert (profile.unit, profile.post) == (unit, "副局长")
    assert "区财政局" in client.get(reverse("study_officials:index")).content.decode()
