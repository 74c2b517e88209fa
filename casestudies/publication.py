"""Where the publication gate is enforced, and asked again whenever one of its inputs changes.

The gate (``casestudies.gate``) is asked when a case study is published, when its review would
enter the final step and, here, whenever what it compares against changes: a case file's text,
its persons, its units, its candidate decisions, or the link between the file and its studies.

- Every case study of the file gets a new ``GateStatus`` for its latest draft (the admin hides
  a failing draft from everyone outside 纪检监察: ``hidden_drafts``).
- A live case study that no longer passes is taken down at once (which retracts it from the
  channels, as any unpublishing does); the audit log records it on the page (where, not what)
  and on the case file (what, for 纪检监察), and the case file's review screen shows why.

The checks run once the change is committed (a case-file form saves the file and then each
person and unit: the gate must see them all).
"""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.log_actions import log
from wagtail.models import Page, ReferenceIndex, Revision

from casestudies.gate import HANDING_OVER, AnonymizationGateError, find_problems, message
from casestudies.lessons import LessonsPromptError, holds_prompt
from casestudies.models import (
    CandidateDecision,
    CaseFile,
    CaseFilePerson,
    CaseFileUnit,
    CaseStudyPage,
    GateStatus,
    GovernancePriority,
    ProblemType,
    UnitType,
)
from casestudies.page_texts import TAXONOMY_FIELDS, page_texts
from casestudies.review import case_file_of, case_files_of, forbidden_strings
from jingjian.core import groups
from jingjian.core.models import WorkArea

TAXONOMY_MODELS = (ProblemType, UnitType, GovernancePriority, WorkArea)


def check_page(page, case_file=None):
    """Every problem the gate finds in ``page`` (a CaseStudyPage, saved or not) against
    ``case_file`` (default: the one the page records), in page order."""
    case_files = [case_file] if case_file is not None else case_files_of(page)
    forbidden = list(dict.fromkeys(f for c in case_files for f in forbidden_strings(c)))
    return find_problems(page_texts(page), forbidden)


def enforce(page, case_file=None):
    """Refuse to publish ``page`` (or move it into its final step): the gate's problems first,
    then a 以案说法 still holding the generated draft's prompt (``casestudies.lessons``)."""
    problems = check_page(page, case_file)
    if problems:
        raise AnonymizationGateError(page, problems)
    if holds_prompt(page.lessons):
        raise LessonsPromptError(page)


def enforce_hand_over(page, case_file=None):
    """Refuse to hand ``page`` to reviewers outside 纪检监察 while the gate fails it (its
    以案说法 prompt may stay until the final step, ``casestudies.lessons``)."""
    problems = check_page(page, case_file)
    if problems:
        raise AnonymizationGateError(page, problems, refused=HANDING_OVER)


def approval_is_gated(page):
    """Whether approving ``page``'s current workflow step moves it into the final step or
    publishes it (the steps the gate guards)."""
    state = page.current_workflow_state
    if state is None or state.current_task_state is None:
        return False
    final_two = [task.pk for task in state.workflow.tasks][-2:]
    return state.current_task_state.task_id in final_two


def is_final_task(workflow_state, task):
    tasks = [t.pk for t in workflow_state.workflow.tasks]
    return bool(tasks) and tasks[-1] == task.pk


def reviewed_outside_discipline(task):
    """Whether anyone outside 纪检监察 reviews ``task``: they never see a draft the gate fails
    (``hidden_drafts``), so such a draft may not be handed to them: it would wait where nobody
    who can see it can act. A task without groups (an administrator's own kind) counts as
    outside."""
    specific = task.specific
    reviewers = getattr(specific, "groups", None)
    names = set(reviewers.values_list("name", flat=True)) if reviewers is not None else set()
    return names != {groups.DISCIPLINE}


def approval_hands_over(page):
    """Whether approving ``page``'s current workflow step hands it to reviewers outside 纪检监察
    (a step the gate guards too, see ``reviewed_outside_discipline``)."""
    state = page.current_workflow_state
    if state is None or state.current_task_state is None:
        return False
    tasks = list(state.workflow.tasks)
    ids = [task.pk for task in tasks]
    current = state.current_task_state.task_id
    if current not in ids or ids.index(current) + 1 >= len(tasks):
        return False
    return reviewed_outside_discipline(tasks[ids.index(current) + 1])


