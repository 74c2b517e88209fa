"""What a case file forbids its case studies, and the reviewers' part in it.

A case file (案卷) names people, units and identifiers; ``forbidden_strings`` turns them into the
(string, reason) pairs the gate (``casestudies.gate``) refuses on a case study: each name and
given name, in pinyin too, each unit marked for replacement (with and without its place names),
the names reviewers confirmed, the names the tagger found that nobody has decided on yet
(``pending_candidates``), and the identifiers and addresses in the raw account.

``anonymize_text`` is a text as the case file's people, pseudonyms and units make it (the drafts
use it, ``casestudies.drafts``); ``record_decisions`` stores a reviewer's answers on candidates;
``pending_counts`` says how many wait, file by file, for the dashboard.
"""

import hashlib
import json
import re
from functools import lru_cache

from django.core.cache import cache
from django.db import transaction

from casestudies.anonymization import Options, Person, Unit, anonymize, number_pseudonyms
from casestudies.anonymization.anonymizer import _ADDRESSES as ADDRESS_PATTERNS
from casestudies.anonymization.anonymizer import IDENTIFIER_LABELS, _given_name
from casestudies.anonymization.surnames import surname_of
from casestudies.gate import (
    CASE_FILE_IDENTIFIER_RULES,
    IDENTIFIER_VALUE,
    NAME_DOTS,
    PINYIN,
)
from casestudies.models import CandidateDecision, CaseFile
from casestudies.models import CaseStudyPage as CaseStudyPageRow
from jingjian.core.chinese import fold, pinyin_forms, skeleton


def forbidden_strings(case_file):
    """(string, reason) pairs from ``case_file`` that may not appear in its case study."""
    found = []
    listed = [Person(p.name.strip(), p.name_kind) for p in case_file.persons.all() if p.name]
    for person in listed:
        found.append((person.name, "案卷人员姓名"))
        given = _given_name(person)
        if given:
            found.append((given, f"案卷人员“{person.name}”的名字"))
        if person.kind == "han":
            found += _pinyin(person.name, f"案卷人员“{person.name}”的姓名{PINYIN}")
            found += _pinyin(given, f"案卷人员“{person.name}”的名字{PINYIN}", surname=False)
        # 阿依古丽·买买提: each part of a transliterated name names the person too.
        parts = [part for part in NAME_DOTS.split(person.name) if len(part.strip()) >= 2]
        if len(parts) > 1:
            found += [(part, f"案卷人员“{person.name}”的名字") for part in parts]
    for unit in case_file.units.all():
        if unit.replace:
            found.append((unit.name, "案卷涉及单位（应替换）"))
            # 鉴湖区住房和城乡建设局 is still that bureau as 住房和城乡建设局 in a case of the district.
            found += [
                (local, f"案卷涉及单位“{unit.name}”（去掉地名）")
                for local in _without_region(unit.name)
            ]
    for decision in case_file.candidate_decisions.filter(decision="accepted"):
        found.append((decision.text, "已确认的姓名"))
        found += _pinyin(decision.text, f"已确认的姓名“{decision.text}”的{PINYIN}")
    for candidate in pending_candidates(case_file):
        found.append((candidate.text, "未审核的疑似姓名"))
        found += _pinyin(candidate.text, f"未审核的疑似姓名“{candidate.text}”的{PINYIN}")
    texts = [case_file.raw_account, case_file.title]
    texts += [f"{p.post} {p.unit}" for p in case_file.persons.all()]
    for text in texts:
        folded = fold(text)  # 解放路118 号 and 138-1234-5678 in the case file are found too
        for rule, pattern in CASE_FILE_IDENTIFIER_RULES:
            for match in pattern.finditer(folded):
                reason = f"案卷中的{IDENTIFIER_LABELS[rule]}"
                found.append((match.group(), reason))
                # The handle or number itself, whatever label the page puts before it
                # (微信号fangjm_2019 is also V信fangjm_2019, 联系方式：fangjm_2019).
                values = IDENTIFIER_VALUE.findall(match.group())
                if values:
                    found.append((max(values, key=len), reason))
        for _rule, pattern, _replacement in ADDRESS_PATTERNS:
            for match in pattern.finditer(folded):
                found.append((match.group(), "案卷中的具体地址"))
    unique = {}
    for string, reason in found:
        if skeleton(string).strip():
            unique.setdefault(string.strip(), reason)
    return list(unique.items())


