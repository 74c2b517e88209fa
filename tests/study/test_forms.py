"""The study list's form checks units as it checks groups: a list assigned to a unit some of
whose people may not see one of its pages is refused through the admin's POST, with a Chinese
message saying which page and unit and what to change, and never the title of a page the one
who saves may not see."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from study.models import OfficialProfile, StudyList, Unit
from tests.factories import CaseStudyPageFactory, UserFactory
from tests.support.study_forms import study_list_form

pytestmark = pytest.mark.django_db

SECRET = "仅纪检监察可看的案例"


def unit_of(name, *groups):
    unit = Unit.objects.create(name=name)
    for n, group in enumerate(groups):
        person = UserFactory(username=f"{unit.pk}-{n}", groups=[group])
        OfficialProfile.objects.create(user=person, unit=unit, post="干部")
    return unit


@pytest.fixture
def secret(make_page_visible):
    return make_page_visible(CaseStudyPageFactory(title=SECRET), "restricted", ["纪检监察"])


def test_a_unit_with_someone_who_may_not_see_a_page_is_refused(client, discipline_user, secret):
    mixed = unit_of("鉴湖区民政局", "纪检监察", "读者")
    open_page = CaseStudyPageFactory(title="人人可看的案例")
    client.force_login(discipline_user)
    response = client.post(
        reverse("study_lists:add"), study_list_form("单位学习", [open_page, secret], units=[mixed])
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert f"第2篇“{SECRET}”设有限定查看范围，“鉴湖区民政局”单位有人看不到" in body
    assert "去掉这个单位" in body
    assert "第1篇" not in body
    assert not StudyList.objects.filter(title="单位学习").exists()


def test_a_unit_whose_people_all_see_the_pages_is_saved(client, discipline_user, secret):
    inside = unit_of("区纪委监委", "纪检监察", "纪检监察")
    empty = Unit.objects.create(name="新设单位")
    client.force_login(discipline_user)
    response = client.post(
        reverse("study_lists:add"), study_list_form("纪检学习", [secret], units=[inside, empty])
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    made = StudyList.objects.get(title="纪检学习")
    assert set(made.units.all()) == {inside, empty}


def test_an_open_page_is_fine_for_any_unit_and_group(client, editor):
    unit = unit_of("区教育局", "读者", "编辑")
    readers = Group.objects.get(name="读者")
    client.force_login(editor)
    response = client.post(
        reverse("study_lists:add"),
        study_list_form("全员学习", [CaseStudyPageFactory()], groups=[readers], units=[unit]),
    )
    assert response.status_code == 302


def test_the_refusal_never_names_a_page_hidden_from_the_one_who_saves(client, editor, secret):
    unit = unit_of("区教育局", "读者")
    client.force_login(editor)
    response = client.post(
        reverse("study_lists:add"), study_list_form("伪造", [secret], units=[unit])
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert SECRET not in body
    assert "无权查看" in body
    assert not StudyList.objects.filter(title="伪造").exists()


def test_editing_a_list_to_add_such_a_unit_is_refused(client, discipline_user, secret):
    inside = unit_of("区纪委监委", "纪检监察")
    client.force_login(discipline_user)
    assert (
        client.post(
            reverse("study_lists:add"), study_list_form("纪检学习", [secret], units=[inside])
        ).status_code
        == 302
    )
    made = StudyList.objects.get(title="纪检学习")
    mixed = unit_of("鉴湖区水务局", "读者")
    data = study_list_form("纪检学习", [secret], units=[inside, mixed])
    data["items-INITIAL_FORMS"] = "1"
    data["items-0-id"] = str(made.items.get().pk)
    response = client.post(reverse("study_lists:edit", args=[made.pk]), data)
    assert response.status_code == 200
    assert "“鉴湖区水务局”单位有人看不到" in response.content.decode()
    assert list(made.units.all()) == [inside]
