"""The figures of a period, every breakdown and the monthly report table, computed together.

One ``Report`` per period and viewer level: its cells are read from the register's summary
(``summary``; counted directly from the register, ``register``, only to check it), then small
numbers are hidden for a viewer who may not see them exactly (``suppression``), across all its
tables at once, so a total hidden for one breakdown is hidden everywhere it appears. ``casestudies.statistics`` is the interface the pages, the dashboard
panel and the JSON endpoint call.
"""

import hashlib
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import OperationalError

from casestudies.choices import AdministrativeSanction, DisciplineForm, PartySanction, RankLevel
from casestudies.statistics import summary
from casestudies.statistics.access import Level, check_level, check_period
from casestudies.statistics.register import (
    DIMENSIONS,
    MEASURES,
    PERSON_MEASURES,
    matter_counts,
    person_counts,
    unit_counts,
)
from casestudies.statistics.suppression import Cell, Group, suppress

# What each breakdown counts (the kinds of sanction are counted in total and by rank).
FORMS = [f"form_{value}" for value in DisciplineForm.values] + ["form_none"]
PARTY_KINDS = [f"party:{value}" for value in PartySanction.values]
ADMIN_KINDS = [f"admin:{value}" for value in AdministrativeSanction.values]
BREAKDOWN_MEASURES = [
    "matters",
    "matters_bulletined",
    "units_bulletined",
    "persons",
    "sanctioned",
    "party_sanctioned",
    "admin_sanctioned",
    *FORMS,
    "detained",
    "referred",
]
# By rank: the persons only (a matter, and its units, may have persons of several ranks).
RANK_MEASURES = list(PERSON_MEASURES)
# The monthly report's columns of rank (乡科级及以下: 乡科级, 一般干部, 其他 and unfilled).
RANK_GROUPS = {
    "bureau": ("地厅级", [RankLevel.BUREAU]),
    "county": ("县处级", [RankLevel.COUNTY]),
    "lower": ("乡科级及以下", [RankLevel.TOWNSHIP, RankLevel.GENERAL, RankLevel.OTHER, None]),
}
MONTHLY_MEASURES = ["persons", "sanctioned"]
UNFILLED = "未填写"
CACHE_SECONDS = 300

__all__ = ["Figures", "MonthlyTable", "Row", "Table", "report"]


@dataclass
class Row:
    """One line of a table: a dimension's value (``None``: not filled in), its label, a cell per
    measure (``None`` where the measure does not apply to the dimension)."""

    key: object
    label: str
    cells: dict

    def to_json(self):
        return {
            "key": self.key,
            "label": self.label,
            "cells": {m: c.to_json() if c else None for m, c in self.cells.items()},
        }


@dataclass
class Table:
    """A breakdown: its rows add up to ``total`` (for 问题类型, a matter of several types counts
    in each of them: at least to it)."""

    dimension: str
    label: str
    measures: list
    rows: list
    total: Row

    def to_json(self):
        return {
            "dimension": self.dimension,
            "label": self.label,
            "measures": [{"key": m, "label": MEASURES[m].label} for m in self.measures],
            "rows": [row.to_json() for row in self.rows],
            "total": self.total.to_json(),
        }


@dataclass
class MonthlyTable:
    """The monthly report (月报) in the CCDI's shape: a row per problem type under 合计; columns
    查处问题数, then 批评教育和处理人数 and 党纪政务处分人数 each as 合计, 地厅级, 县处级 and
    乡科级及以下. ``columns`` are (measure, rank group or None, heading) in order."""

    title: str
    period_label: str
    columns: list
    total: Row
    rows: list

    def to_json(self):
        return {
            "title": self.title,
            "period": self.period_label,
            "columns": [
                {"measure": m, "rank": g, "heading": heading} for m, g, heading in self.columns
            ],
            "total": self.total.to_json(),
            "rows": [row.to_json() for row in self.rows],
        }


@dataclass
class Figures:
    """Everything the statistics page shows for ``period``, as ``level`` may see it."""

    period: object
    level: Level
    totals: dict
    forms: list  # (key, label, Cell, proportion text or None)
    party_sanctions: list  # (key, label, Cell)
    admin_sanctions: list
    breakdowns: dict
    monthly: MonthlyTable
    notes: list = field(default_factory=list)

    def to_json(self):
        return {
            "period": self.period.to_json(),
            "level": self.level.value,
            "totals": {
                key: {"label": MEASURES[key].label, "unit": MEASURES[key].unit, **c.to_json()}
                for key, c in self.totals.items()
            },
            "forms": [
                {"key": k, "label": label, **c.to_json(), "proportion": share}
                for k, label, c, share in self.forms
            ],
            "party_sanctions": [
                {"key": k, "label": label, **c.to_json()} for k, label, c in self.party_sanctions
            ],
            "admin_sanctions": [
                {"key": k, "label": label, **c.to_json()} for k, label, c in self.admin_sanctions
            ],
            "breakdowns": {name: table.to_json() for name, table in self.breakdowns.items()},
            "monthly": self.monthly.to_json(),
            "notes": self.notes,
        }


