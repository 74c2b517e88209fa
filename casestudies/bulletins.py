"""The rules of a bulletin (通报), decided once and asked by every path.

- What may be in it (``problems_of``, ``enforce``: the admin form, every save that changes the
  items, every publish): live case studies only, each once; never a case study whose readers
  are fewer than the bulletin's (the bulletin's audience must lie within each item's,
  ``visibility.audience_within``). In a bulletin meant for publication (公开发布): only public
  case studies the anonymization gate passes (``casestudies.publication.check_page``, the
  gate's own question), only in a bulletin every official may read (``announces``), and its
  own words asked the gate too (``own_texts``; at the form and every publish). A refusal names
  only the items its reader may see (``BulletinRefused.message_for``).
- What a reader gets (``shown_items``: the web page, the print view, the .docx): the items whose
  case study that reader may see (``visibility.can_see_page``), again, whatever was saved.
- What issuing marks (``issue``, after a publish): for a bulletin that ``announces`` (meant for
  publication, readable by every official), each case study, its case file and the file's units
  become “已公开通报”, and the statistics follow. Taking the bulletin down does not undo it: what
  was announced stays announced.
- Who sees it in the admin (``hidden_in_admin``, asked by ``jingjian.core.admin_access``):
  never someone who may not see one of its items (its edit form would show the item's title).

Only the case studies' anonymized text ever reaches a bulletin; the case file is read only for
its id, to mark it.
"""

import re

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.html import strip_tags
from wagtail.models import Page, Revision

from casestudies.gate import find_problems
from casestudies.models import BulletinItem, BulletinPage, CaseFile, CaseFileUnit, CaseStudyPage
from casestudies.publication import check_page
from casestudies.review import case_files_of, forbidden_strings
from jingjian.core import page_cache, visibility

NUMERALS = "一二三四五六七八九十"
UNSEEN_ITEM = "（您无权查看的案例）"
NOT_ANNOUNCED = (
    "公开发布的通报应让全体干部都能看到，本通报却设有限定查看范围。"
    "请取消“公开发布”，或在“隐私”中取消本通报的限定范围。"
)


def chinese_ordinal(number):
    """1 → 一, 12 → 十二, 20 → 二十, 35 → 三十五 (an item's number, 一、二、…)."""
    if number <= 10:
        return NUMERALS[number - 1]
    tens, ones = divmod(number, 10)
    head = "" if tens == 1 else NUMERALS[tens - 1]
    return head + "十" + (NUMERALS[ones - 1] if ones else "")


def announces(bulletin, roots=None):
    """Whether publishing ``bulletin`` announces its cases (names them “已公开通报”): it is meant
    for publication and every signed-in official may read it (no group or password restriction
    covers it). A bulletin only some may read announces nothing, or the statistics would show
    everyone else the exact small numbers of matters never announced to them."""
    return bulletin.for_publication and _open_to_officials(bulletin, roots)


# What a bulletin's writers type themselves, as the document prints it.
OWN_FIELDS = (
    ("title", "标题"),
    ("recipients", "主送"),
    ("preamble", "导语"),
    ("exhortation", "以案为鉴"),
    ("issuer", "落款"),
)


def own_texts(values, headings):
    """(location, text) of a bulletin's own words: ``values`` maps ``OWN_FIELDS`` to their text
    (a bulletin, or a form's cleaned data), ``headings`` the items' subject lines in order."""
    read = values.get if isinstance(values, dict) else lambda name: getattr(values, name, "")
    texts = [(label, read(name) or "") for name, label in OWN_FIELDS]
    texts += [(f"第{n}条的标题", heading or "") for n, heading in enumerate(headings, start=1)]
    return texts


def _own_text_problems(texts, studies):
    """The gate's question about a bulletin's own words, against the case files of its items:
    a subject line or a preamble naming a person of a case file is as public as the case study.
    The refusal says where, never what (the case file is 纪检监察's)."""
    case_files = {c.pk: c for study in studies for c in case_files_of(study)}
    forbidden = list(dict.fromkeys(f for c in case_files.values() for f in forbidden_strings(c)))
    found = find_problems(texts, forbidden)
    locations = list(dict.fromkeys(problem.location for problem in found))
    return [
        f"通报的“{location}”未通过脱敏检查：写有所收案例案卷中的人名、单位或号码，"
        "或含有异常字符。公开发布的通报不能出现这些内容，请改写后再保存，或取消“公开发布”。"
        for location in locations
    ]


def _public(page, roots=None):
    """Whether ``page`` is public: what a bulletin meant for publication may carry (its .docx
    is what goes out)."""
    return visibility.visibility_of(page, roots) == visibility.Visibility.PUBLIC


