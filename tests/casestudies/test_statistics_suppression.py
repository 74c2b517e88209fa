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
