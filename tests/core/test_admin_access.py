"""Issue item 12: the admin shows a page only to those who may see it, row by row.

The table (also in the README): for each kind of page and each group, "edit" means every page
URL answers 200 and the page is listed wherever the admin lists pages; "see" means only the
page chooser (which lists pages one may link to) shows it; "none" means every page URL refuses
and no listing names it. Readers (读者) never enter the admin.
"""

import datetime
import json

import pytest
from django.urls import reverse
from wagtail.log_actions import log
from wagtail.models import Page

from casestudies.drafts import generate_draft
from casestudies.models import CandidateDecision, CaseFile, CaseFilePerson, UnitType
from jingjian.core.visibility import Visibility
from tests.factories import CaseStudyPageFactory, ExemplarPageFactory

pytestmark = pytest.mark.django_db

USERS = ["editor", "reviewer", "discipline_user", "superuser"]
TABLE = {
    # page kind:                 编辑      审核      纪检监察   superuser
    "public_exemplar": ["edit", "edit", "see", "edit"],
    "intranet_case": ["edit", "edit", "edit", "edit"],
    "restricted_case": ["none", "none", "edit", "edit"],
    "restricted_exemplar_in_review": ["none", "edit", "see", "edit"],
    "draft_failing_the_gate": ["none", "none", "edit", "edit"],
    "draft_passing_the_gate": ["edit", "edit", "edit", "edit"],
}
TITLES = {
    "public_exemplar": "权限表甲公开典型",
    "intranet_case": "权限表乙内部案例",
    "restricted_case": "权限表丙限定案例",
    "restricted_exemplar_in_review": "权限表丁审核中的限定典型",
    "draft_failing_the_gate": "权限表戊未过检查的稿件",
    "draft_passing_the_gate": "权限表己已过检查的稿件",
}


def make_draft(number, title, raw_account, reviewed):
    case_file = CaseFile.objects.create(
        number=number,
        title=title,
        raw_account=raw_account,
        unit_type=UnitType.objects.get(name="区直部门"),
        source="complaint",
        date_handled=datetime.date(2025, 3, 1),
    )
    CaseFilePerson.objects.create(case_file=case_file, name="王建国", role="subject")
    for text in reviewed:
        CandidateDecision.objects.create(case_file=case_file, text=text, decision="accepted")
    page, _ = generate_draft(case_file)
    return page


@pytest.fixture
def pages(make_page_visible, editor, discipline_user):
    made = {
        "public_exemplar": ExemplarPageFactory(title=TITLES["public_exemplar"]),
        "intranet_case": make_page_visible(
            CaseStudyPageFactory(title=TITLES["intranet_case"]), Visibility.INTRANET
        ),
        "restricted_case": make_page_visible(
            CaseStudyPageFactory(title=TITLES["restricted_case"]), Visibility.RESTRICTED
        ),
    }
    in_review = ExemplarPageFactory(title=TITLES["restricted_exemplar_in_review"], live=False)
    make_page_visible(in_review, Visibility.RESTRICTED)
    in_review.save_revision(user=editor)
    in_review.get_workflow().start(in_review, editor)  # waits at 初审, which 审核 approves
    made["restricted_exemplar_in_review"] = in_review
    # A draft still naming someone the tagger found (unreviewed), and one fully reviewed.
    made["draft_failing_the_gate"] = make_draft(
        "鉴纪案〔2025〕41号",
        TITLES["draft_failing_the_gate"],
        "2024年,某局原副局长王建国推诿扯皮,办事员孙立平知情。",
        [],
    )
    made["draft_passing_the_gate"] = make_draft(
        "鉴纪案〔2025〕42号",
        TITLES["draft_passing_the_gate"],
        "2024年,某局原副局长王建国推诿扯皮,办事员赵明亮知情。",
        ["赵明亮"],
    )
    for page in made.values():
        if page.get_latest_revision() is None:
            page.save_revision()
        log(instance=page, action="wagtail.edit")  # so that the site history names each page
    return made


def detail_urls(page):
    revision = Page.objects.get(pk=page.pk).get_latest_revision()
    return [
        reverse("wagtailadmin_pages:edit", args=[page.pk]),
        reverse("wagtailadmin_pages:view_draft", args=[page.pk]),
        reverse("wagtailadmin_pages:history", args=[page.pk]),
        reverse("wagtailadmin_pages:usage", args=[page.pk]),
        reverse("wagtailadmin_pages:revisions_view", args=[page.pk, revision.pk]),
        reverse("wagtailadmin_pages:revisions_compare", args=[page.pk, "earliest", revision.pk]),
        reverse("wagtailadmin_pages:workflow_history", args=[page.pk]),
    ]