def _open_to_officials(page, roots=None):
    return visibility.visibility_of(page, roots) != visibility.Visibility.RESTRICTED


def problems_of(bulletin, studies, for_publication, parent=None, user=None, texts=None):
    """Every reason ``studies`` (case studies, in order) may not stand in ``bulletin``, as
    Chinese sentences naming the item. ``parent``: where a bulletin not yet saved will be.
    ``user``: who reads the sentences; an item they may not see is named by its number only.
    ``texts``: the bulletin's own words (``own_texts``) when they are not yet on ``bulletin``
    (a form being cleaned)."""
    problems = []
    placed = bulletin if bulletin.path else parent
    roots = visibility.restriction_roots()
    if for_publication and placed is not None and not _open_to_officials(placed, roots):
        problems.append(NOT_ANNOUNCED)
    seen = set()
    for number, study in enumerate(studies, start=1):
        study = study.specific if not isinstance(study, CaseStudyPage) else study
        shown = user is None or visibility.can_see_page(study, user, roots)
        name = f"第{number}条“{study.title}”" if shown else f"第{number}条{UNSEEN_ITEM}"
        if study.pk in seen:
            problems.append(f"{name}重复收录，请删去其中一条。")
            continue
        seen.add(study.pk)
        if not study.live:
            problems.append(f"{name}尚未发布，请先发布该案例再收入通报。")
            continue
        if placed is not None and not visibility.audience_within(placed, study, roots):
            problems.append(
                f"{name}的可见范围比本通报窄，看得到通报的人未必看得到该案例。"
                "请把通报放在同样受限的位置，或删去该案例。"
            )
        if for_publication and not _public(study, roots):
            problems.append(
                f"{name}不是公开的案例，公开发布的通报只能收录公开的案例，否则内网的内容会随通报公开。"
                "请删去该案例，或取消“公开发布”。"
            )
        elif for_publication and check_page(study):
            problems.append(
                f"{name}未通过脱敏检查，公开发布的通报不能收录。"
                "请先在案例中处理脱敏问题，或取消“公开发布”。"
            )
    if for_publication:
        if texts is None:
            headings = [item.heading for item in bulletin.items.all() if item.case_study_id]
            texts = own_texts(bulletin, headings)
        live = [s for s in studies if getattr(s, "pk", None)]
        problems += _own_text_problems(texts, live)
    return problems


def studies_of(bulletin):
    return [item.case_study for item in bulletin.items.all() if item.case_study_id]


class BulletinRefused(ValidationError):
    """A bulletin refused by a rule (``enforce``). Its messages name every item, for logs and
    for 纪检监察; ``message_for(user)`` is what to show a person (the workflow's approve button
    raises it, ``casestudies.middleware`` shows it)."""

    def __init__(self, bulletin, studies, problems):
        self.bulletin, self.studies = bulletin, studies
        super().__init__(problems)

    def message_for(self, user):
        problems = problems_of(
            self.bulletin, self.studies, self.bulletin.for_publication, user=user
        )
        return "".join(problems or self.messages)


def enforce(bulletin):
    """Refuse (``BulletinRefused``) a bulletin whose items break a rule."""
    studies = studies_of(bulletin)
    problems = problems_of(bulletin, studies, bulletin.for_publication)
    if problems:
        raise BulletinRefused(bulletin, studies, problems)


def items_changed(bulletin):
    """Whether saving ``bulletin`` changes what it holds (its items or 公开发布) from what is
    stored. Unpublishing, locking, moving or retitling a bulletin changes neither, and is never
    refused for an item restricted or taken down since it was issued (the outputs leave such an
    item out for every reader)."""
    if not bulletin.pk:
        return True
    stored = BulletinPage.objects.filter(pk=bulletin.pk).values_list("for_publication", flat=True)
    if list(stored) != [bulletin.for_publication]:
        return True
    held = BulletinItem.objects.filter(page_id=bulletin.pk).values_list("case_study_id", flat=True)
    now = [item.case_study_id for item in bulletin.items.all()]
    return sorted(held, key=str) != sorted(now, key=str)


def shown_items(bulletin, user):
    """The items ``user`` gets, in order: each whose case study is live and visible to them
    (and, in a bulletin meant for publication, still public and passing the gate), numbered
    (一、二、…) with its facts (``paragraphs``) and handling (``handled``) as plain text."""
    roots = visibility.restriction_roots()
    shown = []
    for item in bulletin.items.all():
        if not item.case_study_id:
            continue
        study = CaseStudyPage.objects.live().filter(pk=item.case_study_id).first()
        if study is None or not visibility.can_see_page(study, user, roots):
            continue
        if bulletin.for_publication and (not _public(study, roots) or check_page(study)):
            continue
        item.case_study = study
        shown.append(item)
    for number, item in enumerate(shown, start=1):
        item.number = chinese_ordinal(number)
        item.paragraphs = fact_paragraphs(item.case_study)
        item.handled = handling_sentence(item.case_study)
    return shown


