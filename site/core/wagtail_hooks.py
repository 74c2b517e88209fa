"""Admin registration: the staff-editable taxonomies as one snippet group; page serving guarded
by the visibility module."""

from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from casestudies.models import GovernancePriority, ProblemType, UnitType
from exemplars.models import ExemplarCategory
from jingjian.core import serving
from jingjian.core.models import WorkArea

# Registered first of all ``on_serve_page`` hooks (this app comes first), so it is the outermost.
hooks.register("on_serve_page", serving.guard)


class TaxonomyViewSet(SnippetViewSet):
    icon = "tag"
    list_display = ["name", "slug", "sort_order"]
    search_fields = ["name"]
    ordering = ["sort_order", "name"]


class ProblemTypeViewSet(TaxonomyViewSet):
    model = ProblemType


class WorkAreaViewSet(TaxonomyViewSet):
    model = WorkArea


class ExemplarCategoryViewSet(TaxonomyViewSet):
    model = ExemplarCategory


class UnitTypeViewSet(TaxonomyViewSet):
    model = UnitType


class GovernancePriorityViewSet(TaxonomyViewSet):
    model = GovernancePriority


class TaxonomyGroup(SnippetViewSetGroup):
    menu_label = "分类词表"
    menu_icon = "tag"
    menu_order = 300
    items = (
        ProblemTypeViewSet,
        WorkAreaViewSet,
        ExemplarCategoryViewSet,
        UnitTypeViewSet,
        GovernancePriorityViewSet,
    )


register_snippet(TaxonomyGroup)
