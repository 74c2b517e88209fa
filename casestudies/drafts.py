"""From a case file (案卷) to its draft case study (脱敏稿).

The draft replaces every listed person (and every name a reviewer confirmed), every unit marked
for replacement, every identifier and every address below county level
(``review.anonymize_text``). Each person has one pseudonym for the whole draft
(``review.pseudonyms_of``): the title, summary, facts, subject and handlings agree on who 王某1
is. Names the tagger finds that nobody listed stay in the draft as *candidates* until a reviewer
decides: "是人名" replaces them the next time the draft is generated, "不是人名" keeps the word.
The gate refuses a case study while a candidate is unreviewed and still in its text.

The draft carries the case file's classifications (单位类型, 重点工作, 线索来源, 问题类型) and
starts its 以案说法 with a prompt staff replace (``casestudies.lessons``); generating again keeps
a 以案说法 someone has written.

**Is the draft up to date?** Generating records what the draft was made from
(``CaseFile.draft_inputs``: one digest per part the draft reads, never the text itself).
``draft_state`` compares it with the case file as it is now: 已是最新, 需要重新生成 (and which
parts changed: a new person, a confirmed name, an edited account, …) or 已发布. A candidate
marked 不是人名 changes nothing in the draft (it was kept as written before) and does not make
it stale; one marked 是人名 does.
"""

import hashlib
import json
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from casestudies.lessons import LESSONS_PROMPT
from casestudies.models import CandidateDecision, CaseFile, CaseIndexPage, CaseStudyPage, Handling
from casestudies.review import DraftError, anonymize_text, pseudonyms_of
from jingjian.core.blocks import plain_text_to_stream
from jingjian.core.validators import SUMMARY_MAX_LENGTH

__all__ = [
    "INPUT_PARTS",
    "DraftError",
    "DraftState",
    "draft_fields",
    "draft_inputs",
    "draft_state",
    "generate_draft",
    "with_draft_inputs",
]


def _paragraphs(text):
    lines = [line.strip() for line in (text or "").replace("\r\n", "\n").split("\n")]
    return "\n\n".join(line for line in lines if line)


def _summary(text, limit):
    """The first sentence of the first paragraph, cut to ``limit`` characters."""
    first = text.split("\n")[0].strip()
    end = first.find("。")
    if 0 <= end < limit:
        return first[: end + 1]
    return first if len(first) <= limit else first[: limit - 1] + "…"


def draft_fields(case_file):
    """The anonymized field values of the case study made from ``case_file``."""

    missing = [
        label
        for label, value in [
            ("单位类型", case_file.unit_type_id),
            ("线索来源", case_file.source),
            ("处理日期", case_file.date_handled),
        ]
        if not value
    ]
    if missing:
        raise DraftError(f"生成脱敏稿前请先在案卷中填写：{'、'.join(missing)}。")
    if not case_file.raw_account.strip():
        raise DraftError("原始案情为空，无法生成脱敏稿。请先填写原始案情。")

    account = anonymize_text(case_file, _paragraphs(case_file.raw_account)).text
    title = anonymize_text(case_file, case_file.title).text
    pseudonyms = pseudonyms_of(case_file)
    subjects = [p for p in case_file.persons.all() if p.role == "subject"]
    if subjects:
        first = subjects[0]
        unit = anonymize_text(case_file, first.unit).text if first.unit else ""
        post = anonymize_text(case_file, first.post).text
        subject = f"{unit}{post}{pseudonyms.get(first.name.strip(), '某某')}"
    else:
        subject = "有关人员"
    handlings = [
        {
            "pseudonym": pseudonyms.get(p.name.strip(), "某某"),
            "post": anonymize_text(case_file, f"{p.unit}{p.post}").text[:120],
            "discipline_form": p.discipline_form,
            "party_sanction": p.party_sanction,
            "administrative_sanction": p.administrative_sanction,
            "accountability": p.accountability,
            "detained": p.detained,
            "referred": p.referred,
        }
        for p in subjects
        if p.discipline_form
    ]
    return {
        "title": title[:255],
        "subject": subject[:200],
        "summary": _summary(account, SUMMARY_MAX_LENGTH),
        "facts": plain_text_to_stream(account),
        "unit_type_id": case_file.unit_type_id,
        "work_area_id": case_file.work_area_id,
        "source": case_file.source,
        "date_handled": case_file.date_handled,
        "source_case_file_id": case_file.pk,
        "handlings": handlings,
        "problem_types": list(case_file.problem_types.all()),
    }


