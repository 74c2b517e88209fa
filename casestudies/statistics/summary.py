"""The register's counts per month, kept in ``RegisterSummary``, and the figures read from them.

What ``register.person_counts`` and ``register.matter_counts`` count from every person and case
file of a period, this module reads from a few hundred summary rows per year instead: the
period's whole months from the summary, the days of a month it covers only in part (a span such
as 2025-01-15..2025-03-10) from the register itself, and the two added. The answers are the
same dictionaries, so ``report`` builds, suppresses and shows them as before.

The summary is kept by the database: triggers (``casestudies/0018``) mark every month a write
to the case files, persons handled or problem types touches (``RegisterSummaryMonth``), and
``refresh()`` counts the marked months again before figures are read; ``rebuild()`` counts
every month (``manage.py rebuild_register_summary``). A mark is removed only at the version
it was seen, so a write during a recount leaves its month marked.

Groupings (``SLICES``), each per month: persons and matters; persons by 职级; persons and
matters by 重点工作, by 线索来源 and by 单位类型; persons by 问题类型×职级 (the monthly table);
matters by 问题类型; and for each breakdown the names of the units named in a public bulletin
(a unit counts once per group over a period, so names, not counts, are kept). ``report`` asks
for single breakdowns where the register is asked for products of them (the product's margins
are the same counts, and the summary has a few hundred rows per slice and year, not one per
combination).
"""

import datetime
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count, F, Q, Sum, Value

from casestudies.models import (
    CaseFile,
    CaseFilePerson,
    CaseFileUnit,
    RegisterSummary,
    RegisterSummaryMonth,
    RegisterVersion,
)
from casestudies.models.case_files import PersonRole
from casestudies.models.register_summary import PERSON_COLUMNS
from casestudies.statistics.periods import Period
from casestudies.statistics.register import (
    DIMENSIONS,
    MEASURES,
    PERSON_MEASURES,
    MonthOf,
    matter_counts,
    person_counts,
)

__all__ = [
    "SLICES",
    "bump_version",
    "matter_cube",
    "person_cube",
    "rebuild",
    "refresh",
    "summary_rows",
    "unit_cube",
    "version",
]

# The summary's column of each dimension.
COLUMNS = {
    "work_area": "work_area_id",
    "source": "source",
    "unit_type": "unit_type_id",
    "problem_type": "problem_type_id",
    "rank_level": "rank_level",
}
# A key of the advisory lock recounts take on PostgreSQL (any fixed number of ours).
LOCK = 7_150_215


@dataclass(frozen=True)
class Slice:
    """A grouping the summary keeps per month: ``persons`` whether it counts the persons
    handled (every person measure), ``matters`` whether it counts the matters, ``units``
    whether it keeps the names of the units named in a public bulletin (then nothing else)."""

    name: str
    dimensions: tuple
    persons: bool = False
    matters: bool = False
    units: bool = False


SLICES = {
    s.name: s
    for s in [
        Slice("month", (), persons=True, matters=True),
        Slice("rank_level", ("rank_level",), persons=True),
        Slice("work_area", ("work_area",), persons=True, matters=True),
        Slice("source", ("source",), persons=True, matters=True),
        Slice("unit_type", ("unit_type",), persons=True, matters=True),
        Slice("problem_rank", ("problem_type", "rank_level"), persons=True),
        Slice("problem_type", ("problem_type",), matters=True),
        *[
            Slice(f"units:{name}", () if name == "month" else (name,), units=True)
            for name in DIMENSIONS
        ],
    ]
}
# Which slice answers each cube ``report`` asks for (``month`` is the summary's own column).
PERSON_SOURCES = {
    ("month",): "month",
    ("rank_level",): "rank_level",
    ("work_area",): "work_area",
    ("source",): "source",
    ("unit_type",): "unit_type",
    ("problem_type", "rank_level"): "problem_rank",
}
MATTER_SOURCES = {
    ("month",): "month",
    ("work_area",): "work_area",
    ("source",): "source",
    ("unit_type",): "unit_type",
    ("problem_type",): "problem_type",
}


