"""A small fixed register whose figures are worked out by hand in the tests, and a writer for
registers given as plain tuples (the property tests')."""

import datetime

from django.core.cache import cache

from casestudies.choices import RankLevel
from casestudies.models import CaseFile, CaseFilePerson, CaseFileUnit, ProblemType, UnitType
from casestudies.models.case_files import PersonRole
from jingjian.core.models import WorkArea

B, C, T, G = RankLevel.BUREAU, RankLevel.COUNTY, RankLevel.TOWNSHIP, RankLevel.GENERAL

# number, date, problem types, work area, source, unit type, bulletined, units (name, named),
# persons (name, rank, form, party, admin, accountability, detained, referred)
FIXED = [
    (
        "鉴纪台〔2025〕1号",
        datetime.date(2025, 3, 10),
        ["推诿扯皮"],
        "民心工程",
        "complaint",
        "区直部门",
        True,
        [("鉴湖区民政局", True)],
        [
            ("钱砚澄", C, 2, "warning", "", "", False, False),
            ("周珩筠", T, 1, "", "", "criticism", False, False),
        ],
    ),
    (
        "鉴纪台〔2025〕2号",
        datetime.date(2025, 3, 20),
        ["推诿扯皮", "吃拿卡要"],
        "环境治理",
        "district_inspection",
        "镇街",
        False,
        [("鉴湖区青山镇人民政府", False)],
        [
            ("韩樾朔", T, 3, "probation", "removal_from_post", "", False, False),
            ("陶璟翊", G, 1, "", "", "admonition", False, False),
            ("严棠昶", G, 1, "", "", "", False, False),
        ],
    ),
    (
        "鉴纪台〔2025〕3号",
        datetime.date(2025, 7, 5),
        ["庸懒散浮拖"],
        "民心工程",
        "complaint",
        "区直部门",
        False,
        [],
        [("柏琰邈", B, 4, "expulsion", "dismissal", "", True, True)],
    ),
    (
        "鉴纪台〔2024〕9号",
        datetime.date(2024, 12, 31),
        ["推诿扯皮"],
        "环境治理",
        "complaint",
        "镇街",
        False,
        [],
        [("窦翊昶", G, 1, "", "", "criticism", False, False)],
    ),
]


def write(matters):
    """Create case files from tuples shaped like ``FIXED``; returns them."""
    cache.clear()
    problem_types = {t.name: t for t in ProblemType.objects.all()}
    files = []
    for number, day, kinds, area, source, unit_type, named, units, persons in matters:
        case_file = CaseFile.objects.create(
            number=number,
            title=f"{number}问题",
            raw_account="",
            date_handled=day,
            work_area=WorkArea.objects.get(name=area) if area else None,
            source=source,
            unit_type=UnitType.objects.get(name=unit_type) if unit_type else None,
            named_in_bulletin=named,
        )
        case_file.problem_types.set([problem_types[k] for k in kinds])
        case_file.save(update_fields=["problem_types"])
        for order, (name, rank, form, party, admin, account, detained, referred) in enumerate(
            persons
        ):
            CaseFilePerson.objects.create(
                case_file=case_file,
                sort_order=order,
                role=PersonRole.SUBJECT,
                name=name,
                rank_level=rank,
                discipline_form=form,
                party_sanction=party,
                administrative_sanction=admin,
                accountability=account,
                detained=detained,
                referred=referred,
            )
        for order, (name, unit_named) in enumerate(units):
            CaseFileUnit.objects.create(
                case_file=case_file, sort_order=order, name=name, named_in_bulletin=unit_named
            )
        files.append(case_file)
    return files
