"""Nothing is published until the last step of its review workflow approves it.

- No group holds Wagtail's ``publish`` page permission (migration ``0007``): the plain 发布
  button, scheduling, bulk publishing, "copy and publish" and the admin API's publish action are
  for superusers only. 审核 and 纪检监察 hold ``unpublish`` instead, so they can still take a page
  down at once (撤下).
- The workflow's last approval publishes through ``publish_approved`` (Wagtail's
  ``WAGTAIL_FINISH_WORKFLOW_ACTION``), which publishes the revision that step approved, whatever
  the approver's own permissions. Every step approves the content that is published:
  ``WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT`` restarts the review when a page in review is
  edited.
- A publish that did not come from a workflow (a superuser's 发布, a script or an administrator's
  command) is audit-logged as such: ``jingjian.publish.direct`` (未经审核直接发布) beside
  Wagtail's own ``wagtail.publish`` entry, with who did it, or which command. A publish with a
  future 上线时间 is logged when it is scheduled (``wagtail.publish.schedule``, by a superuser or
  a script); ``publish_scheduled`` then carries it out (``wagtail.publish.scheduled``), and
  logs it as unreviewed itself when nothing scheduled it through a publish.
"""

import contextvars
from contextlib import contextmanager

from django.db.models.signals import post_save
from wagtail.log_actions import log

# No model import here: Wagtail imports this module (WAGTAIL_FINISH_WORKFLOW_ACTION) while its
# own models are being defined.

DIRECT_PUBLISH = "jingjian.publish.direct"
_source = contextvars.ContextVar("jingjian_publish_source", default=None)


@contextmanager
def publishing_as(source):
    """Mark publishes inside the block as coming from ``source`` ("workflow" or a command's
    name, e.g. "import_content"), for the audit log."""
    token = _source.set(source)
    try:
        yield
    finally:
        _source.reset(token)


def publish_approved(workflow_state, user=None):
    """Publish what the workflow's final step approved (``WAGTAIL_FINISH_WORKFLOW_ACTION``)."""
    task_state = workflow_state.current_task_state
    revision = task_state.revision if task_state is not None else None
    if revision is None:
        revision = workflow_state.content_object.get_latest_revision()
    with publishing_as("workflow"):
        # The approver need not hold the publish permission (nobody but superusers does): the
        # workflow is the permission.
        revision.publish(user=user, skip_permission_checks=True)


# Wagtail's entries for a publish now and for one scheduled for later.
PUBLISH_ACTIONS = {"wagtail.publish": "", "wagtail.publish.schedule": "（定时发布）"}


def log_direct_publish(sender, instance, created, raw=False, **kwargs):
    """Beside each publish or scheduled publish that no workflow produced, a ``DIRECT_PUBLISH``
    entry naming who published without review."""
    if not created or raw:
        return
    if instance.action == "wagtail.publish.scheduled":
        # Carried out by ``publish_scheduled``: logged when it was scheduled, unless it was
        # scheduled without a publish (a script's ``save_revision(approved_go_live_at=…)``).
        scheduled = type(instance).objects.filter(
            page_id=instance.page_id,
            revision_id=instance.revision_id,
            action="wagtail.publish.schedule",
        )
        if instance.revision_id is None or scheduled.exists():
            return
        source = "publish_scheduled"
    elif instance.action in PUBLISH_ACTIONS:
        source = _source.get()
        if source == "workflow":
            return
    else:
        return
    user = instance.user
    if source is not None:
        by = f"管理命令 {source}"
    elif user is None:
        by = "脚本或管理命令"
    elif user.is_superuser:
        by = f"系统管理员 {user.get_username()}"
    else:  # cannot happen through the admin: no group may publish
        by = f"用户 {user.get_username()}"
    log(
        instance=instance.page.specific_deferred,
        action=DIRECT_PUBLISH,
        user=user,
        revision=instance.revision,
        data={
            "by": by + PUBLISH_ACTIONS.get(instance.action, "（定时发布）"),
            "command": source or "",
        },
    )


def connect():
    post_save.connect(
        log_direct_publish,
        sender="wagtailcore.PageLogEntry",
        dispatch_uid="jingjian_direct_publish",
    )
