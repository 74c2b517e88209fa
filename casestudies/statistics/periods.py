"""The period a set of figures covers: a month, a year to date, a year, or any span of days."""

import calendar
import datetime
import re
from dataclasses import dataclass

__all__ = ["Period", "PeriodError"]


class PeriodError(ValueError):
    """A period that cannot be read (message in Chinese, saying what to write)."""


def _last_day(year, month):
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


@dataclass(frozen=True)
class Period:
    """Matters handled (``CaseFile.date_handled``) from ``start`` to ``end``, both included;
    ``label`` is how a sentence or a table heading names it (“2025年3月”, “2025年1—3月”)."""

    start: datetime.date
    end: datetime.date
    label: str
    since: str = ""  # “2025年以来”: how the speech sentence opens

    def __post_init__(self):
        if self.end < self.start:
            raise PeriodError("统计期间的结束日期早于开始日期，请检查。")

    @classmethod
    def month(cls, year, month):
        return cls(
            datetime.date(year, month, 1),
            _last_day(year, month),
            f"{year}年{month}月",
            f"{year}年{month}月以来",
        )

    @classmethod
    def year_to_date(cls, year, month):
        """1 January to the end of ``month``: the monthly report's 1—N月 累计."""
        label = f"{year}年1月" if month == 1 else f"{year}年1—{month}月"
        return cls(datetime.date(year, 1, 1), _last_day(year, month), label, f"{year}年以来")

    @classmethod
    def year(cls, year):
        return cls(
            datetime.date(year, 1, 1), datetime.date(year, 12, 31), f"{year}年", f"{year}年以来"
        )

    @classmethod
    def between(cls, start, end):
        """Any span of days, named by its months (“2019年1月至2026年11月”)."""
        if (start.day, end) == (1, _last_day(end.year, end.month)) and start.year == end.year:
            if start.month == 1 and end.month == 12:
                return cls.year(start.year)
            if start.month == end.month:
                return cls.month(start.year, start.month)
            if start.month == 1:
                return cls.year_to_date(end.year, end.month)
        label = f"{start.year}年{start.month}月{start.day}日至{end.year}年{end.month}月{end.day}日"
        if start.day == 1 and end == _last_day(end.year, end.month):
            label = f"{start.year}年{start.month}月至{end.year}年{end.month}月"
        return cls(start, end, label, f"{start.year}年{start.month}月以来")

    @classmethod
    def parse(cls, text):
        """A period as a URL or a form gives it: ``2025`` (a year), ``2025-03`` (a month),
        ``2025-ytd-03`` (1 January to the end of March), ``2025-01-01..2025-06-30`` or
        ``2025-01..2025-06`` (a span)."""
        text = (text or "").strip()
        if match := re.fullmatch(r"(\d{4})", text):
            return cls.year(int(match[1]))
        if match := re.fullmatch(r"(\d{4})-(\d{1,2})", text):
            return cls._checked(cls.month, int(match[1]), int(match[2]))
        if match := re.fullmatch(r"(\d{4})-ytd-(\d{1,2})", text):
            return cls._checked(cls.year_to_date, int(match[1]), int(match[2]))
        if ".." in text:
            first, last = (part.strip() for part in text.split("..", 1))
            return cls.between(cls._day(first, start=True), cls._day(last, start=False))
        raise PeriodError(
            f"无法识别的统计期间“{text}”。请写成 2025（全年）、2025-03（一个月）、"
            "2025-ytd-03（1月至3月累计）或 2025-01..2025-06（起止年月）。"
        )

    @classmethod
    def _checked(cls, make, year, month):
        if not 1 <= month <= 12:
            raise PeriodError(f"月份应为 1 至 12，而不是 {month}。")
        return make(year, month)

    @classmethod
    def _day(cls, text, start):
        try:
            if re.fullmatch(r"\d{4}-\d{1,2}", text):
                year, month = (int(part) for part in text.split("-"))
                return datetime.date(year, month, 1) if start else _last_day(year, month)
            return datetime.date.fromisoformat(text)
        except ValueError as exc:
            raise PeriodError(f"无法识别的日期“{text}”，请写成 2025-01 或 2025-01-31。") from exc

    @property
    def key(self):
        """The period as ``parse`` reads it back."""
        if self.start == datetime.date(self.start.year, 1, 1):
            if self.end == datetime.date(self.start.year, 12, 31):
                return str(self.start.year)
            if self.end == _last_day(self.start.year, self.end.month):
                return f"{self.start.year}-ytd-{self.end.month:02d}"
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    def months(self):
        """Each month the period touches, as ``YYYY-MM``, in order."""
        found, year, month = [], self.start.year, self.start.month
        while (year, month) <= (self.end.year, self.end.month):
            found.append(f"{year}-{month:02d}")
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return found

    def to_json(self):
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "label": self.label,
            "key": self.key,
        }