def _first_day(text):
    year, month = text.split("-")
    return datetime.date(int(year), int(month), 1)


def _month_text(day):
    return f"{day.year}-{day.month:02d}"


def _month_end(day):
    following = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return following - datetime.timedelta(days=1)


# Counting the register itself, per month, for the summary.


def _runs(months):
    """Contiguous runs of ``months`` (first days) as (first day, last day) spans."""
    runs = []
    for month in sorted(months):
        if runs and runs[-1][1] + datetime.timedelta(days=1) == month:
            runs[-1][1] = _month_end(month)
        else:
            runs.append([month, _month_end(month)])
    return runs


def _dated(months, prefix):
    """A filter of rows whose matter was handled in one of ``months`` (None: any month)."""
    if months is None:
        return Q(**{f"{prefix}date_handled__isnull": False})
    where = Q(pk__in=[])
    for start, end in _runs(months):
        where |= Q(**{f"{prefix}date_handled__gte": start, f"{prefix}date_handled__lte": end})
    return where


def _person_expression(dimension):
    if dimension.per_person:
        return F(dimension.lookup)
    return F(f"case_file__{dimension.lookup}")


def _live_rows(slice_, months):
    """{(month, value per dimension, bulletined): {column: count}} counted from the register
    for the matters handled in ``months`` (first days; None: every month)."""
    found = {}
    keys = [COLUMNS[d] for d in slice_.dimensions]
    if slice_.units:
        for month, *values, name in _live_unit_pairs(slice_.dimensions, _dated(months, "")):
            found[(_first_day(month), *values, False, name)] = {}
        return found
    if slice_.persons:
        group = {"month_": MonthOf("case_file__date_handled")}
        group.update(
            {f"d{i}": _person_expression(DIMENSIONS[d]) for i, d in enumerate(slice_.dimensions)}
        )
        group["bulletined_"] = F("case_file__named_in_bulletin")
        aggregates = {}
        for key in PERSON_MEASURES:
            measure = MEASURES[key]
            # ``COUNT(1)``, not of the key: the persons' covering index
            # (``case_file_person_register``) then answers alone, and PostgreSQL reads the
            # month's case files' persons by it instead of every person (6 ms, not 38).
            if measure.q is not None and not measure.q:
                aggregates[PERSON_COLUMNS[key]] = Count(Value(1))
            else:
                aggregates[PERSON_COLUMNS[key]] = Count(Value(1), filter=measure.q)
        rows = (
            CaseFilePerson.objects.filter(_dated(months, "case_file__"), role=PersonRole.SUBJECT)
            .values(**group)
            .annotate(**aggregates)
            .order_by()
        )
        for row in rows:
            slot = (
                _first_day(row["month_"]),
                *(row[f"d{i}"] for i in range(len(keys))),
                row["bulletined_"],
            )
            counts = found.setdefault(slot, {})
            for column in PERSON_COLUMNS.values():
                counts[column] = row[column]
    if slice_.matters:
        group = {"month_": MonthOf("date_handled")}
        group.update({f"d{i}": DIMENSIONS[d].expression() for i, d in enumerate(slice_.dimensions)})
        group["bulletined_"] = F("named_in_bulletin")
        rows = (
            CaseFile.objects.filter(_dated(months, ""))
            .values(**group)
            .annotate(n=Count("pk"))
            .order_by()
        )
        for row in rows:
            slot = (
                _first_day(row["month_"]),
                *(row[f"d{i}"] for i in range(len(keys))),
                row["bulletined_"],
            )
            found.setdefault(slot, {})["matters"] = row["n"]
    return {(*slot, None): counts for slot, counts in found.items()}


