"""The demo register (台账): invented matters handled across 2019–2026, for the statistics.

``register_records(seed, persons)`` makes them deterministically from a seeded random generator
in a realistic shape (most matters one person, the first form the large majority, the fourth
very few, the volume rising with the campaign from 2019); ``write_register(records)`` writes
them in a few bulk statements, replacing an earlier demo register. The benchmark uses both for
its large registers.

The people are invented: names are drawn from syllables no demo page uses, and
``register_records`` drops any name that appears in the demo pages (``excluded``), so a name in
the register never appears on a public page.
"""

import datetime
import random
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from casestudies.choices import (
    Accountability,
    AdministrativeSanction,
    CaseSource,
    PartySanction,
    RankLevel,
)
from casestudies.models import CaseFile, CaseFilePerson, CaseFileUnit, ProblemType, UnitType
from casestudies.models.case_files import PersonRole
from jingjian.core.models import WorkArea

CONTENT_DIR = Path(__file__).resolve().parent / "content"

NUMBER_PREFIX = "鉴纪台"  # 鉴纪台〔2021〕7号: apart from the named case files' 鉴纪案
YEARS = range(2019, 2027)
# Matters a year: few in 2019, the campaign from 2020, steady since.
MATTERS_PER_YEAR = {2019: 12, 2020: 24, 2021: 27, 2022: 25, 2023: 26, 2024: 28, 2025: 30, 2026: 26}

SURNAMES = "钱孙周吴冯褚卫蒋韩杨朱秦尤施张孔曹严华金魏陶姜戚谢邹喻柏窦章云潘葛奚范彭郎鲁韦昌马苗凤花俞任袁柳"
GIVEN = "岚澄砚朔琰邈珩璟翊昶旻晔湛筠翮荻蕤棠樾榆楠杉梧柘桦桉檀琮瑄璞瑗玹珏瑀骞骥驰昀暄曦"

UNITS = {
    "区直部门": [
        "鉴湖区住房和城乡建设局",
        "鉴湖区自然资源局",
        "鉴湖区农业农村局",
        "鉴湖区市场监督管理局",
        "鉴湖区人力资源和社会保障局",
        "鉴湖区民政局",
        "鉴湖区交通运输局",
        "鉴湖区城市管理局",
    ],
    "镇街": [
        "鉴湖区临江街道办事处",
        "鉴湖区东湖街道办事处",
        "鉴湖区青山镇人民政府",
        "鉴湖区石桥镇人民政府",
        "鉴湖区白沙镇人民政府",
        "鉴湖区柳河乡人民政府",
    ],
    "村（社区）": [
        "鉴湖区青山镇枫林村村民委员会",
        "鉴湖区石桥镇下坝村村民委员会",
        "鉴湖区临江街道滨江社区居民委员会",
        "鉴湖区白沙镇沙洲村村民委员会",
    ],
    "国有企业": ["鉴湖区城市建设投资集团有限公司", "鉴湖区水务有限公司"],
    "事业单位": ["鉴湖区不动产登记中心", "鉴湖区公共资源交易中心", "鉴湖区农业技术推广站"],
    "中小学校": ["鉴湖区实验中学", "鉴湖区临江小学"],
    "医疗卫生机构": ["鉴湖区人民医院", "鉴湖区青山镇卫生院"],
}
UNIT_TYPE_WEIGHTS = {
    "区直部门": 30,
    "镇街": 30,
    "村（社区）": 16,
    "国有企业": 6,
    "事业单位": 10,
    "中小学校": 4,
    "医疗卫生机构": 4,
}
SOURCE_WEIGHTS = {
    CaseSource.COMPLAINT: 35,
    CaseSource.DISTRICT_INSPECTION: 20,
    CaseSource.UNANNOUNCED_VISIT: 15,
    CaseSource.SELF_INSPECTION: 9,
    CaseSource.CITY_INSPECTION: 6,
    CaseSource.AUDIT: 6,
    CaseSource.MEDIA: 5,
    CaseSource.OTHER: 4,
}
# Posts by rank level, and how often each level is handled.
POSTS = {
    RankLevel.BUREAU: ["副区长"],
    RankLevel.COUNTY: ["局长", "副局长", "镇长", "街道办事处主任", "党委书记"],
    RankLevel.TOWNSHIP: ["科长", "副科长", "所长", "站长", "副镇长", "中心主任"],
    RankLevel.GENERAL: ["科员", "办事员", "窗口工作人员", "网格员", "教师"],
    RankLevel.OTHER: ["村党支部书记", "村委会主任", "社区居委会副主任", "村会计"],
}
RANK_WEIGHTS = {
    RankLevel.BUREAU: 1,
    RankLevel.COUNTY: 8,
    RankLevel.TOWNSHIP: 42,
    RankLevel.GENERAL: 34,
    RankLevel.OTHER: 15,
}
FORM_WEIGHTS = {1: 64, 2: 26, 3: 7, 4: 3}
PROBLEM_TYPE_WEIGHTS = {
    "庸懒散浮拖": 14,
    "推诿扯皮": 14,
    "不贪不占也不干": 10,
    "门难进、脸难看、事难办": 9,
    "拖延应付、敷衍塞责": 12,
    "吃拿卡要": 7,
    "选择性执行": 6,
    "纸上整改": 6,
    "衙门作风": 5,
    "态度生冷、刁难群众": 5,
    "文山会海": 3,
    "过度留痕": 3,
    "好人主义": 3,
    "零报告": 1,
    "重整改、轻追责": 1,
    "小鬼难缠": 1,
}
WORK_AREAS = [
    "双万双服促发展",
    "环境治理",
    "扶贫助困",
    "精准脱贫",
    "双违治理",
    "民心工程",
    "拆迁拆违",
    "创文创卫",
    "城中村改造",
    "招商引资",
    "债务风险防范",
    "扫黑除恶",
    "大棚房清理整治",
    "巡视整改",
]


