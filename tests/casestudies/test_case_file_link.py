"""The one link between a case study and its case file holds: a revision never changes which
case file the gate checks, and a study linked once stays linked (found by the sixth outside
probe: a revision saved before the link, or naming another file, published a name)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page

from casestudies.gate import AnonymizationGateError
from casestudies.models import CaseFile, CaseFilePerson, CaseStudyPage, UnitType
from casestudies.publication import check_page
from tests.factories import CaseStudyPageFactory

pytestmark = pytest.mark.django_db

NAMED = "王建国推诿扯皮,致使项目延误。"


def make_case_file(number="鉴纪案〔2025〕61号", name="王建国"):
    cf = CaseFile.objects.create(
        number=number,
        title="某局推诿扯皮问题",
        raw_account="2024年,某局原副局长推诿扯皮。",
        unit_type=UnitType.objects.get(name="区直部门"),
        source="complaint",
        date_handled=datetime.date(2025, 3, 1),
    )
    if name:
        CaseFilePerson.objects.create(case_file=cf, name=name, role="subject")
    return cf


@pytest.fixture
def case_file(db):
    return make_case_file()


def _fresh(page):
    return CaseStudyPage.objects.get(pk=page.pk)


def test_study_linked_by_save_loses_link_on_next_edit(
    case_file, django_capture_on_commit_callbacks
):
    """Linking a saved study with page.save() (the path _link_changed guards) writes the row only;
    the latest revision's content_json still says source_case_file=None. The admin edits the
    latest revision as object, so the next revision, its publish and the gate see no case file."""
    page = CaseStudyPageFactory(summary="王某推诿扯皮。")
    page.save_revision().publish()  # as an editor's page has: a live revision
    page = _fresh(page)
    page.lessons = "以案为鉴,警钟长鸣。"
    page.save_revision()  # and a draft in progress (has_unpublished_changes)
    page = _fresh(page)
    with django_capture_on_commit_callbacks(execute=True):
        page.source_case_file = case_file
        page.save()
    page = _fresh(page)
    assert page.live and page.source_case_file_id == case_file.pk
    draft = page.get_latest_revision_as_object()
    draft.summary = NAMED
    revision = draft.save_revision()
    with django_capture_on_commit_callbacks(execute=True):
        try:
            revision.publish()
        except AnonymizationGateError:
            return  # held
    page = _fresh(page)
    pytest.fail(
        f"published with 王建国: live={page.live} summary={page.summary!r} "
        f"source_case_file_id={page.source_case_file_id}"
    )


def test_revision_with_another_case_file_id_publishes_a_name(
    case_file, django_capture_on_commit_callbacks
):
    """A revision whose content_json names another (clean) case file: the gate reads the
    revision's link, passes, and the page's row is relinked."""
    page = CaseStudyPageFactory(summary="王某推诿扯皮。", source_case_file=case_file)
    page = _fresh(page)
    assert page.live
    other = make_case_file("鉴纪案〔2025〕62号", name="李四")
    draft = page.get_latest_revision_as_object()
    draft.summary = NAMED
    revision = draft.save_revision()
    revision.content["source_case_file"] = other.pk
    revision.save(update_fields=["content"])
    with django_capture_on_commit_callbacks(execute=True):
        try:
            revision.publish()
        except AnonymizationGateError:
            return
    page = _fresh(page)
    pytest.fail(f"live={page.live} summary={page.summary!r} link={page.source_case_file_id}")


def test_pre_0009_revision_without_link_publishes_a_name(
    case_file, django_capture_on_commit_callbacks
):
    """Revisions written before 0009 (link held by CaseFile.case_study) serialize
    source_case_file=None; the migration updates only the row. Reverting/publishing such a
    revision: the old case_file_of fell back to CaseFile.case_study by pk, the new one doesn't."""
    page = CaseStudyPageFactory(summary="王某推诿扯皮。", source_case_file=case_file)
    page = _fresh(page)
    draft = page.get_latest_revision_as_object()
    draft.summary = NAMED
    revision = draft.save_revision()
    revision.content["source_case_file"] = None  # as 0007/0008-era revisions hold it
    revision.save(update_fields=["content"])
    with django_capture_on_commit_callbacks(execute=True):
        try:
            revision.publish()
        except AnonymizationGateError:
            return
    page = _fresh(page)
    pytest.fail(f"live={page.live} summary={page.summary!r} link={page.source_case_file_id}")


def test_scheduled_revision_without_link(case_file, django_capture_on_commit_callbacks):
    page = CaseStudyPageFactory(summary="王某推诿扯皮。", source_case_file=case_file)
    page = _fresh(page)
    draft = page.get_latest_revision_as_object()
    draft.summary = NAMED
    revision = draft.save_revision()
    revision.content["source_case_file"] = None
    revision.approved_go_live_at = timezone.now() - datetime.timedelta(minutes=1)
    revision.save(update_fields=["content", "approved_go_live_at"])
    with django_capture_on_commit_callbacks(execute=True):
        call_command("publish_scheduled", verbosity=0)
    page = _fresh(page)
    assert NAMED not in page.summary, f"scheduler published it; link={page.source_case_file_id}"


def test_admin_edit_publish_after_link_by_save(
    client, superuser, case_file, django_capture_on_commit_callbacks
):
    """The same as the first test, through the admin's edit form with action-publish."""
    from tests.casestudies.test_gate import _edit_data

    page = CaseStudyPageFactory(summary="王某推诿扯皮。")
    page.save_revision().publish()
    page = _fresh(page)
    page.lessons = "以案为鉴,警钟长鸣。"
    page.save_revision()  # a draft in progress
    page = _fresh(page)
    with django_capture_on_commit_callbacks(execute=True):
        page.source_case_file = case_file
        page.save()
    page = _fresh(page)
    client.force_login(superuser)
    data = _edit_data(page.get_latest_revision_as_object(), summary=NAMED)
    data["action-publish"] = "action-publish"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)
    page = _fresh(page)
    assert NAMED not in page.summary, (
        f"admin published it: status={response.status_code} link={page.source_case_file_id}"
    )


