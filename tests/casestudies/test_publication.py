"""Issue item 2: the gate is asked again whenever one of its inputs changes.

A live case study whose case file later lists a person, a unit or a confirmed name that its text
contains is taken down at once, everywhere a reader could meet it; the audit log records it; the
discipline staff see why on the case file.
"""

import datetime

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry, Page, PageLogEntry
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from casestudies.models import (
    CandidateDecision,
    CaseFile,
    CaseFilePerson,
    CaseFileUnit,
    CaseStudyPage,
    GateStatus,
    UnitType,
)
from casestudies.publication import WITHDRAWN
from tests.factories import CaseStudyPageFactory

pytestmark = pytest.mark.django_db

ACCOUNT = "2024年,某局原副局长王建国推诿扯皮。"
# A published text that names someone the case file does not list yet.
NAMED = "王某推诿扯皮,其下属孙立平未予制止。"


@pytest.fixture
def case_file(db):
    case_file = CaseFile.objects.create(
        number="鉴纪案〔2025〕30号",
        title="某局推诿扯皮问题",
        raw_account=ACCOUNT,
        unit_type=UnitType.objects.get(name="区直部门"),
        source="complaint",
        date_handled=datetime.date(2025, 3, 1),
    )
    CaseFilePerson.objects.create(case_file=case_file, name="王建国", role="subject")
    return case_file


@pytest.fixture
def live_study(case_file, django_capture_on_commit_callbacks):
    """A published case study of ``case_file`` that passes the gate today."""
    page = CaseStudyPageFactory(
        title="某局原副局长王某推诿扯皮问题",
        subject="某局原副局长王某",
        summary=NAMED,
        source_case_file=case_file,
    )
    page.refresh_from_db()
    assert page.live
    return page


def reader_ways_out(client, page):
    """What an anonymous reader meets of ``page``: listing, feed, API, the page itself."""
    return {
        "listing": page.title in client.get("/cases/").content.decode(),
        "feed": page.title in client.get("/cases/feed/").content.decode(),
        "api": page.pk
        in {i["id"] for i in client.get("/api/v2/pages/", {"limit": 100}).json()["items"]},
        "page": client.get(page.url).status_code == 200,
    }


def test_listing_a_person_named_in_the_text_takes_the_study_down_everywhere(
    client, case_file, live_study, django_capture_on_commit_callbacks
):
    assert all(reader_ways_out(client, live_study).values())
    with django_capture_on_commit_callbacks(execute=True):
        CaseFilePerson.objects.create(case_file=case_file, name="孙立平", role="witness")
    page = CaseStudyPage.objects.get(pk=live_study.pk)
    assert not page.live
    assert not any(reader_ways_out(client, page).values())

    # The audit log: on the page where (never what), on the case file what.
    entry = PageLogEntry.objects.get(page=page, action=WITHDRAWN)
    assert entry.data["locations"] == ["一句话简介"]
    assert "孙立平" not in str(entry.data)
    assert PageLogEntry.objects.filter(page=page, action="wagtail.unpublish").exists()
    file_entry = ModelLogEntry.objects.get(object_id=str(case_file.pk), action=WITHDRAWN)
    assert file_entry.data["problems"][0]["text"] == "孙立平"
    status = GateStatus.objects.get(page=page)
    assert status.withdrawn_at is not None and not status.draft_passes


def test_the_discipline_staff_are_told_when_they_save_the_case_file(
    client, case_file, live_study, discipline_user
):
    client.force_login(discipline_user)
    person = case_file.persons.get()
    data = nested_form_data(
        {
            "number": case_file.number,
            "title": case_file.title,
            "raw_account": case_file.raw_account,
            "unit_type": str(case_file.unit_type_id),
            "work_area": "",
            "source": case_file.source,
            "date_handled": "2025-03-01",
            "persons": inline_formset(
                [
                    {"id": str(person.pk), "name": "王建国", "name_kind": "han", "role": "subject"},
                    {"name": "孙立平", "name_kind": "han", "role": "witness"},
                ],
                initial=1,
            ),
            "units": inline_formset([]),
            "documents": inline_formset([]),
        }
    )
    response = client.post(reverse("casefiles:edit", args=[case_file.pk]), data, follow=True)
    html = response.content.decode()
    assert "不再通过脱敏检查" in html and live_study.title in html
    assert not CaseStudyPage.objects.get(pk=live_study.pk).live
    # The review screen says why, in full (纪检监察 may read the names).
    review = client.get(reverse("casefiles:review", args=[case_file.pk])).content.decode()
    assert "已自动撤下" in review
    assert "“孙立平”（案卷人员姓名）出现在“一句话简介”" in review