@dataclass
class PersonRecord:
    name: str
    gender: str
    unit: str
    post: str
    rank_level: int
    discipline_form: int
    party_sanction: str = ""
    administrative_sanction: str = ""
    accountability: str = ""
    detained: bool = False
    referred: bool = False


@dataclass
class MatterRecord:
    number: str
    title: str
    date_handled: datetime.date
    unit_type: str
    work_area: str
    source: str
    problem_types: list
    named_in_bulletin: bool
    units: list  # (name, named in a bulletin)
    persons: list = field(default_factory=list)


def _pick(rng, weights):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _outcome(rng, form):
    """What a person of ``form`` (四种形态) was given, as the regulations pair them."""
    if form == 1:
        return {
            "accountability": rng.choice(
                [
                    Accountability.CRITICISM,
                    Accountability.CRITICISM,
                    Accountability.ORDERED_EXAMINATION,
                    Accountability.NOTICE,
                    Accountability.ADMONITION,
                ]
            )
        }
    if form == 2:
        roll = rng.random()
        if roll < 0.15:
            return {"accountability": Accountability.REASSIGNMENT}
        outcome = {
            "party_sanction": rng.choice([PartySanction.WARNING, PartySanction.SERIOUS_WARNING])
        }
        if roll < 0.45:
            outcome["party_sanction"] = ""
        if roll < 0.45 or rng.random() < 0.3:
            outcome["administrative_sanction"] = rng.choice(
                [
                    AdministrativeSanction.WARNING,
                    AdministrativeSanction.DEMERIT,
                    AdministrativeSanction.MAJOR_DEMERIT,
                ]
            )
        return outcome
    if form == 3:
        return {
            "party_sanction": rng.choice(
                [PartySanction.REMOVAL_FROM_PARTY_POST, PartySanction.PROBATION]
            ),
            "administrative_sanction": rng.choice(
                [AdministrativeSanction.DEMOTION, AdministrativeSanction.REMOVAL_FROM_POST]
            ),
            "accountability": rng.choice(["", Accountability.REMOVAL, Accountability.DEMOTION]),
        }
    return {
        "party_sanction": PartySanction.EXPULSION,
        "administrative_sanction": AdministrativeSanction.DISMISSAL,
        "detained": rng.random() < 0.7,
        "referred": True,
    }


def excluded_names():
    """Every run of text in the demo pages and the named case files: a generated name found in
    it is not used."""
    return "\n".join(
        path.read_text(encoding="utf-8") for path in sorted(CONTENT_DIR.iterdir()) if path.is_file()
    )


def _names(rng, excluded):
    """Invented names, each once while there are plenty left (a benchmark's register of
    100,000 persons has more persons than names: repeats are allowed past half of them)."""
    seen, plenty = set(), len(SURNAMES) * len(GIVEN) * (len(GIVEN) - 1) // 2
    while True:
        name = rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, 2))
        if name in excluded or name[1:] in excluded:
            continue
        if name in seen and len(seen) < plenty:
            continue
        seen.add(name)
        yield name


