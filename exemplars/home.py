"""The exemplars' part of the home page: four profiles (the featured ones first) and a count."""

from exemplars.models import LISTING_DEFERRED, ExemplarIndexPage
from jingjian.core import figures
from jingjian.core.content_types import HeadlineCount, HomeSection

FEATURED = 4


def home_section(pages, home_page):
    """``pages``: the live exemplars under the home page, narrowed by the visibility module."""
    exemplars = pages.defer(*LISTING_DEFERRED).select_related("category", "portrait__collection")
    featured = list(exemplars.filter(featured=True).order_by("-date")[:FEATURED])
    if len(featured) < FEATURED:
        seen = [p.pk for p in featured]
        featured += list(
            exemplars.exclude(pk__in=seen).order_by("-date")[: FEATURED - len(featured)]
        )
    return HomeSection(
        template="exemplars/includes/home_section.html",
        context={
            "featured_exemplars": featured,
            "exemplar_index": ExemplarIndexPage.objects.live().descendant_of(home_page).first(),
        },
        counts=(HeadlineCount("exemplars", "先进典型", figures.count(pages), "人", position=50),),
    )
