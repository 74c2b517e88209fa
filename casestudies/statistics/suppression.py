"""Small numbers that could name someone: hidden outside 纪检监察, and not reopened by subtraction.

Pure functions over cells; ``casestudies.statistics.report`` builds the cells and the groups.

**Primary suppression.** A count of 1 or 2 (persons or matters) is shown as “<3”, unless
everything it counts comes from matters named in a public bulletin (those are public already).
A zero is shown: it names no one.

**Secondary suppression (the decision).** Every breakdown is also a sum: its rows add up to its
total, the four forms to the persons handled, the kinds of sanction to the persons sanctioned.
A reader who subtracts the shown rows from the total learns the sum of the hidden ones, so one
hidden cell beside a shown total would be given away. For every such group (``Group``) whose
total is shown, the hidden cells must leave each “<3” cell free to be 1 or 2 given that sum:
otherwise the smallest other count of at least 3 in the group is hidden too, shown as “≥3”
(true, and all a reader learns of it), until they do; when no count can do it, the total itself
is hidden as “≥3”. Totals are shared between the groups and the tables that show them (the same
``Cell``), so a total hidden for one breakdown is hidden in every place it appears, and the
rules are applied again until nothing changes. We hide rather than round: a rounded total still
gives a range, and at the edges of that range the hidden cell again.

``protected(group, cells)`` is the check itself; the property test asks it of every group.
"""

from dataclasses import dataclass

THRESHOLD = 3
SMALL = "<3"
HIDDEN = "≥3"
SHOWN, SMALL_STATUS, HIDDEN_STATUS = "shown", "small", "hidden"

__all__ = ["HIDDEN", "SMALL", "THRESHOLD", "Cell", "Group", "protected", "suppress"]


@dataclass(eq=False)
class Cell:
    """A count; ``unpublished`` is the part not from matters named in a public bulletin.
    ``exempt`` cells are public by nature (the units and matters named in bulletins)."""

    value: int
    unpublished: int = 0
    exempt: bool = False
    status: str = SHOWN

    @property
    def is_small(self):
        return not self.exempt and 0 < self.value < THRESHOLD and self.unpublished > 0

    @property
    def shown(self):
        if self.status == SMALL_STATUS:
            return SMALL
        if self.status == HIDDEN_STATUS:
            return HIDDEN
        return str(self.value)

    @property
    def visible(self):
        return self.status == SHOWN

    def to_json(self):
        """``{"value": 12, "shown": "12"}``, or ``{"value": null, "shown": "<3"}``."""
        return {"value": self.value if self.visible else None, "shown": self.shown}


@dataclass
class Group:
    """Cells that add up to ``total`` (or, for a breakdown where a matter may count in several
    rows, at least to it: treated as a sum, which only hides more)."""

    parts: list
    total: object
    name: str = ""


def _feasible(value, small_others, hidden_others, remainder):
    """Whether a small cell may be ``value`` when the hidden cells of its group add up to
    ``remainder``: the other small cells are 1 or 2 each, the other hidden ones at least 3."""
    rest = remainder - value
    low = small_others + THRESHOLD * hidden_others
    high = 2 * small_others if hidden_others == 0 else float("inf")
    return low <= rest <= high


def protected(group, cells=None):
    """Whether subtracting ``group``'s shown cells from its shown total leaves every “<3” cell
    in it free to be either 1 or 2. ``cells`` maps the group's keys to ``Cell``s (default: the
    group's parts are cells)."""
    look = (lambda key: cells[key]) if cells is not None else (lambda cell: cell)
    total = look(group.total)
    if not total.visible:
        return True
    parts = [look(key) for key in group.parts]
    small = [c for c in parts if c.status == SMALL_STATUS]
    if not small:
        return True
    hidden = [c for c in parts if c.status == HIDDEN_STATUS]
    remainder = sum(c.value for c in small) + sum(c.value for c in hidden)
    return all(
        _feasible(1, len(small) - 1, len(hidden), remainder)
        and _feasible(2, len(small) - 1, len(hidden), remainder)
        for _ in small
    )


def suppress(cells, groups):
    """Mark ``cells`` ({key: Cell}) small or hidden as the rules above say, in place; returns
    them. ``groups`` name cells by key."""
    for cell in cells.values():
        cell.status = SMALL_STATUS if cell.is_small else SHOWN
    changed = True
    while changed:
        changed = False
        for group in groups:
            while not protected(group, cells):
                _hide_one_more(group, cells)
                changed = True
    return cells


def _hide_one_more(group, cells):
    parts = [cells[key] for key in group.parts]
    small = [c for c in parts if c.status == SMALL_STATUS]
    hidden = [c for c in parts if c.status == HIDDEN_STATUS]
    slack = sum(c.value - 1 for c in small) + sum(c.value - THRESHOLD for c in hidden)
    candidates = sorted(
        (c for c in parts if c.visible and c.value >= THRESHOLD),
        key=lambda c: c.value,
    )
    # A complement of exactly 3 adds no doubt unless a small cell is a 2 (or another complement
    # is above 3): prefer the smallest that does.
    useful = [c for c in candidates if slack >= 1 or c.value > THRESHOLD]
    if useful:
        useful[0].status = HIDDEN_STATUS
    else:
        cells[group.total].status = HIDDEN_STATUS
