"""An attacker's review of study records (学习记录), issue 15 §5: the mark's endpoints with ids of
pages the reader may not see, bad input, CSRF; study lists posted with forged page ids; the
completion report and its .xlsx for people outside the staff groups, with pages the viewer may
not see, and with names built to break or abuse a spreadsheet; 我的学习 after a restriction."""

import datetime
import io
import json

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from wagtail.models import Page

from casestudies.models import CaseIndexPage
from study import marks
from study.models import OfficialProfile, StudyList, StudyListItem, StudyRecord, Unit
from tests.factories import CaseStudyPageFactory, ExemplarPageFactory, UserFactory
from tests.support.study_forms import study_list_form

pytestmark = pytest.mark.django_db

RECORD = "/study/mark/record/"
STATE = "/study/mark/"
SECRET = "纪检监察专属的未公开案例"


@pytest.fixture
def secret(make_page_visible):
    page = CaseStudyPageFactory(title=SECRET)
    make_page_visible(page, "restricted", ["纪检监察"])
    return page


def answers(client, method, page_id, **extra):
    if method == "GET":
        response = client.get(STATE, {"page": page_id})
    else:
        response = client.post(RECORD, {"page": page_id, **extra})
    return response.status_code, response.content, response.get("Cache-Control")


def test_a_page_the_reader_may_not_see_answers_exactly_as_a_missing_one(client, reader, secret):
    unpublished = CaseStudyPageFactory(title="尚未发布的案例")
    unpublished.unpublish()
    not_studied = CaseIndexPage.objects.get()  # live, visible, of no studied type
    missing = Page.objects.order_by("-pk").first().pk + 1000
    client.force_login(reader)
    for method, extra in [
        ("GET", {}),
        ("POST", {"action": "studied"}),
        ("POST", {"action": "time", "seconds": "30"}),
    ]:
        expected = answers(client, method, missing, **extra)
        assert expected[0] == 404
        for page in (secret, unpublished, not_studied):
            assert answers(client, method, page.pk, **extra) == expected, (method, page.title)
    assert not StudyRecord.objects.filter(user=reader).exists()


@pytest.mark.parametrize("seconds", ["-1", "1e3", "", "5.5", "٣", "9" * 10, "0x10", "NaN"])
def test_bad_seconds_are_a_chinese_400_and_record_nothing(client, reader, seconds):
    page = CaseStudyPageFactory()
    client.force_login(reader)
    response = client.post(RECORD, {"page": page.pk, "action": "time", "seconds": seconds})
    assert response.status_code == 400
    assert "阅读时长" in json.loads(response.content)["error"]
    assert not StudyRecord.objects.filter(user=reader).exists()


def test_huge_seconds_are_capped_and_the_total_never_overflows(client, reader, settings):
    settings.STUDY_MAX_SECONDS_PER_VISIT = 7200
    page = CaseStudyPageFactory()
    client.force_login(reader)
    for _ in range(3):
        assert (
            client.post(
                RECORD, {"page": page.pk, "action": "time", "seconds": "999999999"}
            ).status_code
            == 204
        )
    assert StudyRecord.objects.get(user=reader, page=page).seconds == 3 * 7200


@pytest.mark.parametrize("page_id", ["", "abc", "-1", "٣", "1" * 13, "1 2", "0x1"])
def test_bad_page_ids_are_a_chinese_400(client, reader, page_id):
    client.force_login(reader)
    for response in (
        client.get(STATE, {"page": page_id}),
        client.post(RECORD, {"page": page_id, "action": "studied"}),
    ):
        assert response.status_code == 400
        assert "页面编号" in json.loads(response.content)["error"]