def _live_unit_pairs(dimensions, where):
    """Distinct (month, value of each dimension, unit name) of the units named in a public
    bulletin in the matters ``where`` selects (a filter of ``CaseFile``), grouped as
    ``register.unit_counts`` groups them."""
    group = {"month_": MonthOf("case_file__date_handled")}
    for i, name in enumerate(dimensions):
        d = DIMENSIONS[name]
        group[f"d{i}"] = (
            F(f"case_file__persons__{d.lookup}") if d.per_person else d.expression("case_file__")
        )
    rows = CaseFileUnit.objects.filter(
        case_file__in=CaseFile.objects.filter(where), named_in_bulletin=True
    )
    if any(DIMENSIONS[name].per_person for name in dimensions):
        rows = rows.filter(case_file__persons__role=PersonRole.SUBJECT)
    rows = rows.values(**group, name_=F("name")).distinct().order_by()
    return [
        (row["month_"], *(row[f"d{i}"] for i in range(len(dimensions))), row["name_"])
        for row in rows
    ]


# The summary's columns but the key, in the order rows are written.
FIELDS = [f for f in RegisterSummary._meta.concrete_fields if not f.primary_key]


# The matter's own single-valued breakdowns and the rank: counted from the register once,
# grouped by all of them, the slices of one of them summed from that here (a month's recount
# asks two queries, not ten).
BASE = Slice("base", ("rank_level", "work_area", "source", "unit_type"), persons=True)
BASE_MATTERS = Slice("base", ("work_area", "source", "unit_type"), matters=True)


def _from_base(slice_, base, base_slice):
    """``_live_rows(slice_, …)`` summed from ``base`` (``_live_rows(base_slice, …)``)."""
    positions = [base_slice.dimensions.index(d) for d in slice_.dimensions]
    found = {}
    for (month, *values, bulletined, unit), counts in base.items():
        slot = (month, *(values[i] for i in positions), bulletined, unit)
        into = found.get(slot)
        if into is None:
            found[slot] = dict(counts)
            continue
        for column, n in counts.items():
            into[column] = into.get(column, 0) + n
    return found


def _slice_rows(slice_, months, base):
    """``_live_rows(slice_, months)``, from the base counts where they hold the slice."""
    if slice_.units or "problem_type" in slice_.dimensions:
        return _live_rows(slice_, months)
    found = {}
    if slice_.persons:
        found.update(_from_base(slice_, base["persons"], BASE))
    if slice_.matters:
        for slot, counts in _from_base(slice_, base["matters"], BASE_MATTERS).items():
            found.setdefault(slot, {}).update(counts)
    return found


def _summary_values(months):
    """The summary's rows of ``months`` (None: every month), counted from the register: a
    value per field of ``FIELDS``."""
    base = {"persons": _live_rows(BASE, months), "matters": _live_rows(BASE_MATTERS, months)}
    rows = []
    for name, slice_ in SLICES.items():
        keys = [COLUMNS[d] for d in slice_.dimensions]
        for (month, *values, bulletined, unit), counts in _slice_rows(slice_, months, base).items():
            row = {"slice": name, "month": month, "bulletined": bulletined, "unit_name": unit}
            row.update(zip(keys, values, strict=True))
            row.update(counts)
            rows.append(tuple(row.get(f.attname, f.get_default()) for f in FIELDS))
    return rows


def _insert(rows):
    """Write summary rows, many to a statement (no model instance is made)."""
    if not rows:
        return
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in FIELDS)
    one = f"({', '.join(['%s'] * len(FIELDS))})"
    month = [f.attname for f in FIELDS].index("month")
    adapt = connection.ops.adapt_datefield_value
    rows = [(*row[:month], adapt(row[month]), *row[month + 1 :]) for row in rows]
    table = quote(RegisterSummary._meta.db_table)
    if connection.vendor == "postgresql":
        # COPY: a multi-row INSERT of a month's ~600 rows is ~19,000 parameters the driver
        # quotes into the statement one by one (30–160 ms of the recount; COPY takes ~5 ms).
        with connection.cursor() as cursor:
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        return
    size = max(1, connection.ops.bulk_batch_size(FIELDS, rows))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            batch = rows[start : start + size]
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {', '.join([one] * len(batch))}",
                [value for row in batch for value in row],
            )


