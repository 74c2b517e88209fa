"""Chinese text for full-text search: normalization and the token stream both sides share.

The stock tokenizers treat a run of Chinese characters as one word, so 推诿扯皮 inside a longer
run is never found. Text is therefore normalized (full-width → half-width via NFKC, lower case,
traditional → simplified via OpenCC) and turned into tokens the engines index as words:

- a run of Latin letters or digits is one token (``12345``, ``app``);
- a run of Chinese characters becomes its overlapping character pairs (bigrams);
- every Chinese character is also emitted on its own (once per text), after the bigrams, so
  that one-character terms can be found. Where one-character terms are searched as a *prefix*
  of the tokens (PostgreSQL's ``c:*``), only the last character of each run is needed on its
  own (``run_ends_only``): every other character begins a pair.

A query term is prepared the same way and searched as a *phrase* of its tokens: the bigrams of
推诿扯皮 (推诿 诿扯 扯皮) are adjacent in the index exactly where the string occurs, so a phrase
match is an exact-substring match.

``fold`` is the stronger folding the publication gate uses on both sides of every comparison
(invisible characters removed, digits of every script and runs of Chinese numerals read as
digits, separators inside numbers dropped); search keeps ``normalize``, whose offsets its
highlighting relies on.
"""

import re
import unicodedata
from functools import lru_cache
from itertools import product

import opencc

_T2S = opencc.OpenCC("t2s")

# CJK Unified Ideographs (+ extension A and compatibility ideographs).
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
SEGMENT = re.compile(rf"[{HAN}]+|[^\W_{HAN}]+", re.UNICODE)
HAN_RUN = re.compile(rf"^[{HAN}]+$")


def normalize(text):
    """Fold widths and case, and convert traditional characters to simplified."""
    if not text:
        return ""
    text = str(text)
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    text = text.lower()
    return _T2S.convert(text)


def segments(text):
    """The searchable segments of already-normalized text, in order."""
    return SEGMENT.findall(text)


def _bigrams(run):
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


_SEGMENT_KINDS = re.compile(rf"([{HAN}]+)|([^\W_{HAN}]+)", re.UNICODE)


def index_text(text, run_ends_only=False):
    """The token stream to index for ``text`` (space separated)."""
    return normalized_index_text(normalize(text), run_ends_only)


def normalized_index_text(text, run_ends_only=False):
    """``index_text`` of text that is already normalized."""
    tokens = []
    runs = []
    for han, other in _SEGMENT_KINDS.findall(text):
        if not han:
            tokens.append(other)
        elif len(han) == 1:
            tokens.append(han)
        else:
            tokens.append(" ".join(map(str.__add__, han, han[1:])))
            runs.append(han)
    # Single characters are only ever searched on their own, never as part of a phrase, so
    # each is needed once per text (a quarter fewer tokens to index than one per occurrence).
    if run_ends_only:
        singles = " ".join(dict.fromkeys(run[-1] for run in runs))
    else:
        singles = " ".join(dict.fromkeys("".join(runs)))
    return f"{' '.join(tokens)} {singles}" if singles else " ".join(tokens)


def lone_character(tokens):
    """Whether a phrase's ``tokens`` are one Chinese character (searched as a prefix where the
    index keeps single characters only at the ends of runs)."""
    return len(tokens) == 1 and len(tokens[0]) == 1 and bool(HAN_RUN.match(tokens[0]))


@lru_cache(maxsize=2048)
def term_phrases(term):
    """The phrases (each a tuple of tokens) that together find ``term`` as a substring.

    Normally one phrase. A one-character Chinese segment inside a mixed term (e.g. ``a股``) is
    only indexed on its own, so such a term is split into separate phrases that must all match.
    """
    parts = segments(normalize(term))
    if not parts:
        return ()
    if len(parts) == 1:
        part = parts[0]
        return ((part,),) if len(part) == 1 or not HAN_RUN.match(part) else (tuple(_bigrams(part)),)
    if any(HAN_RUN.match(p) and len(p) == 1 for p in parts):
        return tuple(term_phrases(p)[0] for p in parts)
    tokens = []
    for part in parts:
        tokens.extend(_bigrams(part) if HAN_RUN.match(part) else [part])
    return (tuple(tokens),)


