"""Small-number suppression: no “<3” cell can be worked out by subtracting the shown cells from
a shown total. Checked by an attacker who tries every value the hidden cells could have, on
random groups, random two-way tables and random registers."""

import datetime
import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casestudies.statistics import Level, Period, figures
from casestudies.statistics.suppression import Cell, Group, protected, suppress
from tests.casestudies.register_fixtures import write


def attacker_values(parts, total):
    """For each “<3” cell of a group whose total is shown: every value it could have, given
    the shown cells, the total, and that a “<3” is 1 or 2 and a “≥3” at least 3. Tries every
    value of the “<3” cells; the “≥3” cells together can make any sum from 3 each upwards."""
    if not total.visible:
        return {}
    small = [c for c in parts if c.shown == "<3"]
    at_least = [c for c in parts if c.shown == "≥3"]
    remainder = total.value - sum(c.value for c in parts if c.visible)
    possible = {id(c): set() for c in small}
    for values in itertools.product(range(1, 3), repeat=len(small)):
        rest = remainder - sum(values)
        if (rest == 0) if not at_least else (rest >= 3 * len(at_least)):
            for cell, value in zip(small, values, strict=True):
                possible[id(cell)].add(value)
    return possible


def assert_nothing_revealed(parts, total):
    for values in attacker_values(parts, total).values():
        assert values == {1, 2}, "a hidden small number can be worked out from the total"


counts = st.tuples(st.integers(0, 9), st.booleans())  # (value, from a public bulletin)


def cells_of(drawn):
    return [Cell(value, 0 if published else value) for value, published in drawn]


@settings(deadline=None)
@given(st.lists(counts, min_size=1, max_size=6))
def test_protected_agrees_with_the_attacker(drawn):
    parts = cells_of(drawn)
    for cell in parts:
        cell.status = "small" if cell.is_small else "shown"
    total = Cell(sum(c.value for c in parts), 99)
    for cell, hide in zip(parts, [c.value >= 3 for c in parts], strict=True):
        if hide and cell.value % 2:
            cell.status = "hidden"
    group = Group(parts, total)
    revealed = any(v != {1, 2} for v in attacker_values(parts, total).values())
    assert protected(group) == (not revealed)


@given(st.lists(counts, min_size=1, max_size=6))
def test_a_breakdown_never_gives_away_a_small_number(drawn):
    parts = cells_of(drawn)
    total = Cell(sum(c.value for c in parts), sum(c.unpublished for c in parts))
    cells = {i: c for i, c in enumerate([*parts, total])}
    suppress(cells, [Group(list(range(len(parts))), len(parts))])
    for cell in [*parts, total]:
        if cell.is_small:
            assert cell.shown == "<3"
        if cell.visible:
            assert cell.shown == str(cell.value)
        if cell.shown == "≥3":
            assert cell.value >= 3  # what is shown is true
    assert_nothing_revealed(parts, total)


@given(st.lists(st.lists(counts, min_size=2, max_size=3), min_size=2, max_size=3))
def test_a_two_way_table_never_gives_away_a_small_number(rows):
    width = min(len(row) for row in rows)
    grid = [cells_of(row[:width]) for row in rows]
    row_totals = [Cell(sum(c.value for c in row), sum(c.unpublished for c in row)) for row in grid]
    columns = [[row[j] for row in grid] for j in range(width)]
    column_totals = [
        Cell(sum(c.value for c in col), sum(c.unpublished for c in col)) for col in columns
    ]
    grand = Cell(sum(c.value for c in row_totals), sum(c.unpublished for c in row_totals))
    every = [c for row in grid for c in row] + row_totals + column_totals + [grand]
    cells = {id(c): c for c in every}
    groups = [Group([id(c) for c in row], id(t)) for row, t in zip(grid, row_totals, strict=True)]
    groups += [
        Group([id(c) for c in col], id(t)) for col, t in zip(columns, column_totals, strict=True)
    ]
    groups += [
        Group([id(c) for c in row_totals], id(grand)),
        Group([id(c) for c in column_totals], id(grand)),
    ]
    suppress(cells, groups)
    for row, total in zip(grid, row_totals, strict=True):
        assert_nothing_revealed(row, total)
    for col, total in zip(columns, column_totals, strict=True):
        assert_nothing_revealed(col, total)
    assert_nothing_revealed(row_totals, grand)
    assert_nothing_revealed(column_totals, grand)


# On registers ------------------------------------------------------------------------------

AREAS = ["民心工程", "环境治理", "招商引资"]
SOURCES = ["complaint", "district_inspection", "audit"]
UNIT_TYPES = ["区直部门", "镇街"]
KINDS = ["推诿扯皮", "吃拿卡要", "庸懒散浮拖"]
person = st.tuples(
    st.sampled_from([1, 2, 3, 4, 5]),  # rank level
    st.sampled_from([1, 1, 1, 2, 2, 3, 4]),  # form
)
matter = st.tuples(
    st.integers(1, 12),  # month of 2025
    st.sampled_from(AREAS),
    st.sampled_from(SOURCES),
    st.sampled_from(UNIT_TYPES),
    st.booleans(),  # named in a public bulletin
    st.lists(st.sampled_from(KINDS), min_size=1, max_size=2, unique=True),
    st.lists(person, min_size=1, max_size=3),
)


