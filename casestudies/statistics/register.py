"""Counting the register in the database: grouped, conditional counts, never a loop over rows.

The register is the case files (``CaseFile``); a matter (查处问题) is a case file, counted in
the period of its ``date_handled``; a person handled is a ``CaseFilePerson`` whose role is
被审查调查人. ``person_counts`` answers, for a period and a grouping (any of ``DIMENSIONS``),
every person measure of ``MEASURES`` in one query, each count split into the part from matters
named in a public bulletin and the rest (what small-number suppression needs);
``matter_counts`` counts the matters the same way, ``unit_counts`` the units named in a public
bulletin.
"""

from dataclasses import dataclass

from django.db.models import CharField, Count, F, Func, Q, Value

from casestudies.choices import (
    AdministrativeSanction,
    CaseSource,
    DisciplineForm,
    PartySanction,
    RankLevel,
)
from casestudies.models import CaseFile, CaseFilePerson, CaseFileUnit, ProblemType, UnitType
from casestudies.models.case_files import PersonRole
from jingjian.core.models import WorkArea

__all__ = [
    "DIMENSIONS",
    "MEASURES",
    "Dimension",
    "Measure",
    "MonthOf",
    "matter_counts",
    "person_counts",
    "unit_counts",
]


class MonthOf(Func):
    """``YYYY-MM`` of a date column, in SQL the database runs itself (Django's ``TruncMonth``
    calls back into Python for every row on SQLite)."""

    output_field = CharField()
    template = "SUBSTR(CAST(%(expressions)s AS CHAR(10)), 1, 7)"

    def as_sqlite(self, compiler, connection, **extra):
        # SQLite stores a date as its ISO text.
        return self.as_sql(compiler, connection, template="SUBSTR(%(expressions)s, 1, 7)")

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="TO_CHAR(%(expressions)s, 'YYYY-MM')")


@dataclass(frozen=True)
class Measure:
    """One figure: ``kind`` is what it counts (``persons`` 人, ``matters`` 起, ``units`` 个);
    a person measure counts the persons handled that ``q`` selects."""

    key: str
    label: str
    kind: str = "persons"
    q: Q | None = None

    @property
    def unit(self):
        return {"persons": "人", "matters": "起", "units": "个"}[self.kind]


_PARTY = ~Q(party_sanction="")
_ADMIN = ~Q(administrative_sanction="")
MEASURES = {
    m.key: m
    for m in [
        Measure("matters", "查处问题数", "matters"),
        Measure("matters_bulletined", "公开通报典型案例数", "matters"),
        Measure("units_bulletined", "公开通报单位数", "units"),
        Measure("persons", "批评教育和处理人数", q=Q()),
        Measure("sanctioned", "党纪政务处分人数", q=_PARTY | _ADMIN),
        Measure("party_sanctioned", "党纪处分人数", q=_PARTY),
        Measure("admin_sanctioned", "政务处分人数", q=_ADMIN),
        *[
            Measure(f"form_{value}", label, q=Q(discipline_form=value))
            for value, label in DisciplineForm.choices
        ],
        Measure("form_none", "未认定形态", q=Q(discipline_form__isnull=True)),
        *[
            Measure(f"party:{value}", f"党纪{label}", q=Q(party_sanction=value))
            for value, label in PartySanction.choices
        ],
        *[
            Measure(f"admin:{value}", f"政务{label}", q=Q(administrative_sanction=value))
            for value, label in AdministrativeSanction.choices
        ],
        Measure("detained", "留置人数", q=Q(detained=True)),
        Measure("referred", "移送司法机关人数", q=Q(referred=True)),
    ]
}
PERSON_MEASURES = [key for key, m in MEASURES.items() if m.kind == "persons"]


@dataclass(frozen=True)
class Dimension:
    """A breakdown: ``lookup`` from a person handled, ``label`` its heading; ``labels()`` gives
    each value's name in order (a value not among them, such as an unfilled one, comes last)."""

    key: str
    label: str
    lookup: str
    per_person: bool = False  # a person's own attribute, not the matter's
    many: bool = False  # a matter may have several values: the rows do not add up to the total

    def expression(self, prefix=""):
        if self.key == "month":
            return MonthOf(f"{prefix}date_handled")
        return F(prefix + self.lookup)

    def labels(self):
        if self.key == "rank_level":
            return dict(RankLevel.choices)
        if self.key == "source":
            return dict(CaseSource.choices)
        model = {"problem_type": ProblemType, "work_area": WorkArea, "unit_type": UnitType}.get(
            self.key
        )
        if model is not None:
            return dict(model.objects.values_list("pk", "name"))
        return {}


