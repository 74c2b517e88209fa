"""The gate is asked again when something a live case study shows changes without a new
revision: an image's title or description, a linked document's title, the name of one of its
classifications (问题类型, 单位类型, 治理重点, 重点工作). Staff may edit those at any time, and the
page prints them at once."""

import datetime

import pytest
from django.urls import reverse
from wagtail.images import get_image_model
from wagtail.models import Collection, PageLogEntry

from casestudies.models import CaseFile, CaseFilePerson, CaseStudyPage, ProblemType, UnitType
from casestudies.publication import WITHDRAWN, check_page, studies_using
from tests.core.test_media_access import png
from tests.factories import CaseStudyPageFactory

pytestmark = pytest.mark.django_db

NAME = "王建国"


@pytest.fixture
def case_file(db):
    case_file = CaseFile.objects.create(
        number="鉴纪案〔2025〕41号",
        title="某局推诿扯皮问题",
        raw_account=f"某局原副局长{NAME}推诿扯皮。",
        unit_type=UnitType.objects.get(name="区直部门"),
        source="complaint",
        date_handled=datetime.date(2025, 3, 1),
    )
    CaseFilePerson.objects.create(case_file=case_file, name=NAME, role="subject")
    return case_file


@pytest.fixture
def image(db):
    return get_image_model().objects.create(
        title="窗口现场", file=png("window.png"), collection=Collection.get_first_root_node()
    )


@pytest.fixture
def problem_type(db):
    return ProblemType.objects.create(name="窗口推诿", slug="window-shirk")


@pytest.fixture
def live_study(case_file, image, problem_type, django_capture_on_commit_callbacks):
    page = CaseStudyPageFactory(
        title="某局原副局长王某推诿扯皮问题",
        summary="王某推诿扯皮。",
        source_case_file=case_file,
        facts=[
            {"type": "paragraph", "value": "<p>群众多次反映办事难。</p>"},
            {"type": "image", "value": {"image": image.pk, "decorative": False, "alt_text": ""}},
        ],
    )
    page.problem_types.add(problem_type)
    page.save_revision().publish()
    page.source_case_file = case_file
    with django_capture_on_commit_callbacks(execute=True):
        page.save()
    page.refresh_from_db()
    assert page.live and not check_page(page)
    return page


def test_the_studies_showing_an_image_or_a_classification_are_found(
    live_study, image, problem_type
):
    assert studies_using(image) == {live_study.pk}
    assert studies_using(problem_type) == {live_study.pk}
    other = ProblemType.objects.create(name="窗口慵懒", slug="window-lazy")
    assert studies_using(other) == set()


def test_an_image_described_with_a_name_in_the_admin_takes_the_study_down(
    client, discipline_user, image, live_study, django_capture_on_commit_callbacks
):
    client.force_login(discipline_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("wagtailimages:edit", args=[image.pk]),
            {
                "title": "窗口现场",
                "description": f"{NAME}在窗口推诿群众",
                "collection": Collection.get_first_root_node().pk,
            },
        )
    assert response.status_code == 302
    image.refresh_from_db()
    assert NAME in image.description
    page = CaseStudyPage.objects.get(pk=live_study.pk)
    assert not page.live
    entry = PageLogEntry.objects.get(page=page, action=WITHDRAWN)
    assert NAME not in str(entry.data)  # where, not what
    client.logout()
    assert client.get(live_study.url).status_code == 404


def test_a_problem_type_renamed_after_a_person_takes_the_study_down(
    problem_type, live_study, django_capture_on_commit_callbacks
):
    problem_type.name = f"{NAME}式推诿"
    with django_capture_on_commit_callbacks(execute=True):
        problem_type.save()
    assert not CaseStudyPage.objects.get(pk=live_study.pk).live


def test_a_harmless_edit_leaves_the_study_live(
    image, problem_type, live_study, django_capture_on_commit_callbacks
):
    image.description = "窗口工作人员推诿群众"
    problem_type.name = "窗口推诿、敷衍塞责"
    with django_capture_on_commit_callbacks(execute=True):
        image.save()
        problem_type.save()
    assert CaseStudyPage.objects.get(pk=live_study.pk).live


def test_a_study_without_a_case_file_is_checked_for_identifiers_too(
    image, django_capture_on_commit_callbacks
):
    page = CaseStudyPageFactory(
        facts=[{"type": "image", "value": {"image": image.pk, "decorative": False, "alt_text": ""}}]
    )
    page.save_revision().publish()
    image.description = "联系电话13812345678"
    with django_capture_on_commit_callbacks(execute=True):
        image.save()
    assert not CaseStudyPage.objects.get(pk=page.pk).live


def test_the_gate_reads_the_names_of_the_classifications(live_study, problem_type):
    problem_type.name = f"{NAME}式推诿"
    problem_type.save()
    page = CaseStudyPage.objects.get(pk=live_study.pk)
    assert [p.location for p in check_page(page)] == ["问题类型"]