def _comparable(rows):
    return sorted(tuple(("", "") if v is None else (type(v).__name__, v) for v in r) for r in rows)


def summary_rows(months=None):
    """What the summary should hold for ``months`` (None: every month), counted from the
    register: sorted tuples of every column but the key, for comparing with the table."""
    return _comparable(_summary_values(months))


def stored_rows(months=None):
    """What the summary holds for ``months`` (None: every month), as ``summary_rows``."""
    rows = RegisterSummary.objects.all()
    if months is not None:
        rows = rows.filter(month__in=months)
    return _comparable(rows.values_list(*[f.attname for f in FIELDS]))


def _lock():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK])


def rebuild(months=None):
    """Count ``months`` (first days; None: the whole register) again into the summary, and
    clear their marks. Returns the number of summary rows written."""
    with transaction.atomic():
        _lock()
        marks = list(RegisterSummaryMonth.objects.values_list("pk", "version", "month"))
        if months is not None:
            months = {m.replace(day=1) for m in months}
        _delete(months)
        objects = _summary_values(months)
        _insert(objects)
        done = [(pk, v) for pk, v, m in marks if months is None or m in months]
        _clear(done)
    return len(objects)


def _delete(months):
    """Remove the summary of ``months`` (None: all) in one statement (no row is fetched)."""
    rows = RegisterSummary.objects.all()
    if months is not None:
        rows = rows.filter(month__in=months)
    rows._raw_delete(rows.db)


def _clear(marks):
    if not marks:
        return
    where = Q(pk__in=[])
    for pk, seen in marks:
        where |= Q(pk=pk, version=seen)
    RegisterSummaryMonth.objects.filter(where).delete()


def refresh():
    """Count again the months marked since the last count (one query when none is)."""
    if not RegisterSummaryMonth.objects.exists():
        return 0
    with transaction.atomic():
        _lock()
        marks = list(RegisterSummaryMonth.objects.values_list("pk", "version", "month"))
        if not marks:
            return 0
        months = {m for _pk, _v, m in marks}
        _delete(months)
        objects = _summary_values(months)
        _insert(objects)
        _clear([(pk, v) for pk, v, _m in marks])
    return len(months)


def version():
    """The register's version: it moves with every write the figures depend on."""
    return RegisterVersion.objects.values_list("version", flat=True).first()


def bump_version():
    """Move the register's version (the cached figures are keyed by it), as a write does."""
    if not RegisterVersion.objects.filter(pk=1).update(version=F("version") + 1):
        RegisterVersion.objects.create(pk=1, version=1)


# Reading a period.


def _split(period):
    """(first and last day of the period's whole months or None, [spans of the days in
    months it covers only in part])."""
    first = period.start if period.start.day == 1 else _month_end(period.start)
    if period.start.day != 1:
        first += datetime.timedelta(days=1)
    last = _month_end(period.end)
    if last != period.end:
        last = period.end.replace(day=1) - datetime.timedelta(days=1)
    if first > last:
        return None, [(period.start, period.end)]
    edges = []
    if first != period.start:
        edges.append((period.start, first - datetime.timedelta(days=1)))
    if last != period.end:
        edges.append((last + datetime.timedelta(days=1), period.end))
    return (first, last.replace(day=1)), edges


def _span(start, end):
    return Period(start, end, "")


def _merge(into, other):
    for slot, counts in other.items():
        cell = into.get(slot)
        if cell is None:
            into[slot] = {key: list(pair) for key, pair in counts.items()}
            continue
        for key, (value, unpublished) in counts.items():
            cell[key][0] += value
            cell[key][1] += unpublished