class _Cells(dict):
    """{(measure, slice): Cell}, a slice being a tuple of (dimension, value) pairs."""

    def put(self, measure, where, value, unpublished):
        exempt = MEASURES[measure].kind == "units" or measure == "matters_bulletined"
        self[(measure, tuple(where))] = Cell(value, unpublished, exempt=exempt)

    def at(self, measure, where=()):
        key = (measure, tuple(where))
        if key not in self:
            self.put(measure, where, 0, 0)
        return self[key]


def _measures_of(name):
    return RANK_MEASURES if name == "rank_level" else BREAKDOWN_MEASURES


def _ordered_values(dimension, found, period, labels):
    """The values a breakdown lists: every known one (a zero row says so), then unfilled."""
    if dimension.key == "month":
        return period.months()
    values = list(labels)
    values += [v for v in found if v not in labels and v is not None]
    if None in found:
        values.append(None)
    return values


def _label(dimension, labels, value):
    if value is None:
        return UNFILLED
    if dimension.key == "month":
        year, month = value.split("-")
        return f"{year}年{int(month)}月"
    return labels.get(value, str(value))


def _add(into, counts):
    for measure, (value, unpublished) in counts.items():
        slot = into.setdefault(measure, [0, 0])
        slot[0] += value
        slot[1] += unpublished


def _marginal(cube, position):
    """{value: {measure: [count, unpublished]}}: ``cube`` (from ``person_counts``) summed over
    every dimension but the one at ``position``. Sums only what adds up: persons, and matters
    when every dimension of the cube is the matter's own."""
    found = {}
    for key, counts in cube.items():
        _add(found.setdefault(key[position], {}), counts)
    return found


# Queries of the persons, each grouped by dimensions whose product stays small (a few thousand
# groups at most), the breakdowns summed from them here: (grouped by, measures, the breakdowns
# it gives, whether it gives the period's totals). Matters are counted from the case files.
_PERSONS = [m for m in BREAKDOWN_MEASURES if MEASURES[m].kind == "persons"]
PERSON_CUBES = [
    (("rank_level", "month"), PERSON_MEASURES, ("rank_level", "month"), True),
    (("work_area", "source", "unit_type"), _PERSONS, ("work_area", "source", "unit_type"), False),
    (("problem_type", "rank_level"), _PERSONS, ("problem_type",), False),
]
MATTER_CUBES = [
    (("work_area", "source", "unit_type"), ("work_area", "source", "unit_type"), True),
    (("month",), ("month",), False),
    (("problem_type",), ("problem_type",), False),
]
# The same from the register's summary (``summary``), which keeps each breakdown on its own:
# the margins of a product are its breakdowns, so the cells are the same.
SUMMARY_PERSON_CUBES = [
    (("month",), PERSON_MEASURES, ("month",), True),
    (("rank_level",), PERSON_MEASURES, ("rank_level",), False),
    *[((name,), _PERSONS, (name,), False) for name in ("work_area", "source", "unit_type")],
    (("problem_type", "rank_level"), _PERSONS, ("problem_type",), False),
]
SUMMARY_MATTER_CUBES = [
    (("month",), ("month",), True),
    *[((name,), (name,), False) for name in ("work_area", "source", "unit_type", "problem_type")],
]


