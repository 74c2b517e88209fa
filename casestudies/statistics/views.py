"""The intranet statistics page (统计), its charts and its figures as JSON.

Signed-in officials only: an anonymous reader is sent to the intranet login (the page) or
answered 403 (the charts and the JSON). 纪检监察 see exact figures, every other official the
suppressed ones (``access.level_for``); the level comes from the user, never from the request.
A period the page cannot read is a 400 with the reason in Chinese, never a 500.
"""

import datetime

from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from casestudies import statistics
from casestudies.statistics import charts
from casestudies.statistics.access import Level, check_period, default_period, level_for
from casestudies.statistics.periods import Period, PeriodError

REFUSED = "统计数据仅向已登录的干部提供，请先登录内网。"
YEARS_OFFERED = 5
MONTHS_OFFERED = 12


def _today():
    return datetime.date.today()


def period_choices(today=None, level=Level.EXACT):
    """(key, label) of the periods the picker offers: this year to date, the last few years,
    the last twelve months; outside 纪检监察 the years only (``access.check_period``)."""
    today = today or _today()
    choices = [default_period(level, today)]
    choices += [Period.year(today.year - n) for n in range(1, YEARS_OFFERED)]
    if level is not Level.EXACT:
        return [(p.key, p.label) for p in choices]
    year, month = today.year, today.month
    for _ in range(MONTHS_OFFERED):
        choices.append(Period.month(year, month))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return [(p.key, p.label) for p in choices]


def read_period(params, today=None, level=Level.EXACT):
    """The period asked for (``period``, or ``custom`` when 自定义 is filled), the default
    being ``access.default_period``; ``PeriodError`` with a Chinese reason otherwise."""
    today = today or _today()
    text = (params.get("custom") or "").strip() or (params.get("period") or "").strip()
    if not text:
        return default_period(level, today)
    if len(text) > 40:
        raise PeriodError("统计期间写得太长了。请写成 2025、2025-03 或 2025-01..2025-06。")
    try:
        period = Period.parse(text)
    except (ValueError, OverflowError) as exc:
        if isinstance(exc, PeriodError):
            raise
        raise PeriodError(f"统计期间“{text}”中的年份或日期不存在，请检查后重写。") from exc
    if period.start.year < 1949 or period.end.year > today.year + 1:
        raise PeriodError(f"统计期间应在1949年至{today.year + 1}年之间，请检查年份。")
    return period


@require_GET
def page(request):
    level = level_for(request.user)
    if level is None:
        return redirect_to_login(request.get_full_path())
    context = {"choices": period_choices(level=level), "charts": charts.CHARTS.values()}
    try:
        period = check_period(read_period(request.GET, level=level), level)
    except PeriodError as exc:
        context.update(error=str(exc), period=None, asked=request.GET.get("custom", "")[:40])
        return render(request, "casestudies/statistics/page.html", context, status=400)
    figures = statistics.figures(period, level=level)
    context.update(
        period=period,
        figures=figures,
        headline=statistics.headline(period, level=level),
        paragraph=statistics.speech_paragraph(period, level=level),
        chart_tables=[(chart, *charts.table(figures, chart)) for chart in charts.CHARTS.values()],
        exact=level is statistics.Level.EXACT,
        monthly_rows=_monthly_rows(figures.monthly),
        asked=request.GET.get("custom", "")[:40],
    )
    return render(request, "casestudies/statistics/page.html", context)


def _monthly_rows(monthly):
    """(label, [shown text per column]) of the monthly report, 合计 first."""
    keys = [f"{m}:{g}" if g else m for m, g, _heading in monthly.columns]
    return [
        (row.label, [row.cells[key].shown if row.cells.get(key) else "—" for key in keys])
        for row in [monthly.total, *monthly.rows]
    ]


@require_GET
def chart(request, key):
    level = level_for(request.user)
    if level is None:
        return HttpResponse(REFUSED, status=403, content_type="text/plain; charset=utf-8")
    if key not in charts.CHARTS:
        return HttpResponse("没有这个图表。", status=404, content_type="text/plain; charset=utf-8")
    try:
        period = check_period(read_period(request.GET, level=level), level)
    except PeriodError as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    svg = charts.render(statistics.figures(period, level=level), key)
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response


@require_GET
def figures_json(request):
    """Every figure of the period as JSON, for other systems on the intranet (signed in with
    an account, as a person is)."""
    level = level_for(request.user)
    if level is None:
        return JsonResponse(
            {"error": REFUSED}, status=403, json_dumps_params={"ensure_ascii": False}
        )
    try:
        period = check_period(read_period(request.GET, level=level), level)
    except PeriodError as exc:
        return JsonResponse(
            {"error": str(exc)}, status=400, json_dumps_params={"ensure_ascii": False}
        )
    data = statistics.figures(period, level=level).to_json()
    data["sentence"] = statistics.speech_sentence(period, level=level)
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "private, max-age=300"
    return response
