"""The anonymizer: plain functions from named text to publishable text.

Rules follow the Supreme People's Court rules on publishing judgments online
(法释〔2016〕19号, Articles 8–10), as summarized in REFERENCE.md:

- a listed person becomes surname + 某 (王某); an ethnic-minority or foreign name keeps its first
  character (or a Latin name its first letter) + 某; two people who would get the same pseudonym
  are numbered in order of first appearance (王某1, 王某2), consistently through the text;
- the forms people are called by are replaced too: full name, given name alone (two characters
  or more), 老王/小王 (→ 王某), surname + title (王局长 → 王某局长);
- identity card, phone (mobile and landline), bank card/account, licence plate, e-mail, QQ,
  WeChat and certificate numbers are masked with ×;
- addresses below county level (road and house numbers, residential compounds, village groups)
  are generalized; listed units become their kind (某局, 某街道办事处);
- names nobody listed are found by ``names.detect_names`` (posts and roles around a name, lists,
  transliterations, jieba's words and name model; never a place, an ordinary word or a quoted
  figure), replaced like listed ones and reported as candidates with the reason, for a reviewer
  to confirm;
- a listed person's given name inside a longer dictionary word (国庆 in 国庆节) is left alone.

``anonymize`` returns the new text, every replacement (span in the *input*, original,
replacement, rule) and the candidates; it never touches a database.
"""

import re
from dataclasses import dataclass, field

from casestudies.anonymization import tagger
from casestudies.anonymization.contexts import AFTER_ONLY, FOLLOWERS, POSTS
from casestudies.anonymization.names import detect_names
from casestudies.anonymization.surnames import surname_of

MASK = "×××"

TITLES = (
    "书记 副书记 局长 副局长 主任 副主任 科长 副科长 处长 副处长 部长 副部长 厅长 县长 副县长 区长 "
    "副区长 市长 副市长 镇长 副镇长 乡长 副乡长 村长 所长 副所长 站长 队长 院长 副院长 校长 副校长 "
    "经理 总经理 董事长 主席 委员 组长 会计 出纳 老师 医生 警官 支书 总 师傅 大姐 大哥 大爷 大妈 阿姨 "
    "律师 法官 教授 博士 行长 厂长 矿长 场长 社长 馆长 台长 股长 秘书 干事 专干 科员 主管 总监 "
    "护士长 大夫 姐"
).split()
TITLES.sort(key=len, reverse=True)

UNIT_KINDS = [
    ("街道办事处", "某街道办事处"),
    ("街道", "某街道"),
    ("委员会", "某委员会"),
    ("有限公司", "某公司"),
    ("公司", "某公司"),
    ("集团", "某集团"),
    ("管理局", "某局"),
    ("局", "某局"),
    ("办公室", "某办公室"),
    ("中心", "某中心"),
    ("卫生院", "某卫生院"),
    ("医院", "某医院"),
    ("小学", "某学校"),
    ("中学", "某学校"),
    ("学校", "某学校"),
    ("社区", "某社区"),
    ("村", "某村"),
    ("镇", "某镇"),
    ("乡", "某乡"),
]

