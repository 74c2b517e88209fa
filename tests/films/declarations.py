"""What 警示片 give the site: facets, and a reading for the channels."""

from jingjian.core.facets import Facet, year_facet
from jingjian.syndication.renderers import Reading, stream_blocks
from tests.films.models import FilmKind

KIND = Facet.on("film_kind", "片种", "kind", lambda: FilmKind.choices, position=50)
YEAR = year_facet("date__year", label="摄制年份", search_label="年份", position=90)
FACETS = (KIND, YEAR)


def channel_reading(page, subheadline, media_roots):
    return Reading(
        summary=page.summary,
        kicker=f"{page.get_kind_display()}·警示片",
        subheadline=subheadline,
        blocks=stream_blocks(page.body, media_roots),
        sections=[],
        portrait=None,
        has_portrait_field=False,
    )
