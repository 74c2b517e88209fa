"""The admin's 通报 menu and case picker: 纪检监察 filter, tick and append in order; nobody else
reaches them; no input gives a 500."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from casestudies.models import BulletinPage
from jingjian.core.models import WorkArea
from tests.casestudies.bulletin_support import make_bulletin, make_study
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft_bulletin(db):
    return make_bulletin([], publish=False)


def pick_url(bulletin):
    return reverse("bulletins:pick", args=[bulletin.pk])


def items_of(bulletin):
    latest = BulletinPage.objects.get(pk=bulletin.pk).get_latest_revision_as_object()
    return [item.case_study_id for item in latest.items.all()]


def test_the_menu_lists_bulletins_with_status_for_discipline_staff(
    client, discipline_user, draft_bulletin
):
    client.force_login(discipline_user)
    admin = client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("bulletins:index") in admin
    body = client.get(reverse("bulletins:index")).content.decode()
    assert draft_bulletin.title in body and "草稿" in body and "新建通报" in body
    assert pick_url(draft_bulletin) in body
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[draft_bulletin.pk]))
    assert pick_url(draft_bulletin) in edit.content.decode()  # 挑选案例 on the edit page


def test_filters_then_tick_appends_in_the_order_ticked(client, discipline_user, draft_bulletin):
    area = WorkArea.objects.get(name="招商引资")
    other = WorkArea.objects.exclude(pk=area.pk).first()
    first = make_study("招商引资中推诿扯皮问题甲", date_handled=datetime.date(2025, 2, 1))
    second = make_study("招商引资中推诿扯皮问题乙", date_handled=datetime.date(2025, 4, 1))
    elsewhere = make_study("其他领域问题丙", work_area=other)
    old = make_study(
        "招商引资中的旧问题丁",
        date_handled=datetime.date(2019, 1, 1),
        period_start=None,
        period_end=None,
    )
    client.force_login(discipline_user)
    listed = client.get(
        pick_url(draft_bulletin), {"work_area": area.pk, "handled_from": "2025-01-01"}
    ).content.decode()
    assert first.title in listed and second.title in listed
    assert elsewhere.title not in listed and old.title not in listed
    response = client.post(pick_url(draft_bulletin), {"case_study": [second.pk, first.pk]})
    assert response.status_code == 302
    assert items_of(draft_bulletin) == [second.pk, first.pk]
    # Ticking more appends after what is there.
    client.post(pick_url(draft_bulletin), {"case_study": [old.pk]})
    assert items_of(draft_bulletin) == [second.pk, first.pk, old.pk]
    # Already chosen ones are no longer offered.
    again = client.get(pick_url(draft_bulletin)).content.decode()
    assert f'id="study-{first.pk}"' not in again


def test_a_public_bulletin_picker_refuses_what_the_gate_fails(client, discipline_user):
    bulletin = make_bulletin([], publish=False, for_publication=True)
    leaky = make_study("某局干部孙某问题", summary="举报人手机13912345678。")
    client.force_login(discipline_user)
    response = client.post(pick_url(bulletin), {"case_study": [leaky.pk]})
    assert response.status_code == 200
    assert "未通过脱敏检查" in response.content.decode()
    assert items_of(bulletin) == []


@pytest.mark.parametrize(
    "posted",
    [
        {"case_study": ["abc"]},
        {"case_study": ["999999"]},
        {"case_study": ["-1", ""]},
        {},
        {"case_study": ["1" * 40]},
        {"work_area": "x", "problem_type": "999", "handled_from": "2025-13-40"},
    ],
)
def test_bad_input_says_what_to_do_and_saves_nothing(
    client, discipline_user, draft_bulletin, posted
):
    client.force_login(discipline_user)
    response = client.post(pick_url(draft_bulletin), posted)
    assert response.status_code == 200
    assert "请" in response.content.decode()
    assert items_of(draft_bulletin) == []
    assert client.get(pick_url(draft_bulletin), posted).status_code == 200


def test_missing_or_other_pages_are_404(client, discipline_user, draft_bulletin):
    client.force_login(discipline_user)
    study = make_study("不是通报的页面")
    for pk in [999999, study.pk]:
        assert client.get(reverse("bulletins:pick", args=[pk])).status_code == 404
        assert client.post(reverse("bulletins:pick", args=[pk]), {}).status_code == 404


def test_a_case_restricted_to_someone_elses_group_cannot_be_ticked(
    client, draft_bulletin, make_page_visible
):
    staff = UserFactory(username="jijian2", groups=["纪检监察"])
    Group.objects.get_or_create(name="专案组")
    hidden = make_study("专案组限定案例")
    make_page_visible(hidden, "restricted", ["专案组"])
    client.force_login(staff)
    assert hidden.title not in client.get(pick_url(draft_bulletin)).content.decode()
    response = client.post(pick_url(draft_bulletin), {"case_study": [hidden.pk]})
    assert response.status_code == 200
    assert hidden.title not in response.content.decode()
    assert items_of(draft_bulletin) == []


@pytest.mark.parametrize("who", ["editor", "reviewer", "reader"])
def test_nobody_outside_discipline_reaches_the_picker_or_the_menu(
    client, request, who, draft_bulletin
):
    client.force_login(request.getfixturevalue(who))
    for url in [pick_url(draft_bulletin), reverse("bulletins:index")]:
        assert client.get(url).status_code in (302, 403)
        assert client.post(url, {"case_study": ["1"]}).status_code in (302, 403)
    if who != "reader":
        admin = client.get(reverse("wagtailadmin_home")).content.decode()
        assert reverse("bulletins:index") not in admin
    assert items_of(draft_bulletin) == []


def test_a_bulletin_in_review_is_not_changed_by_the_picker(client, discipline_user, draft_bulletin):
    study = make_study("审核中不能追加的案例")
    draft_bulletin.get_workflow().start(draft_bulletin, discipline_user)
    client.force_login(discipline_user)
    response = client.post(pick_url(draft_bulletin), {"case_study": [study.pk]})
    assert "正在审核中" in response.content.decode()
    assert items_of(draft_bulletin) == []


def test_bad_addresses_of_the_reader_views_are_not_500(client, reader, draft_bulletin):
    client.force_login(reader)
    for suffix in ["docx/", "print/", "nothing/", "docx/x/"]:
        assert client.get(draft_bulletin.url_path.replace("/home", "") + suffix).status_code in (
            404,
        )


# --- review in the editor ----------------------------------------------------------------------


def edit_form(bulletin, **changes):
    """What the edit view posts for ``bulletin``'s latest revision when nobody changes it."""
    shown = BulletinPage.objects.get(pk=bulletin.pk).get_latest_revision_as_object()
    items = [
        {"id": str(item.pk or ""), "case_study": str(item.case_study_id), "heading": item.heading}
        for item in shown.items.all()
    ]
    for number, item in enumerate(items, start=1):
        item["ORDER"] = str(number)
    fields = {
        "title": shown.title,
        "slug": shown.slug,
        "seo_title": shown.seo_title,
        "search_description": shown.search_description,
        "issuing_body": shown.issuing_body,
        "document_number": shown.document_number,
        "recipients": shown.recipients,
        "preamble": shown.preamble,
        "exhortation": shown.exhortation,
        "issuer": shown.issuer,
        "date_issued": shown.date_issued.isoformat(),
        "items": inline_formset(items, initial=len(items)),
        "comments": inline_formset([]),
    }
    fields.update(changes)
    return nested_form_data(fields)