def text_of(response):
    """A response's text, with JSON decoded (JSON escapes Chinese as \\uXXXX)."""
    if "json" in response.get("Content-Type", ""):
        return json.dumps(response.json(), ensure_ascii=False)
    return response.content.decode()


def explorer_urls(page):
    """Listings built on the pages one may explore (the workflow report lists pages in
    review only)."""
    parent = page.get_parent()
    urls = [
        reverse("wagtailadmin_explore", args=[parent.pk]),
        f"/admin/api/main/pages/?child_of={parent.pk}&for_explorer=1",
        reverse("wagtailadmin_pages:search") + "?q=权限表",
        reverse("wagtailadmin_reports:site_history"),
    ]
    if page.workflow_in_progress:
        urls.append(reverse("wagtailadmin_reports:workflow"))
    return urls


def chooser_urls(page):
    parent = page.get_parent()
    return [
        reverse("wagtailadmin_choose_page_child", args=[parent.pk]),
        reverse("wagtailadmin_choose_page_search") + "?q=权限表",
    ]


@pytest.mark.parametrize("kind", list(TABLE))
@pytest.mark.parametrize("who", USERS)
def test_the_permission_table_row_by_row(client, request, pages, kind, who):
    page = pages[kind]
    expected = TABLE[kind][USERS.index(who)]
    title = TITLES[kind]
    client.force_login(request.getfixturevalue(who))
    for url in detail_urls(page):
        response = client.get(url)
        if expected == "edit":
            assert response.status_code == 200, (url, response.status_code)
        else:
            assert response.status_code in (302, 403, 404), url
            assert title not in text_of(response), url
    for url in explorer_urls(page):
        response = client.get(url)
        if expected == "edit":
            assert response.status_code == 200, url
            assert title in text_of(response), url
        else:  # not listed; a section one may not explore at all is refused
            assert response.status_code in (200, 302, 400), url
            assert title not in text_of(response), url
    for url in chooser_urls(page):
        response = client.get(url)
        assert response.status_code == 200, url
        assert (title in text_of(response)) == (expected != "none"), url


def test_readers_never_enter_the_admin(client, pages, reader):
    client.force_login(reader)
    for page in pages.values():
        for url in detail_urls(page) + explorer_urls(page) + chooser_urls(page):
            response = client.get(url)
            assert response.status_code in (302, 403), url
            assert "权限表" not in text_of(response), url


def test_a_reviewer_loses_sight_of_a_restricted_page_once_the_review_is_done(
    client, pages, reviewer
):
    page = pages["restricted_exemplar_in_review"]
    client.force_login(reviewer)
    assert client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).status_code == 200
    page.current_workflow_state.cancel(user=reviewer)
    response = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    assert response.status_code == 404  # the admin guard: as if there were no such page


def test_a_draft_shows_once_it_passes_the_gate(
    client, pages, editor, django_capture_on_commit_callbacks
):
    page = pages["draft_failing_the_gate"]
    url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    client.force_login(editor)
    assert client.get(url).status_code == 404
    case_file = CaseFile.objects.get(case_studies=page)
    with django_capture_on_commit_callbacks(execute=True):
        CandidateDecision.objects.create(case_file=case_file, text="孙立平", decision="accepted")
    generate_draft(case_file)  # the draft regenerated with the name replaced
    assert client.get(url).status_code == 200


BULK_ACTIONS = ["move", "delete", "unpublish", "publish"]


@pytest.mark.parametrize("kind", list(TABLE))
@pytest.mark.parametrize("who", USERS)
def test_exploring_a_page_or_acting_on_it_in_bulk_follows_the_table(
    client, request, pages, kind, who
):
    """The explorer of any page id, and a bulk action's confirmation (which lists the pages one
    may not act on by title), name a hidden page to nobody."""
    page = pages[kind]
    expected = TABLE[kind][USERS.index(who)]
    title = TITLES[kind]
    client.force_login(request.getfixturevalue(who))
    for url in (
        reverse("wagtailadmin_explore", args=[page.pk]),
        reverse("wagtailadmin_explore_results", args=[page.pk]),
    ):
        response = client.get(url)
        if expected == "edit":
            assert response.status_code == 200, url
            assert title in text_of(response), url
        else:
            assert response.status_code in (302, 404), url
            assert title not in text_of(response), url
    parent = page.get_parent()
    for action in BULK_ACTIONS:
        base = reverse("wagtail_bulk_action", args=["wagtailcore", "page", action])
        for query in (f"?id={page.pk}", f"?id=all&childOf={parent.pk}"):
            response = client.get(base + query)
            assert response.status_code in (200, 302, 404), (action, query)
            if expected == "none":
                assert title not in text_of(response), (action, query)
            elif expected == "edit" and query.startswith("?id=") and "all" not in query:
                assert response.status_code == 200 and title in text_of(response), action