def test_a_linked_study_cannot_be_unlinked_or_relinked(case_file):
    page = CaseStudyPageFactory(summary="王某推诿扯皮。", source_case_file=case_file)
    other = make_case_file(number="鉴纪案〔2025〕62号", name="")
    for link in (None, other):
        page = _fresh(page)
        page.source_case_file = link
        with pytest.raises(ValidationError, match="不能更改或取消关联"):
            page.save()
        assert _fresh(page).source_case_file_id == case_file.pk


def test_alias_is_withdrawn_with_its_source(case_file, django_capture_on_commit_callbacks):
    page = CaseStudyPageFactory(summary="王某推诿扯皮,孙立平未予制止。", source_case_file=case_file)
    page = _fresh(page)
    alias = page.create_alias(update_slug="alias-probe6")
    alias = CaseStudyPage.objects.get(pk=alias.pk)
    assert alias.live
    link = alias.source_case_file_id
    with django_capture_on_commit_callbacks(execute=True):
        CaseFilePerson.objects.create(case_file=case_file, name="孙立平", role="other")
    assert not _fresh(page).live
    assert not CaseStudyPage.objects.get(pk=alias.pk).live, f"alias still live (link={link})"


def test_copy_keeps_link_and_gate(case_file, django_capture_on_commit_callbacks):
    page = CaseStudyPageFactory(summary="王某推诿扯皮。", source_case_file=case_file)
    page = _fresh(page)
    copy = page.copy(update_attrs={"slug": "copy-probe6", "title": "副本"}, keep_live=False)
    copy = CaseStudyPage.objects.get(pk=copy.pk)
    assert copy.source_case_file_id == case_file.pk
    draft = copy.get_latest_revision_as_object()
    assert draft.source_case_file_id == case_file.pk
    draft.summary = NAMED
    with pytest.raises(AnonymizationGateError):
        draft.save_revision().publish()


def test_move_keeps_gate(case_file, django_capture_on_commit_callbacks):
    page = CaseStudyPageFactory(summary="王某推诿扯皮。", source_case_file=case_file)
    page = _fresh(page)
    page.move(page.get_parent(), pos="last-child")
    page = _fresh(page)
    page.summary = NAMED
    with pytest.raises(AnonymizationGateError):
        page.save_revision().publish()


def test_deleting_a_case_file_in_the_admin(client, discipline_user, case_file):
    CaseStudyPageFactory(summary="王某推诿扯皮。", source_case_file=case_file)
    client.force_login(discipline_user)
    url = reverse("casefiles:delete", args=[case_file.pk])
    get = client.get(url)
    post = client.post(url)
    assert CaseFile.objects.filter(pk=case_file.pk).exists()
    assert get.status_code < 500 and post.status_code < 500, (get.status_code, post.status_code)


def test_superuser_deletes_case_file(client, superuser, case_file):
    CaseStudyPageFactory(summary="王某推诿扯皮。", source_case_file=case_file)
    client.force_login(superuser)
    url = reverse("casefiles:delete", args=[case_file.pk])
    post = client.post(url)
    assert post.status_code < 500, post.status_code


def test_regenerated_draft_link(case_file, discipline_user):
    from casestudies.drafts import generate_draft

    CaseFilePerson.objects.filter(case_file=case_file).delete()
    case_file.raw_account = "2024年,某局原副局长王建国推诿扯皮,其手机号13812345678。"
    case_file.save()
    CaseFilePerson.objects.create(
        case_file=case_file, name="王建国", role="subject", post="副局长", unit="鉴湖区水务局"
    )
    page, created = generate_draft(case_file, discipline_user)
    assert created
    page2, created2 = generate_draft(case_file, discipline_user)
    assert not created2 and page2.pk == page.pk
    draft = CaseStudyPage.objects.get(pk=page.pk).get_latest_revision_as_object()
    assert draft.source_case_file_id == case_file.pk
    assert check_page(draft) == [] or all("未审核" in p.reason for p in check_page(draft)), [
        p.explained() for p in check_page(draft)
    ]
    texts = str(draft.title) + draft.summary + draft.subject + str(draft.facts.raw_data)
    assert "王建国" not in texts and "13812345678" not in texts and "Wang" not in texts


def test_draft_without_link_in_revision_is_cleared_for_editors(
    case_file, django_capture_on_commit_callbacks
):
    """hidden_drafts reads the row's link, but the verdict is taken against the revision's link:
    a draft revision holding source_case_file=None (pre-0009 revision, revert) with 王建国 in it
    is recorded as passing, so editors (编辑/审核) see the named draft in the admin."""
    from casestudies.models import GateStatus

    page = CaseStudyPageFactory(summary="王某推诿扯皮。", source_case_file=case_file, live=False)
    page = _fresh(page)
    draft = page.get_latest_revision_as_object()
    draft.summary = NAMED
    content = draft.serializable_data()
    content["source_case_file"] = None
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Revision

    ct = ContentType.objects.get_for_model(CaseStudyPage)
    Revision.objects.create(
        content_type=ct,
        base_content_type=ContentType.objects.get_for_model(Page),
        object_id=str(page.pk),
        content=content,
    )
    status = GateStatus.objects.filter(page_id=page.pk).first()
    assert status is None or not status.draft_passes, "named draft recorded as passing"