@pytest.fixture
def bulletin_at_second_review(discipline_user):
    """A bulletin of two cases in review, past 案例初审 (纪检监察), at 案例复审 (审核)."""
    bulletin = make_bulletin(
        [make_study("某局推诿扯皮问题"), make_study("某街道庸懒散浮问题")], publish=False
    )
    bulletin = BulletinPage.objects.get(pk=bulletin.pk)
    bulletin.save_revision(user=discipline_user)
    state = bulletin.get_workflow().start(bulletin, discipline_user)
    state.current_task_state.approve(user=discipline_user)
    state.refresh_from_db()
    assert state.current_task_state.task.name == "案例复审"
    return bulletin


def approve_in_the_editor(client, bulletin, **changes):
    data = edit_form(bulletin, **changes)
    data.update({"action-workflow-action": "true", "workflow-action-name": "approve"})
    return client.post(reverse("wagtailadmin_pages:edit", args=[bulletin.pk]), data)


def test_a_reviewer_outside_discipline_approves_a_bulletin_as_it_is(
    client, reviewer, bulletin_at_second_review
):
    """审核 approve 案例复审 in the editor: an unchanged form is no edit (the date's callable
    default once made every save a change, which sent the bulletin back to 案例初审)."""
    client.force_login(reviewer)
    response = approve_in_the_editor(client, bulletin_at_second_review)
    assert response.status_code == 302, response.content.decode()[:2000]
    state = BulletinPage.objects.get(pk=bulletin_at_second_review.pk).current_workflow_state
    assert state.current_task_state.task.name == "案例终审"


def test_a_reviewer_outside_discipline_cannot_change_a_bulletin(
    client, reviewer, bulletin_at_second_review
):
    client.force_login(reviewer)
    before = BulletinPage.objects.get(pk=bulletin_at_second_review.pk).latest_revision_id
    response = approve_in_the_editor(client, bulletin_at_second_review, preamble="审核改写的导语。")
    assert response.status_code == 200
    assert "只有纪检监察干部可以编写或修改通报" in response.content.decode()
    page = BulletinPage.objects.get(pk=bulletin_at_second_review.pk)
    assert page.latest_revision_id == before
    assert page.current_workflow_state.current_task_state.task.name == "案例复审"


def test_a_reviewer_outside_discipline_cannot_change_a_bulletins_items(
    client, reviewer, bulletin_at_second_review
):
    client.force_login(reviewer)
    shown = BulletinPage.objects.get(
        pk=bulletin_at_second_review.pk
    ).get_latest_revision_as_object()
    items = [
        {
            "id": str(item.pk or ""),
            "case_study": str(item.case_study_id),
            "heading": "审核改写的标题",
        }
        for item in shown.items.all()
    ]
    for number, item in enumerate(items, start=1):
        item["ORDER"] = str(number)
    before = BulletinPage.objects.get(pk=bulletin_at_second_review.pk).latest_revision_id
    response = approve_in_the_editor(
        client, bulletin_at_second_review, items=inline_formset(items, initial=len(items))
    )
    assert response.status_code == 200
    assert "只有纪检监察干部可以编写或修改通报" in response.content.decode()
    assert BulletinPage.objects.get(pk=bulletin_at_second_review.pk).latest_revision_id == before
