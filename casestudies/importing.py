"""How a case study is imported (its content type's ``importer``): one row of the import file to
the page's fields, its problem types and each person's handling. The publication gate refuses a
row like the model does (``AnonymizationGateError`` is one of the type's ``import_refusals``)."""

import json

from casestudies.choices import (
    Accountability,
    AdministrativeSanction,
    CaseSource,
    DisciplineForm,
    PartySanction,
)
from casestudies.models import GovernancePriority, Handling, ProblemType, UnitType
from jingjian.core.blocks import plain_text_to_stream
from jingjian.core.models import WorkArea
from jingjian.importing import rows as parse
from jingjian.importing.writer import RowValues


def import_values(row):
    problem_types = parse.text_list(row, "problem_types")
    return RowValues(
        fields=_fields(row),
        many={"problem_types": parse.terms(ProblemType, problem_types, "problem_types")},
        children={"handlings": _handlings(row)},
    )


def _fields(row):
    priority = parse.text(row, "governance_priority")
    work_area = parse.text(row, "work_area")
    return {
        "subject": parse.text(
            row, "subject", required=True, max_length=200, label="脱敏后的当事人"
        ),
        "unit_type": parse.term(UnitType, parse.text(row, "unit_type", required=True), "unit_type"),
        "governance_priority": parse.term(GovernancePriority, priority, "governance_priority")
        if priority
        else None,
        "work_area": parse.term(WorkArea, work_area, "work_area") if work_area else None,
        "source": parse.choice(row, "source", CaseSource, required=True),
        "period_start": parse.month(row, "period_start"),
        "period_end": parse.month(row, "period_end"),
        "date_handled": parse.date(row, "date_handled", required=True),
        "lessons": parse.text(row, "lessons"),
        "named_in_bulletin": parse.boolean(row, "named_in_bulletin"),
        "facts": json.dumps(plain_text_to_stream(parse.text(row, "body"))),
    }


def _handlings(row):
    handlings = []
    for number, item in enumerate(parse.objects(row, "handlings"), start=1):
        where = f"第 {number} 条处理情况"
        pseudonym = str(item.get("pseudonym", "")).strip()
        if not pseudonym:
            raise parse.RowError(f"{where}缺少化名（pseudonym），如“王某”。")
        try:
            form = int(item.get("discipline_form"))
            DisciplineForm(form)
        except (TypeError, ValueError) as exc:
            raise parse.RowError(
                f"{where}的“四种形态”（discipline_form）应为 1、2、3 或 4。"
            ) from exc
        values = {}
        for key, choices in [
            ("party_sanction", PartySanction),
            ("administrative_sanction", AdministrativeSanction),
            ("accountability", Accountability),
        ]:
            try:
                values[key] = parse.choice(item, key, choices)
            except parse.RowError as exc:
                raise parse.RowError(f"{where}：{exc}") from exc
        handlings.append(
            Handling(
                pseudonym=pseudonym[:20],
                post=str(item.get("post", "")).strip()[:120],
                discipline_form=form,
                detained=parse.boolean(item, "detained"),
                referred=parse.boolean(item, "referred"),
                **values,
            )
        )
    return handlings