# Search-engine operators typed out of habit; as all-capital words they are not search terms.
OPERATOR_WORDS = {"AND", "OR", "NOT"}


def query_terms(text, max_terms=10, max_length=100):
    """The user's terms (split on whitespace), normalized, deduplicated, each non-empty."""
    terms = []
    for raw in str(text or "")[: max_length * 4].split():
        if raw in OPERATOR_WORDS:
            continue
        term = " ".join(segments(normalize(raw)))[:max_length]
        if term and term not in terms:
            terms.append(term)
    return terms[:max_terms]


def normalize_same_length(text):
    """``normalize`` keeping one character for one, so offsets stay valid (for highlighting).

    Whole-text conversion is tried first (fast); where it changes the length (a ligature that
    NFKC expands, a phrase OpenCC rewrites), characters are converted one by one.
    """
    text = str(text or "")
    whole = normalize(text)
    if len(whole) == len(text):
        return whole
    # Usually a few characters NFKC expands (…, ㎡): give each the first of its expansion.
    whole = normalize("".join(map(_one_for_one, text)))
    if len(whole) == len(text):
        return whole
    return "".join((normalize(ch) or " ")[:1] for ch in text)


@lru_cache(maxsize=8192)
def _one_for_one(ch):
    folded = unicodedata.normalize("NFKC", ch)
    return ch if len(folded) == 1 else (folded[:1] or " ")


# --- folding for comparisons (the publication gate) -------------------------------------------
#
# ``normalize`` keeps every character the engines index (search highlights by offset). The gate
# needs more: a string a reader sees as 孙立平 must compare equal to 孙立平 whatever invisible
# characters, widths, scripts or separators were put into it, on both sides of every comparison.

