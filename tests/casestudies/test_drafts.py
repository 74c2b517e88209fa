"""From a case file to its draft, as 纪检监察 meet it in the admin: 脱敏审核 as the next step on
the case file and on each row of the list, the draft's state (尚未生成, 已是最新, 需要重新生成,
已发布) and what changed, and the classifications carried into the draft."""

import datetime
import re

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from casestudies.drafts import draft_inputs, draft_state, generate_draft
from casestudies.models import (
    CandidateDecision,
    CaseFile,
    CaseFilePerson,
    CaseFileUnit,
    CaseStudyPage,
    ProblemType,
    UnitType,
)
from jingjian.core.models import WorkArea
from tests.casestudies.test_case_files import make_case_file, write_lessons
from tests.factories import CaseStudyPageFactory
from tests.support.forms import click, forms_labelled

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private-media"


@pytest.fixture
def case_file(db):
    case_file = make_case_file(work_area=WorkArea.objects.get(name="招商引资"))
    case_file.problem_types.set(ProblemType.objects.filter(name__in=["推诿扯皮", "吃拿卡要"]))
    case_file.save(update_fields=["problem_types"])
    return case_file


def edit_url(case_file):
    return reverse("casefiles:edit", args=[case_file.pk])


def review_url(case_file):
    return reverse("casefiles:review", args=[case_file.pk])


def state_shown(html):
    """The draft state the page shows: (code, the text of its notice)."""
    match = re.search(r'<p data-draft-state="(\w+)">(.*?)</p>', html, re.S)
    assert match, "no draft state on the page"
    return match.group(1), " ".join(re.sub(r"<[^>]+>", "", match.group(2)).split())


PERSON_FIELDS = [
    "name",
    "name_kind",
    "gender",
    "role",
    "unit",
    "post",
    "discipline_form",
    "party_sanction",
    "administrative_sanction",
]


def form_data(case_file, persons=None, units=None, **changes):
    """The case file's edit form as the admin posts it, with ``changes``; ``persons`` and
    ``units`` (dicts) replace the stored rows, which keep their ids in order."""
    stored_persons = list(case_file.persons.all())
    stored_units = list(case_file.units.all())
    if persons is None:
        persons = [
            {name: str(getattr(p, name) or "") for name in PERSON_FIELDS} for p in stored_persons
        ]
    if units is None:
        units = [{"name": u.name, "kind": u.kind, "replace": "on"} for u in stored_units]
    for rows, stored in ((persons, stored_persons), (units, stored_units)):
        for row, instance in zip(rows, stored, strict=False):
            row["id"] = str(instance.pk)
    fields = {
        "number": case_file.number,
        "title": case_file.title,
        "raw_account": case_file.raw_account,
        "unit_type": str(case_file.unit_type_id or ""),
        "work_area": str(case_file.work_area_id or ""),
        "source": case_file.source,
        "date_handled": case_file.date_handled.isoformat() if case_file.date_handled else "",
        "problem_types": [str(t.pk) for t in case_file.problem_types.all()],
        "persons": inline_formset(persons, initial=len(stored_persons)),
        "units": inline_formset(units, initial=len(stored_units)),
        "documents": inline_formset([]),
    }
    fields.update(changes)
    problem_types = fields.pop("problem_types")
    data = nested_form_data(fields)
    data["problem_types"] = problem_types  # one value per ticked box, not a formset
    return data


# --- 脱敏审核 is the next step ------------------------------------------------------------------


def _primary_link(html, url):
    """The <a> to ``url`` styled as a filled button (not Wagtail's outlined header button, not
    an item of the “…” menu), or None."""
    for match in re.finditer(r'<a href="' + re.escape(url) + r'"([^>]*)>(.*?)</a>', html, re.S):
        classes = re.search(r'class="([^"]*)"', match.group(1))
        classes = classes.group(1).split() if classes else []
        if "button" in classes and "button-secondary" not in classes:
            return " ".join(re.sub(r"<[^>]+>", "", match.group(2)).split())
    return None


def test_the_edit_page_offers_review_as_a_primary_button(client, discipline_user, case_file):
    client.force_login(discipline_user)
    html = client.get(edit_url(case_file)).content.decode()
    assert _primary_link(html, review_url(case_file)) == "脱敏审核"
    # In the header before the “…” menu, and no longer in that menu next to 删除.
    toggle = html.index("w-dropdown__toggle--icon w-h-slim-header")
    delete = html.index(reverse("casefiles:delete", args=[case_file.pk]))
    assert html.index(review_url(case_file)) < toggle < delete
    assert review_url(case_file) not in html[toggle:delete]
    response = client.get(review_url(case_file))  # the button leads to the review screen
    assert response.status_code == 200 and "原始案情" in response.content.decode()