def test_marks_need_a_login_a_post_and_the_csrf_token(reader):
    page = CaseStudyPageFactory()
    anonymous = Client(enforce_csrf_checks=True)
    assert anonymous.get(STATE, {"page": page.pk}).status_code == 403
    assert anonymous.post(RECORD, {"page": page.pk, "action": "studied"}).status_code == 403
    forged = Client(enforce_csrf_checks=True)
    forged.force_login(reader)
    # A post from another site carries the session but not the token.
    refused = forged.post(RECORD, {"page": page.pk, "action": "studied"})
    assert refused.status_code == 403
    assert "安全校验" in json.loads(refused.content)["error"]
    for response in (forged.get(RECORD), forged.post(STATE, {"page": page.pk})):
        assert response.status_code == 405
        assert "只接受" in json.loads(response.content)["error"]
    assert not StudyRecord.objects.exists()


def test_another_users_record_is_never_read_nor_written(client, reader):
    page = ExemplarPageFactory()
    other = UserFactory(groups=["读者"])
    marks.mark_studied(other, page)
    client.force_login(reader)
    state = json.loads(client.get(STATE, {"page": page.pk, "user": other.pk}).content)
    assert state["studied"] is False
    client.post(RECORD, {"page": page.pk, "action": "time", "seconds": "10", "user": other.pk})
    assert StudyRecord.objects.get(user=other, page=page).seconds == 0
    assert StudyRecord.objects.get(user=reader, page=page).seconds == 10


def test_my_study_drops_a_page_restricted_after_it_was_assigned(client, reader, make_page_visible):
    page = CaseStudyPageFactory(title="后来被限定范围的案例")
    readers = Group.objects.get(name="读者")
    study_list = StudyList.objects.create(title="本月学习", deadline=timezone.localdate())
    study_list.groups.set([readers])
    study_list.save()
    StudyListItem.objects.create(study_list=study_list, page=page, sort_order=0)
    marks.mark_studied(reader, page)
    client.force_login(reader)
    assert "后来被限定范围的案例" in client.get("/study/").content.decode()
    make_page_visible(page, "restricted", ["纪检监察"])
    assert "后来被限定范围的案例" not in client.get("/study/").content.decode()


