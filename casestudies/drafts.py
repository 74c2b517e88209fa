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
"""

from django.db import transaction
from django.utils import timezone

from casestudies.lessons import LESSONS_PROMPT
from casestudies.models import CaseIndexPage, CaseStudyPage, Handling
from casestudies.review import DraftError, anonymize_text, pseudonyms_of
from jingjian.core.blocks import plain_text_to_stream
from jingjian.core.validators import SUMMARY_MAX_LENGTH

__all__ = ["DraftError", "draft_fields", "generate_draft"]


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
        raise DraftError(f"生成脱敏稿前请先在案卷中填写:{'、'.join(missing)}。")
    if not case_file.raw_account.strip():
        raise DraftError("原始案情为空,无法生成脱敏稿。请先填写原始案情。")

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

    An existing case study gets a new draft revision (its live version is untouched); a new one
    is created unpublished under the case index.
    """

    fields = draft_fields(case_file)
    handlings = fields.pop("handlings")
    problem_types = fields.pop("problem_types")
    draft = case_file.draft_study()
    created = draft is None
    if created:
        index = CaseIndexPage.objects.first()
        if index is None:
            raise DraftError("站点中没有“警示案例”栏目,无法创建脱敏稿。请先建立栏目。")
        page = CaseStudyPage(live=False, lessons=LESSONS_PROMPT, **fields)
        page.handlings = [Handling(**h) for h in handlings]
        page.problem_types = problem_types
        index.add_child(instance=page)
        case_file.save(update_fields=["updated_at"])
    else:
        page = draft.get_latest_revision_as_object()
        for name, value in fields.items():
            setattr(page, name, value)
        page.handlings = [Handling(**h) for h in handlings]
        page.problem_types = problem_types
        if not page.lessons.strip():
            page.lessons = LESSONS_PROMPT
    page.save_revision(user=user, log_action=True)
    case_file.updated_at = timezone.now()
    return page, created
