"""Admin registration: the staff-editable taxonomies as one snippet group; page serving guarded
by the visibility module."""

from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from casestudies.models import GovernancePriority, ProblemType, UnitType
from exemplars.models import ExemplarCategory
from jingjian.core import admin_access, serving
from jingjian.core.models import WorkArea

# Registered first of all ``on_serve_page`` hooks (this app comes first), so it is the outermost.
hooks.register("on_serve_page", serving.guard)
hooks.register("construct_page_chooser_queryset", admin_access.chooser_queryset)
hooks.register("construct_explorer_page_queryset", admin_access.explorer_queryset)


@hooks.register("register_log_actions")
def review_log_actions(actions):
    actions.register_action(
        "jingjian.publish.direct", "未经审核直接发布", "未经审核流程直接发布了页面"
    )


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
