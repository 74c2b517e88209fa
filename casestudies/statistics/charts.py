"""The statistics page's charts, drawn on the server as SVG by pygal from a ``Figures``.

Each chart shows only what its table beside it shows (``CHARTS``: the measure and the rows): a
number hidden for the viewer (“<3”, “≥3”) is no bar, no slice and no label, so the picture
gives away nothing the table does not. pygal's scripts (tooltips) are off: nothing is fetched,
and the SVG is served as an image (``<img>``), which runs no script anyway.
"""

from dataclasses import dataclass

import pygal
from lxml import etree
from pygal.style import Style

__all__ = ["CHARTS", "Chart", "render", "series", "table"]

STYLE = Style(
    font_family='"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif',
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#1f2933",
    foreground_strong="#1f2933",
    foreground_subtle="#52606d",
    opacity="1",
    opacity_hover="1",
    colors=("#a61b1b", "#1f4e79", "#b36b00", "#2f6f4f", "#6b4c9a", "#52606d"),
    title_font_size=18,
    label_font_size=13,
    major_label_font_size=13,
    value_font_size=13,
    legend_font_size=13,
    no_data_font_size=18,
)


@dataclass(frozen=True)
class Chart:
    """One chart: ``kind`` of picture, the breakdown it draws (``None``: the four forms), the
    measures drawn as series."""

    key: str
    title: str
    kind: str  # "bars" (columns over months), "horizontal" (a bar per row), "proportions"
    dimension: str | None
    measures: tuple


CHARTS = {
    c.key: c
    for c in [
        Chart("trend", "月度趋势", "bars", "month", ("matters", "persons")),
        Chart("problem_type", "按问题类型", "horizontal", "problem_type", ("persons",)),
        Chart("work_area", "按重点工作", "horizontal", "work_area", ("persons",)),
        Chart("rank_level", "按职级", "horizontal", "rank_level", ("persons",)),
        Chart("forms", "“四种形态”占比", "proportions", None, ("persons",)),
    ]
}


def series(figures, chart):
    """(labels, [(series name, [value or None per label])]) of ``chart`` for ``figures``: a
    value the viewer may not see is ``None``."""
    if chart.kind == "proportions":
        labels = [label for _key, label, _cell, _share in figures.forms]
        values = [cell.value if cell.visible else None for _k, _l, cell, _s in figures.forms]
        return labels, [("人数", values)]
    table = figures.breakdowns[chart.dimension]
    labels = [row.label for row in table.rows]
    drawn = []
    for measure in chart.measures:
        cells = [row.cells.get(measure) for row in table.rows]
        values = [cell.value if cell is not None and cell.visible else None for cell in cells]
        drawn.append((_measure_label(measure), values))
    return labels, drawn


def table(figures, chart):
    """(headings, rows) of the numbers ``chart`` draws, as the viewer may see them: each row is
    (label, [shown text per heading]); the table stands beside the chart for anyone who cannot
    see the picture, and is what prints."""
    if chart.kind == "proportions":
        rows = [(label, [cell.shown, share or "—"]) for _k, label, cell, share in figures.forms]
        return ["人数", "占比"], rows
    breakdown = figures.breakdowns[chart.dimension]
    headings = [_measure_label(m) for m in chart.measures]
    rows = [
        (row.label, [_shown(row.cells.get(m)) for m in chart.measures])
        for row in [*breakdown.rows, breakdown.total]
    ]
    return headings, rows


def _shown(cell):
    return cell.shown if cell is not None else "—"


def _measure_label(measure):
    # Here, not at the top: the register's measures read the models.
    from casestudies.statistics.register import MEASURES

    return MEASURES[measure].label


def render(figures, key):
    """The SVG (bytes) of chart ``key`` for ``figures``; ``KeyError`` for an unknown key."""
    chart = CHARTS[key]
    labels, drawn = series(figures, chart)
    options = {
        "style": STYLE,
        "js": [],  # pygal's tooltips come from a script on the internet: none
        "width": 760,
        "height": 380 if chart.kind != "horizontal" else max(240, 70 + 34 * len(labels)),
        "title": f"{chart.title}（{figures.period.label}）",
        "print_values": True,
        "value_formatter": lambda value: f"{value:g}",
        "no_data_text": "本期没有可显示的数字",
        "show_y_guides": chart.kind == "bars",
        "legend_at_bottom": True,
        "truncate_label": -1,
        "truncate_legend": -1,
    }
    if chart.kind == "proportions":
        drawing = pygal.Pie(inner_radius=0.45, **options)
        for label, value in zip(labels, drawn[0][1], strict=True):
            if value:
                drawing.add(label, [value])
    else:
        if chart.kind == "horizontal":
            # Drawn from the bottom up: reversed, the bars read in the table's order. pygal
            # measures labels as Latin text; a Chinese character is about twice as wide.
            labels, drawn = labels[::-1], [(name, values[::-1]) for name, values in drawn]
            longest = max((len(label) for label in labels), default=0)
            options["margin_left"] = 7 * longest
            drawing = pygal.HorizontalBar(show_legend=len(drawn) > 1, **options)
        else:
            drawing = pygal.Bar(show_legend=len(drawn) > 1, **options)
        drawing.x_labels = labels
        for name, values in drawn:
            drawing.add(name, values)
    return _without_scripts(drawing.render_tree())


def _without_scripts(tree):
    """The drawing without pygal's tooltip configuration script and credit comments: an image
    needs neither (and runs no script anyway)."""
    for node in list(tree.iter("script", etree.Comment)):
        node.getparent().remove(node)
    return b"<?xml version='1.0' encoding='utf-8'?>\n" + etree.tostring(tree, encoding="utf-8")
