"""The publication gate: no case study leaves with a name or identifier from its case file.

This module is pure: texts in, problems out. ``find_problems(texts, forbidden)`` lists every
problem in the (location, text) pairs a reader of a case study meets (``casestudies.page_texts``)
given the (string, reason) pairs its case file forbids (``casestudies.review``): a person's name
or given name (also in pinyin), a unit to be replaced, an address below county level, a name a
reviewer confirmed, a name the tagger found that nobody has reviewed yet, or a personal
identifier (identity card, phone, bank account, licence plate, e-mail, QQ/WeChat, certificate
number), whoever wrote it. ``casestudies.publication`` asks it (``check_page``, ``enforce``)
when a case study is published, when its review would enter the final step, and whenever one
of its inputs changes.

Every comparison folds both sides with ``jingjian.core.chinese.fold``: 孙\u200b立平 is 孙立平,
王建國 is 王建国, 幺三八-一二三四-五六七八 is 13812345678, 解放路118 号 is 解放路118号. Invisible
characters (format characters, variation selectors, stray combining marks) are refused outright.

Who reads a refusal decides what it says (``message``): 纪检监察 (and superusers) get the full
explanation, naming the case file's strings; everyone else gets only the strings as they are on
the page and where, never a reason taken from the case file.
"""

import re
from dataclasses import dataclass

from casestudies.anonymization.anonymizer import IDENTIFIER_LABELS, IDENTIFIER_RULES
from jingjian.core.chinese import (
    fold_with_offsets,
    is_invisible,
    skeleton,
    skeleton_with_offsets,
    unusual_characters,
    unusual_name,
)
from jingjian.core.groups import in_discipline_group

# A published hotline (举报电话 0571-…) is public; the other identifiers never are. The rules read
# folded text (lower case: the plate and QQ rules ignore case).
PAGE_IDENTIFIER_RULES = [
    (rule, re.compile(pattern, re.IGNORECASE))
    for rule, pattern in IDENTIFIER_RULES
    if rule != "landline"
]
CASE_FILE_IDENTIFIER_RULES = [
    (rule, re.compile(pattern, re.IGNORECASE)) for rule, pattern in IDENTIFIER_RULES
]


# The dots written inside transliterated names (间隔号 and the look-alikes input methods type).
NAME_DOTS = re.compile(r"[·・•.‧∙⋅･\u00b7\u2027\u30fb]")
# The handle or number inside an identifier the case file gives with a label.
IDENTIFIER_VALUE = re.compile(r"[a-z0-9][-_a-z0-9.@]{4,}", re.IGNORECASE)

CASE_FILE = "case_file"  # a string of the case file (its reason names the case file's contents)
IDENTIFIER = "identifier"  # a personal identifier, refused on every case study
INVISIBLE = "invisible"  # an invisible character


@dataclass(frozen=True)
class Problem:
    location: str  # where on the page, e.g. “基本案情第2段”
    text: str  # the offending string as the case file or the rule knows it
    reason: str  # what it is, e.g. “案卷人员姓名”
    found: str = ""  # the string as it is on the page (王建國, 孙\u200b立平)
    kind: str = CASE_FILE

    @property
    def on_page(self):
        return self.found or self.text

    def explained(self):
        """For 纪检监察: what the string is in the case file."""
        if self.kind == INVISIBLE:
            return self.shown()
        if self.on_page != self.text:
            return f"“{self.on_page}”（即“{self.text}”，{self.reason}）出现在“{self.location}”"
        return f"“{self.text}”（{self.reason}）出现在“{self.location}”"

    def shown(self):
        """For everyone else: the page's own characters and where they are; a reason only where
        it does not come from the case file."""
        if self.kind == INVISIBLE:
            where = f"“{self.found}”之后" if self.found else "开头"
            if self.reason.startswith("不可见字符"):
                return f"“{self.location}”{where}有{self.reason}，请删除该处的不可见字符"
            return f"“{self.location}”{where}有{self.reason}，请删除该字符或改用常用的汉字和标点"
        if self.kind == IDENTIFIER:
            return f"“{self.on_page}”（{self.reason}）出现在“{self.location}”"
        return f"“{self.on_page}”出现在“{self.location}”"

    def __str__(self):
        return self.shown()