DIMENSIONS = {
    d.key: d
    for d in [
        Dimension("problem_type", "问题类型", "problem_types", many=True),
        Dimension("work_area", "重点工作", "work_area"),
        Dimension("source", "线索来源", "source"),
        Dimension("unit_type", "单位类型", "unit_type"),
        Dimension("rank_level", "职级", "rank_level", per_person=True),
        Dimension("month", "月份", "date_handled"),
    ]
}


def _group_expression(dimension):
    if dimension.per_person:
        return F(dimension.lookup)
    return dimension.expression("case_file__")


def _in_period(period, prefix="case_file__"):
    return Q(
        **{f"{prefix}date_handled__gte": period.start, f"{prefix}date_handled__lte": period.end}
    )


def person_counts(period, by=(), measures=None):
    """{(value of each dimension in ``by``): {measure: [count, count outside public bulletins]}}
    for the persons handled in matters of ``period``; one query. ``measures`` (keys of
    ``MEASURES``, default all but the units) limits what is counted."""
    keys = [k for k in (measures or MEASURES) if MEASURES[k].kind != "units"]
    dimensions = [DIMENSIONS[name] for name in by]
    group = {f"d{i}": _group_expression(d) for i, d in enumerate(dimensions)}
    group["bulletined"] = F("case_file__named_in_bulletin")
    aggregates = {}
    for index, key in enumerate(keys):
        measure = MEASURES[key]
        if measure.kind == "matters":
            aggregates[f"m{index}"] = Count("case_file", distinct=True)
        elif measure.q is not None and not measure.q:
            aggregates[f"m{index}"] = Count(Value(1))  # the covering index answers (``summary``)
        else:
            aggregates[f"m{index}"] = Count(Value(1), filter=measure.q)
    rows = (
        CaseFilePerson.objects.filter(_in_period(period), role=PersonRole.SUBJECT)
        .values(**group)
        .annotate(**aggregates)
        .order_by()
    )
    counts = {}
    for row in rows:
        slot = tuple(row[f"d{i}"] for i in range(len(dimensions)))
        cell = counts.setdefault(slot, {key: [0, 0] for key in keys})
        for index, key in enumerate(keys):
            value = row[f"m{index}"]
            if key == "matters_bulletined":
                value = value if row["bulletined"] else 0
            cell[key][0] += value
            if not row["bulletined"]:
                cell[key][1] += value
    return counts


def matter_counts(period, by=()):
    """{(value of each dimension in ``by``): {"matters": [count, count outside public
    bulletins], "matters_bulletined": [count, 0]}} of the case files of ``period``; ``by``
    holds the matter's own dimensions (not ``rank_level``)."""
    dimensions = [DIMENSIONS[name] for name in by]
    if any(d.per_person for d in dimensions):
        raise ValueError("a matter has no rank of its own: count persons by rank instead")
    group = {f"d{i}": d.expression() for i, d in enumerate(dimensions)}
    group["bulletined"] = F("named_in_bulletin")
    rows = (
        CaseFile.objects.filter(_in_period(period, prefix=""))
        .values(**group)
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = {}
    for row in rows:
        slot = tuple(row[f"d{i}"] for i in range(len(dimensions)))
        cell = counts.setdefault(slot, {"matters": [0, 0], "matters_bulletined": [0, 0]})
        cell["matters"][0] += row["n"]
        if row["bulletined"]:
            cell["matters_bulletined"][0] += row["n"]
        else:
            cell["matters"][1] += row["n"]
    return counts


def unit_counts(period, by=()):
    """{(value of each dimension in ``by``): units named in a public bulletin} in matters of
    ``period`` (a unit named in several matters counts once in each group)."""
    dimensions = [DIMENSIONS[name] for name in by]
    group = {}
    for i, d in enumerate(dimensions):
        if d.per_person:
            group[f"d{i}"] = F(f"case_file__persons__{d.lookup}")
        else:
            group[f"d{i}"] = d.expression("case_file__")
    rows = CaseFileUnit.objects.filter(_in_period(period), named_in_bulletin=True)
    if any(d.per_person for d in dimensions):
        rows = rows.filter(case_file__persons__role=PersonRole.SUBJECT)
    if not dimensions:
        return {(): rows.aggregate(n=Count("name", distinct=True))["n"]}
    rows = rows.values(**group).annotate(n=Count("name", distinct=True)).order_by()
    return {tuple(row[f"d{i}"] for i in range(len(dimensions))): row["n"] for row in rows}