def test_each_row_of_the_listing_offers_review_as_a_primary_button(
    client, discipline_user, case_file
):
    other = make_case_file(number="鉴纪案〔2025〕18号")
    client.force_login(discipline_user)
    html = client.get(reverse("casefiles:index")).content.decode()
    for each in (case_file, other):
        assert _primary_link(html, review_url(each)) == "脱敏审核"
        assert f'aria-label="脱敏审核：{each.number}"' in html


def test_the_listing_asks_a_fixed_number_of_queries(
    client, discipline_user, django_assert_max_num_queries
):
    """The draft state and title of every row come from prefetched rows: ten case files with
    drafts, persons, units and decisions cost what one does."""

    def add_case_file(n):
        case_file = CaseFile.objects.create(
            number=f"鉴纪案〔2024〕{n}号",
            title=f"第{n}号案卷",
            raw_account="2024年,某局原副局长王建国推诿扯皮。",
            unit_type=UnitType.objects.get(name="区直部门"),
            source="complaint",
            date_handled=datetime.date(2024, 6, 1),
        )
        CaseFilePerson.objects.create(case_file=case_file, name="王建国", role="subject")
        CaseFileUnit.objects.create(case_file=case_file, name="鉴湖区水利局")
        CandidateDecision.objects.create(case_file=case_file, text=f"孙{n}", decision="accepted")
        case_file.problem_types.set(ProblemType.objects.all()[:2])
        case_file.save(update_fields=["problem_types"])
        CaseStudyPageFactory(
            title=f"脱敏稿{n}", slug=f"draft-{n}", source_case_file=case_file, live=False
        )

    client.force_login(discipline_user)
    url = reverse("casefiles:index")
    add_case_file(1)
    client.get(url)  # warm the caches (content types, the user's permissions) like any request
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for n in range(2, 11):
        add_case_file(n)
    with django_assert_max_num_queries(len(one)):
        html = client.get(url).content.decode()
    assert html.count("需要重新生成") == 10  # the factory's drafts recorded no inputs
    assert len(one) <= 30


# --- the draft's state ------------------------------------------------------------------------


def test_the_draft_state_follows_the_case_file_through_review(client, discipline_user, case_file):
    client.force_login(discipline_user)
    code, text = state_shown(client.get(edit_url(case_file)).content.decode())
    assert (code, text) == (
        "missing",
        "脱敏稿：尚未生成。还没有脱敏稿。请在“脱敏审核”页确认疑似姓名后生成。 去脱敏审核",
    )

    # Generate from the review screen, by its button.
    review = client.get(review_url(case_file)).content.decode()
    response = click(client, forms_labelled(review, "生成脱敏稿")[0])
    assert "已生成脱敏稿" in response.content.decode()
    assert state_shown(response.content.decode())[0] == "current"
    code, text = state_shown(client.get(edit_url(case_file)).content.decode())
    assert code == "current" and "已是最新" in text and "无需重新生成" in text

    # A candidate confirmed as a name: the draft still holds it and must be made again.
    response = client.post(review_url(case_file), {"decision:张志强": "accepted"}, follow=True)
    code, text = state_shown(response.content.decode())
    assert code == "stale"
    assert text.startswith("脱敏稿：需要重新生成。生成脱敏稿后，案卷的疑似姓名的审核结论有变更。")
    regenerate = forms_labelled(response.content.decode(), "重新生成脱敏稿")
    assert regenerate, "the review screen offers 重新生成脱敏稿"
    code, _ = state_shown(client.get(edit_url(case_file)).content.decode())
    assert code == "stale"
    listing = client.get(reverse("casefiles:index")).content.decode()
    assert "需要重新生成" in listing

    response = click(client, regenerate[0])
    assert "已更新脱敏稿" in response.content.decode()
    assert state_shown(response.content.decode())[0] == "current"
    draft = CaseFile.objects.get(pk=case_file.pk).draft_study().get_latest_revision_as_object()
    assert "张志强" not in str(draft.facts.raw_data)


def test_a_candidate_marked_not_a_name_leaves_the_draft_up_to_date(
    client, discipline_user, case_file
):
    """不是人名 keeps the word as the draft already has it: nothing to generate again."""
    generate_draft(case_file, user=discipline_user)
    client.force_login(discipline_user)
    response = client.post(review_url(case_file), {"decision:张志强": "rejected"}, follow=True)
    assert state_shown(response.content.decode())[0] == "current"