WITHDRAWN = "jingjian.gate.withdrawn"

# Live revisions of case studies *without* a case file that passed the gate: their text is fixed
# by the revision, and nothing else can make them fail. A case study with a case file is checked
# every time, since names can be added to the case file after publication.
_gate_passed = set()
_GATE_PASSED_SIZE = 4096


def withheld(page, trust_revision=False):
    """For ``jingjian.core.content_types``: the gate's Chinese reason why a live case study may
    not go out (to a feed or a channel), or "".

    ``trust_revision`` (at send time): a live revision that passed before, of a case study
    without a case file, is not checked again."""
    key = (page.pk, page.live_revision_id)
    if trust_revision and page.live_revision_id and key in _gate_passed:
        return ""
    page = page.specific
    case_file = case_file_of(page)
    problems = check_page(page, case_file)
    if problems:
        return message(problems)
    if case_file is None and page.live_revision_id:
        if len(_gate_passed) >= _GATE_PASSED_SIZE:
            _gate_passed.clear()
        _gate_passed.add(key)
    return ""


def problem_rows(problems):
    """Problems as stored with a case file (read only by 纪检监察, who own it): each with the
    sentence that explains it to them (``Problem.explained``)."""
    return [
        {
            "location": p.location,
            "text": p.text,
            "reason": p.reason,
            "found": p.found,
            "kind": p.kind,
            "explained": p.explained(),
        }
        for p in problems
    ]


def case_studies_of(case_file):
    """The case studies made from ``case_file`` (each records it: ``source_case_file``)."""
    return list(CaseStudyPage.objects.filter(source_case_file=case_file))


def record_draft_verdict(page, case_file=None, revision=None):
    """Check ``revision`` (default: ``page``'s latest) and store the answer; returns its
    problems."""
    revision = revision or page.get_latest_revision()
    draft = revision.as_object() if revision is not None else page
    problems = check_page(draft, case_file)
    GateStatus.objects.update_or_create(
        page_id=page.pk,
        defaults={"draft_passes": not problems, "draft_problems": problem_rows(problems)},
    )
    return problems


def withdraw(page, problems, case_file, user=None):
    """Take a live case study down because the gate no longer lets it through."""
    with transaction.atomic():
        page.unpublish(user=user, log_action=True)
        log(
            instance=page,
            action=WITHDRAWN,
            user=user,
            # Where the problems are, never what: page history is shown more widely than case
            # files. The strings themselves are logged on the case file below.
            data={"locations": sorted({p.location for p in problems}), "count": len(problems)},
        )
        if case_file is not None:
            log(
                instance=case_file,
                action=WITHDRAWN,
                user=user,
                data={"page": page.pk, "title": page.title, "problems": problem_rows(problems)},
            )
        GateStatus.objects.update_or_create(
            page_id=page.pk,
            defaults={"withdrawn_at": timezone.now(), "withdrawn_problems": problem_rows(problems)},
        )


def recheck(case_file, user=None):
    """Ask the gate again about every case study of ``case_file``; returns the pages taken
    down, each with its problems."""
    withdrawn = []
    for page in case_studies_of(case_file):
        record_draft_verdict(page, case_file)
        if not page.live:
            continue
        problems = check_page(page, case_file)  # a live page's row holds its live content
        if problems:
            withdraw(page, problems, case_file, user)
            withdrawn.append((page, problems))
    return withdrawn


def recheck_later(case_file_id):
    """Recheck ``case_file_id`` once the current transaction commits."""

    def run():
        case_file = CaseFile.objects.filter(pk=case_file_id).first()
        if case_file is not None:
            recheck(case_file)

    transaction.on_commit(run)


def recheck_pages(pages, user=None):
    """Ask the gate again about ``pages`` (case studies), each against its own case file (or
    none); returns the pages taken down, each with its problems."""
    withdrawn = []
    for page in pages:
        case_file = case_file_of(page)
        if case_file is not None:
            record_draft_verdict(page, case_file)
        if not page.live:
            continue
        problems = check_page(page, case_file)
        if problems:
            withdraw(page, problems, case_file, user)
            withdrawn.append((page, problems))
    return withdrawn


