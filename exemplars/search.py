"""What readers filter 先进典型 by, and what search reads of a profile (``jingjian.core.facets``)."""

from exemplars.models import ExemplarCategory
from jingjian.core.facets import Facet, taxonomy_choices, year_facet
from jingjian.core.models import WorkArea

CATEGORY = Facet.on(
    "category", "类别", "category__slug", taxonomy_choices(ExemplarCategory), shown=False
)
WORK_AREA = Facet.on(
    "work_area",
    "重点工作",
    "work_areas__slug",
    taxonomy_choices(WorkArea),
    position=20,
    suggest=True,
)
YEAR = year_facet("date__year", position=90)

FACETS = (CATEGORY, WORK_AREA, YEAR)
LISTING_FILTERS = ("category", "work_area")
SEARCHED = ("name", "unit", "post", "citation", "category__name", "work_areas__name")
BODY_STREAMS = ("deeds",)