def register_of(matters):
    built = []
    for index, (month, area, source, unit_type, named, kinds, persons) in enumerate(matters):
        people = [
            (f"人{index}之{j}", rank, form, "warning" if form >= 2 else "", "", "", False, False)
            for j, (rank, form) in enumerate(persons)
        ]
        built.append(
            (
                f"鉴纪台〔2025〕{index + 1}号",
                datetime.date(2025, month, 1 + index % 28),
                kinds,
                area,
                source,
                unit_type,
                named,
                [],
                people,
            )
        )
    return built


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(matter, min_size=1, max_size=8))
def test_no_figure_of_a_register_gives_away_a_small_number(matters):
    from casestudies.models import CaseFile

    CaseFile.objects.all().delete()
    write(register_of(matters))
    hidden = figures(Period.year(2025), level=Level.SUPPRESSED)
    exact = figures(Period.year(2025), level=Level.EXACT)
    assert all(c.visible for c in exact.totals.values())
    for name, table in hidden.breakdowns.items():
        if name == "problem_type":
            continue  # a matter of two types counts twice: the rows do not add up
        for measure in table.measures:
            if table.total.cells[measure] is None or measure.endswith("bulletined"):
                continue
            assert_nothing_revealed(
                [row.cells[measure] for row in table.rows], table.total.cells[measure]
            )
        for row in [*table.rows, table.total]:
            if "form_1" in row.cells:
                forms = [row.cells[f"form_{k}"] for k in (1, 2, 3, 4)] + [row.cells["form_none"]]
                assert_nothing_revealed(forms, row.cells["persons"])
    monthly = hidden.monthly
    for row in [monthly.total, *monthly.rows]:
        for measure in ("persons", "sanctioned"):
            parts = [row.cells[f"{measure}:{g}"] for g in ("bureau", "county", "lower")]
            assert_nothing_revealed(parts, row.cells[measure])
    # A small count outside a public bulletin is never shown as a number.
    for key, cell in hidden.totals.items():
        if cell.is_small:
            assert cell.shown == "<3", key


# Across periods ----------------------------------------------------------------------------

# What a reader might type into 自定义期间: months, quarters, years to date, spans, years.
asked_period = st.one_of(
    st.builds(lambda y: str(y), st.sampled_from([2024, 2025])),
    st.builds(lambda y, m: f"{y}-{m:02d}", st.sampled_from([2024, 2025]), st.integers(1, 12)),
    st.builds(lambda m: f"2025-ytd-{m:02d}", st.integers(1, 12)),
    st.builds(
        lambda a, b: f"2025-{min(a, b):02d}..2025-{max(a, b):02d}",
        st.integers(1, 12),
        st.integers(1, 12),
    ),
    st.builds(lambda q: f"2025-{3 * q - 2:02d}..2025-{3 * q:02d}", st.integers(1, 4)),
    st.just("2024-01..2025-12"),
    st.just("2024-07..2025-06"),
)
dated_matter = st.tuples(st.sampled_from([2024, 2025]), matter)


def dated_register_of(drawn):
    built = []
    for index, (year, record) in enumerate(drawn):
        (one,) = register_of([record])
        number, when, *rest = one
        built.append((f"鉴纪台〔{year}〕{index + 1}号", when.replace(year=year), *rest))
    return built


def asked(texts):
    """The periods among ``texts`` a reader is given figures for."""
    from casestudies.statistics.access import check_period
    from casestudies.statistics.periods import PeriodError

    given = {}
    for text in [*texts, "2025-ytd-03", "2025-ytd-02"]:
        period = Period.parse(text)
        try:
            given[period.key] = check_period(period, Level.SUPPRESSED)
        except PeriodError:
            continue
    return list(given.values())


def days(period):
    return {
        period.start + datetime.timedelta(n) for n in range((period.end - period.start).days + 1)
    }


@pytest.mark.django_db
@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(dated_matter, min_size=1, max_size=8), st.lists(asked_period, max_size=8))
def test_no_two_periods_a_reader_may_ask_for_give_away_a_small_number(drawn, texts):
    """The attack of the last review: 1—3月 minus 1—2月 is March. Every pair of periods a reader
    is given figures for is subtracted, and whatever the difference counts is compared with
    the exact figures of the days between: it must never be a small count outside a bulletin.
    (The rule, ``access.check_period``, makes the periods whole years, which never overlap; the
    test does not assume it.)"""
    from casestudies.models import CaseFile

    CaseFile.objects.all().delete()
    write(dated_register_of(drawn))
    periods = asked(texts)
    shown = {p.key: figures(p, level=Level.SUPPRESSED) for p in periods}
    for a, b in itertools.permutations(periods, 2):
        inner, outer = days(b), days(a)
        if not inner < outer:
            assert not inner & outer, (a.key, b.key)  # partly overlapping: never both given
            continue
        rest = sorted(outer - inner)
        if rest[-1] - rest[0] != datetime.timedelta(len(rest) - 1):
            continue  # the difference is not one span; the spans' own test is the same below
        exact = figures(Period.between(rest[0], rest[-1]), level=Level.EXACT).totals
        for key, cell in shown[a.key].totals.items():
            other = shown[b.key].totals[key]
            if cell.visible and other.visible:
                difference = cell.value - other.value
                assert difference == exact[key].value
                assert not exact[key].is_small, (a.key, b.key, key)