# What a failing case study may not do: be published or enter its final step, or be handed to
# reviewers outside 纪检监察 (who never see a draft the gate fails: they could not review it).
PUBLISHING = "不能发布或进入终审"
HANDING_OVER = "不能交给纪检监察以外的人员审核"


class AnonymizationGateError(Exception):
    """Raised when a case study that fails the gate is about to be published or approved.

    ``str()`` is the message for anyone (no case-file contents); ``message_for(user)`` the one
    for the user who will read it."""

    def __init__(self, page, problems, refused=PUBLISHING):
        self.page = page
        self.problems = problems
        self.refused = refused
        super().__init__(message(problems, refused=refused))

    def message_for(self, user):
        return message_for(self.problems, user, refused=self.refused)


def sees_case_files(user):
    """Whether ``user`` may read the full explanation (the case file's strings)."""
    return in_discipline_group(user)


def message_for(problems, user, refused=None):
    return message(problems, explain=sees_case_files(user), refused=refused or PUBLISHING)


def message(problems, limit=8, explain=False, refused=None):
    """The refusal: with ``explain`` the full explanation (for 纪检监察), otherwise only what is
    on the page and where. ``refused`` says what was refused (``PUBLISHING`` or
    ``HANDING_OVER``)."""
    if explain:
        parts = [p.explained() for p in problems]
        hint = "疑似姓名请在案卷的“脱敏审核”页逐一确认后再提交。"
    else:
        # One entry per string and place; where a rule names it (手机号码), say so.
        chosen = {}
        for problem in problems:
            key = (problem.on_page, problem.location, problem.kind == INVISIBLE)
            if key not in chosen or (problem.kind == IDENTIFIER != chosen[key].kind):
                chosen[key] = problem
        parts = [p.shown() for p in chosen.values()]
        hint = "如有疑问，请联系纪检监察室。"
    shown = "；".join(dict.fromkeys(parts[:limit]))
    more = f"等 {len(parts)} 处" if len(parts) > limit else ""
    return f"脱敏检查未通过，{refused or PUBLISHING}：{shown}{more}。请修改上述内容；{hint}"


# --- what may not appear -----------------------------------------------------------------------


PINYIN = "拼音"


# Between two digits of a number from the case file, on the page: any few marks that are neither
# letters nor digits (、 ; , and the like, which ``fold`` keeps as list marks), or 转.
_BETWEEN_DIGITS = r"(?:[^0-9a-z\u3400-\u9fff]{1,4}|转)?"


def _key_pattern(string, reason=""):
    """What finds ``string`` in a page's skeleton (``chinese.skeleton``: folded, without marks
    between Chinese characters): its skeleton; a number only as a whole number (13812345678 is
    not inside 913812345678), grouped by thousands or not (13,812,345,678) and split by 转; a
    name in pinyin only as a whole word (liming is not inside climbing)."""
    key = skeleton(string)
    pinyin = PINYIN in reason

    def after(i, ch):
        if ch.isdigit() and key[i + 1 : i + 2].isdigit():
            return _BETWEEN_DIGITS  # 6222、0212、3456、7890 and 138;1234;5678 too
        if pinyin and ch.isascii() and ch.isalpha():
            return "[1-5]?"  # tone numbers: Wang2 Jian4guo2
        return ""

    pattern = "".join(re.escape(ch) + after(i, ch) for i, ch in enumerate(key))
    if key[:1].isdigit():
        pattern = rf"(?<![0-9]){pattern}"
    if key[-1:].isdigit():
        pattern = rf"{pattern}(?![0-9])"
    # A pinyin name must stand as a word: checked on the match (``_whole_word``), since the
    # skeleton has dropped the marks that end words in www.wangjianguo.com or a_wangjianguo.
    return re.compile(pattern)