def test_confirming_a_candidate_takes_the_study_down(
    client, case_file, live_study, discipline_user
):
    case_file.raw_account = ACCOUNT + "办事员孙立平知情。"
    case_file.save()
    client.force_login(discipline_user)
    response = client.post(
        reverse("casefiles:review", args=[case_file.pk]), {"decision:孙立平": "accepted"}
    )
    assert response.status_code == 302
    assert CandidateDecision.objects.get(text="孙立平").decision == "accepted"
    assert not CaseStudyPage.objects.get(pk=live_study.pk).live


def test_a_unit_to_replace_takes_the_study_down(case_file, django_capture_on_commit_callbacks):
    page = CaseStudyPageFactory(summary="鉴湖区水务局推诿扯皮。", source_case_file=case_file)
    with django_capture_on_commit_callbacks(execute=True):
        CaseFileUnit.objects.create(case_file=case_file, name="鉴湖区水务局", replace=True)
    assert not CaseStudyPage.objects.get(pk=page.pk).live


def test_linking_a_live_study_to_a_file_that_forbids_its_text(
    case_file, django_capture_on_commit_callbacks
):
    page = CaseStudyPageFactory(summary="王建国推诿扯皮。")  # published before any file
    assert page.live
    page.source_case_file = case_file
    with django_capture_on_commit_callbacks(execute=True):
        page.save()
    assert not CaseStudyPage.objects.get(pk=page.pk).live


def test_a_change_that_keeps_the_text_clean_leaves_the_study_live(
    case_file, live_study, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        CaseFilePerson.objects.create(case_file=case_file, name="赵德明", role="witness")
    assert CaseStudyPage.objects.get(pk=live_study.pk).live
    assert not PageLogEntry.objects.filter(page=live_study, action=WITHDRAWN).exists()
    assert GateStatus.objects.get(page=live_study).draft_passes


def test_nothing_about_it_reaches_other_groups(client, case_file, live_study, editor):
    """The page history that editors could open says where, never what."""
    case_file.raw_account = ACCOUNT
    CaseFilePerson.objects.create(case_file=case_file, name="孙立平", role="witness")
    from casestudies.publication import recheck

    recheck(case_file)
    assert not Page.objects.get(pk=live_study.pk).live
    client.force_login(editor)
    history = client.get(reverse("wagtailadmin_pages:history", args=[live_study.pk]))
    assert "孙立平" not in history.content.decode()


def test_the_check_command_takes_down_what_no_longer_passes(case_file, live_study):
    from io import StringIO

    from django.core.management import call_command

    CaseFilePerson.objects.create(case_file=case_file, name="孙立平", role="witness")
    CaseStudyPage.objects.filter(pk=live_study.pk).update(live=True)  # as if never rechecked
    out = StringIO()
    call_command("check_case_studies", stdout=out)
    assert "撤下 1 篇" in out.getvalue()
    assert not CaseStudyPage.objects.get(pk=live_study.pk).live


def test_the_review_screen_shows_the_name_as_the_page_wrote_it(
    client, case_file, discipline_user, django_capture_on_commit_callbacks
):
    """A name written in another form (traditional, with an invisible character) is shown to
    the discipline staff as the page has it, beside the case file's spelling."""
    page = CaseStudyPageFactory(summary="王某推诿扯皮，其下属孫\u200b立平未予制止。")
    page.source_case_file = case_file
    with django_capture_on_commit_callbacks(execute=True):
        page.save()
        CaseFilePerson.objects.create(case_file=case_file, name="孙立平", role="witness")
    assert not CaseStudyPage.objects.get(pk=page.pk).live
    client.force_login(discipline_user)
    review = client.get(reverse("casefiles:review", args=[case_file.pk])).content.decode()
    assert "“孫\u200b立平”（即“孙立平”，案卷人员姓名）出现在“一句话简介”" in review