def _count(period, labels, direct=False):
    """All counts of ``period`` as cells (``_Cells``), and each breakdown's values in order:
    read from the register's summary (``summary``), or with ``direct`` counted from every
    person and case file (``register``; what the summary is checked against)."""
    persons_of = person_counts if direct else summary.person_cube
    matters_of = matter_counts if direct else summary.matter_cube
    units_of = unit_counts if direct else summary.unit_cube
    person_cubes = PERSON_CUBES if direct else SUMMARY_PERSON_CUBES
    matter_cubes = MATTER_CUBES if direct else SUMMARY_MATTER_CUBES
    cells = _Cells()
    found = {name: {} for name in DIMENSIONS}
    totals = {}
    cubes = {}
    for by, measures, gives, gives_totals in person_cubes:
        cube = persons_of(period, by, measures)
        cubes[by] = cube
        for name in gives:
            for value, counts in _marginal(cube, by.index(name)).items():
                _add(found[name].setdefault(value, {}), counts)
        if gives_totals:
            for counts in cube.values():
                _add(totals, counts)
    for by, gives, gives_totals in matter_cubes:
        cube = matters_of(period, by)
        for name in gives:
            for value, counts in _marginal(cube, by.index(name)).items():
                _add(found[name].setdefault(value, {}), counts)
        if gives_totals:
            for counts in cube.values():
                _add(totals, counts)
    for measure in MEASURES:
        if MEASURES[measure].kind != "units":
            value, unpublished = totals.get(measure, (0, 0))
            cells.put(measure, (), value, unpublished)
    values_of = {}
    for name, dimension in DIMENSIONS.items():
        for value, counts in found[name].items():
            for measure, (n, unpublished) in counts.items():
                cells.put(measure, [(name, value)], n, unpublished)
        if "units_bulletined" in _measures_of(name):
            for (value,), n in units_of(period, (name,)).items():
                cells.put("units_bulletined", [(name, value)], n, 0)
        values_of[name] = _ordered_values(dimension, set(found[name]), period, labels[name])
    cells.put("units_bulletined", (), units_of(period).get((), 0), 0)

    # The monthly report: problem type by rank group.
    cross = cubes[("problem_type", "rank_level")]
    for measure in MONTHLY_MEASURES:
        lower = RANK_GROUPS["lower"][1]
        cells.put(
            measure,
            [("rank_group", "lower")],
            sum(cells.at(measure, [("rank_level", r)]).value for r in lower),
            sum(cells.at(measure, [("rank_level", r)]).unpublished for r in lower),
        )
        for problem_type in values_of["problem_type"]:
            for group_name, (_heading, ranks) in RANK_GROUPS.items():
                parts = [cross.get((problem_type, r), {}).get(measure, (0, 0)) for r in ranks]
                cells.put(
                    measure,
                    _monthly_slice(problem_type, group_name),
                    sum(p[0] for p in parts),
                    sum(p[1] for p in parts),
                )
    return cells, _groups(cells, values_of), values_of


def _monthly_slice(problem_type, group_name):
    where = [] if problem_type == "total" else [("problem_type", problem_type)]
    if group_name in ("bureau", "county"):
        rank = RANK_GROUPS[group_name][1][0]
        return [*where, ("rank_level", rank)] if where else [("rank_level", rank)]
    return [*where, ("rank_group", "lower")]


def _groups(cells, values_of):
    groups = []
    for name in DIMENSIONS:
        measures = RANK_MEASURES if name == "rank_level" else BREAKDOWN_MEASURES
        for measure in measures:
            if MEASURES[measure].kind == "units" or measure == "matters_bulletined":
                continue
            parts = [cells.at(measure, [(name, v)]) for v in values_of[name]]
            groups.append(Group(parts, cells.at(measure), f"{name}:{measure}"))
        # Within each row: the forms add up to the persons, the kinds to the persons sanctioned.
        for value in [*values_of[name], "total"]:
            where = [] if value == "total" else [(name, value)]
            groups.append(
                Group([cells.at(f, where) for f in FORMS], cells.at("persons", where), "forms")
            )
            if name == "rank_level" or value == "total":
                groups.append(
                    Group(
                        [cells.at(k, where) for k in PARTY_KINDS],
                        cells.at("party_sanctioned", where),
                        "party kinds",
                    )
                )
                groups.append(
                    Group(
                        [cells.at(k, where) for k in ADMIN_KINDS],
                        cells.at("admin_sanctioned", where),
                        "admin kinds",
                    )
                )
    for measure in MONTHLY_MEASURES:
        lower = [cells.at(measure, [("rank_level", r)]) for r in RANK_GROUPS["lower"][1]]
        groups.append(Group(lower, cells.at(measure, [("rank_group", "lower")]), "lower ranks"))
        for problem_type in ["total", *values_of["problem_type"]]:
            row = [cells.at(measure, _monthly_slice(problem_type, g)) for g in RANK_GROUPS]
            where = [] if problem_type == "total" else [("problem_type", problem_type)]
            groups.append(Group(row, cells.at(measure, where), "monthly row"))
        for group_name in RANK_GROUPS:
            column = [
                cells.at(measure, _monthly_slice(t, group_name)) for t in values_of["problem_type"]
            ]
            groups.append(
                Group(column, cells.at(measure, _monthly_slice("total", group_name)), "column")
            )
    # Groups hold the cells themselves: suppress() is given them keyed by identity.
    return groups