# Default-ignorable code points that are not format characters (Cf): fillers drawn as nothing,
# variation selectors (Mongolian, standard, ideographic).
_IGNORABLE = frozenset("\u034f\u115f\u1160\u17b4\u17b5\u2800\u3164\uffa0") | frozenset(
    chr(c) for c in (*range(0x180B, 0x1810), *range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0))
)
_MARKS = frozenset(("Mn", "Mc", "Me"))
# Characters Unicode counts as letters that a reader takes for a stroke, a dash or a dot, typed to
# split a word (汪振丨华, 汪振ー华, 汪振々华): CJK strokes and the stroke radicals (丶 丨 丿 …, the
# Kangxi radicals ⼀ ⼁ ⼂ ⼃ ⼄ ⼅ and the strokes block), the katakana prolonged sound mark and
# the iteration and ditto marks. They fold to a mark (``·``), which the skeleton drops.
LOOKALIKE_MARKS = (
    frozenset("丶丨丿乀乁亅乚\u2f00\u2f01\u2f02\u2f03\u2f04\u2f05ー\uff70々〃〻ゝゞヽヾ")
    | frozenset(chr(c) for c in range(0x31C0, 0x31F0))
    # Letters drawn as a dot, a bar or a tone stroke (王建ꞏ国, 王建ǀ国, 王建ˉ国, 王建ㆍ国): the
    # sinological dot, the click letters, the modifier tone letters and bopomofo tones, the
    # hangul araea.
    | frozenset("\ua78f\u01c0\u01c1\u01c2\u01c3\u02c9\u02ca\u02cb\u02d9\u02c7\u318d\u119e")
)
# Radicals (the Kangxi block and its supplement) written for the character they stand for.
_RADICALS = ((0x2E80, 0x2EFF), (0x2F00, 0x2FDF))
# Private-use (Co) and unassigned (Cn) code points: no font agrees on them; they fold to nothing.
_UNDEFINED = frozenset(("Co", "Cn"))
# Chinese numerals read digit by digit in phone and identity numbers (幺三八…, 壹叁捌…).
CHINESE_DIGITS = {
    # 洞 (0), 幺 (1), 两 (2), 拐 (7), 勾 (9): how numbers are read out on the radio and phone.
    **dict.fromkeys("〇○零洞", "0"),
    **dict.fromkeys("一幺壹", "1"),
    **dict.fromkeys("二两贰", "2"),
    **dict.fromkeys("三叁叄参", "3"),  # 參 (叁) is 参 once simplified
    **dict.fromkeys("四肆", "4"),
    **dict.fromkeys("五伍", "5"),
    **dict.fromkeys("六陆", "6"),
    **dict.fromkeys("七柒拐", "7"),
    **dict.fromkeys("八捌", "8"),
    **dict.fromkeys("九玖勾", "9"),
}
# Separators people put inside a number (138-1234-5678, 330102 1980…, 138.1234.5678,
# 138/5712/0631, (138)5712-0631, 138*5712*0631, 138~5712~0631, 138+5712+0631, 138:5712:0631,
# 138#5712#0631, 138\5712\0631, 138'5712'0631, 138=5712=0631, 138─5712─0631, 138〜5712〜0631).
# A number grouped by thousands (13,857,120,631) and a date keep theirs; commas, 、 and ; separate
# the items of a list. (The case file's own numbers are found with any marks between digits:
# ``gate._key_pattern``.)
SEPARATORS = (
    " \t\n\r-._·/*()[]|~+:#\\'=\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2022\u30fb"
    "\u2500\u2501\u2550\u301c\u2053\u223c"
)
# A list of years (2018/2019/2020) is no number; commas and 、 separate items of a list.
_YEAR_LIST = re.compile(r"(?:19|20)\d\d(?:\D{1,3}(?:19|20)\d\d)+")
_SEP = re.escape(SEPARATORS)
_NUMERALS = re.escape("".join(CHINESE_DIGITS))
# At least seven digits or Chinese numerals in a row (separators allowed between them) are read
# as a number; 三年, 第一 and 二〇二三年 stay words.
_NUMERAL_RUN = re.compile(rf"[0-9{_NUMERALS}](?:[{_SEP}]{{0,5}}[0-9{_NUMERALS}]){{6,}}")
_DIGIT_CHAIN = re.compile(rf"[0-9]+(?:[{_SEP}]{{1,5}}[0-9]+)+")
# Letters typed for digits inside a long number (l38l2345678, 6222O2l2…): a run of digits and
# o, i, l (folded) with at least seven digits and no other letter beside it.
_LETTER_DIGITS = re.compile(r"(?<![a-z])(?=(?:[oil]*[0-9]){7})[0-9oil]*[0-9][0-9oil]*(?![a-z])")
_LETTER_DIGIT = {"o": "0", "i": "1", "l": "1"}
# A date or a period (2019.05.01, 2018.3-2021.12) keeps its separators: joined up it would
# read as an account or phone number.
_MONTH = r"(?:0?[1-9]|1[0-2])"
# A time of day may follow (2023.05.01 14:30:00); a period's ends are joined by - ~ – — or ―.
_TIME = r"(?:\s*(?:[01]?\d|2[0-3])[:.][0-5]\d(?:[:.][0-5]\d)?)?"
_DATE_CHAIN = re.compile(
    rf"(?:19|20)\d\d\s*(?P<a>[./-])\s*{_MONTH}(?:\s*(?P=a)\s*\d{{1,2}}{_TIME})?"
    rf"(?:\s*[-~\u2013\u2014\u2015]{{1,2}}\s*(?:19|20)\d\d\s*(?P<b>[./-])\s*{_MONTH}"
    rf"(?:\s*(?P=b)\s*\d{{1,2}}{_TIME})?)?"
)
# An ISBN (978-7-5099-1234-5) is a book's number, not a person's.
_ISBN = re.compile(r"97[89]-\d{1,5}-\d{1,7}-\d{1,7}-[0-9x]")
_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+")
_HAN_CHAR = re.compile(rf"[{HAN}\u3007\U00020000-\U0003134f]")


