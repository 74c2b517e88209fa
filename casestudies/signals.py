"""The publication gate at the workflow's final step.

Wagtail starts the next step of a workflow inside the transaction of the approval, so raising
here undoes the approval too: a case study that fails the gate never enters its final step.
"""

from wagtail.signals import task_submitted

from casestudies.models import CaseStudyPage
from casestudies.publication import enforce, is_final_task


def refuse_final_step(sender, instance, user=None, **kwargs):
    revision = instance.revision
    if revision is None or not is_final_task(instance.workflow_state, instance.task):
        return
    page = revision.as_object()
    if isinstance(page, CaseStudyPage):
        enforce(page)


def connect():
    task_submitted.connect(refuse_final_step, dispatch_uid="casestudies.refuse_final_step")
