"""Properties of the publication gate's folding: whatever way a case file's string is written
on the page, the gate still refuses it; ordinary text written in harmless variations still
passes.

The gate is asked as ``CaseStudyPage.publish`` asks it (``check_page``: a non-empty answer is a
refusal); the example tests in ``test_gate_evasion`` publish through the admin.
"""

import unicodedata

import opencc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casestudies.anonymization.surnames import surname_of
from casestudies.gate import INVISIBLE
from casestudies.models import CandidateDecision, CaseStudyPage
from casestudies.publication import check_page
from casestudies.review import forbidden_strings
from jingjian.core.chinese import fold, pinyin_forms
from tests.casestudies.test_case_files import RAW_ACCOUNT, make_case_file

pytestmark = pytest.mark.django_db

PROPERTY = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

INVISIBLE_CHARACTERS = [
    "\u200b",  # zero-width space
    "\u200c",  # zero-width non-joiner
    "\u200d",  # zero-width joiner
    "\u2060",  # word joiner
    "\ufeff",  # zero-width no-break space
    "\u00ad",  # soft hyphen
    "\u200e",  # left-to-right mark
    "\u202e",  # right-to-left override
    "\u180e",  # Mongolian vowel separator
    "\ufe0f",  # variation selector 16
    "\ufe00",  # variation selector 1
    "\U000e0100",  # variation selector 17 (ideographic variation sequences)
    "\u034f",  # combining grapheme joiner
    "\u0301",  # combining acute accent
    "\u0323",  # combining dot below
    "\u20dd",  # combining enclosing circle
]
# Zero of each digit script: ASCII, full width, Arabic-Indic, Extended Arabic-Indic,
# Devanagari, Bengali, Thai, mathematical bold, mathematical double-struck.
DIGIT_ZEROS = [0x30, 0xFF10, 0x660, 0x6F0, 0x966, 0x9E6, 0xE50, 0x1D7CE, 0x1D7D8]
CHINESE_NUMERALS = ["〇一二三四五六七八九", "零壹贰叁肆伍陆柒捌玖", "零壹貳參肆伍陸柒捌玖"]
ONE = ["一", "幺", "壹"]
SEPARATORS = ["", "", " ", "-", ".", "·", "—", "\u3000", "/", "*", "(", ")", "~", "+", ":", "#"]
# Marks a reader skips when put between the characters of a name (汪振·华, 汪振/华).
# Sentence marks (，、。) are left out: they end a word (同志，远离 is no 志远).
NAME_MARKS = ["·", "・", "•", ".", "/", "_", "＊", "\u2800", "-", "|", "…", "……", "____"]
# Characters Unicode counts as letters (or leaves unassigned) that a reader takes for a stroke or
# a mark: refused for themselves, and skipped inside a name.
LOOK_ALIKES = ["丨", "丶", "丿", "ー", "々", "〃", "\u2f00", "\u31d0", "\ue000", "\U000f0000"]
_S2T = opencc.OpenCC("s2t")


@pytest.fixture
def case_file(db):
    raw = (
        RAW_ACCOUNT
        + "办公室电话0571-87654321，身份证号330102198001011234，银行卡号6222021234567890。"
    )
    case_file = make_case_file(raw_account=raw)
    CandidateDecision.objects.create(case_file=case_file, text="张志强", decision="accepted")
    return case_file


def _is_number(string):
    return sum(c.isdigit() for c in string) >= 7


@st.composite
def disguised(draw, string):
    """``string`` as someone might write it on a page to get it past the gate."""
    number = _is_number(string)
    numerals = draw(st.sampled_from(CHINESE_NUMERALS)) if number else None
    out = []
    for index, ch in enumerate(string):
        if ch.isdigit():
            how = draw(st.sampled_from(["script", "numeral"] if number else ["script"]))
            if how == "numeral":
                ch = draw(st.sampled_from(ONE)) if ch == "1" else numerals[int(ch)]
            else:
                ch = chr(draw(st.sampled_from(DIGIT_ZEROS)) + int(ch))
            if index and number:
                out.append(draw(st.sampled_from(SEPARATORS)))
        elif draw(st.booleans()):
            ch = _S2T.convert(ch)  # traditional form, where there is one
        if index and not number and draw(st.integers(0, 4)) == 0:
            out.append(draw(st.sampled_from([" ", "\u3000", *NAME_MARKS, *LOOK_ALIKES])))
        out.append(ch)
        out.extend(draw(st.lists(st.sampled_from(INVISIBLE_CHARACTERS), max_size=2)))
    return "".join(out)


PREFIXES = ["", "据查，", "该局", "期间，", "经查明："]
SUFFIXES = ["", "推诿扯皮。", "等情况。", "，情节较重。"]


@given(data=st.data())
@PROPERTY
def test_a_case_file_string_written_any_way_is_refused(case_file, data):
    forbidden = [string for string, _reason in forbidden_strings(case_file)]
    string = data.draw(st.sampled_from(forbidden), label="forbidden")
    written = data.draw(disguised(string), label="written")
    text = data.draw(st.sampled_from(PREFIXES)) + written + data.draw(st.sampled_from(SUFFIXES))
    page = CaseStudyPage(title="某局原副局长王某推诿扯皮问题", slug="x", summary=text)
    page.source_case_file = case_file
    problems = check_page(page, case_file)
    # The refusal names the string, or the identifier inside it (证号330102… is named by its
    # identity number when the page writes 证号-330102…).
    named = [fold(p.text) for p in problems if p.kind != INVISIBLE]
    assert any(fold(string) in t or (len(t) >= 7 and t in fold(string)) for t in named), (
        text,
        problems,
    )
    # A combining accent on a Latin letter is a pinyin tone mark (guó), not a hidden character.
    hidden = [
        c
        for i, c in enumerate(written)
        if c in INVISIBLE_CHARACTERS
        and not (unicodedata.combining(c) and i and written[i - 1].isascii())
    ]
    if fold(written) != written.replace(" ", "").replace("\u3000", "") and hidden:
        assert any(p.kind == INVISIBLE for p in problems)