_JP2T = opencc.OpenCC("jp2t")
# Variant forms OpenCC leaves as they are, and radicals written for the character they stand for.
VARIANTS = {
    **dict.fromkeys("囯圀國", "国"),
    **dict.fromkeys("衞衛", "卫"),
    # Characters of GB 2312 whose traditional form OpenCC simplifies to another one (鍾 → 钟):
    # 锺汉良 in a case file is 钟汉良 and 鍾漢良 on a page.
    **{"锺": "钟", "馀": "余"},
    # Old and uncommon variant forms (异体字) of characters common in names.
    **dict.fromkeys("眀朙", "明"),
    **dict.fromkeys("秌龝", "秋"),
    **dict.fromkeys("嵒嵓", "岩"),
    **dict.fromkeys("寳寚", "宝"),
    **dict.fromkeys("仚僊", "仙"),
    **dict.fromkeys("囘囬", "回"),
    **{"蕐": "华", "邨": "村", "氷": "冰", "畧": "略", "胷": "胸", "鵞": "鹅", "鴈": "雁"},
    **{"彊": "强", "勈": "勇", "煇": "辉", "鷰": "燕", "珎": "珍", "悳": "德", "夀": "寿"},
    **{"秊": "年", "呉": "吴", "兎": "兔", "敍": "叙", "峩": "峨", "旾": "春", "斈": "学"},
    "\u2ea9": "王",  # ⺩ CJK RADICAL JADE
    "\u2ec4": "西",  # ⻄ CJK RADICAL WEST TWO
    "\u2ed8": "青",  # ⻘ CJK RADICAL BLUE
    "\u2ee2": "马",  # ⻢ CJK RADICAL C-SIMPLIFIED HORSE
    "\u2ee5": "鱼",  # ⻥ CJK RADICAL C-SIMPLIFIED FISH
    "\u2ee6": "鸟",  # ⻦ CJK RADICAL C-SIMPLIFIED BIRD
    "\u2ec5": "见",  # ⻅ CJK RADICAL C-SIMPLIFIED SEE
    "\u2ec6": "角",  # ⻆ CJK RADICAL SIMPLIFIED HORN
    "\u2ecb": "车",  # ⻋ CJK RADICAL C-SIMPLIFIED CART
    "\u2ed3": "长",  # ⻓ CJK RADICAL C-SIMPLIFIED LONG
    "\u2ed4": "门",  # ⻔ CJK RADICAL C-SIMPLIFIED GATE
    "\u2eda": "页",  # ⻚ CJK RADICAL C-SIMPLIFIED LEAF
    "\u2edb": "风",  # ⻛ CJK RADICAL C-SIMPLIFIED WIND
    "\u2edc": "飞",  # ⻜ CJK RADICAL C-SIMPLIFIED FLY
    "\u2ee9": "黄",  # ⻩ CJK RADICAL SIMPLIFIED YELLOW
    "\u2eed": "齿",  # ⻭ CJK RADICAL J-SIMPLIFIED TOOTH
    "\u2ef0": "龙",  # ⻰ CJK RADICAL C-SIMPLIFIED DRAGON
    "\u2ee3": "骨",  # ⻣ CJK RADICAL BONE
    "\u2ee4": "鬼",  # ⻤ CJK RADICAL GHOST
    "\u2ea0": "民",  # ⺠ CJK RADICAL CIVILIAN
    "\u2e9f": "母",  # ⺟ CJK RADICAL MOTHER
}


# Letters of other scripts drawn like Latin letters (Cyrillic а е о р с у х, Greek ο α ν ι κ ρ υ χ)
# and katakana drawn like Han characters (カ 力, ロ 口, エ 工, ニ 二, ト 卜, タ 夕, ハ 八): typed to
# split a name or a pinyin word from its match. Lower case (after casefold).
CONFUSABLES = {
    **dict(zip("аеорсухіјѕԁһӏԛԝ", "aeopcyxijsdhlqw", strict=True)),
    **dict(zip("οανικρυχτεϲ", "oavikpuxtec", strict=True)),
    **dict(zip("カロエニトタハ", "力口工二卜夕八", strict=True)),
    "ㄧ": "一",  # bopomofo I
    # Latin-extended and IPA letters drawn like plain ones (Wang Jıanguo, Wɑng, Jianɡuo),
    # and Armenian o.
    **dict(zip("ıȷɑɡɴʀɪʏʟᴀᴇᴏօ", "ijagnriylaeoo", strict=True)),
}