@transaction.atomic
def generate_draft(case_file, user=None):
    """Create or update the draft case study of ``case_file``; returns (page, created).

    An existing case study gets a new draft revision (its live version is untouched), and its
    review, if it is in one, starts again (``restart_review``); a new one is created
    unpublished under the case index.
    """

    fields = draft_fields(case_file)
    handlings = fields.pop("handlings")
    problem_types = fields.pop("problem_types")
    inputs = draft_inputs(case_file)
    draft = case_file.draft_study()
    created = draft is None
    if created:
        index = CaseIndexPage.objects.first()
        if index is None:
            raise DraftError("站点中没有“警示案例”栏目，无法创建脱敏稿。请先建立栏目。")
        page = CaseStudyPage(live=False, lessons=LESSONS_PROMPT, **fields)
        page.handlings = [Handling(**h) for h in handlings]
        page.problem_types = problem_types
        index.add_child(instance=page)
        case_file.save(update_fields=["updated_at"])
    else:
        page = draft.get_latest_revision_as_object()
        for name, value in fields.items():
            setattr(page, name, value)
        # The rows the page has keep their ids, so the editor shows the new values in them
        # (rows without an id are new ones to the editor's form: saving it would be an edit).
        rows = Handling.objects.filter(page=draft).order_by("sort_order", "pk")
        ids = list(rows.values_list("pk", flat=True))
        page.handlings = [
            Handling(pk=ids[number] if number < len(ids) else None, **h)
            for number, h in enumerate(handlings)
        ]
        page.problem_types = problem_types
        if not page.lessons.strip():
            page.lessons = LESSONS_PROMPT
        if not page.live:
            # As the editor saves a page that is not live: its rows too, so every handling
            # the revision names is one the database holds.
            page.save(clean=False)
    page.save_revision(user=user, log_action=True)
    restart_review(page, user)
    now = timezone.now()
    # Not save(): what the draft was made from is no input of the gate, and must not count as
    # a change of the case file (its 更新时间, the gate's recheck).
    CaseFile.objects.filter(pk=case_file.pk).update(draft_inputs=inputs, draft_generated_at=now)
    case_file.draft_inputs, case_file.draft_generated_at = inputs, now
    case_file.updated_at = now
    return page, created


def restart_review(page, user=None):
    """A regenerated draft is new content: if the case study is in review, its review starts
    again at the first step, on the new revision. (Wagtail counts approvals only on the latest
    revision anyway; without this the step in progress would still show the old revision, and
    approving it would only bring back the first step.)"""
    state = page.current_workflow_state
    task_state = state.current_task_state if state is not None else None
    if task_state is None or task_state.status != task_state.STATUS_IN_PROGRESS:
        return
    task_state.cancel(user=user, comment="脱敏稿已重新生成，审核从第一步重新开始。")


def _digest(value):
    raw = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


# What the draft reads of a case file, part by part, in the words the case file's form uses.
INPUT_PARTS = {
    "account": "案卷名称或原始案情",
    "persons": "涉案人员",
    "units": "涉案单位",
    "decisions": "疑似姓名的审核结论",
    "classification": "分类或处理日期",
}


def _handled_more(person):
    return bool(person.accountability or person.detained or person.referred)


