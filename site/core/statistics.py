"""Headline counts computed from the cases a reader may see (never from hidden ones)."""

from django.db.models import Count, Q


def headline_counts(case_queryset, exemplar_queryset):
    """Counts for the home page: cases, persons held accountable, party sanctions, exemplars.

    Both querysets must already be narrowed by ``visibility.visible_pages``.
    """
    from casestudies.models import Handling

    handlings = Handling.objects.filter(page__in=case_queryset.values("pk"))
    totals = handlings.aggregate(
        persons=Count("pk"),
        party_sanctions=Count("pk", filter=~Q(party_sanction="")),
    )
    return {
        "cases": case_queryset.count(),
        "persons": totals["persons"],
        "party_sanctions": totals["party_sanctions"],
        "bulletined_cases": case_queryset.filter(named_in_bulletin=True).count(),
        "exemplars": exemplar_queryset.count(),
    }