def test_a_study_list_refuses_a_page_hidden_from_the_one_who_saves(client, editor, secret):
    """An editor who posts a restricted page's id (the chooser does not offer it) could save
    the list and then read the page's title on the list's edit page: any restricted title, by
    trying ids."""
    readers = Group.objects.get(name="读者")
    client.force_login(editor)
    response = client.post(
        reverse("study_lists:add"), study_list_form("伪造的学习任务", [secret.pk], [readers])
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert SECRET not in body
    assert "无权查看" in body
    assert not StudyList.objects.filter(title="伪造的学习任务").exists()


def test_a_study_list_takes_only_studied_page_types(client, editor):
    readers = Group.objects.get(name="读者")
    client.force_login(editor)
    index = CaseIndexPage.objects.get()
    response = client.post(
        reverse("study_lists:add"), study_list_form("栏目页当学习内容", [index.pk], [readers])
    )
    assert response.status_code == 200
    assert "只能选择" in response.content.decode()
    assert not StudyList.objects.filter(title="栏目页当学习内容").exists()


def test_a_study_list_refuses_a_page_a_chosen_group_may_not_see(client, discipline_user, secret):
    readers = Group.objects.get(name="读者")
    client.force_login(discipline_user)
    response = client.post(
        reverse("study_lists:add"), study_list_form("给读者的限定案例", [secret.pk], [readers])
    )
    assert response.status_code == 200
    assert "“读者”组看不到" in response.content.decode()
    assert not StudyList.objects.filter(title="给读者的限定案例").exists()
    discipline = Group.objects.get(name="纪检监察")
    saved = client.post(
        reverse("study_lists:add"), study_list_form("给纪检的限定案例", [secret.pk], [discipline])
    )
    assert saved.status_code == 302


@pytest.fixture
def discipline_list(secret):
    """A list 纪检监察 made of a public page and a restricted one (as the demo's third list)."""
    study_list = StudyList.objects.create(
        title="纪检监察干部专题学习", deadline=timezone.localdate() - datetime.timedelta(days=1)
    )
    study_list.groups.set([Group.objects.get(name="纪检监察")])
    study_list.save()
    StudyListItem.objects.create(study_list=study_list, page=secret, sort_order=0)
    open_page = CaseStudyPageFactory(title="人人可看的案例")
    StudyListItem.objects.create(study_list=study_list, page=open_page, sort_order=1)
    return study_list


def test_an_editor_reads_no_title_nor_count_of_a_restricted_page_in_a_list(
    client, editor, discipline_list
):
    client.force_login(editor)
    for url in (
        reverse("study_lists:index"),
        reverse("study_lists:edit", args=[discipline_list.pk]),
        reverse("study_lists:delete", args=[discipline_list.pk]),
        reverse("study_lists:history", args=[discipline_list.pk]),
        reverse("study_lists:report", args=[discipline_list.pk]),
        reverse("study_lists:report", args=[discipline_list.pk]) + "?format=xlsx",
    ):
        response = client.get(url)
        assert response.status_code in (200, 403, 404), url
        assert SECRET.encode() not in response.content, url
    # The list's 篇数 counts what the viewer may see (the restricted page is not even counted).
    index = client.get(reverse("study_lists:index")).content.decode()
    row = index[index.index("纪检监察干部专题学习") :]
    row = " ".join(row[: row.index("</tr>")].split())
    assert row.endswith("<td > 1 </td>")
    # And the list cannot be edited or deleted around what the editor may not see.
    edit = client.post(
        reverse("study_lists:edit", args=[discipline_list.pk]),
        study_list_form("改过的任务", [discipline_list.items.last().page_id]),
    )
    assert edit.status_code in (403, 404)
    assert client.post(reverse("study_lists:delete", args=[discipline_list.pk])).status_code in (
        403,
        404,
    )
    assert StudyList.objects.filter(pk=discipline_list.pk).exists()


def test_readers_and_reviewers_get_no_report_nor_xlsx(client, reader, reviewer, discipline_list):
    for user in (reader, reviewer):
        client.force_login(user)
        for suffix in ("", "?format=xlsx"):
            url = reverse("study_lists:report", args=[discipline_list.pk]) + suffix
            response = client.get(url)
            assert response.status_code in (302, 403)
            assert "纪检监察干部专题学习".encode() not in response.content


def test_the_xlsx_survives_control_characters_and_never_reads_as_a_formula(
    client, discipline_user, discipline_list
):
    """Anyone with admin access may change their own name (account settings): a bell character
    in it made every export of a list they are on a 500; a name like “=HYPERLINK(…)” is kept as
    text, and marked so (Excel's quote prefix) that editing the cell keeps it text."""
    unit = Unit.objects.create(name='=HYPERLINK("http://example.invalid","点此")')
    person = UserFactory(
        username="jj-attack", first_name="张\x07三", last_name="@SUM(1)", groups=["纪检监察"]
    )
    OfficialProfile.objects.create(user=person, unit=unit, post="+1-1")
    client.raise_request_exception = False
    client.force_login(discipline_user)
    url = reverse("study_lists:report", args=[discipline_list.pk])
    assert client.get(url).status_code == 200
    response = client.get(url + "?format=xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    cells = [cell for sheet in book for row in sheet.iter_rows() for cell in row]
    risky = [c for c in cells if isinstance(c.value, str) and c.value[:1] in "=+-@"]
    assert risky, "the crafted names are in the export"
    for cell in risky:
        assert cell.data_type == "s" and cell.quotePrefix, cell.coordinate
    names = [c.value for c in cells if isinstance(c.value, str) and "三" in c.value]
    assert any(name.startswith("张") and "\x07" not in name for name in names)


@pytest.mark.parametrize("value", ["abc", "²", "-1", "9" * 30, "1.0"])
def test_a_study_list_posted_with_no_page_id_is_a_form_error(client, editor, value):
    client.raise_request_exception = False
    client.force_login(editor)
    readers = Group.objects.get(name="读者")
    response = client.post(
        reverse("study_lists:add"), study_list_form("无效编号", [value], [readers])
    )
    assert response.status_code == 200
    assert "表单里有选择框的值不是有效的编号" in response.content.decode()
    assert not StudyList.objects.exists()