def _whole_word(text, skeletal, spans, start, end, given_name=False):
    """Whether the letters ``skeletal[start:end]`` stand as a word: no Latin letter next to them,
    or a boundary in ``text`` between: a mark the skeleton dropped (www.wangjianguo.com,
    a_wangjianguo), a change from a small to a capital letter (myWangJianguo,
    WangJianguoOfficial), or a letter that is not ASCII on the page (WangJianguo™). A space is
    a boundary for a whole name (Director Wang Jianguo) but not for a given name alone, which
    may be the start of a longer name (Jianguo Road)."""

    def apart(outside, left, right):
        if not (skeletal[outside].isascii() and skeletal[outside].isalpha()):
            return True
        written = text[spans[outside][0] : spans[outside][1]]
        if not (written.isascii() and written.isalpha()):
            return True
        between = text[spans[left][1] : spans[right][0]]
        if between.strip() or (between and not given_name):
            return True
        before = text[spans[left][1] - 1] if spans[left][1] else ""
        after = text[spans[right][0]] if spans[right][0] < len(text) else ""
        return not between and before.islower() and after.isupper()

    return (start == 0 or apart(start - 1, start - 1, start)) and (
        end == len(skeletal) or apart(end, end - 1, end)
    )


def _invisible_problem(location, text):
    """One problem for the unusual characters of one text (``chinese.unusual_characters``:
    invisible ones, look-alike strokes and radicals, private-use code points): the first, how
    many, and the ordinary characters before it (to find it by)."""
    found = unusual_characters(text)
    if not found:
        return None
    index, ch = found[0]
    unusual = {i for i, _ in found}
    before = "".join(c for i, c in enumerate(text[:index]) if i not in unusual)[-6:]
    count = f"，共 {len(found)} 个" if len(found) > 1 else ""
    noun = "不可见字符" if is_invisible(ch) else "异常字符"
    return Problem(
        location,
        f"U+{ord(ch):04X}",
        f"{noun}（{unusual_name(ch)} U+{ord(ch):04X}{count}）",
        found=before.strip(),
        kind=INVISIBLE,
    )


def find_problems(texts, forbidden):
    """Every problem in ``texts`` ((location, text) in the order a reader meets them), given the
    ``forbidden`` (string, reason) pairs of a case file (``review.forbidden_strings``), in text
    order. Pure: nothing is read but what is passed in."""
    keys = [(string, _key_pattern(string, reason), reason) for string, reason in forbidden]
    problems = []
    shown = []  # (location, skeleton) of the texts a reader reads one after another
    for location, text in texts:
        if not text:
            continue
        text = str(text)
        folded, spans = fold_with_offsets(text)
        skeletal, skeletal_spans = skeleton_with_offsets(folded, spans)

        def on_page(match, text=text, spans=spans):
            return text[spans[match.start()][0] : spans[match.end() - 1][1]]

        if location not in NOT_SHOWN_IN_ORDER:
            shown.append((location, skeletal))
        matches = [
            (
                match.span(),
                Problem(location, string, reason, found=on_page(match, spans=skeletal_spans)),
            )
            for string, key, reason in keys
            for match in key.finditer(skeletal)
            if not (reason.endswith(GIVEN_NAME) and _ordinary_word(skeletal, *match.span()))
            and (
                PINYIN not in reason
                or _whole_word(
                    text, skeletal, skeletal_spans, *match.span(), given_name=GIVEN_NAME in reason
                )
            )
        ]
        # 建国 inside 王建国 is the same mistake: report the longer string only.
        problems += [
            problem
            for (start, end), problem in matches
            if not any(s <= start and end <= e and (s, e) != (start, end) for (s, e), _ in matches)
        ]
        taken = []  # an identity card number is not also reported as a bank account
        for rule, pattern in PAGE_IDENTIFIER_RULES:
            for match in pattern.finditer(folded):
                if any(match.start() < end and start < match.end() for start, end in taken):
                    continue
                if _institutional(rule, match, folded):
                    continue
                taken.append(match.span())
                problems.append(
                    Problem(
                        location,
                        match.group(),
                        IDENTIFIER_LABELS[rule],
                        found=on_page(match),
                        kind=IDENTIFIER,
                    )
                )
        invisible = _invisible_problem(location, text)
        if invisible:
            problems.append(invisible)
    problems += _split_names(shown, keys)
    return list(dict.fromkeys(problems))