def _variant(ch):
    """A Han character in its simplified Chinese form: Japanese shinjitai (沢 広 鉄) through
    their traditional form, and the ``VARIANTS``. Characters of GB 2312 (the simplified set)
    are left alone: some are also shinjitai of another character (予 芸 欠 沪)."""
    if ch in VARIANTS:
        return VARIANTS[ch]
    try:
        ch.encode("gb2312")
        return ch
    except UnicodeEncodeError:
        pass
    converted = _T2S.convert(_JP2T.convert(ch))
    return converted if len(converted) == 1 else ch


@lru_cache(maxsize=65536)
def _fold_char(ch):
    """One character folded on its own: compatibility forms, marks, digits, case, script."""
    if (
        ch in _IGNORABLE
        or unicodedata.category(ch) == "Cf"
        or unicodedata.category(ch) in _UNDEFINED
    ):
        return ""
    if ch in LOOKALIKE_MARKS:
        return "·"
    kept = []
    for c in unicodedata.normalize("NFKD", ch):
        category = unicodedata.category(c)
        if category in _MARKS or category == "Cf" or c in _IGNORABLE:
            continue
        if category == "Nd":
            c = str(unicodedata.decimal(c))
        elif category in ("No", "Nl") and c != "\u3007":
            # ❶ ➊ (dingbats) and 〡 〢 〣 (Suzhou numerals) have a value but no decomposition;
            # 〇 stays the Chinese character it is (二〇二三年).
            value = unicodedata.numeric(c, None)
            if value is not None and value == int(value) and 0 <= value <= 9:
                c = str(int(value))
        kept.append(c)
    folded = unicodedata.normalize("NFC", "".join(kept)).casefold()
    folded = "".join(CONFUSABLES.get(c, c) for c in folded)
    if not folded or folded.isascii():
        return folded
    folded = _T2S.convert(folded)
    return "".join(map(_variant, folded)) if len(folded) == 1 else folded


def fold_with_offsets(text):
    """``fold(text)`` and, for each of its characters, the span ``(start, end)`` of ``text`` it
    comes from (to quote the original characters where a folded match was found)."""
    text = str(text or "")
    chars, spans = [], []
    for index, ch in enumerate(text):
        for c in _fold_char(ch):
            chars.append(c)
            spans.append((index, index + 1))
    # Chinese is written without spaces: a space beside a Chinese character is layout or an
    # attempt to split a word (王 建国, 解放路118 号).
    kept = [i for i, c in enumerate(chars) if not c.isspace() or not _beside_han(chars, i)]
    chars, spans = [chars[i] for i in kept], [spans[i] for i in kept]
    folded = "".join(chars)
    for match in _LETTER_DIGITS.finditer(folded):
        for i in range(match.start(), match.end()):
            chars[i] = _LETTER_DIGIT.get(chars[i], chars[i])
    folded = "".join(chars)
    for match in _NUMERAL_RUN.finditer(folded):
        for i in range(match.start(), match.end()):
            chars[i] = CHINESE_DIGITS.get(chars[i], chars[i])
    # 解放路18#3单元 is 解放路18号3单元 before # is read as a separator inside a number.
    folded, spans = _house_numbers(chars, spans)
    chars = list(folded)
    # Separators inside a run of digits go (138-1234-5678 is 13812345678), except in dates.
    drop = set()
    for match in _DIGIT_CHAIN.finditer(folded):
        if any(p.fullmatch(match.group()) for p in (_DATE_CHAIN, _THOUSANDS, _YEAR_LIST, _ISBN)):
            continue
        drop.update(i for i in range(match.start(), match.end()) if not chars[i].isdigit())
    if drop:
        kept = [i for i in range(len(chars)) if i not in drop]
        chars, spans = [chars[i] for i in kept], [spans[i] for i in kept]
    return "".join(chars), spans


