"""The admin dashboard's page panels, without the pages the user may not see in the admin.

Wagtail's home panels query pages directly (the user's recent edits, locked pages, pages in
moderation, pages to review), not through the page permission policy, so a page restricted after
the user edited, locked or submitted it was still named there. Each panel here is Wagtail's own
with its page list passed through ``admin_access.hidden_ids`` (the one rule for the admin);
``construct_homepage_panels`` swaps them in. Written against Wagtail 8.0's
``wagtail.admin.views.home``: ``tests/core/test_admin_home.py`` fails if a panel's context key
changes under it."""

from wagtail.admin.views import home

from jingjian.core import admin_access


def _hidden(parent_context):
    return admin_access.hidden_ids(parent_context["request"].user)


def _page_pk(obj):
    return getattr(obj, "pk", None) if hasattr(obj, "get_parent") else None


class RecentEditsPanel(home.RecentEditsPanel):
    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        hidden = _hidden(parent_context)
        context["last_edits"] = [
            (when, page) for when, page in context["last_edits"] if page.pk not in hidden
        ]
        return context


class LockedPagesPanel(home.LockedPagesPanel):
    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context["locked_pages"] = context["locked_pages"].exclude(pk__in=_hidden(parent_context))
        return context


class UserObjectsInWorkflowModerationPanel(home.UserObjectsInWorkflowModerationPanel):
    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        hidden = _hidden(parent_context)
        context["workflow_states"] = [
            state
            for state in context["workflow_states"]
            if _page_pk(state.content_object) not in hidden
        ]
        return context


class WorkflowObjectsToModeratePanel(home.WorkflowObjectsToModeratePanel):
    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        hidden = _hidden(parent_context)
        context["states"] = [
            state for state in context["states"] if _page_pk(state["obj"]) not in hidden
        ]
        return context


_REPLACEMENTS = {
    home.RecentEditsPanel: RecentEditsPanel,
    home.LockedPagesPanel: LockedPagesPanel,
    home.UserObjectsInWorkflowModerationPanel: UserObjectsInWorkflowModerationPanel,
    home.WorkflowObjectsToModeratePanel: WorkflowObjectsToModeratePanel,
}


def homepage_panels(request, panels):
    """``construct_homepage_panels``: each of Wagtail's page panels replaced by its filtered
    twin, in place."""
    for position, panel in enumerate(panels):
        replacement = _REPLACEMENTS.get(type(panel))
        if replacement is not None:
            panels[position] = replacement()