def studies_using(instance):
    """Ids of the case studies that show ``instance`` (an image, a document or a classification)
    on their page: what a reader sees changes with it, without a new revision."""
    if isinstance(instance, TAXONOMY_MODELS):
        q = Q()
        for field in TAXONOMY_FIELDS:
            if CaseStudyPage._meta.get_field(field).related_model is type(instance):
                q |= Q(**{field: instance})
        if isinstance(instance, ProblemType):
            q |= Q(problem_types=instance)
        return set(CaseStudyPage.objects.filter(q).values_list("pk", flat=True))
    pages = ContentType.objects.get_for_model(Page)
    object_ids = ReferenceIndex.get_references_to(instance).filter(base_content_type=pages)
    ids = {int(object_id) for object_id in object_ids.values_list("object_id", flat=True)}
    return set(CaseStudyPage.objects.filter(pk__in=ids).values_list("pk", flat=True))


def _asset_changed(sender, instance, raw=False, **kwargs):
    """An image, document or classification a case study shows was edited: its title,
    description or name is on the page at once, so the gate is asked again once it commits."""
    if raw or instance.pk is None:
        return
    ids = studies_using(instance)
    if ids:
        transaction.on_commit(lambda: recheck_pages(CaseStudyPage.objects.filter(pk__in=ids)))


def _case_file_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    case_file_id = instance.pk if isinstance(instance, CaseFile) else instance.case_file_id
    if case_file_id:
        recheck_later(case_file_id)


def _link_changed(sender, instance, raw=False, **kwargs):
    """The case file a study records is an input of the gate too. A study linked once stays
    linked to that file (changing or clearing the link is refused: it would take the file's
    names out of the check); linking a saved study for the first time asks the gate again once
    that commits."""
    if raw or instance.pk is None:
        return
    stored = (
        CaseStudyPage.objects.filter(pk=instance.pk)
        .values_list("source_case_file_id", flat=True)
        .first()
    )
    if stored and stored != instance.source_case_file_id:
        raise ValidationError(
            "该警示案例已关联来源案卷，不能更改或取消关联：发布前须按原案卷检查。"
            "如确需更换，请由纪检监察室据新案卷重新生成脱敏稿。"
        )
    if stored != instance.source_case_file_id:
        pk = instance.pk
        transaction.on_commit(lambda: recheck_pages(CaseStudyPage.objects.filter(pk=pk)))


def _revision_saved(sender, instance, created, raw=False, **kwargs):
    if raw or instance.content_type_id != ContentType.objects.get_for_model(CaseStudyPage).pk:
        return
    page = CaseStudyPage.objects.filter(pk=instance.object_id).first()
    if page is not None and page.source_case_file_id:
        # The page points at its new revision only after this signal: check the revision.
        record_draft_verdict(page, revision=instance)


def hidden_drafts(user):
    """For ``jingjian.core.admin_access``: case studies made from a case file whose latest
    draft does not pass the gate, hidden from everyone outside 纪检监察."""
    if user.groups.filter(name=groups.DISCIPLINE).exists():
        return None
    from_a_file = Q(casestudypage__source_case_file__isnull=False)
    cleared = Q(casestudypage__gate_status__draft_passes=True)
    return from_a_file & ~cleared


def connect():
    for model in (CaseFile, CaseFilePerson, CaseFileUnit, CandidateDecision):
        uid = f"casestudies.gate_inputs.{model.__name__}"
        post_save.connect(_case_file_changed, sender=model, dispatch_uid=f"{uid}.save")
        post_delete.connect(_case_file_changed, sender=model, dispatch_uid=f"{uid}.delete")
    pre_save.connect(_link_changed, sender=CaseStudyPage, dispatch_uid="casestudies.gate_link")
    post_save.connect(_revision_saved, sender=Revision, dispatch_uid="casestudies.draft_verdict")
    for model in (get_image_model(), get_document_model(), *TAXONOMY_MODELS):
        post_save.connect(
            _asset_changed, sender=model, dispatch_uid=f"casestudies.gate_assets.{model.__name__}"
        )
