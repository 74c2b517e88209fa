"""How an exemplar profile is imported (its content type's ``importer``): one row of the import
file to the page's fields, its work areas and its honours. The format is in the README."""

import json

from django.utils import timezone

from exemplars.models import ExemplarCategory, Gender, Honour, PoliticalStatus
from jingjian.core.blocks import plain_text_to_stream
from jingjian.core.models import WorkArea
from jingjian.importing import rows as parse
from jingjian.importing.writer import RowValues


def import_values(row):
    return RowValues(
        fields=_fields(row),
        many={
            "work_areas": parse.terms(WorkArea, parse.text_list(row, "work_areas"), "work_areas")
        },
        children={"honours": _honours(row)},
    )


def _fields(row):
    birth = parse.text(row, "birth", required=True, label="出生年月，如 1975-08")
    try:
        parts = birth.replace("年", "-").replace("月", "").split("-")
        birth_year = int(parts[0])
        birth_month = int(parts[1]) if len(parts) > 1 and parts[1] else None
    except ValueError as exc:
        raise parse.RowError(f"“birth”的值“{birth}”无法识别，请写成 YYYY-MM，如 1975-08。") from exc
    return {
        "name": parse.text(row, "name", required=True, max_length=40, label="姓名"),
        "gender": parse.choice(row, "gender", Gender, required=True),
        "ethnicity": parse.text(row, "ethnicity", max_length=20) or "汉族",
        "birth_year": birth_year,
        "birth_month": birth_month,
        "political_status": parse.choice(row, "political_status", PoliticalStatus),
        "unit": parse.text(row, "unit", required=True, max_length=120, label="工作单位"),
        "post": parse.text(row, "post", required=True, max_length=120, label="职务"),
        "posthumous": parse.boolean(row, "posthumous"),
        "category": parse.term(
            ExemplarCategory, parse.text(row, "category", required=True), "category"
        ),
        "date": parse.date(row, "date") or timezone.localdate(),
        "citation": parse.text(row, "citation"),
        "featured": parse.boolean(row, "featured"),
        "deeds": json.dumps(plain_text_to_stream(parse.text(row, "body"))),
    }


def _honours(row):
    honours = []
    for number, item in enumerate(parse.objects(row, "honours"), start=1):
        title = str(item.get("title", "")).strip()
        try:
            year = int(item.get("year"))
        except (TypeError, ValueError) as exc:
            raise parse.RowError(f"第 {number} 项荣誉缺少有效的年份（year），如 2021。") from exc
        if not title:
            raise parse.RowError(f"第 {number} 项荣誉缺少称号（title）。")
        honours.append(
            Honour(title=title, awarding_body=str(item.get("awarding_body", "")).strip(), year=year)
        )
    return honours