def draft_inputs(case_file):
    """{part: digest} of everything ``draft_fields`` reads from ``case_file`` (``INPUT_PARTS``).

    Reads the case file's persons, units, candidate decisions and problem types through
    ``.all()``, so a listing that prefetched them asks nothing more."""
    persons = [
        [
            p.name.strip(),
            p.name_kind,
            p.role,
            p.unit,
            p.post,
            p.discipline_form,
            p.party_sanction,
            p.administrative_sanction,
            # Only when set: a draft made before these fields existed stays up to date.
            *([p.accountability, p.detained, p.referred] if _handled_more(p) else []),
        ]
        for p in case_file.persons.all()
    ]
    units = [[u.name.strip(), u.kind.strip(), u.replace] for u in case_file.units.all()]
    # 不是人名 keeps the word as the draft had it: only confirmed names change the draft.
    accepted = sorted(
        d.text
        for d in case_file.candidate_decisions.all()
        if d.decision == CandidateDecision.ACCEPTED
    )
    classification = [
        case_file.unit_type_id,
        case_file.work_area_id,
        case_file.source,
        case_file.date_handled,
        sorted(problem_type.pk for problem_type in case_file.problem_types.all()),
    ]
    return {
        "account": _digest([case_file.title, case_file.raw_account]),
        "persons": _digest(persons),
        "units": _digest(units),
        "decisions": _digest(accepted),
        "classification": _digest(classification),
    }


def with_draft_inputs(queryset):
    """``queryset`` of case files with what ``draft_inputs`` and ``draft_state`` read (and the
    candidates of ``review.pending_candidates``) prefetched: a fixed number of queries however
    many files it holds."""
    studies = CaseStudyPage.objects.only(
        "pk", "title", "draft_title", "live", "has_unpublished_changes", "source_case_file_id"
    )
    return queryset.prefetch_related(
        "persons",
        "units",
        "candidate_decisions",
        "problem_types",
        Prefetch("case_studies", queryset=studies),
    )


@dataclass(frozen=True)
class DraftState:
    """Where a case file's draft stands (``draft_state``)."""

    code: str  # "missing", "stale", "current" or "published"
    label: str  # 尚未生成, 需要重新生成, 已是最新, 已发布
    detail: str = ""  # what changed, in Chinese, for "stale"
    changed: tuple = ()  # the parts that changed (``INPUT_PARTS`` keys)

    @property
    def needs_generating(self):
        return self.code in ("missing", "stale")


MISSING = DraftState("missing", "尚未生成", "还没有脱敏稿。请在“脱敏审核”页确认疑似姓名后生成。")


def draft_state(case_file, study=None):
    """The state of ``case_file``'s draft (``study``: its ``draft_study()``, when the caller has
    it): 尚未生成 without a draft; 需要重新生成 when the case file changed since the draft was
    generated (or the generation recorded nothing, before this was kept); otherwise 已发布 when
    the case study is live with nothing unpublished, else 已是最新."""
    if study is None:
        study = case_file.draft_study()
    if study is None:
        return MISSING
    recorded = case_file.draft_inputs or {}
    if not recorded:
        return DraftState(
            "stale",
            "需要重新生成",
            "生成这份脱敏稿时没有记录依据，无法确认是否反映案卷现状。请重新生成。",
            tuple(INPUT_PARTS),
        )
    now = draft_inputs(case_file)
    changed = tuple(part for part in INPUT_PARTS if recorded.get(part) != now[part])
    if changed:
        parts = "、".join(INPUT_PARTS[part] for part in changed)
        also = "已发布的版本不受影响，重新生成后需再次送审。" if study.live else ""
        return DraftState(
            "stale",
            "需要重新生成",
            f"生成脱敏稿后，案卷的{parts}有变更。请重新生成脱敏稿。{also}",
            changed,
        )
    if study.live and not study.has_unpublished_changes:
        return DraftState("published", "已发布")
    return DraftState("current", "已是最新")