ORDINARY = [
    "三年来，",
    "该局",
    "第一次",
    "二〇二三年",
    "开展专项整治。",
    "某局原副局长王某",
    "推诿扯皮，",
    "收受购物卡2张，",
    "涉及资金5万元。",
    "2019.05.01-2021.03.31期间，",
    "1998.1-2003.12在某乡镇工作。",
    "举报电话0571-12388123。",
    "第十八条规定，",
    "一是提高认识，二是压实责任，",
    "拨打12388热线。",
    "共3人受到处理。",
    "于2024年5月",
    "某处",
    "某小区",
    "在“Smart City”项目中，",
    "采用 PPP 模式，",
    "Wang 女士反映，",
]


@st.composite
def harmless(draw):
    """Ordinary case-study prose, in a harmless variation: traditional characters, full-width
    forms, other digit scripts, spaces beside Chinese characters."""
    text = "".join(draw(st.lists(st.sampled_from(ORDINARY), min_size=1, max_size=12)))
    if draw(st.booleans()):
        text = _S2T.convert(text)
    out = []
    for ch in text:
        if ch.isascii() and ch.isprintable() and ch != " " and draw(st.integers(0, 3)) == 0:
            ch = chr(ord(ch) + 0xFEE0)  # full width
        elif ch.isdigit() and draw(st.integers(0, 3)) == 0:
            ch = chr(draw(st.sampled_from(DIGIT_ZEROS)) + int(ch))
        out.append(ch)
        if "\u4e00" <= ch <= "\u9fff" and draw(st.integers(0, 5)) == 0:
            out.append(draw(st.sampled_from([" ", "\u3000"])))
    return "".join(out)


@given(text=harmless())
@PROPERTY
def test_ordinary_text_in_harmless_variations_passes(case_file, text):
    page = CaseStudyPage(title="某局原副局长王某推诿扯皮问题", slug="x", summary=text)
    assert check_page(page, case_file) == [], text


@given(text=harmless(), invisible=st.lists(st.sampled_from(INVISIBLE_CHARACTERS), min_size=1))
@PROPERTY
def test_ordinary_text_fails_only_for_its_invisible_characters(case_file, text, invisible):
    """Invisible characters in clean text are refused for themselves (and only for them);
    stripped, the same text passes."""
    middle = len(text) // 2
    dirty = text[:middle] + "".join(invisible) + text[middle:]
    page = CaseStudyPage(title="某局原副局长王某推诿扯皮问题", slug="x", summary=dirty)
    problems = check_page(page, case_file)
    assert [p.kind for p in problems] == [INVISIBLE]
    page.summary = text
    assert check_page(page, case_file) == []


TONES = {"a": "āáǎà", "e": "ēéěè", "i": "īíǐì", "o": "ōóǒò", "u": "ūúǔù"}


@st.composite
def in_pinyin(draw, name):
    """The Han ``name`` (or part of it) in pinyin, as someone might type it: any case, tone marks,
    spaces, hyphens or dots between syllables, characters and pinyin mixed."""
    forms = pinyin_forms(name, surname_of(name))
    form = draw(st.sampled_from(forms))
    out = []
    for index, ch in enumerate(form):
        if ch in TONES and draw(st.integers(0, 3)) == 0:
            ch = draw(st.sampled_from(TONES[ch]))
        if ch.isascii() and draw(st.booleans()):
            ch = ch.upper()
        if index and draw(st.integers(0, 3)) == 0:
            out.append(draw(st.sampled_from([" ", "-", "·", ".", "'"])))
        out.append(ch)
    return "".join(out)


@given(data=st.data())
@PROPERTY
def test_a_name_of_the_case_file_in_pinyin_is_refused(case_file, data):
    names = [p.name for p in case_file.persons.all() if p.name_kind == "han"] + ["张志强"]
    name = data.draw(st.sampled_from(names), label="name")
    written = data.draw(in_pinyin(name), label="written")
    text = data.draw(st.sampled_from(PREFIXES)) + written + data.draw(st.sampled_from(SUFFIXES))
    page = CaseStudyPage(title="某局原副局长王某推诿扯皮问题", slug="x", summary=text)
    problems = check_page(page, case_file)
    assert any(name in p.reason or p.text == name for p in problems), (text, problems)


# Examples the properties found (kept as plain tests, so they run every time).


def test_a_pinyin_name_ending_in_an_enclosing_mark_is_refused(case_file):
    page = CaseStudyPage(
        title="某局原副局长王某推诿扯皮问题", slug="x", summary="j i a n guo\u20dd"
    )
    problems = check_page(page, case_file)
    assert any(fold(p.text) == "jianguo" for p in problems if p.kind != INVISIBLE), problems
    assert any(p.kind == INVISIBLE for p in problems)  # an enclosing circle composes no letter


def test_an_accent_on_a_full_width_letter_is_refused_for_itself(case_file):
    text = "在 “Ｓｍａｒｔ Ｃｉｔｙ”项 目 中，"
    middle = len(text) // 2
    page = CaseStudyPage(title="某局原副局长王某推诿扯皮问题", slug="x")
    page.summary = text[:middle] + "\u0301" + text[middle:]
    assert [p.kind for p in check_page(page, case_file)] == [INVISIBLE]
    page.summary = "José Martí 与 Nguyễn 的 guó 字"  # accents that make letters stay
    assert check_page(page, case_file) == []