# A house number after a road, street or lane, however written: 解放路118号 is also 解放路一一八号,
# 解放路一百一十八号, 解放路壹壹捌号, 解放路第118号, 解放路118# and 解放路NO.118 (folded: no.118).
_POSITIONAL = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_HOUSE_NUMBER = re.compile(
    rf"(?<=[路街巷弄道])(?:第?(?P<number>[0-9]+|[{_NUMERALS}十拾百佰千仟]+)(?P<unit>号|#|栋|幢|单元)"
    rf"|(?:no[.:]?|#)\s*(?P<no>[0-9]+)(?:号|#)?)"
)


def chinese_number(text):
    """The value of a number written in Chinese numerals (一一八, 一百一十八, 十八), or in digits."""
    if text.isdigit():
        return int(text)
    if not any(c in _POSITIONAL for c in text):
        return int("".join(CHINESE_DIGITS[c] for c in text))
    total, digit = 0, None
    for c in text:
        if c in _POSITIONAL:
            total += (1 if digit is None else digit) * _POSITIONAL[c]
            digit = None
        else:
            digit = int(CHINESE_DIGITS[c])
    return total + (digit or 0)


def _house_number(match):
    """A ``_HOUSE_NUMBER`` match written one way: 118号 (or 18栋, 3单元)."""
    if match.group("no"):  # 解放路NO.118, 解放路No:118号, 解放路№118
        return f"{int(match.group('no'))}号"
    unit = "号" if match.group("unit") == "#" else match.group("unit")
    try:
        return f"{chinese_number(match.group('number'))}{unit}"
    except (KeyError, ValueError):
        return match.group()


def _house_numbers(chars, spans):
    text = "".join(chars)
    if not _HOUSE_NUMBER.search(text):
        return text, spans
    out_chars, out_spans, last = [], [], 0
    for match in _HOUSE_NUMBER.finditer(text):
        out_chars += chars[last : match.start()]
        out_spans += spans[last : match.start()]
        written = _house_number(match)
        span = (spans[match.start()][0], spans[match.end() - 1][1])
        out_chars += list(written)
        out_spans += [span] * len(written)
        last = match.end()
    out_chars += chars[last:]
    out_spans += spans[last:]
    return "".join(out_chars), out_spans


# As folded (NFKC): ， → ,  ： → :  ； → ;  ！ → !  ？ → ?
_SENTENCE_MARKS = frozenset(",。:;、!?")
# The longest run of marks the skeleton drops inside a word (汪振……华 folds to six dots).
SKELETON_GAP = 12


def skeleton_with_offsets(folded, spans):
    """``folded`` (with its spans) without the marks put inside a word to split it: 汪振·华,
    汪振/华, 汪振、华, 阿依古丽·买买提, 解放路·18号 and fang·jm_2019 read 汪振华, 阿依古丽买买提,
    解放路18号 and fangjm2019. A run of up to ``SKELETON_GAP`` characters that are neither letters
    nor digits (汪振……华, fangjm____2019) is dropped wherever a letter, a digit or a Chinese
    character stands on both sides, except between two digits (``fold`` drops separators inside
    numbers but not in dates or thousands groupings) and where the run holds a sentence mark.
    Only comparisons read it, both sides alike (the gate's case-file strings)."""
    drop = set()
    i, n = 0, len(folded)
    while i < n:
        if folded[i].isalnum():
            i += 1
            continue
        j = i
        while j < n and not folded[j].isalnum():
            j += 1
        # Between two digits ``fold`` has decided already (dates and thousands keep theirs).
        # Sentence punctuation ends a word: 同志，远离 is no 志远.
        if (
            j - i <= SKELETON_GAP
            and i > 0
            and j < n
            and not (folded[i - 1].isdigit() and folded[j].isdigit())
            and not any(c in _SENTENCE_MARKS for c in folded[i:j])
        ):
            drop.update(range(i, j))
        i = j
    if not drop:
        return folded, spans
    kept = [k for k in range(n) if k not in drop]
    return "".join(folded[k] for k in kept), [spans[k] for k in kept]