def test_editing_the_persons_in_the_admin_makes_the_draft_stale(client, discipline_user, case_file):
    generate_draft(case_file, user=discipline_user)
    client.force_login(discipline_user)
    persons = [
        {"name": "王建国", "name_kind": "han", "role": "subject", "unit": "鉴湖区住房和城乡建设局"},
        {"name": "李秀英", "name_kind": "han", "role": "witness"},
        {"name": "张志强", "name_kind": "han", "role": "other"},
    ]
    # Saved unchanged: still up to date (the state compares content, not times).
    response = client.post(edit_url(case_file), form_data(case_file), follow=True)
    assert response.status_code == 200
    assert "已保存" in response.content.decode() or "已更新" in response.content.decode()
    code, _ = state_shown(client.get(edit_url(case_file)).content.decode())
    assert code == "current"

    response = client.post(edit_url(case_file), form_data(case_file, persons=persons), follow=True)
    assert response.status_code == 200
    code, text = state_shown(client.get(edit_url(case_file)).content.decode())
    assert code == "stale" and "涉案人员有变更" in text


def test_classifications_are_entered_on_the_case_file_and_carried_into_the_draft(
    client, discipline_user, case_file
):
    client.force_login(discipline_user)
    html = client.get(edit_url(case_file)).content.decode()
    assert "问题类型" in html and 'name="problem_types"' in html
    chosen = ProblemType.objects.filter(name__in=["好人主义", "推诿扯皮"])
    data = form_data(case_file, problem_types=[str(t.pk) for t in chosen])
    assert client.post(edit_url(case_file), data).status_code == 302
    case_file = CaseFile.objects.get(pk=case_file.pk)
    assert {t.name for t in case_file.problem_types.all()} == {"好人主义", "推诿扯皮"}
    assert state_shown(client.get(edit_url(case_file)).content.decode())[0] == "missing"

    page, _ = generate_draft(case_file, user=discipline_user)
    draft = CaseStudyPage.objects.get(pk=page.pk).get_latest_revision_as_object()
    assert {t.name for t in draft.problem_types.all()} == {"好人主义", "推诿扯皮"}
    assert draft.unit_type.name == "区直部门" and draft.work_area.name == "招商引资"
    assert draft.source == "complaint"

    # Changing them makes the draft stale; generating again carries the new ones.
    case_file.problem_types.set(ProblemType.objects.filter(name="文山会海"))
    case_file.save(update_fields=["problem_types"])
    state = draft_state(CaseFile.objects.get(pk=case_file.pk))
    assert state.code == "stale" and state.changed == ("classification",)
    generate_draft(CaseFile.objects.get(pk=case_file.pk), user=discipline_user)
    draft = CaseStudyPage.objects.get(pk=page.pk).get_latest_revision_as_object()
    assert [t.name for t in draft.problem_types.all()] == ["文山会海"]


def test_a_published_draft_and_a_change_after_publication(
    client, discipline_user, case_file, django_capture_on_commit_callbacks
):
    CandidateDecision.objects.create(case_file=case_file, text="张志强", decision="accepted")
    page, _ = generate_draft(case_file, user=discipline_user)
    write_lessons(page, discipline_user)
    CaseStudyPage.objects.get(pk=page.pk).get_latest_revision().publish()
    client.force_login(discipline_user)
    code, text = state_shown(client.get(edit_url(case_file)).content.decode())
    assert code == "published" and "已发布" in text

    # A unit no longer to be replaced: the published text still passes, but is now out of date.
    with django_capture_on_commit_callbacks(execute=True):
        CaseFileUnit.objects.create(case_file=case_file, name="鉴湖区水利局")
    assert CaseStudyPage.objects.get(pk=page.pk).live
    code, text = state_shown(client.get(edit_url(case_file)).content.decode())
    assert code == "stale"
    assert "涉案单位有变更" in text and "已发布的版本不受影响，重新生成后需再次送审。" in text


def test_a_draft_generated_before_inputs_were_recorded_asks_to_be_generated_again(
    client, discipline_user, case_file
):
    generate_draft(case_file, user=discipline_user)
    CaseFile.objects.filter(pk=case_file.pk).update(draft_inputs={})
    client.force_login(discipline_user)
    code, text = state_shown(client.get(edit_url(case_file)).content.decode())
    assert code == "stale" and "没有记录依据" in text


def test_what_is_recorded_holds_no_text_of_the_case_file(discipline_user, case_file):
    generate_draft(case_file, user=discipline_user)
    stored = CaseFile.objects.get(pk=case_file.pk)
    assert stored.draft_inputs == draft_inputs(stored)
    assert stored.draft_generated_at is not None
    for value in stored.draft_inputs.values():
        assert re.fullmatch(r"[0-9a-f]{32}", value)
    assert "王建国" not in str(stored.draft_inputs)


def test_a_form_shown_again_with_errors_shows_the_state_as_stored(
    client, discipline_user, case_file
):
    """Nothing was saved, so nothing changed: the draft is still up to date."""
    generate_draft(case_file, user=discipline_user)
    client.force_login(discipline_user)
    data = form_data(case_file, title="", raw_account="另一段案情")
    response = client.post(edit_url(case_file), data)
    assert response.status_code == 200 and "必需字段" in response.content.decode()
    assert state_shown(response.content.decode())[0] == "current"
