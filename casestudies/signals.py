"""The publication gate at the workflow's steps.

Wagtail starts the next step of a workflow inside the transaction of the approval (or of the
submission, for the first step), so raising here undoes it too: a case study that fails the
gate never enters its final step, nor a step reviewed by anyone outside 纪检监察.
"""

from wagtail.signals import task_submitted

from casestudies.models import CaseStudyPage
from casestudies.publication import (
    enforce,
    enforce_hand_over,
    is_final_task,
    reviewed_outside_discipline,
)


def refuse_final_step(sender, instance, user=None, **kwargs):
    revision = instance.revision
    if revision is None:
        return
    final = is_final_task(instance.workflow_state, instance.task)
    if not final and not reviewed_outside_discipline(instance.task):
        return
    page = revision.as_object()
    if not isinstance(page, CaseStudyPage):
        return
    if final:
        enforce(page)
    else:
        enforce_hand_over(page)


def connect():
    task_submitted.connect(refuse_final_step, dispatch_uid="casestudies.refuse_final_step")
