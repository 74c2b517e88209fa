"""Statistics of the register of handled matters (the case files): plain functions for the
statistics page, the dashboard panel and the JSON endpoint.

Every function takes the period (``Period``) and the viewer's level (``level_for(user)``:
``Level.EXACT`` for 纪检监察, ``Level.SUPPRESSED`` for other signed-in officials, ``None`` for an
anonymous visitor, which is refused with ``StatisticsRefused``). Nothing here reads a request.

- ``figures(period, level=…)``: everything for a period (``report.Figures``: totals, the four
  forms with their proportions, sanctions by kind, a breakdown by each of ``DIMENSIONS``, the
  monthly report table, notes on hidden numbers); ``.to_json()`` for the endpoint.
- ``breakdown(period, by, level=…)``: one breakdown (``report.Table``) by 问题类型
  ``problem_type``, 重点工作 ``work_area``, 线索来源 ``source``, 单位类型 ``unit_type``, 职级
  ``rank_level`` or 月份 ``month``.
- ``monthly_table(period, level=…)``: the monthly report (月报) in the CCDI's shape, for
  ``Period.month(2025, 3)`` or ``Period.year_to_date(2025, 3)``.
- ``headline(period, level=…)``: the few figures a dashboard panel shows.
- ``speech_sentence(period, level=…)`` and ``speech_paragraph(…)``: the seed's sentence with its
  “XX” filled, ready to paste.

How the figures are counted: ``register``; how small numbers are hidden: ``suppression``.
"""

from casestudies.statistics import speech
from casestudies.statistics.access import Level, StatisticsRefused, check_level, level_for
from casestudies.statistics.periods import Period, PeriodError
from casestudies.statistics.register import DIMENSIONS, MEASURES
from casestudies.statistics.report import Figures, MonthlyTable, Table, report

__all__ = [
    "DIMENSIONS",
    "HEADLINE",
    "MEASURES",
    "Figures",
    "Level",
    "MonthlyTable",
    "Period",
    "PeriodError",
    "StatisticsRefused",
    "Table",
    "breakdown",
    "check_level",
    "figures",
    "headline",
    "level_for",
    "monthly_table",
    "speech_paragraph",
    "speech_sentence",
]

HEADLINE = [
    "matters",
    "persons",
    "sanctioned",
    "party_sanctioned",
    "admin_sanctioned",
    "detained",
    "referred",
    "units_bulletined",
    "matters_bulletined",
]


def figures(period, *, level):
    """Every figure of ``period`` as ``level`` may see it."""
    return report(period, level=level)


def breakdown(period, by, *, level):
    """The breakdown of ``period`` by ``by`` (a key of ``DIMENSIONS``)."""
    if by not in DIMENSIONS:
        raise ValueError(f"unknown dimension {by!r}; one of {', '.join(DIMENSIONS)}")
    return report(period, level=level).breakdowns[by]


def monthly_table(period, *, level):
    return report(period, level=level).monthly


def headline(period, *, level):
    """[(key, label, unit, shown text)] of the figures a panel or a summary line shows."""
    totals = report(period, level=level).totals
    return [(k, MEASURES[k].label, MEASURES[k].unit, totals[k].shown) for k in HEADLINE]


def speech_sentence(period, *, level):
    """“2025年以来，累计查处不作为不担当问题N起，问责N人，其中给予党纪处分N人，对存在“软懒散”
    问题的N个单位和N起典型案例进行公开通报。”"""
    return speech.fill(speech.SENTENCE, report(period, level=level))


def speech_paragraph(period, *, level):
    """The seed's whole paragraph (its “去年以来” becomes the period's), blanks filled."""
    return speech.fill(speech.PARAGRAPH, report(period, level=level))
