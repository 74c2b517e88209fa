"""The admin dashboard: what the user must do first, and Wagtail's page panels without the pages
the user may not see in the admin.

Our panels come first, each in Chinese with a link to act and an empty state that says so, each
with a fixed number of queries however many rows it has:

- 待我审核 (``PagesToReviewPanel``): pages waiting at a review step the user approves
  (``admin_access.review_steps``). It replaces Wagtail's “Awaiting your review”, which asked
  the database again for every row (its actions, its tasks, its permissions).
- 我的草稿 (``MyDraftsPanel``): pages whose latest revision is the user's and that are not live
  or have unpublished changes, not waiting in review (Wagtail's “your pages in moderation”
  lists those), including the ones sent back for changes.

Feature apps add their own with ``construct_homepage_panels`` (the syndication app its failed
deliveries, the case-study app its case-file work for 纪检监察).

Wagtail's other home panels query pages directly (the user's recent edits, locked pages, pages
in moderation), not through the page permission policy, so a page restricted after the user
edited, locked or submitted it was still named there. Each is Wagtail's own with its page list
passed through ``admin_access.hidden_ids`` (the one rule for the admin); ``homepage_panels``
swaps them in. Written against Wagtail 8.0's ``wagtail.admin.views.home``:
``tests/core/test_admin_home.py`` fails if a panel's context key changes under it."""

from django.db.models import CharField, Exists, OuterRef, Q
from django.db.models.functions import Cast
from django.urls import reverse
from wagtail.admin.ui.components import Component
from wagtail.admin.views import home
from wagtail.models import Page, WorkflowState, get_default_page_content_type

from jingjian.core import admin_access

# Rows a panel lists; it says how many there are in all.
LIMIT = 10


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


def type_label(page):
    """The page type as editors know it (警示案例, 先进典型)."""
    return page.specific_class._meta.verbose_name if page.specific_class else "页面"


class PagesToReviewPanel(Component):
    """待我审核: each page waiting at a step the user approves, with the step, who sent it and
    when, and links to review it (its editor holds the 通过 and 退回修改 actions) and preview it."""

    name = "jingjian_pages_to_review"
    template_name = "core/admin_home/pages_to_review.html"
    order = 100

    def get_context_data(self, parent_context):
        user = parent_context["request"].user
        hidden = [str(pk) for pk in _hidden(parent_context)]
        steps = (
            admin_access.review_steps(user)
            .exclude(workflow_state__object_id__in=hidden)
            .select_related("task", "workflow_state__workflow", "workflow_state__requested_by")
            .order_by("-started_at", "-pk")
        )
        shown = list(steps[:LIMIT])
        pages = Page.objects.only(
            "pk", "title", "draft_title", "content_type", "live", "latest_revision_created_at"
        ).in_bulk([int(step.workflow_state.object_id) for step in shown])
        rows = []
        for step in shown:
            page = pages.get(int(step.workflow_state.object_id))
            if page is None:
                continue
            rows.append(
                {
                    "page": page,
                    "type": type_label(page),
                    "task": step.task.name,
                    "workflow": step.workflow_state.workflow.name,
                    "requested_by": step.workflow_state.requested_by,
                    "started_at": step.started_at,
                    "review_url": reverse("wagtailadmin_pages:edit", args=[page.pk]),
                    "preview_url": reverse(
                        "wagtailadmin_pages:workflow_preview", args=[page.pk, step.task_id]
                    ),
                }
            )
        total = steps.count()
        return {"rows": rows, "total": total, "limit": LIMIT}


class MyDraftsPanel(Component):
    """我的草稿: the pages the user edited last that are not live or have unpublished changes,
    newest first, with what is left to do (提交审核, or the changes a reviewer asked for)."""

    name = "jingjian_my_drafts"
    template_name = "core/admin_home/my_drafts.html"
    order = 110

    def get_context_data(self, parent_context):
        user = parent_context["request"].user
        workflows = WorkflowState.objects.filter(
            base_content_type=get_default_page_content_type(),
            object_id=Cast(OuterRef("pk"), output_field=CharField()),
        )
        drafts = (
            Page.objects.filter(latest_revision__user=user, alias_of__isnull=True)
            .filter(Q(live=False) | Q(has_unpublished_changes=True))
            .exclude(pk__in=_hidden(parent_context))
            .annotate(
                in_review=Exists(workflows.filter(status=WorkflowState.STATUS_IN_PROGRESS)),
                needs_changes=Exists(workflows.filter(status=WorkflowState.STATUS_NEEDS_CHANGES)),
            )
            .filter(in_review=False)
            .only(
                "pk", "title", "draft_title", "content_type", "live", "latest_revision_created_at"
            )
            .order_by("-latest_revision_created_at", "-pk")
        )
        shown = list(drafts[:LIMIT])
        rows = [
            {
                "page": page,
                "type": type_label(page),
                "status": "退回修改"
                if page.needs_changes
                else ("有未发布的修改" if page.live else "未发布"),
                "needs_changes": page.needs_changes,
                "edited_at": page.latest_revision_created_at,
                "edit_url": reverse("wagtailadmin_pages:edit", args=[page.pk]),
            }
            for page in shown
        ]
        total = drafts.count()
        return {"rows": rows, "total": total, "limit": LIMIT}


_REPLACEMENTS = {
    home.RecentEditsPanel: RecentEditsPanel,
    home.LockedPagesPanel: LockedPagesPanel,
    home.UserObjectsInWorkflowModerationPanel: UserObjectsInWorkflowModerationPanel,
}


def homepage_panels(request, panels):
    """``construct_homepage_panels``: 待我审核 and 我的草稿 first, in place of Wagtail's “Awaiting
    your review”; Wagtail's other page panels replaced by their filtered twins, in place."""
    panels[:] = [p for p in panels if not isinstance(p, home.WorkflowObjectsToModeratePanel)]
    for position, panel in enumerate(panels):
        replacement = _REPLACEMENTS.get(type(panel))
        if replacement is not None:
            panels[position] = replacement()
    panels += [PagesToReviewPanel(), MyDraftsPanel()]