def skeleton(text):
    """``fold(text)`` without the marks inside words (``skeleton_with_offsets``)."""
    return skeleton_with_offsets(*fold_with_offsets(text))[0]


def _beside_han(chars, i):
    """Whether the whitespace at ``chars[i]`` (within a run of whitespace) touches a Chinese
    character on either side of its run."""
    before = i
    while before > 0 and chars[before - 1].isspace():
        before -= 1
    after = i
    while after < len(chars) - 1 and chars[after + 1].isspace():
        after += 1
    return (before > 0 and bool(_HAN_CHAR.match(chars[before - 1]))) or (
        after < len(chars) - 1 and bool(_HAN_CHAR.match(chars[after + 1]))
    )


def fold(text):
    """The one form every comparison of the publication gate uses, on both sides.

    NFKC-style compatibility folding (full-width forms, circled digits), format characters (Cf:
    zero-width space and joiners, soft hyphen, bidi marks), combining marks (Mn/Mc/Me) and
    variation selectors removed, case folded, traditional → simplified (OpenCC), digits of every
    script → ASCII, whitespace beside Chinese characters removed, runs of seven or more Chinese
    numerals read as digits (幺三八… → 138…), and separators inside runs of digits removed
    (138-1234-5678 → 13812345678) except in dates (2019.05.01)."""
    return fold_with_offsets(text)[0]


# Names for the invisible characters met most, for messages.
INVISIBLE_NAMES = {
    "\u200b": "零宽空格",
    "\u200c": "零宽非连接符",
    "\u200d": "零宽连接符",
    "\u2060": "零宽不换行符",
    "\ufeff": "零宽不换行空格",
    "\u00ad": "软连字符",
    "\u200e": "从左到右标记",
    "\u200f": "从右到左标记",
}


def invisible_characters(text):
    """``(index, character)`` for each character in ``text`` a reader cannot see and that has no
    business in Chinese prose: format characters (Cf), variation selectors and other
    default-ignorable fillers, and combining marks that do not make, with the letter of an
    alphabet before them, one letter of their own (e and U+0301 are é, e and U+0323 U+0302 are
    ệ; a mark on 孙, on a digit or on a full-width letter, an enclosing circle, a mark on a mark
    that composes nothing: refused)."""
    found = []
    cluster = ""  # the last character that is not a mark, with the marks it took
    for index, ch in enumerate(str(text or "")):
        category = unicodedata.category(ch)
        if ch in _IGNORABLE or category == "Cf":
            found.append((index, ch))
        elif category in _MARKS:
            if _composes(cluster, ch):
                cluster += ch
            else:
                found.append((index, ch))
        else:
            cluster = ch
    return found


# Pinyin's tone marks and the circumflex of ê: on a Latin letter they stay even where Unicode
# has no precomposed letter (ê̄, m̀); the gate folds marks away before it compares names.
_PINYIN_MARKS = frozenset("\u0300\u0301\u0302\u0304\u030c\u0308")


def _composes(cluster, mark):
    """Whether ``mark`` after ``cluster`` (a letter and the marks it took) belongs to that
    letter: never on a Han character, a digit, a symbol or a full-width letter, never an
    enclosing mark; on a Latin, Greek or Cyrillic letter where NFC makes one letter of them or
    it is a pinyin tone mark; on the letters of other scripts (Tibetan vowel signs, Arabic
    vowels, Devanagari), always."""
    base = cluster[:1]
    if not base.isalpha() or _HAN_CHAR.match(base) or unicodedata.category(mark) == "Me":
        return False
    name = unicodedata.name(base, "")
    if name.startswith(("FULLWIDTH", "HALFWIDTH")):
        return False
    if name.startswith(("LATIN", "GREEK", "CYRILLIC")):
        if unicodedata.normalize("NFD", base)[0].isascii() and mark in _PINYIN_MARKS:
            return True
        return len(unicodedata.normalize("NFC", cluster + mark)) == 1
    return True