def test_bulk_action_ids_that_are_no_numbers_are_a_404(client, pages, editor):
    client.force_login(editor)
    base = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "move"])
    assert client.get(base + "?id=all&childOf=abc").status_code == 404
    assert client.get(base + "?id=all&childOf=999999").status_code == 404


@pytest.mark.parametrize("kind", list(TABLE))
@pytest.mark.parametrize("who", USERS)
def test_choosing_several_pages_and_the_usage_report_name_no_hidden_page(
    client, request, pages, kind, who
):
    page = pages[kind]
    expected = TABLE[kind][USERS.index(who)]
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("wagtailadmin_choose_page_chosen_multiple") + f"?id={page.pk}")
    assert (TITLES[kind] in text_of(response)) == (expected != "none")
    response = client.get(reverse("wagtailadmin_reports:page_types_usage"))
    if who == "superuser":
        assert response.status_code == 200
    else:
        assert response.status_code == 404
        assert TITLES[kind] not in text_of(response)


def test_a_readers_study_mark_asks_no_admin_permission(client, reader, make_page_visible):
    """The admin guard looks only at admin addresses that name a page or a file; a reader's
    study mark (asked on every page they open, posted as they leave) does not pay its
    permission queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    page = make_page_visible(CaseStudyPageFactory(title="内网案例"), Visibility.INTRANET)
    client.force_login(reader)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/study/mark/?page={page.pk}").status_code == 200
        posted = client.post(
            "/study/mark/record/", {"page": page.pk, "action": "time", "seconds": "5"}
        )
        assert posted.status_code == 204
    assert not [q["sql"] for q in queries.captured_queries if "auth_permission" in q["sql"]]


def test_the_guard_still_hides_a_page_from_an_editor_outside_its_groups(client, editor):
    page = CaseStudyPageFactory(title="限定纪检阅读的案例")
    from jingjian.core.visibility import set_visibility

    set_visibility(page, Visibility.RESTRICTED, groups=["纪检监察"])
    client.force_login(editor)
    assert client.get(reverse("wagtailadmin_explore", args=[page.pk])).status_code == 404
    assert client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).status_code == 404


@pytest.mark.parametrize("value", ["abc", "²", "1.0", "9" * 30, "-1", "１２"])
def test_a_chooser_posted_no_id_is_a_form_error_not_a_500(client, editor, value):
    """Only a hand-made form posts a chooser an id that is no number; the page form empties
    it and says so in Chinese, and nothing is saved (Wagtail's chooser, drawn again, looked
    the value up and failed)."""
    from tests.support.page_forms import exemplar_form

    page = ExemplarPageFactory()
    before = page.latest_revision_id
    client.force_login(editor)
    url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    response = client.post(url, exemplar_form(page, portrait=value))
    assert response.status_code == 200
    assert "表单里有选择框的值不是有效的编号" in response.content.decode()
    page.refresh_from_db()
    assert page.latest_revision_id == before


def test_a_readers_page_asks_no_admin_permission_and_staff_keep_the_userbar(
    client, reader, editor, settings, make_page_visible
):
    """Wagtail's userbar is for those with admin access; a reader's uncached page takes their
    access from the reader card instead of two permission queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.PAGE_CACHE_ENABLED = False
    page = make_page_visible(CaseStudyPageFactory(title="内网案例"), Visibility.INTRANET)
    client.force_login(reader)
    client.get(page.url)  # the card is made once
    with CaptureQueriesContext(connection) as queries:
        shown = client.get(page.url)
    assert shown.status_code == 200 and "w-userbar" not in shown.content.decode()
    assert not [q["sql"] for q in queries.captured_queries if "auth_permission" in q["sql"]]
    client.force_login(editor)
    assert "w-userbar" in client.get(page.url).content.decode()
