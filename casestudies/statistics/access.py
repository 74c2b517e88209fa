"""Who sees which figures: 纪检监察 exact ones, any other signed-in official suppressed ones
(small numbers hidden), an anonymous visitor none. Every function that returns figures takes
the level as an explicit argument and refuses a missing one."""

import calendar
import enum

from django.core.exceptions import PermissionDenied

from casestudies.statistics.periods import PeriodError
from jingjian.core.groups import in_discipline_group

__all__ = ["Level", "StatisticsRefused", "check_level", "check_period", "level_for"]


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
    """``period`` itself if ``level`` may ask for it: outside 纪检监察 only whole months, since
    two spans a day apart would give away by subtraction the small numbers each hides
    (``PeriodError`` with the reason otherwise)."""
    last = calendar.monthrange(period.end.year, period.end.month)[1]
    if check_level(level) is not Level.EXACT and (period.start.day != 1 or period.end.day != last):
        raise PeriodError("统计期间请按整月选择（如 2025-01..2025-06），不能从月中起止。")
    return period