def _institutional(rule, match, folded):
    """An identifier of an institution, which a case study may print: a government mailbox
    (jubao@jianhu.gov.cn) or a public account's WeChat id (公众号……微信号：qinglianjianhu)."""
    if rule == "email":
        return match.group().rstrip(".").endswith(".gov.cn")
    if rule == "wechat":
        return "公众号" in folded[max(0, match.start() - 16) : match.start()]
    return False


# Texts a reader does not read next to the one before (the address, the browser's title bar).
NOT_SHOWN_IN_ORDER = frozenset(("网址别名", "SEO 标题", "搜索描述"))
# Reasons of the strings that are a whole name (split across two texts, a name is still read).
WHOLE_NAMES = ("案卷人员姓名", "已确认的姓名", "未审核的疑似姓名")
_SPLIT_WINDOW = 12


def _split_names(shown, keys):
    """A name of the case file split between two texts read one after the other: a title that
    ends in 李秀 above a summary that starts with 英, a paragraph ending …李 before one starting
    秀英…."""
    names = [(string, key, reason) for string, key, reason in keys if reason in WHOLE_NAMES]
    titled = [item for item in shown if item[0] == "标题"]
    summary = [item for item in shown if item[0] == "一句话简介"]
    pairs = list(zip(shown, shown[1:], strict=False)) + list(zip(titled, summary, strict=False))
    problems = []
    for (before_location, before), (after_location, after) in pairs:
        tail, head = before[-_SPLIT_WINDOW:], after[:_SPLIT_WINDOW]
        joined = tail + head
        for string, key, reason in names:
            for match in key.finditer(joined):
                if match.start() < len(tail) < match.end():
                    problems.append(
                        Problem(
                            f"{before_location}与{after_location}之间",
                            string,
                            reason,
                            found=match.group(),
                        )
                    )
    return problems


# A given name that is also an ordinary word (建国, 国庆, 红旗, 卫东) is not read as the person's
# name where the word plainly is not one: the start of a place or school name (建国路, 国庆村,
# 红旗小学), a time phrase (建国以来, 建国初期, 国庆节) or after 新中国 / 祖国. Elsewhere it is
# refused: 建设 as a given name refuses 作风建设 too, and staff rephrase (a name left standing
# alone, 建设推诿扯皮, would otherwise pass).
GIVEN_NAME = "的名字"
_ORDINARY_AFTER = re.compile(
    r"(?:路(?![过上边口])|街(?!头)|大道|巷|镇|乡|村|社区|桥|广场|小区|中学|小学|大街|"
    r"以来|初期|之初|前夕|周年|纪念|节)"
)
_ORDINARY_BEFORE = ("新中国", "中国", "祖国", "共和国", "全国")


def _ordinary_word(skeletal, start, end):
    if end - start < 2 or not all(_is_han(c) for c in skeletal[start:end]):
        return False
    return bool(_ORDINARY_AFTER.match(skeletal, end)) or skeletal[:start].endswith(_ORDINARY_BEFORE)


def _is_han(ch):
    return "\u3400" <= ch <= "\u9fff"