def _share(part, whole):
    if not (part.visible and whole.visible) or whole.value == 0:
        return None
    return f"{part.value * 100 / whole.value:.1f}%"


def _build(period, level, direct=False):
    # Each breakdown's names, asked once (the taxonomies' tables).
    labels = {name: dimension.labels() for name, dimension in DIMENSIONS.items()}
    cells, groups, values_of = _count(period, labels, direct=direct)
    if level is Level.SUPPRESSED:
        by_id = {id(c): c for c in cells.values()}
        keyed = [Group([id(p) for p in g.parts], id(g.total), g.name) for g in groups]
        suppress(by_id, keyed)
    totals = {m: cells.at(m) for m in MEASURES}
    persons = totals["persons"]
    forms = [
        (f, MEASURES[f].label, cells.at(f), _share(cells.at(f), persons))
        for f in FORMS
        if f != "form_none" or cells.at(f).value
    ]
    party = [(k, MEASURES[k].label, cells.at(k)) for k in PARTY_KINDS]
    admin = [(k, MEASURES[k].label, cells.at(k)) for k in ADMIN_KINDS]
    breakdowns = {}
    for name, dimension in DIMENSIONS.items():
        measures = RANK_MEASURES if name == "rank_level" else BREAKDOWN_MEASURES
        rows = [
            Row(
                v,
                _label(dimension, labels[name], v),
                {m: cells.at(m, [(name, v)]) for m in measures},
            )
            for v in values_of[name]
        ]
        total = Row(None, "合计", {m: cells.at(m) for m in measures})
        breakdowns[name] = Table(name, dimension.label, measures, rows, total)
    monthly = _monthly(period, cells, values_of, labels["problem_type"])
    notes = []
    if level is Level.SUPPRESSED:
        notes = [
            "“<3”：不足3人（起），为免对号入座不显示具体数字；已公开通报的案件照常显示。",
            "“≥3”：为防止由合计减去其他数字推算出“<3”的数而不显示，实际不少于3。",
        ]
    return Figures(period, level, totals, forms, party, admin, breakdowns, monthly, notes)


def _monthly(period, cells, values_of, labels):
    columns = [("matters", None, "查处问题数")]
    for measure in MONTHLY_MEASURES:
        columns.append((measure, None, f"{MEASURES[measure].label}（合计）"))
        columns += [(measure, g, label) for g, (label, _ranks) in RANK_GROUPS.items()]

    def row(problem_type, label):
        where = [] if problem_type == "total" else [("problem_type", problem_type)]
        found = {}
        for measure, group_name, _heading in columns:
            key = f"{measure}:{group_name}" if group_name else measure
            if group_name is None:
                found[key] = cells.at(measure, where)
            else:
                found[key] = cells.at(measure, _monthly_slice(problem_type, group_name))
        return Row(None if problem_type == "total" else problem_type, label, found)

    rows = [
        row(t, _label(DIMENSIONS["problem_type"], labels, t)) for t in values_of["problem_type"]
    ]
    return MonthlyTable(
        title="查处不作为不担当问题汇总表",
        period_label=period.label,
        columns=columns,
        total=row("total", "合计"),
        rows=rows,
    )


def report(period, *, level, cached=True):
    """The ``Figures`` of ``period`` as ``level`` may see them (``check_level`` refuses anything
    else). Kept in Django's cache under the register's version (``summary.version``, moved by
    every write to it) for ``CACHE_SECONDS``; the months written since the summary was last
    counted are counted again first (``summary.refresh``)."""
    level = check_level(level)
    check_period(period, level)
    if not cached:
        return _counted(period, level)
    state = f"{level.value}|{period.start}|{period.end}|{summary.version()}"
    key = "jingjian.statistics." + hashlib.sha256(state.encode()).hexdigest()
    found = cache.get(key)
    if found is None:
        found = _counted(period, level)
        cache.set(key, found, CACHE_SECONDS)
    return found


def _counted(period, level):
    """The figures from the summary, its marked months counted again first; from the register
    itself when the summary cannot be written now (SQLite's one writer is busy for longer than
    its timeout): slower, never wrong, never an error page."""
    try:
        summary.refresh()
    except OperationalError:
        return _build(period, level, direct=True)
    return _build(period, level)