def invisible_name(ch):
    if ch in INVISIBLE_NAMES:
        return INVISIBLE_NAMES[ch]
    if ch in _IGNORABLE and "VARIATION SELECTOR" in unicodedata.name(ch, ""):
        return "变体选择符"
    if unicodedata.category(ch) in _MARKS:
        return "组合符号"
    return "格式控制符" if unicodedata.category(ch) == "Cf" else "填充符"


def _is_radical(ch):
    return any(start <= ord(ch) <= end for start, end in _RADICALS)


def unusual_characters(text):
    """``(index, character)`` for each character of ``text`` that has no business in Chinese
    prose and can carry a name past a comparison: the ``invisible_characters``, and the visible
    ones a reader takes for something else — strokes, radicals and marks Unicode counts as
    letters (``LOOKALIKE_MARKS``, the radical blocks) — and private-use or unassigned code
    points."""
    text = str(text or "")
    found = dict(invisible_characters(text))
    for index, ch in enumerate(text):
        if ch in LOOKALIKE_MARKS or _is_radical(ch) or unicodedata.category(ch) in _UNDEFINED:
            found[index] = ch
    return sorted(found.items())


def is_invisible(ch):
    """Whether ``ch`` (one of ``unusual_characters``) is drawn as nothing."""
    return not (ch in LOOKALIKE_MARKS or _is_radical(ch) or unicodedata.category(ch) in _UNDEFINED)


def unusual_name(ch):
    """What to call one of ``unusual_characters`` in a message, in Chinese."""
    if ch in LOOKALIKE_MARKS:
        return f"形似笔画或符号的“{ch}”"
    if _is_radical(ch):
        return f"部首字符“{ch}”"
    if unicodedata.category(ch) == "Co":
        return "私用区字符"
    if unicodedata.category(ch) == "Cn":
        return "未定义字符"
    return invisible_name(ch)


# --- pinyin (the gate: a name written in the Latin alphabet) ---------------------------------


@lru_cache(maxsize=4096)
def _readings(ch):
    """The toneless pinyin readings of one Han character, lower case (ü written v and u)."""
    # Lazy: pypinyin takes ~0.3 s to import (its phrase dictionary) and only the publication
    # gate's check for names written in pinyin (casestudies.gate) needs it.
    from pypinyin import Style, pinyin

    readings = []
    for reading in pinyin(ch, style=Style.NORMAL, heteronym=True)[0][:3]:
        reading = reading.lower()
        if not reading.isascii() or not reading.isalpha():
            continue
        readings += [reading] + ([reading.replace("v", "u")] if "v" in reading else [])
    return tuple(dict.fromkeys(readings))


def pinyin_forms(name, surname="", limit=48):
    """The ways of writing the Han name ``name`` with pinyin, as the skeleton reads them (folded,
    run together): all in pinyin (wangzhenhua for 汪振华, and with the given name first,
    zhenhuawang, when ``surname`` says where it ends), and each mix of characters and pinyin
    (汪zhenhua, wang振华, 汪zhen华). A character with several readings gives each (曾: zeng and
    ceng). At most ``limit`` forms; ``name`` itself is not one of them."""
    name = "".join(ch for ch in str(name or "") if _HAN_CHAR.match(ch))
    if not 2 <= len(name) <= 6:
        return []
    choices = []
    for ch in name:
        readings = _readings(ch)
        if not readings:
            return []
        choices.append((ch, *readings))
    # Every reading of the whole name in pinyin first (尉迟长乐 is weichi… and yuchi…), then the
    # given name first, then the mixes, so that ``limit`` cuts mixes, never a reading.
    forms = []
    for combination in product(*[_readings(ch) for ch in name]):
        forms.append("".join(combination))
        if len(forms) >= limit:
            break
    if surname and name.startswith(surname) and len(name) > len(surname):
        given = name[len(surname) :]
        for first, last in product(
            product(*[_readings(ch) for ch in given]), product(*[_readings(ch) for ch in surname])
        ):
            forms.append("".join(first) + "".join(last))
            if len(forms) >= limit + 8:
                break
    for combination in product(*choices):
        if len(forms) >= limit + 16:
            break
        form = "".join(combination)
        if form != name:
            forms.append(form)
    return list(dict.fromkeys(forms))
