"""Who sees which figures: 纪检监察 exact ones, any other signed-in official suppressed ones
(small numbers hidden), an anonymous visitor none. Every function that returns figures takes
the level as an explicit argument and refuses a missing one."""

import datetime
import enum

from django.core.exceptions import PermissionDenied

from casestudies.statistics.periods import Period, PeriodError
from jingjian.core.groups import in_discipline_group

__all__ = [
    "Level",
    "StatisticsRefused",
    "check_level",
    "check_period",
    "default_period",
    "is_whole_year",
    "level_for",
]


class Level(enum.Enum):
    EXACT = "exact"  # 纪检监察 and superusers: every count as it is
    SUPPRESSED = "suppressed"  # other signed-in officials: small numbers hidden


class StatisticsRefused(PermissionDenied):
    """No figures for this caller (an anonymous visitor, or no level given)."""


def level_for(user):
    """The level ``user`` may see, or ``None`` (anonymous or inactive: nothing at all)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    return Level.EXACT if in_discipline_group(user) else Level.SUPPRESSED


def check_level(level):
    """``level`` itself when it is a ``Level``; ``StatisticsRefused`` for ``None`` or anything
    else (a string from a request is not a level)."""
    if isinstance(level, Level):
        return level
    raise StatisticsRefused("统计数据仅向已登录的干部提供，请先登录。")


def check_period(period, level):
    """``period`` itself if ``level`` may ask for it (``PeriodError`` with the reason otherwise).

    Outside 纪检监察 only one whole calendar year (the rule, README “Small numbers”): the
    periods a reader may ask for then never overlap, so no two of them can be subtracted. Any
    family with overlaps gives away by subtraction what each period hides (1—3月 minus 1—2月
    is March; a year minus eleven of its months is the twelfth), however each is suppressed
    on its own. A reader still sees the months, within the year, as its monthly breakdown,
    suppressed together with the year's totals."""
    if check_level(level) is Level.EXACT or is_whole_year(period):
        return period
    raise PeriodError(
        "统计期间请选择一个整年（如 2025）。按月、按季度、年内累计或跨年的期间只向纪检监察提供，"
        "因为相互重叠的期间相减会算出被隐藏的小数；各月的数字见全年统计中的“按月份”。"
    )


def is_whole_year(period):
    """Whether ``period`` is 1 January to 31 December of one year."""
    year = period.start.year
    return (period.start, period.end) == (datetime.date(year, 1, 1), datetime.date(year, 12, 31))


def default_period(level, today):
    """The period shown when none is asked for: this year to date for 纪检监察, this whole
    year (the same matters, handled so far) for every other reader."""
    if level is Level.EXACT:
        return Period.year_to_date(today.year, today.month)
    return Period.year(today.year)
