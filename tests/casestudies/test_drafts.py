"""From a case file to its draft, as 纪检监察 meet it in the admin: the classifications carried
into the draft."""

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from casestudies.drafts import generate_draft
from casestudies.models import (
    CaseFile,
    CaseStudyPage,
    ProblemType,
)
from jingjian.core.models import WorkArea
from tests.casestudies.test_case_files import make_case_file

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

    page, _ = generate_draft(case_file, user=discipline_user)
    draft = CaseStudyPage.objects.get(pk=page.pk).get_latest_revision_as_object()
    assert {t.name for t in draft.problem_types.all()} == {"好人主义", "推诿扯皮"}
    assert draft.unit_type.name == "区直部门" and draft.work_area.name == "招商引资"
    assert draft.source == "complaint"

    # Generating again carries the new ones.
    case_file.problem_types.set(ProblemType.objects.filter(name="文山会海"))
    case_file.save(update_fields=["problem_types"])
    generate_draft(CaseFile.objects.get(pk=case_file.pk), user=discipline_user)
    draft = CaseStudyPage.objects.get(pk=page.pk).get_latest_revision_as_object()
    assert [t.name for t in draft.problem_types.all()] == ["文山会海"]