# Identifier rules: (rule name, pattern). Order matters: longer, more specific patterns first.
# Separators written inside numbers: spaces, hyphens and dashes of both widths, dots.
_SEP = r"[ \u00a0\u3000\-－—–‐‑−.·]"
# Marks written for the middle dot of a transliterated name (·, the katakana ・, •, ‧).
_DOTS = "[·・•‧･]"
# Identifier rules: (rule name, pattern). Order matters: longer, more specific patterns first.
IDENTIFIER_RULES = [
    ("email", r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"),
    # Identity cards, 18 digits (the last may be X), written whole or in groups (330602 19780315
    # 2417, 3306 2119 9001 0212 28); the old 15-digit form.
    (
        "id_card",
        r"(?<![0-9A-Za-z])[1-9] ?(?:\d ?){5}(?:1 ?9|2 ?0) ?\d ?\d ?(?:0 ?[1-9]|1 ?[0-2]) ?\d ?\d ?"
        r"(?:\d ?){3}[\dXx](?![0-9A-Za-z])",
    ),
    ("id_card", r"(?<![0-9A-Za-z])[1-9]\d{7}(?:0[1-9]|1[0-2])\d{2}\d{3}(?![0-9A-Za-z])"),
    # Numbers written half masked still say too much: 330602********2417, 138****5678.
    ("id_card", r"(?<![0-9A-Za-z])[1-9]\d{3,5}[*＊×xX]{6,12}\d{2,4}[\dXx]?(?![0-9A-Za-z])"),
    # …also with separators or x for the mask (138-****-5678, 138xxxx5678).
    (
        "mobile",
        r"(?<![0-9])1[3-9]\d" + _SEP + r"?(?:[*＊×]{4}|[xX]{4})" + _SEP + r"?\d{4}(?![0-9])",
    ),
    # …the last four masked (1385754****), or digits one by one (1 3 8 5 7 5 4 2 1 6 3).
    ("mobile", r"(?<![0-9])1[3-9]\d{5}(?:[*＊×]{4}|[xX]{4})(?![0-9A-Za-z*＊×])"),
    ("mobile", r"(?<![0-9])1(?P<one>[ \u00a0\u3000.\-])[3-9](?:(?P=one)\d){9}(?![0-9])"),
    # Certificates: 不动产权证书号 浙（2020）绍兴市不动产权第0034567号, 房屋所有权证号
    # 绍房权证越字第123456号, and any 证号/证书编号/证号码/照号码/注册号 followed by letters and digits.
    (
        "certificate",
        r"(?:不动产权证号|不动产权证书号|房产证号)[:：\s]*[\u4e00-\u9fff]?[（(]\d{4}[)）]"
        r"[\u4e00-\u9fff]{0,12}第\d{4,12}号",
    ),
    (
        "certificate",
        r"(?:证书?|照|注册|证件)(?:号码|编号|编码|号)(?:为|是)?[:：\s]*"
        r"(?:[\u4e00-\u9fff]{0,4}[（(]\d{4}[)）][\u4e00-\u9fff]{0,12}第\d{3,12}号"
        r"|[\u4e00-\u9fff]{1,8}字第\d{4,12}号)",
    ),
    (
        "certificate",
        r"(?:证号|证书编号|证书号|许可证号|执照号|不动产权证号|房产证号|产权证号|证编号|照编号|卡编号"
        r"|证号码|照号码|证件号码|证件号|注册号|证书号码|护照号|照号|证书编码|信用代码)(?:为|是)?[:：\s]*(?:No\.?|NO\.?)?"
        r"[\u4e00-\u9fff]{0,2}[A-Za-z0-9][A-Za-z0-9（）()第号\-]{4,30}",
    ),
    # Mobiles after a country code (+86, 0086, (+86)): 11 digits from 13–19 in the 3-4-4
    # grouping of YD/T 2305, before the account rule would read the 13 or 15 digits as one.
    (
        "mobile",
        r"(?<![0-9])(?:(?:\+|00)86" + _SEP + r"?|[(（]\+?86[)）]" + _SEP + r"?)"
        r"1[3-9]\d" + _SEP + r"?\d{4}" + _SEP + r"?\d{4}(?![0-9])",
    ),
    # The last four digits of a mobile (尾号8765): still a person's number; not after 车牌 or a
    # card, and not a year or an amount (尾号2023年).
    (
        "mobile",
        r"(?:(?<=尾号)|(?<=尾号为)|(?<=尾号是)|(?<=尾数为))(?<!车牌尾号)(?<!车号尾号)(?<!卡尾号)"
        r"\d{4}(?![0-9年月日元万亿%％.])",
    ),
    ("bank_account", r"(?<![0-9])(?:\d{4}[ -]?){3,4}\d{1,4}(?![0-9])"),
    # Mobiles: 11 digits from 13–19, in groups 3-4-4 with any separator, after +86, 0086 or (+86)
    # (never other groupings: 1998.1-2003.12 is a span of years).
    (
        "mobile",
        r"(?<![0-9])(?:(?:\+|00)?86" + _SEP + r"?|[(（]\+?86[)）]" + _SEP + r"?)?"
        r"1[3-9]\d" + _SEP + r"?\d{4}" + _SEP + r"?\d{4}(?![0-9])",
    ),
    # …with a slash or a comma in the 3-4-4 grouping (138/5754/2163, 138,5754,2163).
    ("mobile", r"(?<![0-9])1[3-9]\d(?P<slash>[/,，])\d{4}(?P=slash)\d{4}(?![0-9])"),
    # Mobiles in other groupings (138 5754 21 63, 1595-859-3321, 13 857 542 163, 159　575　80123
    # with ideographic spaces): 11 digits from 13–19 in groups of two to eight, one separator
    # throughout (1998.1-2003.12, a span of
    # years, mixes two and has a group of one), nothing but a unit or a mark after them.
    (
        "mobile",
        r"(?=[+018])(?<![0-9])(?<![0-9][ .\-—–－\u00a0\u3000])(?:(?:\+|00)?86[ \-\u3000]?)?"
        r"(?=1[3-9])(?=(?:\d[ .\-—–－\u00a0\u3000]?){11}(?![0-9]))"
        r"\d{2,8}(?P<sep>[ .\-—–－\u00a0\u3000])\d{2,8}(?:(?P=sep)\d{2,8}){0,3}"
        r"(?![0-9])(?!(?P=sep)\d)(?![%％年月日时分秒元万亿个户人])",
    ),
    # Landlines: an area code (0 and two or three digits, bare or in brackets of either width),
    # the number of 7 or 8 digits (in one or two groups), and an extension (转806, -806).
    (
        "landline",
        r"(?<![0-9])(?<![0-9] )(?<![0-9]-)(?:[(（]0\d{2,3}[)）]|0\d{2,3})"
        + _SEP
        + r"?\d{3,4}"
        + _SEP
        + r"?\d{4}"
        r"(?![0-9])(?:(?:转|分机|ext\.?|" + _SEP + r")\d{1,5}(?![0-9]))?",
    ),
    # Plates of GA 36-2018: the new-energy small car, D or F right after the issuing letter and
    # five characters, a separator allowed on either side of the D or F (浙BD-67890, 浙B·F67890).
    (
        "licence_plate",
        r"[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][·・•\-.—–－ \u3000]?[A-Za-z]"
        r"[·・•\-.—–－ \u3000]?[DFdf][·・•\-.—–－ \u3000]?[A-HJ-NP-Za-hj-np-z0-9]\d{4}(?![A-Za-z0-9])",
    ),
    # …the ordinary plate, the large new-energy one (D or F last), and the suffixes 学 警 挂 港 澳
    # 领 使 (a learner's, police, trailer, Hong Kong, Macao, consulate and embassy cars).
    (
        "licence_plate",
        r"[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][·・•\-.—–－ \u3000]?[A-Za-z]"
        r"[·・•\-.—–－ \u3000]?(?:[A-Za-z0-9] ?){4}[A-Za-z0-9学警挂港澳领使](?:[A-Za-z0-9](?![A-Za-z0-9]))?"
        r"(?![A-Za-z0-9])",
    ),
    # Plates of embassies: 使 and six digits (the first three the embassy's number).
    ("licence_plate", r"使[·・•\- \u3000]?\d{3}[ ·・]?\d{3}(?![0-9.%％万亿元个名人户次件])"),
    # Plates of the armed police: WJ, the province, then the number (WJ浙12345, WJ·浙1234X).
    (
        "licence_plate",
        r"(?<![A-Za-z])WJ[·・•\-.—–－ \u3000]?[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼]?"
        r"[·・•\-.—–－ \u3000]?(?:[A-Za-z0-9] ?){4}[A-Za-z0-9](?![A-Za-z0-9])",
    ),
    ("landline", r"(?:(?<=电话)|(?<=座机)|(?<=固话))[:：\s]*\d{3,4}-?\d{4}(?![0-9])"),
    ("qq", r"(?:QQ|qq|Qq|扣扣)(?:号码|号|账号)?(?:为|是)?[:：\s（(]*[1-9](?: ?\d){4,10}"),
    # WeChat ids, after 微信号, VX, wx … and 为/是/：or a bracket. Right after the bare word 微信
    # an id holds a digit, an underscore or a hyphen: letters alone there are an English word
    # (微信AppSecret, 微信Pay), not an id.
    (
        "wechat",
        r"(?:微信|威信|[VvWw](?<![A-Za-z][VvWw])(?:eChat|echat|[Xx]|信))"
        r"(?:(?:号码|账号|号|ID|id)(?:为|是)?[:：\s（(]*|(?:为|是)[:：\s（(]*|[:：（(]\s*)"
        r"[A-Za-z][-_A-Za-z0-9]{5,19}",
    ),
    (
        "wechat",
        r"(?:微信|威信|[VvWw](?<![A-Za-z][VvWw])(?:eChat|echat|[Xx]|信))\s*"
        r"[A-Za-z](?=[A-Za-z]{0,18}[-_0-9])[-_A-Za-z0-9]{5,19}",
    ),
]
# Full-width digits, letters and underscores (１３８, Ａ, ＿) read as their ASCII forms, one
# character for one, so that offsets in the folded text are offsets in the input.
_FULL_WIDTH = re.compile("[\uff10-\uff5e]")
_FOLD = {
    code: code - 0xFEE0 for code in range(0xFF10, 0xFF5F) if chr(code).isalnum() or code == 0xFF3F
}
# What each identifier rule finds, as staff call it (review screen, gate messages).
IDENTIFIER_LABELS = {
    "email": "电子邮箱",
    "id_card": "身份证号",
    "bank_account": "银行卡号或账号",
    "mobile": "手机号码",
    "landline": "固定电话",
    "licence_plate": "车牌号",
    "qq": "QQ号",
    "wechat": "微信号",
    "certificate": "证书编号",
}
ADDRESS_RULES = [
    (
        "address",
        # The road name may not swallow the county-level place before it (鉴湖区 stays).
        r"[^\W\d_区县市省镇乡住在于到]{1,6}(?:路|街|大道|巷|弄)\d+(?:-\d+)?号(?:[\u4e00-\u9fff]{0,8}(?:\d+(?:栋|幢|号楼|单元|楼|室|层))+)?",
        "某处",
    ),
    (
        "address",
        r"[^\W\d_区县市省镇乡住在于到]{1,8}(?:小区|花园|公寓|家园|新村|苑)(?:\d+(?:栋|幢|号楼|单元|楼|室|层|号))+",
        "某小区",
    ),
    ("address", r"(?<=村)\d+组(?:\d+号)?", ""),
]
_IDENTIFIERS = [(rule, re.compile(pattern)) for rule, pattern in IDENTIFIER_RULES]
_ADDRESSES = [(rule, re.compile(pattern), text) for rule, pattern, text in ADDRESS_RULES]


@dataclass(frozen=True)
class Person:
    """A person named in a case file. ``kind``: "han" (default), "minority", "foreign"."""

    name: str
    kind: str = "han"


@dataclass(frozen=True)
class Unit:
    """A named unit; ``kind`` is what it becomes (某局), derived from its name when empty."""

    name: str
    kind: str = ""


@dataclass(frozen=True)
class Replacement:
    start: int
    end: int
    original: str
    replacement: str
    rule: str


@dataclass(frozen=True)
class Candidate:
    start: int
    end: int
    text: str
    reason: str


@dataclass
class Options:
    detect_unlisted: bool = True  # find names nobody listed (names.detect_names)
    replace_unlisted: bool = True  # …and replace them (they are still reported as candidates)
    generalize_addresses: bool = True
    mask_identifiers: bool = True


@dataclass
class Result:
    text: str
    replacements: list = field(default_factory=list)
    candidates: list = field(default_factory=list)

    def as_dict(self):
        return {
            "text": self.text,
            "replacements": [r.__dict__ for r in self.replacements],
            "candidates": [c.__dict__ for c in self.candidates],
        }


def pseudonym_for(person):
    """The pseudonym of ``person`` before collision numbering."""
    name = person.name.strip()
    if re.fullmatch(r"[A-Za-z][A-Za-z .'-]*", name):
        return name[0].upper() + "某"
    if person.kind in ("minority", "foreign") or re.search(_DOTS, name):
        return name[0] + "某"
    return (surname_of(name) or name[0]) + "某"


def unit_kind(unit):
    if unit.kind:
        return unit.kind
    for suffix, kind in UNIT_KINDS:
        if unit.name.endswith(suffix):
            return kind
    return "某单位"


def _surname(person):
    """The surname of a Han name; the first character of one the table does not know (邴振华)."""
    name = person.name
    if person.kind != "han":
        return ""
    return surname_of(name) or (name[0] if re.fullmatch(r"[\u4e00-\u9fff]{2,3}", name) else "")


def _given_name(person):
    surname = _surname(person)
    given = person.name[len(surname) :] if surname else ""
    return given if len(given) >= 2 else ""


class _Plan:
    """Non-overlapping replacements over the input, earliest and longest first."""

    def __init__(self, text):
        self.text = text
        self.taken = [False] * (len(text) + 1)
        self.items = []

    def free(self, start, end):
        return not any(self.taken[start:end])

    def add(self, start, end, replacement, rule):
        if start >= end or not self.free(start, end):
            return False
        for i in range(start, end):
            self.taken[i] = True
        self.items.append(Replacement(start, end, self.text[start:end], replacement, rule))
        return True

    def apply(self):
        items = sorted(self.items, key=lambda r: r.start)
        out, cursor = [], 0
        for item in items:
            out.append(self.text[cursor : item.start])
            out.append(item.replacement)
            cursor = item.end
        out.append(self.text[cursor:])
        return "".join(out), items


def _number_pseudonyms(people_in_order, fixed=None):
    """Map each name to its pseudonym, numbering collisions in order of first appearance.

    Names in ``fixed`` keep the pseudonym given there; the others are numbered around them
    (an unlisted 王 beside a given 王某1 and 王某2 becomes 王某3)."""
    fixed = dict(fixed or {})
    mapping = {name: fixed[name] for name, _person in people_in_order if name in fixed}
    used = set(mapping.values())
    by_base = {}
    for name, person in people_in_order:
        if name not in mapping:
            by_base.setdefault(pseudonym_for(person), []).append(name)
    for base, names in by_base.items():
        taken = {u for u in used if u == base or (u.startswith(base) and u[len(base) :].isdigit())}
        if len(names) == 1 and not taken:
            mapping[names[0]] = base
            continue
        number = 0
        for name in names:
            number += 1
            while f"{base}{number}" in used:
                number += 1
            mapping[name] = f"{base}{number}"
            used.add(mapping[name])
    return mapping


def number_pseudonyms(persons, texts=()):
    """One pseudonym per person for everything written about them: ``{name: pseudonym}``.

    People who would share a pseudonym are numbered by where they first appear: in the first
    of ``texts`` (e.g. the raw account), then in the next (the title), then in the order of
    ``persons`` for those no text mentions. Pass the result to ``anonymize(pseudonyms=…)`` for
    each text, so that 王某1 is the same person in the title, the facts and the handlings."""
    persons = [p if isinstance(p, Person) else Person(str(p)) for p in persons if str(p).strip()]
    persons = list({p.name: p for p in persons}.values())

    def first_appearance(item):
        index, person = item
        for number, text in enumerate(texts):
            text = text or ""
            position = _first_position(text, person)
            if position < len(text):
                return (number, position, index)
        return (len(texts), 0, index)

    ordered = [person for _index, person in sorted(enumerate(persons), key=first_appearance)]
    return _number_pseudonyms([(p.name, p) for p in ordered])


def _titles_after(text, surname):
    """The titles the text writes right after ``surname`` (王局长, 王书记): only those can be
    found, so only those are looked for (a hundred titles for every surname cost a search of
    the text each)."""
    titles, position = set(), text.find(surname)
    while position >= 0:
        after = position + len(surname)
        for size in range(1, len(TITLES[0]) + 1):
            if text[after : after + size] in _TITLE_SET:
                titles.add(text[after : after + size])
        position = text.find(surname, position + 1)
    return sorted(titles, key=len, reverse=True)


_TITLE_SET = frozenset(TITLES)


def _first_position(text, person):
    positions = [text.find(form) for form in [person.name, _given_name(person)] if form]
    positions = [p for p in positions if p >= 0]
    return min(positions) if positions else len(text)


def _occurrences(text, words):
    """``(start, word)`` for ``words`` in ``text``, left to right, the longest where several
    start at one place, none overlapping: what an alternation of them, longest first, finds.
    Found with ``str.find`` (the words change with every text, so a compiled pattern would be
    built for each)."""
    hits = []
    for word in set(words):
        position = text.find(word)
        while position >= 0:
            hits.append((position, -len(word), word))
            position = text.find(word, position + 1)
    hits.sort()
    found, cursor = [], 0
    for start, _size, word in hits:
        if start >= cursor:
            found.append((start, word))
            cursor = start + len(word)
    return found


# A given name inside a dictionary word seen this often (国庆 in 国庆节) is the word, not the
# name, unless the dictionary calls that word a person (玉兰花: a name may be written there).
WORD_HOLDING_A_GIVEN_NAME = 5


def _inside_a_word(text, start, end, names_too=False):
    """Whether ``text[start:end]`` (a given name) is part of a longer common dictionary word
    written around it: 国庆节, 建设者, 建设局. ``names_too``: also a word the dictionary tags as
    a person, as it does 老黄牛 and 小金库 for their 老 and 小 (a form of address inside)."""
    for begin in range(max(0, start - 2), start + 1):
        for stop in range(end, min(len(text), end + 2) + 1):
            word = text[begin:stop]
            if len(word) == end - start or (tagger.tag(word).startswith("nr") and not names_too):
                continue
            if tagger.frequency(word) >= WORD_HOLDING_A_GIVEN_NAME:
                return True
    return False


# A given name that is itself an ordinary word seen this often (光明, 兴旺, 文明, 和平) stands for
# the person only where it reads as one: opening a clause (“光明说…”, 。光明把…), after a post or
# a word that takes a person where the text breaks off (和兴旺一起, 找光明。), or before 同志, a
# post or a verb of saying.
ORDINARY_GIVEN_NAME = 100
TAKES_A_PERSON = set("找叫请问跟陪和与及同对向被由帮替")
SAID_AFTER = ("说", "表示", "介绍", "告诉", "认为", "坦言", "回忆") + tuple(AFTER_ONLY)
_LONGEST_POST = max(map(len, POSTS))


def _given_name_is_a_word_here(text, start, end):
    """Whether a listed given name that is also an ordinary word is used as the word here:
    前途一片光明, 生意兴旺, 乡村振兴, 五星红旗, 富强、民主, but not “光明的账本从来不给人看”,
    和兴旺一起, 书记光明说."""
    if tagger.frequency(text[start:end]) < ORDINARY_GIVEN_NAME:
        return False
    if text.startswith(SAID_AFTER, end) or any(
        text[end : end + size] in POSTS for size in range(2, _LONGEST_POST + 1)
    ):
        return False
    before = text[start - 1] if start else ""
    if before and "\u4e00" <= before <= "\u9fff":
        # After a word that takes a person (和, 对, 找: 找光明谈话), the name stands for the
        # person; after a post, where the text breaks off or goes on with a function word.
        if before in TAKES_A_PERSON:
            return False
        after_a_post = any(
            text[max(0, start - size) : start] in POSTS for size in range(2, _LONGEST_POST + 1)
        )
        return not (after_a_post and _breaks_off_after(text, end))
    # An enumeration of ordinary words (富强、民主、文明): the next item is one too.
    if text[end : end + 1] == "、":
        following = text[end + 1 : end + 3]
        return tagger.frequency(following) >= ORDINARY_GIVEN_NAME and not tagger.tag(
            following
        ).startswith("nr")
    return False


def _breaks_off_after(text, end):
    if end >= len(text) or not "\u4e00" <= text[end] <= "\u9fff":
        return True
    return text[end] in FOLLOWERS or text.startswith(("一起", "一道", "同志"), end)


def anonymize(text, persons=(), units=(), options=None, pseudonyms=None):
    """Anonymize ``text``; see the module docstring for the rules.

    ``pseudonyms`` (``{name: pseudonym}``, see ``number_pseudonyms``) fixes the pseudonyms of
    listed persons across several texts; without it they are numbered within ``text`` alone."""
    options = options or Options()
    text = text or ""
    plan = _Plan(text)
    persons = [p if isinstance(p, Person) else Person(str(p)) for p in persons if str(p).strip()]
    units = [u if isinstance(u, Unit) else Unit(str(u)) for u in units if str(u).strip()]

    # 1. Identifiers (before names: numbers never contain names).
    if options.mask_identifiers:
        folded = text.translate(_FOLD) if _FULL_WIDTH.search(text) else text
        for rule, pattern in _IDENTIFIERS:
            for match in pattern.finditer(folded):
                plan.add(match.start(), match.end(), MASK, rule)
    identifiers = plan.taken[:] if plan.items else None  # where identifiers were masked
    # 2. Listed units, longest first (a unit name may contain a place or a person's name).
    for unit in sorted(units, key=lambda u: len(u.name), reverse=True):
        for match in re.finditer(re.escape(unit.name), text):
            plan.add(match.start(), match.end(), unit_kind(unit), "unit")
    # 3. Addresses below county level.
    if options.generalize_addresses:
        for rule, pattern, replacement in _ADDRESSES:
            for match in pattern.finditer(text):
                plan.add(match.start(), match.end(), replacement, rule)

    # 4. People: listed ones, plus names the tagger finds.
    candidates = []
    unlisted = []
    unlisted_parts = set()
    if options.detect_unlisted and text:
        listed_forms = {p.name for p in persons} | {_given_name(p) for p in persons}
        for found in detect_names(text, known=listed_forms):
            name = text[found.start : found.end]  # as written (the detector reads ・ as ·)
            if any(name in p.name or p.name in name for p in persons):
                continue
            if identifiers and any(identifiers[found.start : found.end]):
                continue  # 和京 of 和京B 67890F: no name is written inside a number or a plate
            candidates.append(Candidate(found.start, found.end, name, found.reason))
            if found.of:
                # A part of a dotted name written alone is that person (阿不都热西提 after
                # 阿不都热西提·吾斯曼): the same pseudonym, through the dotted name's forms.
                unlisted_parts.add(name)
            elif options.replace_unlisted:
                unlisted.append(Person(name, found.kind))
    everyone = persons + [p for p in unlisted if p.name not in {q.name for q in persons}]
    everyone = list({p.name: p for p in everyone}.values())
    ordered = sorted(everyone, key=lambda p: _first_position(text, p))
    listed_names = {p.name for p in persons}
    fixed = {name: v for name, v in (pseudonyms or {}).items() if name in listed_names}
    mapping = _number_pseudonyms([(p.name, p) for p in ordered], fixed=fixed)

    forms = []  # (form, replacement, rule)
    by_surname = {}
    for person in everyone:
        pseudonym = mapping[person.name]
        rule = "person" if person.name in listed_names else "person_unlisted"
        forms.append((person.name, pseudonym, rule))
        given = _given_name(person)
        if given and person.name in listed_names:
            forms.append((given, pseudonym, "given_name"))
        if re.search(_DOTS, person.name):
            # 阿依古丽 of 阿依古丽·艾买提: each part of a name joined by a middle dot is used alone
            # (of a name nobody listed, where the detector found the part written alone).
            for part in re.split(_DOTS, person.name):
                if len(part) < 2:
                    continue
                if person.name in listed_names:
                    forms.append((part, pseudonym, "given_name"))
                elif part in unlisted_parts and options.replace_unlisted:
                    forms.append((part, pseudonym, "person_unlisted"))
        surname = _surname(person)
        if surname:
            by_surname.setdefault(surname, []).append(pseudonym)
    for surname, pseudonyms in by_surname.items():
        # 老王/小王 and 王局长: unambiguous only when one person has that surname.
        target = pseudonyms[0] if len(set(pseudonyms)) == 1 else f"{surname}某"
        forms.append((f"老{surname}", target, "form_of_address"))
        forms.append((f"小{surname}", target, "form_of_address"))
        for title in _titles_after(text, surname):
            forms.append((f"{surname}{title}", f"{target}{title}", "surname_and_title"))
    forms.sort(key=lambda f: len(f[0]), reverse=True)
    if forms:
        table = {form: (replacement, rule) for form, replacement, rule in forms}
        for start, form in _occurrences(text, table):
            end = start + len(form)
            replacement, rule = table[form]
            if rule == "given_name" and (
                _inside_a_word(text, start, end) or _given_name_is_a_word_here(text, start, end)
            ):
                continue  # 国庆 of 吴国庆 in 国庆节, 光明 of 张光明 in 前途一片光明
            if rule == "form_of_address" and _inside_a_word(text, start, end, names_too=True):
                continue  # 老黄 of 黄某 in 老黄牛, 小金 of 金某 in 小金库
            plan.add(start, end, replacement, rule)

    new_text, replacements = plan.apply()
    return Result(text=new_text, replacements=replacements, candidates=candidates)