def register_records(seed=2019, persons=None, taken=(), excluded=""):
    """The demo register as ``MatterRecord``s, the same for the same ``seed``.

    ``persons`` (default: the demo's volume, MATTERS_PER_YEAR) scales the register to about that
    many persons handled; ``taken`` are file numbers already used; ``excluded`` is text no
    generated name may appear in."""
    rng = random.Random(seed)
    names = _names(rng, excluded)
    per_year = dict(MATTERS_PER_YEAR)
    if persons is not None:
        # About 1.6 persons a matter.
        scale = persons / 1.6 / sum(per_year.values())
        per_year = {year: max(1, round(count * scale)) for year, count in per_year.items()}
    records = []
    for year in YEARS:
        last_day = datetime.date(year, 11, 30) if year == max(YEARS) else None
        serial = 0
        for _ in range(per_year[year]):
            serial += 1
            while f"{NUMBER_PREFIX}〔{year}〕{serial}号" in taken:
                serial += 1
            number = f"{NUMBER_PREFIX}〔{year}〕{serial}号"
            start = datetime.date(year, 1, 1)
            end = last_day or datetime.date(year, 12, 31)
            handled = start + datetime.timedelta(days=rng.randrange((end - start).days + 1))
            unit_type = _pick(rng, UNIT_TYPE_WEIGHTS)
            unit = rng.choice(UNITS[unit_type])
            kinds = [_pick(rng, PROBLEM_TYPE_WEIGHTS)]
            if rng.random() < 0.2:
                other = _pick(rng, PROBLEM_TYPE_WEIGHTS)
                if other not in kinds:
                    kinds.append(other)
            bulletined = rng.random() < 0.15
            matter = MatterRecord(
                number=number,
                title=f"{unit}{kinds[0]}问题",
                date_handled=handled,
                unit_type=unit_type,
                work_area=rng.choice(WORK_AREAS),
                source=_pick(rng, SOURCE_WEIGHTS),
                problem_types=kinds,
                named_in_bulletin=bulletined,
                units=[(unit, bulletined and rng.random() < 0.8)],
            )
            count = rng.choices([1, 2, 3, 4], weights=[55, 30, 10, 5])[0]
            for _ in range(count):
                rank = _pick(rng, RANK_WEIGHTS)
                form = _pick(rng, FORM_WEIGHTS)
                matter.persons.append(
                    PersonRecord(
                        name=next(names),
                        gender=rng.choice("男男女"),
                        unit=unit,
                        post=rng.choice(POSTS[rank]),
                        rank_level=int(rank),
                        discipline_form=form,
                        **_outcome(rng, form),
                    )
                )
            records.append(matter)
    return records


def write_register(records, replace_prefix=NUMBER_PREFIX, batch_size=2000):
    """Write ``records`` as case files, their persons handled and units, in bulk. Case files
    whose number starts with ``replace_prefix`` are deleted first (an earlier demo register).
    Signals are not sent: these files have no case study for the gate to ask about."""
    unit_types = dict(UnitType.objects.values_list("name", "pk"))
    work_areas = dict(WorkArea.objects.values_list("name", "pk"))
    problem_types = dict(ProblemType.objects.values_list("name", "pk"))
    with transaction.atomic():
        if replace_prefix:
            CaseFile.objects.filter(number__startswith=replace_prefix).delete()
        files = CaseFile.objects.bulk_create(
            [
                CaseFile(
                    number=r.number,
                    title=r.title,
                    raw_account="",
                    date_handled=r.date_handled,
                    unit_type_id=unit_types.get(r.unit_type),
                    work_area_id=work_areas.get(r.work_area),
                    source=r.source,
                    named_in_bulletin=r.named_in_bulletin,
                )
                for r in records
            ],
            batch_size=batch_size,
        )
        if files and files[0].pk is None:  # a backend that does not return keys
            by_number = dict(
                CaseFile.objects.filter(number__in=[r.number for r in records]).values_list(
                    "number", "pk"
                )
            )
            for case_file in files:
                case_file.pk = by_number[case_file.number]
        persons, units, links = [], [], []
        Link = CaseFile.problem_types.through
        for case_file, record in zip(files, records, strict=True):
            for order, person in enumerate(record.persons):
                persons.append(
                    CaseFilePerson(
                        case_file_id=case_file.pk,
                        sort_order=order,
                        role=PersonRole.SUBJECT,
                        **vars(person),
                    )
                )
            for order, (name, named) in enumerate(record.units):
                units.append(
                    CaseFileUnit(
                        case_file_id=case_file.pk,
                        sort_order=order,
                        name=name,
                        named_in_bulletin=named,
                    )
                )
            links += [
                Link(casefile_id=case_file.pk, problemtype_id=problem_types[kind])
                for kind in record.problem_types
                if kind in problem_types
            ]
        CaseFilePerson.objects.bulk_create(persons, batch_size=batch_size)
        CaseFileUnit.objects.bulk_create(units, batch_size=batch_size)
        Link.objects.bulk_create(links, batch_size=batch_size)
    return len(files), len(persons)