def listed_bulletins(index, user):
    """The live bulletins under ``index`` that ``user`` may see, newest first."""
    bulletins = BulletinPage.objects.child_of(index).live()
    return visibility.visible_pages(bulletins, user).order_by("-date_issued", "-pk")


def fact_paragraphs(study):
    """The case study's 基本案情 as plain paragraphs (text blocks only: no pictures or video)."""
    paragraphs = []
    for block in study.facts:
        if block.block_type == "paragraph":
            html = block.value.source
            for part in re.split(r"</p>|<br\s*/?>|</li>", html):
                text = strip_tags(part).strip()
                if text:
                    paragraphs.append(text)
        elif block.block_type == "heading":
            paragraphs.append(str(block.value).strip())
        elif block.block_type == "quote":
            paragraphs.append(str(block.value["text"]).strip())
    return [p for p in paragraphs if p]


def handling_sentence(study):
    """“王某受到党纪严重警告、政务记过处分。” for each person handled, in one paragraph."""
    parts = []
    for handling in study.handlings.all():
        outcome = handling.outcome()
        if outcome:
            parts.append(f"{handling.pseudonym}受到{outcome}")
        else:
            parts.append(f"{handling.pseudonym}受到{handling.get_discipline_form_display()}处理")
    return "；".join(parts) + "。" if parts else ""


@transaction.atomic
def issue(bulletin):
    """Mark what a published bulletin meant for publication names (``已公开通报``).

    Written with ``update``: the mark is no input of the gate, so saving case files (which
    re-runs it) is not needed. A case study's latest and live revisions carry the mark too,
    so publishing the study again keeps it."""
    if not announces(bulletin):
        return
    study_ids = [study.pk for study in studies_of(bulletin)]
    studies = CaseStudyPage.objects.filter(pk__in=study_ids)
    studies.update(named_in_bulletin=True)
    revision_ids = set()
    for latest, live in studies.values_list("latest_revision_id", "live_revision_id"):
        revision_ids.update(r for r in (latest, live) if r)
    for revision in Revision.objects.filter(pk__in=revision_ids):
        if not revision.content.get("named_in_bulletin"):
            revision.content["named_in_bulletin"] = True
            revision.save(update_fields=["content"])
    file_ids = set(
        studies.exclude(source_case_file=None).values_list("source_case_file", flat=True)
    )
    # An ``update()`` sends no signal: the register's triggers mark the months these rows count
    # in and move its version, which keys the statistics' cache (``statistics.summary``).
    CaseFile.objects.filter(pk__in=file_ids).update(
        named_in_bulletin=True, updated_at=timezone.now()
    )
    CaseFileUnit.objects.filter(case_file__in=file_ids).update(named_in_bulletin=True)
    page_cache.purge_on_commit()


def _item_ids(revision_content):
    ids = set()
    for item in (revision_content or {}).get("items", []):
        if isinstance(item, dict) and str(item.get("case_study") or "").isdigit():
            ids.add(int(item["case_study"]))
    return ids


def hidden_in_admin(user):
    """For ``jingjian.core.admin_access``: bulletins (a ``Q`` over pages) hidden from ``user``
    in the admin: those naming, live or in any revision, a case study ``user`` may not see.
    Their edit form's 通报案例 chooser, the picker and the revisions' comparison would show its
    title. (Only 纪检监察 save bulletins, ``BulletinPageForm``; others may still open, choose and
    take down those they may read in full.) One query while there are no bulletins."""
    bulletins = list(BulletinPage.objects.values_list("pk", flat=True))
    if not bulletins:
        return None
    unseen_q = visibility.hidden_q(user)
    if unseen_q is None:
        return None
    items = {pk: set() for pk in bulletins}
    for page_id, study_id in BulletinItem.objects.filter(case_study__isnull=False).values_list(
        "page_id", "case_study_id"
    ):
        items.setdefault(page_id, set()).add(study_id)
    revisions = Revision.objects.filter(
        base_content_type=ContentType.objects.get_for_model(Page),
        object_id__in=[str(pk) for pk in bulletins],
    )
    for object_id, content in revisions.values_list("object_id", "content"):
        if str(object_id).isdigit() and int(object_id) in items:
            items[int(object_id)] |= _item_ids(content)
    named = set().union(*items.values())
    unseen = set(Page.objects.filter(unseen_q, pk__in=named).values_list("pk", flat=True))
    hidden = {pk for pk, ids in items.items() if ids & unseen}
    return Q(pk__in=hidden) if hidden else None