# The place names a unit's name starts with: a district, county or city of two or three
# characters (鉴湖区, 临川市), then perhaps a street or town (长桥街道, 城关镇). Only at the start,
# so 工业园区, 社区 and 城市 inside the name are never taken for places.
_DISTRICT = re.compile(r"^[\u4e00-\u9fff]{2,3}(?:省|自治区|市|自治州|地区|盟|县|区|旗)")


_TOWN = re.compile(r"^[\u4e00-\u9fff]{2,3}(?:街道|镇|乡)")


# Shorter than this, what is left is a name many units share (人民检察院, 财政局).
_LOCAL_UNIT_MIN = 6


def _without_region(name):
    """``name`` without the place names it starts with, when what is left names the unit
    (鉴湖区住房和城乡建设局 → 住房和城乡建设局); [] when nothing is left to forbid."""
    forms, rest = [], name.strip()
    for place in (_DISTRICT, _TOWN):
        match = place.match(rest)
        if not match:
            break
        rest = rest[match.end() :]
        if len(rest) >= _LOCAL_UNIT_MIN:
            forms.append(rest)
    return forms


def _pinyin(name, reason, surname=True):
    """(form, reason) for each way of writing the Han name ``name`` with pinyin (Wang Zhenhua,
    汪Zhenhua, wang振华; ``chinese.pinyin_forms``)."""

    if not name:
        return []
    return [(form, reason) for form in pinyin_forms(name, surname_of(name) if surname else "")]


def case_file_of(page):
    """The case file a case study was made from: the one its database row records (copies
    keep it), else the one the page in hand names."""
    found = case_files_of(page)
    return found[0] if found else None


def case_files_of(page):
    """Every case file the gate checks ``page`` against: the one its database row records and
    the one the page in hand (a revision, an unsaved copy) names, when they differ."""
    ids = []
    if page.pk:
        ids += CaseStudyPageRow.objects.filter(pk=page.pk).values_list(
            "source_case_file_id", flat=True
        )
    ids.append(getattr(page, "source_case_file_id", None))
    ids = [pk for pk in dict.fromkeys(ids) if pk]
    by_id = CaseFile.objects.in_bulk(ids)
    return [by_id[pk] for pk in ids if pk in by_id]


DRAFT_OPTIONS = Options(replace_unlisted=False)


class DraftError(Exception):
    """The case file lacks what a case study needs; the message says what to fill in."""


def persons_of(case_file):
    """Listed persons plus the names reviewers confirmed, as anonymizer ``Person``s."""
    persons = [Person(p.name.strip(), p.name_kind) for p in case_file.persons.all() if p.name]
    listed = {p.name for p in persons}
    for decision in case_file.candidate_decisions.all():
        if decision.decision == "accepted" and decision.text not in listed:
            persons.append(Person(decision.text))
    return persons


def units_of(case_file):
    return [Unit(u.name.strip(), u.kind.strip()) for u in case_file.units.all() if u.replace]


def _decided(case_file):
    return {d.text for d in case_file.candidate_decisions.all()}


def pseudonyms_of(case_file, persons=None):
    """The one pseudonym of each person of ``case_file`` (``{name: pseudonym}``), used in every
    field of its draft: people who share a surname are numbered by first appearance in the raw
    account, then in the title, then in the order they are listed. ``persons``: the case
    file's ``persons_of``, when the caller has them already."""
    if persons is None:
        persons = persons_of(case_file)
    return number_pseudonyms(persons, [case_file.raw_account, case_file.title])


