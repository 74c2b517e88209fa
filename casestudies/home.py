"""The case studies' part of the home page: the latest cases and the headline figures, counted
from the cases the reader may see (never from hidden ones)."""

from django.db.models import Count, Q

from casestudies.models import CaseIndexPage, Handling
from casestudies.models.pages import LISTING_DEFERRED
from jingjian.core import figures
from jingjian.core.content_types import HeadlineCount, HomeSection


def home_section(pages, home_page):
    """``pages``: the live case studies under the home page, narrowed by the visibility module."""
    handlings = Handling.objects.filter(page__in=pages.values("pk"))
    totals = figures.aggregate(
        handlings,
        persons=Count("pk"),
        party_sanctions=Count("pk", filter=~Q(party_sanction="")),
    )
    # Both page figures in one pass over the archive (each count reads every visible case),
    # kept until the content next changes.
    cases = figures.aggregate(
        pages.order_by(), all=Count("pk"), bulletined=Count("pk", filter=Q(named_in_bulletin=True))
    )
    return HomeSection(
        template="casestudies/includes/home_section.html",
        context={
            "latest_cases": list(
                pages.defer(*LISTING_DEFERRED)
                .select_related("work_area")
                .order_by("-date_handled", "-pk")[:6]
            ),
            "case_index": CaseIndexPage.objects.live().descendant_of(home_page).first(),
        },
        counts=(
            HeadlineCount("cases", "警示案例", cases["all"], "起", position=10),
            HeadlineCount("persons", "问责人数", totals["persons"], "人", position=20),
            HeadlineCount("party_sanctions", "党纪处分", totals["party_sanctions"], "人", 30),
            HeadlineCount(
                "bulletined_cases",
                "公开通报",
                cases["bulletined"],
                "起",
                position=40,
            ),
        ),
    )