def _in_months(name, months):
    return RegisterSummary.objects.filter(slice=name, month__gte=months[0], month__lte=months[1])


def _summary_groups(name, months, group_by, columns):
    values = [COLUMNS.get(d, d) for d in group_by]
    return (
        _in_months(name, months)
        .values(*values, "bulletined")
        .annotate(**{f"s_{c}": Sum(c) for c in columns})
        .order_by()
    )


def person_cube(period, by, measures):
    """``register.person_counts(period, by, measures)``, read from the summary."""
    keys = [k for k in measures if MEASURES[k].kind != "units"]
    whole, edges = _split(period)
    counts = {}
    if whole is not None:
        name = PERSON_SOURCES[tuple(by)]
        group_by = ["month" if d == "month" else d for d in by]
        columns = sorted({PERSON_COLUMNS[k] for k in keys} | {"persons"})
        for row in _summary_groups(name, whole, group_by, columns):
            if not row["s_persons"]:
                continue  # matters without a person handled
            slot = tuple(_month_text(row["month"]) if d == "month" else row[COLUMNS[d]] for d in by)
            cell = counts.setdefault(slot, {key: [0, 0] for key in keys})
            for key in keys:
                value = row[f"s_{PERSON_COLUMNS[key]}"]
                cell[key][0] += value
                if not row["bulletined"]:
                    cell[key][1] += value
    for start, end in edges:
        _merge(counts, person_counts(_span(start, end), by, keys))
    return counts


def matter_cube(period, by):
    """``register.matter_counts(period, by)``, read from the summary."""
    whole, edges = _split(period)
    counts = {}
    if whole is not None:
        name = MATTER_SOURCES[tuple(by)]
        for row in _summary_groups(name, whole, list(by), ["matters"]):
            n = row["s_matters"]
            if not n:
                continue  # persons of a matter counted under another grouping
            slot = tuple(_month_text(row["month"]) if d == "month" else row[COLUMNS[d]] for d in by)
            cell = counts.setdefault(slot, {"matters": [0, 0], "matters_bulletined": [0, 0]})
            cell["matters"][0] += n
            if row["bulletined"]:
                cell["matters_bulletined"][0] += n
            else:
                cell["matters"][1] += n
    for start, end in edges:
        _merge(counts, matter_counts(_span(start, end), by))
    return counts


def unit_cube(period, by=()):
    """``register.unit_counts(period, by)``, read from the summary: distinct names counted in
    the database over whole months, or, when the period cuts a month, the distinct (value,
    name) pairs of its whole months and of its part months' days put together."""
    whole, edges = _split(period)
    name = by[0] if by else "month"
    column = "month" if name == "month" else COLUMNS[name]
    if not edges:
        rows = _in_months(f"units:{name}", whole)
        if not by:
            return {(): rows.aggregate(n=Count("unit_name", distinct=True))["n"]}
        rows = rows.values(column).annotate(n=Count("unit_name", distinct=True)).order_by()
        return {(_value(name, row[column]),): row["n"] for row in rows}
    pairs = set()
    if whole is not None:
        rows = _in_months(f"units:{name}", whole)
        for value, unit in rows.values_list(column, "unit_name").distinct():
            pairs.add((_value(name, value) if by else None, unit))
    for start, end in edges:
        where = Q(date_handled__gte=start, date_handled__lte=end)
        dimensions = () if name == "month" else (name,)
        for month, *values, unit in _live_unit_pairs(dimensions, where):
            value = month if name == "month" else values[0]
            pairs.add((value if by else None, unit))
    if not by:
        return {(): len({unit for _value, unit in pairs})}
    counts = {}
    for value, _unit in pairs:
        counts[(value,)] = counts.get((value,), 0) + 1
    return counts


def _value(name, stored):
    return _month_text(stored) if name == "month" else stored