@lru_cache(maxsize=64)
def _anonymize_cached(text, persons, units, pseudonyms):
    return anonymize(text, persons, units, DRAFT_OPTIONS, pseudonyms=dict(pseudonyms))


def anonymize_text(case_file, text):
    """``text`` anonymized with ``case_file``'s people, pseudonyms and units; candidates already
    decided are dropped."""
    persons = persons_of(case_file)
    pseudonyms = pseudonyms_of(case_file, persons)
    result = _anonymize_cached(
        text or "", tuple(persons), tuple(units_of(case_file)), tuple(pseudonyms.items())
    )
    decided = _decided(case_file)
    result = type(result)(
        text=result.text,
        replacements=result.replacements,
        candidates=[c for c in result.candidates if c.text not in decided],
    )
    return result


def pending_candidates(case_file):
    """Names found in the raw account and title that no reviewer has decided on yet."""
    seen = {}
    for text in (case_file.title, case_file.raw_account):
        for candidate in anonymize_text(case_file, text).candidates:
            seen.setdefault(candidate.text, candidate)
    return list(seen.values())


# How long a count of pending candidates is kept (``pending_counts``). It is keyed by what it is
# counted from, so an edit to the case file shows at once; a new version of the tagger (an
# upgrade) shows within this time.
PENDING_CACHE_SECONDS = 24 * 60 * 60


def _pending_key(case_file):
    """A cache key of everything ``pending_candidates`` reads (a digest: no text of the file)."""
    inputs = [
        case_file.title,
        case_file.raw_account,
        [[p.name.strip(), p.name_kind] for p in case_file.persons.all()],
        [[u.name.strip(), u.kind.strip(), u.replace] for u in case_file.units.all()],
        sorted([d.text, d.decision] for d in case_file.candidate_decisions.all()),
    ]
    raw = json.dumps(inputs, ensure_ascii=False, sort_keys=True)
    return "jingjian:pending-candidates:" + hashlib.sha256(raw.encode()).hexdigest()


def pending_counts(case_files):
    """{case file id: how many candidates wait for a decision}, for a list of case files with
    their persons, units and decisions prefetched (``drafts.with_draft_inputs``): the tagger
    runs only for files whose text, people, units or decisions changed since it last counted
    them (the counts are kept in Django's cache, a number under a digest)."""
    keys = {case_file.pk: _pending_key(case_file) for case_file in case_files}
    known = cache.get_many(list(keys.values()))
    counts, found = {}, {}
    for case_file in case_files:
        key = keys[case_file.pk]
        if key not in known:
            found[key] = len(pending_candidates(case_file))
        counts[case_file.pk] = known.get(key, found.get(key))
    if found:
        cache.set_many(found, PENDING_CACHE_SECONDS)
    return counts


def record_decisions(case_file, decisions, user=None):
    """Store a reviewer's answers ({candidate text: "accepted" | "rejected"}); blank answers
    are skipped. Raises ``DraftError`` (nothing stored) for a string that is not a candidate of
    this case file or an unknown answer. Returns the answers stored."""
    known = {c.text for c in pending_candidates(case_file)}
    known |= {d.text for d in case_file.candidate_decisions.all()}
    chosen = {}
    for text, value in decisions.items():
        if text not in known or value not in (
            CandidateDecision.ACCEPTED,
            CandidateDecision.REJECTED,
            "",
        ):
            raise DraftError(f"“{text}”不是本案卷的疑似姓名，未保存。请刷新页面后重试。")
        if value:
            chosen[text] = value
    with transaction.atomic():
        for text, value in chosen.items():
            CandidateDecision.objects.update_or_create(
                case_file=case_file, text=text, defaults={"decision": value, "decided_by": user}
            )
    return chosen
