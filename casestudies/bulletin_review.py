"""Bulletins waiting at a review step whose reviewers may not see one of their items.

A bulletin naming a case study someone may not see is hidden from them in the admin
(``bulletins.hidden_in_admin``), reviewers included: when an item is restricted while the
bulletin waits at 案例复审, 审核 can no longer open it, and it would wait unseen. So (a decision)
it shows as a task with a notice on the admin dashboard, for both sides:

- to the reviewers of that step: how many bulletins wait for them that they cannot open, and
  that 纪检监察 must act — never a title (the bulletin's title and items are what is hidden);
- to 纪检监察 (and superusers): each such bulletin, with its title, the step, the numbers of the
  items the step's groups may not see (第2条), a link to its edit page, and what to do: withdraw
  the review there, take the item out or change it, and submit it again.

Nothing is sent back automatically: what hides an item (a restriction on the case study, on a
section above it, a move) happens in many places, and a reviewer's step that rejects itself
would record a decision nobody took.
"""

from django.urls import reverse
from wagtail.admin.ui.components import Component
from wagtail.models import GroupApprovalTask, Page, TaskState, WorkflowState

from casestudies.models import BulletinPage
from jingjian.core import admin_access, visibility
from jingjian.core.groups import in_discipline_group


def _bulletin_steps():
    """Review steps in progress on bulletins (``TaskState``s, with their task and revision)."""
    ids = [str(pk) for pk in BulletinPage.objects.values_list("pk", flat=True)]
    if not ids:
        return TaskState.objects.none()
    return TaskState.objects.filter(
        status=TaskState.STATUS_IN_PROGRESS,
        workflow_state__status=WorkflowState.STATUS_IN_PROGRESS,
        workflow_state__base_content_type__app_label="wagtailcore",
        workflow_state__base_content_type__model="page",
        workflow_state__object_id__in=ids,
    ).select_related("revision", "workflow_state")


def waiting_unseen(user):
    """How many bulletins wait at a step ``user`` reviews but are hidden from them."""
    if not user.is_active or user.is_superuser or in_discipline_group(user):
        return 0
    waiting = admin_access.review_steps(user).values_list("workflow_state__object_id", flat=True)
    ids = {int(pk) for pk in waiting if str(pk).isdigit()}
    if not ids:
        return 0
    bulletins = set(BulletinPage.objects.filter(pk__in=ids).values_list("pk", flat=True))
    if not bulletins:
        return 0
    return len(bulletins & admin_access.hidden_ids(user))


def stuck(user):
    """[{bulletin, step, items (numbers), url}] of bulletins waiting at a step whose groups may
    not see one of the items under review, for 纪检监察 (``user`` must be one of them)."""
    if not in_discipline_group(user):
        return []
    rows = []
    roots = None
    for state in _bulletin_steps():
        task = GroupApprovalTask.objects.filter(pk=state.task_id).first()
        if task is None or state.revision is None:
            continue
        groups = list(task.groups.all())
        under_review = state.revision.as_object()
        studies = [item.case_study_id for item in under_review.items.all()]
        pages = Page.objects.in_bulk([pk for pk in studies if pk])
        roots = visibility.restriction_roots() if roots is None else roots
        numbers = [
            number
            for number, pk in enumerate(studies, start=1)
            if pk in pages
            and not all(visibility.group_may_see(pages[pk], group, roots) for group in groups)
        ]
        bulletin = BulletinPage.objects.filter(pk=int(state.workflow_state.object_id)).first()
        if not numbers or bulletin is None or not admin_access.can_see_in_admin(bulletin, user):
            continue
        rows.append(
            {
                "bulletin": bulletin,
                "step": task.name,
                "items": "、".join(f"第{n}条" for n in numbers),
                "url": reverse("wagtailadmin_pages:edit", args=[bulletin.pk]),
            }
        )
    return rows


class BulletinReviewPanel(Component):
    name = "jingjian_bulletin_review"
    template_name = "casestudies/admin/home_bulletin_review.html"
    order = 104  # beside 待我审核

    def render_html(self, parent_context=None):
        user = parent_context["request"].user
        self.unseen = waiting_unseen(user)
        self.rows = stuck(user) if in_discipline_group(user) else []
        if not self.unseen and not self.rows:
            return ""
        return super().render_html(parent_context)

    def get_context_data(self, parent_context):
        return {"unseen": self.unseen, "rows": self.rows}


def homepage_panels(request, panels):
    """``construct_homepage_panels``: the panel shows itself only when something waits."""
    panels.append(BulletinReviewPanel())
