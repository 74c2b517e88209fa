"""Finding the names of people nobody listed.

Evidence, strongest first:

1. context: a post, profession or role right before the name (副校长冯某某, 村民吉某某某) or
   right after it (蔺某镇长, 邝某某律师, 马某某同志), with or without a mark in between;
2. a transliterated name joined by a middle dot (阿不都热合曼·买买提);
3. a list: the other items of an enumeration that holds a name, or that ends in 等5名党员;
4. the word segmenter (jieba): a word its dictionary tags as a person, or one its hidden Markov
   model joined from characters no dictionary knows, starting with a frequent surname.

A Han name is a surname from the table (``surnames``) and a given name of one or two
characters; how long the given name is comes from how likely each character is inside a given
name (``tagger.given_name_odds``) and how well the text reads on after it (a mark, a function
word, an ordinary word starting there). A transliterated name is a run of the characters used
for Tibetan, Uyghur, Yi or Mongolian sounds (``transliteration``).

What is then *not* a person, whatever the evidence: a place (``places``: the gazetteer and
the suffixes 镇 乡 村 县 街道 庄 咀 …), an ordinary word (高度, 群众 in 和群众), a figure quoted
from a book or a film or a public exemplar (“保尔·柯察金”, 焦裕禄精神). A name found once is
found wherever else the text writes it.
"""

import re
from bisect import bisect_right
from dataclasses import dataclass

from casestudies.anonymization import places, tagger
from casestudies.anonymization.contexts import (
    ADMIRED_BEFORE,
    AFTER_ONLY,
    DATE_AFTER,
    EXEMPLAR_AFTER,
    EXEMPLAR_BEFORE,
    FESTIVALS,
    FIGURE_AFTER,
    FIGURE_BEFORE,
    FOLLOWERS,
    FORM_LABEL,
    HANDLING_AFTER,
    HANDLING_BEFORE,
    HOMAGE_BEFORE,
    HONOUR_BEFORE,
    LIST_OF_PEOPLE,
    NATIONAL_POSTS,
    NEVER_IN_GIVEN_NAME,
    PERSON_VERBS,
    POSTS,
    QUOTED_WORDS_BEFORE,
    SEX_AFTER,
    WORKS_AFTER,
    WRITER_BEFORE,
    post_pattern,
)
from casestudies.anonymization.surnames import AMBIGUOUS, COMPOUND, RARE, SINGLE
from casestudies.anonymization.transliteration import (
    SOUNDS,
    in_a_part,
    made_of_parts,
    marker_count,
    sounds_like_a_name,
)

CONTEXT, DOTTED, LISTED_WITH, TAGGED = 4, 3, 2, 1
COMPOUND_SET = set(COMPOUND)
MODEL = frozenset()  # the tier of surnames only the tagger's model knows (see _surnames_at)
SURNAME_ODDS = 2.0
# After a name found by the tagger alone, these say it is a thing (古尔邦节, 中山路).
THING_AFTER = tuple("节路街桥寺庙塔港湖河山") + tuple(
    "景区 水库 公园 广场 大桥 隧道 电站 林场 矿区 园区 古镇 古村 码头 渡口".split()
)
# Parts of speech of words that end a transliterated name's run (多次, 一起, 来到).
ORDINARY_TAGS = {"m", "v", "d", "p", "c", "u", "uj", "r", "f", "t", "q", "a", "vn", "ad"}
NAME_TAGS = ("nr", "nrt", "nrfg")
# A dictionary word seen this often that is not tagged as a name is an ordinary word; for a
# surname that starts many words (全科, 高度) less often will do.
COMMON_WORD = 100
RARE_WORD = 20
# Characters that end the name of a unit or a section (安置科科长, 财政所所长), never a person's.
UNIT_ENDINGS = set("科局处股所站队室办部委院校厅司团社会组")
# The least score (log odds of the given name's characters plus how the text reads on) at which
# a name is believed, by the evidence that proposes it.
THRESHOLD = {CONTEXT: 0.0, LISTED_WITH: 1.0, TAGGED: 2.0}
# …less this where a mark ends the name right after a post (副校长某某：党内警告).
HARD_BREAK = 1.0
LONGEST_TRANSLITERATION = 10
# After a frequent name, these say a person is meant (used where the surname is ambiguous).
NAME_FOLLOWERS = (
    "同志",
    "等",
    "、",
    "和",
    "与",
    "及",
    "称",
    "说",
    "表示",
    "介绍",
    "反映",
    "是",
    "任",
)
NAME_FOLLOWERS += ("系", "担任", "（", "(", "某", "为", "在", "受到", "被", "带领", "所")
# Surnames that are also function words: 和群众, 向她, 曾多次 are no names.
FUNCTION_SURNAMES = set("和与及同向为对将由在曾")
CONJUNCTIONS = set("和与及同")
# …of which these are prepositions that take a person (向覃某某反映), unlike 曾 (曾兰 is a name).
PREPOSITION_SURNAMES = set("向对为将由")
# How name-like (log odds) a common word must be to be a given name after such a surname.
FUNCTION_SURNAME_GIVEN_ODDS = 0.5
# A word the dictionary tags as a name but sees this often is mostly an ordinary word (康复,
# 白雪, 文明): a name only where the text breaks off after it (宁静等, 高明：).
COMMON_NAME_WORD = 500
# A place name that a person's name may follow in a list (古城镇邸某某、): its last characters.
PLACE_THEN_NAME = re.compile(r"[\u4e00-\u9fff]{1,6}(?:街道|镇|乡|县|区|市)(?=[\u4e00-\u9fff])")
# A unit a person's name may follow with no post between (县财政局李某、县教育局欧阳某某分别…):
# the unit's last characters, after a place or a unit's words.
UNIT_THEN_NAME = re.compile(
    r"(?:[县市区镇乡]|街道)[\u4e00-\u9fff]{1,10}?"
    r"(?:局|院|所|站|段|社|委|办|中心|公司|学校|小学|中学|医院|卫生院|大队|中队|厅|馆|集团)"
    r"(?=[\u4e00-\u9fff])"
)
LIST_MARKS = ("、", "，", "。", "；", "：", "）", ")", "")
# …or goes on with what a bulletin says of the people it lists.
LIST_GOES_ON = ("分别", "均", "受到", "被", "违规", "等")
SECTION_ENDINGS = set("科股处室办局所站队")
# What joins the items of an enumeration of names (焦某某、孔某某, 白某某和雷某).
LIST_JOINS = set("、和与及")
SPACES = (" ", "\u3000")
QUOTES = {"“": "”", "「": "」", "『": "』", '"': '"', "《": "》"}
# Marks written for the middle dot of a transliterated name (阿依古丽・买买提 with the katakana
# dot, • and ‧): read as "·", one character for one, so offsets stay those of the input.
MIDDLE_DOTS = str.maketrans({"・": "·", "•": "·", "‧": "·", "･": "·"})
# Characters before a name that take a person (对许某的, 在曹某的带动下, 向彭某提出): with a
# function character or a mark right after the name, the segmenter's word is framed as a person.
TAKES_A_PERSON = set("对向被让和与及同跟给找叫请由替帮陪在把将")
# A name framed so, written this many times in the text, needs less of its given name's odds.
FRAMED_REPEATS = 2
# After a post, a name that is also an ordinary word (局长时光、, 局长原野、副局长) is the name
# where a mark of a list or another post sets it off.
SET_OFF = set("、，,；;。")
# The least share of name sounds in the part after a middle dot that the segmenter keeps as a
# word of its own (努尔古丽·艾山, 玉素甫·卡德尔): the rest may be any characters.
PART_SOUNDS = 0.5
LONGEST_PART = 5


@dataclass(frozen=True)
class Found:
    start: int
    end: int
    name: str
    reason: str
    kind: str = "han"  # "han" or "minority" (a transliterated name: no surname of the table)
    strength: int = TAGGED
    of: str = ""  # for one part of a name joined by a middle dot written alone: that name


def is_han(char):
    return "\u4e00" <= char <= "\u9fff"


def _all_han(word):
    return bool(word) and all(is_han(char) for char in word)


class _Reading:
    """A text as the detector reads it: its words and where they start."""

    def __init__(self, text):
        self.text = text
        self.words = tagger.segment(text)
        self.offsets = [start for start, _end, _word in self.words]
        self.starts = set(self.offsets) | {len(text)}

    def word_at(self, position):
        return self.words[bisect_right(self.offsets, position) - 1]

    def cuts_a_word(self, position):
        """Whether ``position`` falls inside a dictionary word of two characters or more."""
        if position in self.starts or position >= len(self.text):
            return False
        _start, _end, word = self.word_at(position)
        return bool(tagger.tag(word)) and len(word) >= 2


def _surnames_at(text, position, tiers):
    """Surnames from ``tiers`` that ``text`` has at ``position``, compound first.

    The tier ``MODEL`` holds any character the tagger's model finds likely to start a name
    (``tagger.surname_odds``): surnames no table lists, believed only beside a post."""
    pair = text[position : position + 2]
    found = [pair] if pair in COMPOUND_SET else []
    char = text[position : position + 1]
    if any(char in tier for tier in tiers if tier is not MODEL):
        found.append(char)
    elif MODEL in tiers and is_han(char) and tagger.surname_odds(char) >= SURNAME_ODDS:
        found.append(char)
    return found


def _given_odds(given):
    if len(given) == 1:
        return tagger.given_name_odds(given, "E")
    return tagger.given_name_odds(given[0], "M") + tagger.given_name_odds(given[1], "E")


def _right_edge(reading, end):
    """How well the text reads on after a name ending at ``end``."""
    text = reading.text
    if end >= len(text) or not is_han(text[end]):
        return 2.0
    edge = 1.0 if end in reading.starts else (-1.0 if reading.cuts_a_word(end) else 0.0)
    if text[end] in FOLLOWERS:
        edge += 1.0
    elif _breaks_hard(text, end + 1):
        edge -= 1.5  # one character stranded before a mark (丁梅|国：) belongs to the name
    if post_pattern().match(text, end):
        edge += 1.5
    elif tagger.frequency(text[end : end + 2]) >= COMMON_WORD:
        edge += 0.5
    return edge


def _left_edge(reading, start):
    text = reading.text
    if start == 0 or not is_han(text[start - 1]):
        return 2.0
    edge = 1.0 if start in reading.starts else (-1.0 if reading.cuts_a_word(start) else 0.0)
    if text[start - 1] in FOLLOWERS or text[start - 1] in "由请对向":
        edge += 0.5
    return edge


def _ordinary(name, surname, strength=CONTEXT, set_off=False):
    """Whether ``name`` is an ordinary word rather than a name (高度, 和群众, 曾多次).

    A surname that is also a function word (和, 向) glued to an ordinary word (群众) makes no
    name; one that merely starts many words (马, 于) does so only on the tagger's word alone.
    ``set_off``: a post is right before the name and a list mark or another post right after
    it (局长时光、副局长), where a word of two characters is read as the name."""
    given = name[len(surname) :]
    if set(given) & NEVER_IN_GIVEN_NAME or given in POSTS or given in AFTER_ONLY:
        return True  # …or a title after a name (会计师明同志: 明同志 is no name)
    named = tagger.tag(name).startswith(NAME_TAGS)
    common = COMMON_WORD if surname not in AMBIGUOUS else RARE_WORD
    if set_off and len(name) == 2 and surname not in FUNCTION_SURNAMES:
        # …a noun there whose second character reads as a given name (时光, 原野), never a
        # verb, an adjective or a pronoun (满意, 那样) or a noun that does not (商量, 方面).
        if tagger.tag(name) not in ORDINARY_TAGS and _given_odds(given) > 0:
            return False
    if tagger.frequency(name) >= common and not named:
        return True
    if given[0] in FOLLOWERS and len(given) == 2 and tagger.frequency(given) >= COMMON_WORD:
        return True  # 老甄为人和善: 为人 is a word, not a given name
    if len(given) >= 2 and tagger.frequency(given) >= COMMON_WORD:
        if surname in FUNCTION_SURNAMES:
            # 和群众, 曾多次, 和大家: an ordinary word after the function character; but a word
            # that reads as a given name (红梅, 建军) after a post is one (村民曾红梅).
            return strength <= TAGGED or _given_odds(given) < FUNCTION_SURNAME_GIVEN_ODDS
        return strength <= TAGGED and surname in AMBIGUOUS
    return False


def _set_off(text, begin, end):
    """Whether a post is right before ``[begin, end)`` and a list mark or a post right after."""
    if not _post_before(text, begin):
        return False
    return text[end : end + 1] in SET_OFF or bool(post_pattern().match(text, end))


def _han_name(reading, start, end_limit=None, before=None, strength=CONTEXT):
    """The best Han name starting at ``start`` (or ending at ``before``), as ``(name, score)``."""
    text = reading.text
    best = None
    tiers = (SINGLE, RARE, MODEL) if strength >= LISTED_WITH else (SINGLE, RARE)
    if before is not None:
        options = []
        for size in (2, 3, 4):
            begin = before - size
            if begin < 0:
                break
            for surname in _surnames_at(text, begin, tiers):
                if 1 <= size - len(surname) <= 2:
                    options.append((begin, before, surname))
    else:
        options = []
        for surname in _surnames_at(text, start, tiers):
            for size in (1, 2):
                end = start + len(surname) + size
                if end <= len(text) and (end_limit is None or end <= end_limit):
                    options.append((start, end, surname))
    for begin, end, surname in options:
        name = text[begin:end]
        given = name[len(surname) :]
        if surname in CONJUNCTIONS and _surnames_at(text, begin + 1, (SINGLE, RARE)):
            continue  # 律师和孟某律师: 和 joins two names here, it is no surname
        if (
            surname in PREPOSITION_SURNAMES
            and _all_han(text[begin + 1 : begin + 3])
            and _surnames_at(text, begin + 1, (SINGLE - AMBIGUOUS,))
        ):
            continue  # 村民向覃某某反映: 向 takes the person here, it is no surname
        set_off = strength >= CONTEXT and _set_off(text, begin, end)
        if not _all_han(given) or _ordinary(name, surname, strength, set_off):
            continue
        if (
            tagger.frequency(name) >= COMMON_NAME_WORD
            and not _breaks_off(text, end)
            and not set_off
        ):
            continue
        if places.is_place(text, begin, end):
            continue
        if strength < CONTEXT and places.named_like_a_place(name, surname in AMBIGUOUS):
            continue  # 宋家岗、徐家坪 in a list, 龙王坪 found by the tagger
        head = post_pattern().match(text, end)
        if head and name[-1] in UNIT_ENDINGS and head.group().lstrip("副")[:1] == name[-1]:
            continue  # 安监站站长: a unit, then its head
        score = _given_odds(given) - (0.8 if len(given) == 1 else 0.0)
        if len(given) == 2 and given[-1] in FOLLOWERS:
            score -= 1.5  # a function word glued to the name (熊某曾对其, 苗某作表态)
        score += _right_edge(reading, end) if before is None else _left_edge(reading, begin)
        if len(given) == 1 and strength >= LISTED_WITH and _one_unknown_word(reading, begin, end):
            # 主任时建, 中队长柴进: the segmenter's model joined surname and one given character
            # into a word of its own, which offsets the doubt a one-character given name carries.
            score += 1.0
        if surname not in SINGLE and surname not in COMPOUND_SET:
            score -= 0.5 if surname in RARE else 1.0
        if best is None or score > best[1]:
            best = ((begin, end, surname), score)
    return best


def _one_unknown_word(reading, begin, end):
    """Whether ``[begin, end)`` is exactly one word of the segmenter that no dictionary knows
    (时建, 柴进 after 主任, 中队长): its hidden Markov model took them for one name."""
    if begin not in reading.starts or end not in reading.starts:
        return False
    start, stop, word = reading.word_at(begin)
    if (start, stop) != (begin, end) or tagger.frequency(word):
        return False
    # …and an ordinary word of two characters or more starts right after (时建|违规, 柴进|执法).
    if end >= len(reading.text):
        return True
    _next_start, _next_end, following = reading.word_at(end)
    return len(following) >= 2 and tagger.frequency(following) >= COMMON_WORD


def _framed(text, begin, end):
    """Whether ``[begin, end)`` stands between a character that takes a person (or the start of
    a clause) and a function character or a mark: 对某某的, 在某某的带动下, 。某某把."""
    before = text[begin - 1 : begin]
    if before and is_han(before) and before in TAKES_A_PERSON:
        return True  # 被赵某打伤, 让周某代签: the character takes a person, whatever follows
    return (not before or not is_han(before)) and _breaks_off(text, end)


def _breaks_hard(text, end):
    """Whether a mark follows (副校长某某：党内警告): the name can end nowhere else."""
    return end >= len(text) or not is_han(text[end])


def _breaks_off(text, end):
    return end >= len(text) or not is_han(text[end]) or text[end] in FOLLOWERS


def _transliterated(reading, start=None, before=None, part=False):
    """A transliterated name starting at ``start`` (or ending at ``before``): ``(start, end)``.

    ``part``: one side of a name joined by a middle dot, which may be a word (买买提)."""
    text = reading.text
    if before is not None:
        begin = before
        while begin > 0 and before - begin < LONGEST_TRANSLITERATION and _sound(text, begin - 1):
            begin -= 1
        while begin < before and reading.cuts_a_word(begin):
            begin += 1
        return _run_name(reading, begin, before, part)
    end = start
    while end < len(text) and end - start < LONGEST_TRANSLITERATION and _sound(text, end):
        end += 1
    # A word the segmenter does not know, or knows as a name, that the run ends inside may go
    # on with the name (买买提江·吾|守尔); an ordinary word ends it where it starts (扎西多吉|来到,
    # not 扎西多吉来).
    if start < end < len(text) and end not in reading.starts:
        _word_start, word_end, word = reading.word_at(end)
        if _all_han(word) and (not tagger.tag(word) or tagger.tag(word).startswith("nr")):
            longer = _run_name(reading, start, min(word_end, start + LONGEST_TRANSLITERATION), part)
            if longer:
                return longer
    while end > start and reading.cuts_a_word(end) and text[end] not in FOLLOWERS:
        end = reading.word_at(end)[0]
    return _run_name(reading, start, end, part)


def _run_name(reading, begin, end, part=False):
    text = reading.text
    while end - begin > 2 and _ordinary_tail(reading, begin, end):
        end = reading.word_at(end - 1)[0]
    name = text[begin:end].strip("·")
    if len(name) < 2 or places.is_place(text, begin, end):
        return None
    if not sounds_like_a_name(name) and not (part and _part_after_a_dot(reading, begin, end)):
        return None
    common = tagger.frequency(name) >= COMMON_WORD and not tagger.tag(name).startswith(NAME_TAGS)
    if common and len(name) >= 4 and made_of_parts(name.replace("·", "")):
        common = False  # 乌云其木格: two parts of Mongolian names, whatever the dictionary says
    return None if common and not part else (begin, begin + len(name))


def _part_after_a_dot(reading, begin, end):
    """Whether ``[begin, end)``, right after (or before) a middle dot, is made of words of the
    segmenter that no dictionary knows as an ordinary word, with a marker and half its
    characters name sounds (艾山 of 努尔古丽·艾山, 卡德尔 of 玉素甫·卡德尔 as 卡|德尔, 玉素甫)."""
    text = reading.text
    name = text[begin:end]
    beside = text[begin - 1 : begin] == "·" or text[end : end + 1] == "·"
    if not beside or not 2 <= len(name) <= LONGEST_PART or begin not in reading.starts:
        return False
    if not _all_han(name) or not marker_count(name):
        return False
    if sum(char in SOUNDS for char in name) < PART_SOUNDS * len(name):
        return False
    return end in reading.starts and not (
        tagger.frequency(name) >= COMMON_WORD and not tagger.tag(name).startswith(NAME_TAGS)
    )


def _part_by_words(reading, start):
    """The part after a middle dot as the segmenter's words (卡|德尔 of 玉素甫·卡德尔): the
    shortest run of words from ``start`` that reads as such a part and after which the text
    breaks off, goes on with a function character or starts an ordinary word."""
    text = reading.text
    for end in range(start + 2, min(len(text), start + LONGEST_PART) + 1):
        if end not in reading.starts:
            continue
        if not _part_after_a_dot(reading, start, end):
            continue
        if end >= len(text) or not is_han(text[end]) or text[end] in FOLLOWERS:
            return (start, end)
        _start, _end, following = reading.word_at(end)
        if tagger.frequency(following) >= COMMON_WORD or post_pattern().match(text, end):
            return (start, end)
    return None


def _sound(text, position):
    char = text[position]
    if char == "·":
        return 0 < position < len(text) - 1 and text[position + 1] in SOUNDS
    return char in SOUNDS or in_a_part(text, position)


def _ordinary_tail(reading, begin, end):
    """Whether the run ``[begin, end)`` ends in an ordinary word (多次, 一起) it should not keep."""
    word_start, word_end, word = reading.word_at(end - 1)
    if word_start <= begin or word_end > end:
        return False
    flag = tagger.tag(word)
    if len(word) < 2 or tagger.frequency(word) < COMMON_WORD or flag.startswith(NAME_TAGS):
        return False
    return flag in ORDINARY_TAGS or tagger.frequency(word) >= 2000


def _figure(text, start, end):
    """Whether the name at ``[start, end)`` is a quoted figure, not a person of the case."""
    for opening, closing in QUOTES.items():
        left = text.rfind(opening, 0, start)
        if left < 0 or start - left > 10:
            continue
        right = text.find(closing, end)
        if right >= 0 and right - left <= 12 and closing not in text[left + 1 : start]:
            inside = text[left + 1 : right]
            if opening == "《" or (inside and all(is_han(c) or c == "·" for c in inside)):
                return True
    return bool(FIGURE_BEFORE.search(text, max(0, start - 4), start))


def _list_of_exemplars(text, end):
    """Whether the name ending at ``end`` is an item of a list that ends in 等 and an exemplar's
    words (向黄某某、南某某、钟某等同志学习)."""
    position, items = end, 0
    while position < len(text) and text[position] in "、和与及" and items < 8:
        stop = position + 1
        while stop < len(text) and stop - position <= 8 and is_han(text[stop]):
            if text[stop] in "、和与及等":
                break
            stop += 1
        position, items = stop, items + 1
    if not text.startswith("等", position):
        return False
    after = EXEMPLAR_AFTER.match(text, position + 1)
    return bool(after and after.group().endswith(("学习", "那样", "榜样", "精神", "事迹")))


def _a_festival(reading, item):
    """Whether the name found is a festival or a date: a given name that is a festival or a
    solar term (贺中秋, 庆元宵, 贺新春), unless a post names the person or what follows takes a
    person (江立春说); a festival followed by a word of time (…中秋节前, …端午前夕) is the day."""
    text = reading.text
    for size in (2, 3):
        word = item.name[-size:]
        if word not in FESTIVALS or item.kind != "han":
            continue
        if word == item.name and item.strength < CONTEXT:
            return not text.startswith(PERSON_AFTER, item.end)  # 和谷雨一起到来
        if DATE_AFTER.match(text, item.end) and not text.startswith(tuple(AFTER_ONLY), item.end):
            return True
        if item.strength <= TAGGED and not text.startswith(PERSON_AFTER, item.end):
            return not (word != item.name and _in_a_persons_slot(reading, item.start, item.end))
    return False


def _in_a_persons_slot(reading, start, end):
    """Whether a surname and a festival word (姜清明, 魏冬至) stand where a clause's subject or
    a person governed by 对, 和, 让 … stands, with a verb, an adverb or a function character
    after them (对姜清明违规…, ，魏冬至驾驶…, 卢中秋和…): the day would be followed by a word
    of time or a mark, and would not open a clause before a verb."""
    text = reading.text
    if end >= len(text) or not is_han(text[end]):
        return False
    if not (_opens_clause(text, start) or text[start - 1] in TAKES_A_PERSON):
        return False
    return _reads_on(reading, end, strictly=True)


# After a name, words that say a person is meant, whatever the name looks like (江立春说).
PERSON_AFTER = (
    "同志",
    "说",
    "称",
    "表示",
    "介绍",
    "反映",
    "担任",
    "任",
    "系",
    "带领",
    "受到",
    "（",
)


def _in_quoted_words(text, start):
    """Whether ``start`` is inside a quotation of words written down (郑板桥的“衙斋卧听萧萧竹，
    疑是民间疾苦声”): a quotation opened after 的, 写道, 引用 … and not yet closed."""
    left = text.rfind("“", 0, start)
    if left < 0 or "”" in text[left:start]:
        return False
    return bool(QUOTED_WORDS_BEFORE.search(text, max(0, left - 4), left))


def _quoted_writer(text, start, end):
    """Whether the name is a writer or historical figure whose words or works are quoted
    (艾青的诗句, 林则徐在《…》中写道, 诗人某某), or whom a person admires (我最敬佩的人是某某)."""
    if WORKS_AFTER.match(text, end):
        return True
    window = text[max(0, start - 8) : start]
    return bool(ADMIRED_BEFORE.search(window) or WRITER_BEFORE.search(window))


def _exemplar(text, start, end):
    """Whether the name is an exemplar held up to others: 向某某同志学习, 某某同志的先进事迹,
    缅怀某某 (but never one a post is written before: 村民某某的事迹 is a person of the case)."""
    if HONOUR_BEFORE.search(text, max(0, start - 10), start):
        return True  # 时代楷模某某, 全国优秀县委书记某某: the honour says who is meant
    if _post_before(text, start):
        return False
    if HOMAGE_BEFORE.search(text, max(0, start - 2), start):
        return True
    if _list_of_exemplars(text, end):
        return True
    after = EXEMPLAR_AFTER.match(text, end)
    before = EXEMPLAR_BEFORE.search(text, max(0, start - 2), start)
    return bool(after and (before or after.group().endswith(("精神", "事迹", "名言", "榜样"))))


_LONGEST_POST = max(map(len, POSTS))


def _past_a_post(text, start, end):
    """Where a candidate starting at ``start`` begins once a post the text writes across that
    start is left out: a name never begins inside a post (会计费明: the post 会计, then 费明;
    not 计费明, which the segmenter reads as 计费 and 明)."""
    for size in range(_LONGEST_POST, 1, -1):
        for back in range(1, size):
            begin = start - back
            if (
                begin >= 0
                and start < begin + size <= end - 2
                and text[begin : begin + size] in POSTS
            ):
                return begin + size
    return start


class _Finder:
    def __init__(self, text, known):
        self.text = text
        self.reading = _Reading(text)
        self.known = set(known)
        self.found = []

    def add(self, start, end, reason, strength, kind="han", of=""):
        start = _past_a_post(self.text, start, end)
        name = self.text[start:end]
        if name in self.known or len(name) < 2 or "某" in name or name in POSTS:
            return None  # a post is no name (、苏木达阿拉腾: the item is a post, then a name)
        item = Found(start, end, name, reason, kind, strength, of)
        self.found.append(item)
        return item

    # 1. Context: posts before and after.
    def by_context(self):
        text = self.text
        for match in post_pattern().finditer(text):
            post = match.group()
            if post not in AFTER_ONLY:
                before = len(self.found)
                self.after_post(match.end(), post)
                # 会计师明: no name after 会计师, so the post may be 会计 and the name 师明.
                for size in range(len(post) - 1, 1, -1):
                    if len(self.found) > before or post[:size] not in POSTS:
                        continue
                    self.after_post(match.start() + size, post[:size])
            self.before_post(match.start(), post)

    def by_handling(self):
        """张某，男，汉族; 给予张某党内警告处分; 。张某受到政务记过处分; 王某（时任镇长）: a name
        at the start of a clause (or after 给予, 对) right before the person's sex, handling, or
        a post in brackets or after a comma."""
        text = self.text
        ends = [(m.start(), "人名后接性别") for m in SEX_AFTER.finditer(text)]
        ends += [(m.start(), "人名后接处分或处理") for m in HANDLING_AFTER.finditer(text)]
        ends += [(end, "人名后接括注或逗号后的职务") for end in self._posts_after_a_mark()]
        for end, reason in ends:
            if end == 0 or not is_han(text[end - 1]) or self._taken(end - 1, end, CONTEXT):
                continue
            run = _transliterated(self.reading, before=end)
            han = _han_name(self.reading, None, before=end)
            if run and _opens_clause(text, run[0]) and (run[1] - run[0] >= 4 or not han):
                self.add(*run, reason + "（少数民族或外国人名译写）", CONTEXT, "minority")
            elif han and han[1] >= THRESHOLD[CONTEXT] and _opens_clause(text, han[0][0]):
                self.add(han[0][0], han[0][1], reason, CONTEXT)

    def _posts_after_a_mark(self):
        """Where a name ends that a post in brackets or after a comma describes: 王某（时任镇长）,
        王某，县交通局副局长；: the position of the bracket or the comma."""
        text, ends = self.text, []
        for match in post_pattern().finditer(text):
            if match.group() in AFTER_ONLY or text[match.end() : match.end() + 1] not in POST_ENDS:
                continue
            begin = match.start()
            while begin > 0 and match.start() - begin < 14 and is_han(text[begin - 1]):
                begin -= 1
            if begin > 0 and text[begin - 1] in "，,（(":
                ends.append(begin - 1)
        return ends

    def after_place(self):
        """古城镇邸某某、柳泉乡佟某某, 县财政局李某、: a name right after a town or a unit, ended by a
        mark (or by 分别, 受到 … of a bulletin's list)."""
        matches = list(PLACE_THEN_NAME.finditer(self.text))
        matches += list(UNIT_THEN_NAME.finditer(self.text))
        for match in matches:
            start = match.end()
            han = _han_name(self.reading, start, strength=LISTED_WITH)
            if not han or han[1] < THRESHOLD[LISTED_WITH]:
                continue
            begin, end, _surname = han[0]
            ends = self.text[end : end + 1] in LIST_MARKS or self.text.startswith(LIST_GOES_ON, end)
            if self.text[end - 1] in SECTION_ENDINGS:
                continue  # 县住建局房屋科、: a section of the unit, not a person
            if ends and not self._taken(begin, end):
                what = "地名" if match.re is PLACE_THEN_NAME else "单位"
                self.add(begin, end, f"{what}“{match.group()}”后接人名", LISTED_WITH)

    def after_post(self, start, post):
        if self.text.startswith(("：", ":", " ", "\u3000"), start):
            start += 1  # 联系人：某某, 通讯员 某某
        elif self.text.startswith("的", start) and HELD_A_POST.search(
            self.text, max(0, start - len(post) - 16), start - len(post)
        ):
            start += 1  # 时任镇党委书记的某某
        if start >= len(self.text) or not is_han(self.text[start]):
            return
        reason = f"职务或身份词“{post}”后接人名"
        run = _transliterated(self.reading, start=start)
        han = _han_name(self.reading, start)
        if run and (run[1] - run[0] >= 4 or not han or "·" in self.text[run[0] : run[1]]):
            self.add(*run, reason + "（少数民族或外国人名译写）", CONTEXT, "minority")
        elif han and han[1] >= THRESHOLD[CONTEXT] - (
            HARD_BREAK if _breaks_hard(self.text, han[0][1]) else 0
        ):
            begin, end, _surname = han[0]
            self.add(begin, end, reason, CONTEXT)
        elif run:
            self.add(*run, reason + "（少数民族或外国人名译写）", CONTEXT, "minority")

    def before_post(self, end, post):
        if end == 0 or not is_han(self.text[end - 1]):
            return
        reason = f"人名后接职务或身份词“{post}”"
        han = _han_name(self.reading, None, before=end)
        run = _transliterated(self.reading, before=end)
        if run and (run[1] - run[0] >= 4 or not han or "·" in self.text[run[0] : run[1]]):
            self.add(*run, reason + "（少数民族或外国人名译写）", CONTEXT, "minority")
        elif han and han[1] >= THRESHOLD[CONTEXT]:
            begin, stop, _surname = han[0]
            if self.text[stop - 1] in UNIT_ENDINGS:
                return  # 管理科科长: a unit, then its head
            if not self.reading.cuts_a_word(begin) and _left_context_allows(self.text, begin):
                self.add(begin, stop, reason, CONTEXT)

    def by_label(self):
        """出席：某某, 记录：某某: the labels of minutes and records, then a colon and a name."""
        for match in FORM_LABEL.finditer(self.text):
            self.after_post(match.end(), match.group())

    def after_verb(self):
        """约谈了张某某和李某某, 对王某某进行诫勉谈话, 由刘某某负责, 被苏某某截留: a Han name right
        after a verb or a preposition that takes a person, where the clause reads on after it."""
        text, reading = self.text, self.reading
        for match in PERSON_VERBS.finditer(text):
            start = match.end()
            if start >= len(text) or not is_han(text[start]) or self._taken(start, start + 2):
                continue
            if not _stands_alone(reading, match.start(), start):
                continue  # 由于, 对照, 和平, 经济: the character is part of a word
            han = _han_name(reading, start, strength=LISTED_WITH)
            if not han:
                continue
            (begin, end, surname), score = han
            if surname not in SINGLE and surname not in RARE and surname not in COMPOUND_SET:
                continue
            given = text[begin + len(surname) : end]
            need = THRESHOLD[LISTED_WITH] + (1.0 if len(given) == 1 else 0.0)
            if score < need or not _reads_on(reading, end) or _a_word(text[begin:end], given):
                continue
            if FIGURE_AFTER.match(text, end):
                continue  # 海瑞和包拯的故事: a figure, which the tagger's rules judge
            self.add(begin, end, f"动词或介词“{match.group()}”后接人名", LISTED_WITH)

    def clause_subject(self):
        """，高某某于4月2日主动交代; 。冯某某多次让…: a Han name of three characters opening a
        clause, where the clause reads on after it with a function character or a verb."""
        text, reading = self.text, self.reading
        for begin in [0] + [m.end() for m in CLAUSE_OPENS.finditer(text)]:
            if begin + 3 > len(text) or self._taken(begin, begin + 3):
                continue
            surnames = _surnames_at(text, begin, (SINGLE,))
            if not surnames:
                continue
            surname = surnames[0]
            end = begin + len(surname) + 2
            if end > len(text) or not _all_han(text[begin:end]):
                continue
            name, given = text[begin:end], text[begin + len(surname) : end]
            if (
                reading.cuts_a_word(end)
                or _a_word(name, given)
                or places.is_place(text, begin, end)
            ):
                continue
            if _ordinary(name, surname, LISTED_WITH) or not _reads_on(reading, end, strictly=True):
                continue
            if _given_odds(given) + _right_edge(reading, end) < CLAUSE_SUBJECT_SCORE:
                continue
            if FIGURE_AFTER.match(text, end):
                continue
            self.add(begin, end, "句首人名后接虚词或动词", TAGGED)

    # 2. Transliterated names joined by a middle dot.
    def by_dot(self):
        for match in re.finditer("·", self.text):
            position = match.start()
            if not (0 < position < len(self.text) - 1):
                continue
            left = _transliterated(self.reading, before=position, part=True)
            right = _transliterated(self.reading, start=position + 1, part=True)
            right = right or _part_by_words(self.reading, position + 1)
            if not left and position - 1 not in self.reading.starts:
                word_start = self.reading.word_at(position - 1)[0]
                if _part_after_a_dot(self.reading, word_start, position):
                    left = (word_start, position)
            if not (left and right and left[1] == position):
                continue
            # A name found by a post or a list that stops at the dot (干部玉素甫|·卡德尔) is the
            # whole dotted name, with the strength of that evidence.
            inside = [f for f in self.found if left[0] <= f.start and f.end <= right[1]]
            strength = max([DOTTED] + [f.strength for f in inside])
            reason = "少数民族或外国人名译写（以间隔号连接）"
            if inside and strength > DOTTED:
                reason = (
                    inside[0].reason.split("（")[0] + "（少数民族或外国人名译写，以间隔号连接）"
                )
            self.found = [f for f in self.found if f not in inside]
            self.add(left[0], right[1], reason, strength, "minority")

    # 3. Lists of people.
    def by_list(self):
        for match in LIST_OF_PEOPLE.finditer(self.text):
            self.item_before(match.start(), "列举人名后接“等”与人数")
        # Listed people are siblings too (联系人：甘某某、卓某), though never reported.
        siblings = [
            Found(start, end, form, "", "han", LISTED_WITH)
            for form in sorted(self.known, key=len, reverse=True)
            if len(form) >= 2
            for start, end in _find_all(self.text, form)
        ]
        changed, seen = True, set()
        while changed:
            changed = False
            for item in siblings + list(self.found):
                if (item.start, item.end) in seen:
                    continue
                seen.add((item.start, item.end))
                if self.text[item.end : item.end + 1] in ("、", "和", "及", "与"):
                    changed |= bool(self.item_after(item.end + 1, item))
                elif self.text[item.end : item.end + 1] in SPACES and item.strength >= LISTED_WITH:
                    # 出席：廖某 邹某 熊某某: minutes list names apart with spaces.
                    changed |= bool(self.item_after(item.end + 1, item))
                if item.start > 0 and self.text[item.start - 1] == "、":
                    changed |= bool(self.item_before(item.start - 1, f"与人名“{item.name}”并列"))

    def _taken(self, start, end, strength=TAGGED):
        """Whether a name found with at least ``strength`` overlaps ``[start, end)``."""
        return any(f.start < end and start < f.end and f.strength >= strength for f in self.found)

    def item_after(self, start, sibling):
        if start >= len(self.text) or self._taken(start, start + 2):
            return None
        reason = f"与人名“{sibling.name}”并列"
        run = _transliterated(self.reading, start=start)
        if run and sibling.kind == "minority" and self._ends_item(run[1]):
            return self.add(*run, reason, LISTED_WITH, "minority")
        han = _han_name(self.reading, start)
        if han and han[1] >= THRESHOLD[LISTED_WITH] and self._ends_item(han[0][1]):
            return self.add(han[0][0], han[0][1], reason, LISTED_WITH)
        return None

    def _ends_item(self, end):
        text = self.text
        if (
            end >= len(text)
            or text[end] in "、，。；：和及与等）)"
            or post_pattern().match(text, end)
        ):
            return True
        # A word boundary, or a word the segmenter made up from unknown characters (张某补).
        return end in self.reading.starts or not tagger.tag(self.reading.word_at(end)[2])

    def item_before(self, end, reason):
        if end <= 0 or self._taken(end - 2, end):
            return None
        han = _han_name(self.reading, None, before=end)
        run = _transliterated(self.reading, before=end)
        if run and (run[1] - run[0] >= 3 or not han) and _starts_item(self.text, run[0]):
            return self.add(*run, reason, LISTED_WITH, "minority")
        if han and han[1] >= THRESHOLD[LISTED_WITH] and _starts_item(self.text, han[0][0]):
            return self.add(han[0][0], han[0][1], reason, LISTED_WITH)
        return None

    # 4. The segmenter.
    def by_tagger(self):
        words = self.reading.words
        for index, (start, end, word) in enumerate(words):
            flag = tagger.tag(word)
            unknown = not flag and 2 <= len(word) <= 4 and _all_han(word)
            if not (flag.startswith("nr") or unknown):
                if word in SINGLE and index + 1 < len(words):
                    following = words[index + 1][2]
                    if tagger.tag(following).startswith("nr") and len(following) <= 2:
                        self.tagged(start, words[index + 1][1], index, "surname")
                continue
            self.tagged(start, end, index, flag or "unknown")

    def tagged(self, start, end, index, flag):
        text = self.text
        surnames = _surnames_at(text, start, (SINGLE,))
        if not surnames or self._taken(start, end):
            return
        surname = surnames[0]
        # A surname alone as a word takes its given name from what follows (欧阳|明轩).
        limit = None if end - start <= len(surname) else max(end, start + len(surname) + 2)
        best = _han_name(self.reading, start, end_limit=limit, strength=TAGGED)
        if best is None:
            return
        (begin, stop, surname), score = best
        before = self.reading.words[index - 1][2] if index else ""
        if text[begin - 1 : begin] in ("老", "小"):
            return  # 老甄为人和善: 老甄 is the person, what follows is not a given name
        after = text[stop:]
        contextual = after.startswith(NAME_FOLLOWERS) or before in POSTS
        framed = _framed(text, begin, stop)
        if framed and not contextual:
            # 对许某的工作作风, 在曹某的带动下, 彭某让其下属: a function character that takes a
            # person before the word, a function character or a mark after it.
            contextual = True
            if text.count(text[begin:stop]) >= FRAMED_REPEATS:
                score += 1.0
        # Two-character words the dictionary knows as names are often ordinary words (张榜).
        known_word = tagger.frequency(text[begin:stop]) >= RARE_WORD
        if surname in AMBIGUOUS or not flag.startswith("nr") or known_word:
            if score < THRESHOLD[TAGGED] + (-1.0 if contextual else 1.5):
                return
            if known_word and not contextual:
                return
        elif score < THRESHOLD[TAGGED] - 1.0:
            return
        frequency = tagger.frequency(text[begin:stop])
        if frequency >= 50 and not flag.startswith("nr") or frequency >= 200:
            return
        if places.is_place(text, begin, stop, short=True) or FIGURE_AFTER.match(text, stop):
            return
        if text.startswith(THING_AFTER, stop):
            return
        if text[begin - 1 : begin] == "·" or text[stop : stop + 1] == "·":
            return  # one half of a foreign name (保尔·柯察金), which only by_dot may take
        if flag == "surname":
            reason = f"姓氏“{surname}”后接人名用字"
        elif flag == "unknown":
            reason = f"分词未登录词，以常见姓氏“{surname}”开头"
        else:
            reason = f"词性标注为人名（{flag}），以常见姓氏“{surname}”开头"
        self.add(begin, stop, reason, TAGGED)

    # 5. Everywhere else the text writes a name it was found as.
    def repeats(self):
        for item in list(self.found):
            for start, end in _find_all(self.text, item.name):
                if self._taken(start, end, item.strength) or places.is_place(self.text, start, end):
                    continue
                self.add(start, end, f"同一文中已认出的人名“{item.name}”", item.strength, item.kind)
            if item.kind == "minority" and "·" in item.name and not item.of:
                self.parts_alone(item)

    def parts_alone(self, item):
        """阿不都热西提 after 阿不都热西提·吾斯曼: a part of a dotted name written alone."""
        text = self.text
        for part in item.name.split("·"):
            if len(part) < 2 or part in self.known:
                continue
            if tagger.frequency(part) >= COMMON_WORD and not tagger.tag(part).startswith(NAME_TAGS):
                continue
            for start, end in _find_all(text, part):
                if text[start - 1 : start] == "·" or text[end : end + 1] == "·":
                    continue  # inside another dotted name
                if self._taken(start, end) or places.is_place(text, start, end):
                    continue
                if is_han(text[end : end + 1]) and end not in self.reading.starts:
                    continue  # inside a longer word
                reason = f"同一文中已认出的人名“{item.name}”的一部分"
                self.add(start, end, reason, item.strength, "minority", of=item.name)

    def _figures(self):
        """The found names that are quoted, exemplary or public figures, and those listed right
        beside one (学习焦某某、孔某某、杨某某等先进典型; 白某某和雷某): the items of one list are
        of one kind. An item with a post written before it, and the items listed beside such
        an item (村民张某、刘某、上官某), are people of the case, whatever else they are."""
        text = self.text
        spans = {(f.start, f.end): f for f in self.found}
        persons = self._spread({span for span in spans if _post_before(text, span[0])}, set())
        figures = {
            span
            for span, f in spans.items()
            if span not in persons
            and (
                _figure(text, f.start, f.end)
                or _exemplar(text, f.start, f.end)
                or _public_figure(text, f)
                or _beside_a_famous_name(text, f.start, f.end, spans)
                or _quoted_writer(text, f.start, f.end)
            )
        }
        return self._spread(figures, persons)

    def _spread(self, spans, barred):
        """``spans`` and the found names joined to one of them by 、 和 与 及, but not ``barred``."""
        text, spans = self.text, set(spans)
        changed = bool(spans)
        while changed:
            changed = False
            for f in self.found:
                span = (f.start, f.end)
                if span in spans or span in barred:
                    continue
                if any(
                    (end + 1 == f.start and text[end : end + 1] in LIST_JOINS)
                    or (f.end + 1 == start and text[f.end : f.end + 1] in LIST_JOINS)
                    for start, end in spans
                ):
                    spans.add(span)
                    changed = True
        return spans

    def result(self):
        kept = []
        figures = self._figures()
        # Named after a post, or listed among other names (not beside a figure), somewhere: a
        # person of the case.
        people = {
            f.name
            for f in self.found
            if f.strength == LISTED_WITH
            and not f.reason.startswith("同一文中")
            and (f.start, f.end) not in figures
            or _post_before(self.text, f.start)
        }
        ranked = sorted(self.found, key=lambda f: (-f.strength, f.start, -(f.end - f.start)))
        for item in ranked:
            if any(k.start < item.end and item.start < k.end for k in kept):
                continue
            if _figure(self.text, item.start, item.end) or _exemplar(
                self.text, item.start, item.end
            ):
                continue
            if item.name not in people and (
                (item.start, item.end) in figures or _public_figure(self.text, item)
            ):
                continue
            if item.strength < CONTEXT and _beside_a_place(self.text, item.start, item.end):
                continue
            if _a_festival(self.reading, item):
                continue
            if item.strength <= TAGGED and _in_quoted_words(self.text, item.start):
                continue
            kept.append(item)
        return sorted(kept, key=lambda f: f.start)


ITEM_ENDS = set("、，。；：和及与等的")
# Where a clause opens (a name at its start may be its subject).
CLAUSE_OPENS = re.compile(r"[，。；：！？\n]")
# The least odds of the given name plus the right edge for a clause's subject of three
# characters that nothing else proposes.
CLAUSE_SUBJECT_SCORE = 4.0
# Parts of speech of the word after a name that say the clause reads on (进行, 负责, 多次, 于).
READS_ON_TAGS = ("v", "d", "p", "c", "ad", "vn", "vd", "u", "m", "t")
# What a bulletin says its subject did, where the segmenter tags the word a noun (利用职务便利).
CLAUSE_VERBS = frozenset(
    "利用 违规 违反 擅自 收受 私自 伙同 先后 借用 套取 挪用 虚报 冒领 骗取 非法 未经 隐瞒 索要".split()
)
# A given name that is this common a word is no given name after a verb (对党员, 把关口).
ORDINARY_GIVEN = 1000
PROPER_TAGS = ("nr", "ns", "nz", "nt")


def _stands_alone(reading, position, start):
    """Whether the verb or preposition ending at ``start`` (its first character at
    ``position``) is no part of a longer word: a word of its own, the end of one (借给), or the
    start of a word the segmenter made up from it and the name (谈罗志勇)."""
    if position not in reading.starts and not tagger.frequency(reading.word_at(position)[2]):
        return True
    word_start, word_end, word = reading.word_at(start - 1)
    if word_end == start:
        return True
    return not tagger.frequency(word)


def _reads_on(reading, end, strictly=False):
    """Whether the text reads on as a clause after a name ending at ``end``: a mark, a function
    character, or a verb, an adverb or a preposition (…进行诫勉谈话, …负责, …多次). ``strictly``:
    a function character or a verb only (not the end of the text or any mark but a comma)."""
    text = reading.text
    if end >= len(text) or not is_han(text[end]):
        return not strictly or text[end : end + 1] in ("，", ",")
    if text[end] in FOLLOWERS:
        return True
    if end not in reading.starts:
        return False
    _start, _end, word = reading.word_at(end)
    return tagger.tag(word).startswith(READS_ON_TAGS) or word in CLAUSE_VERBS


def _a_word(name, given):
    """Whether ``name`` is an ordinary word rather than a name (高峰, 党员, 关口)."""
    flag = tagger.tag(name)
    if tagger.frequency(name) >= RARE_WORD and not flag.startswith(NAME_TAGS):
        return True
    if flag.startswith(NAME_TAGS) and tagger.frequency(name) >= COMMON_NAME_WORD:
        return True
    # …or its given name is a common word that is no proper noun (员 of 党员; 文华, 建平 are
    # proper nouns too, and given names).
    given_flag = tagger.tag(given)
    if len(given) < 2 or given_flag.startswith(PROPER_TAGS):
        return False
    frequency = tagger.frequency(given)
    # …an adjective or a verb less often will do (对党忠诚).
    return frequency >= ORDINARY_GIVEN or (frequency >= COMMON_WORD and given_flag in ("a", "ad"))


# What may follow a post that describes the name before it (王某（时任镇长）, 王某，副局长；).
POST_ENDS = set("，。；;、）)")
# A post held, then 的 and the name: 时任镇党委书记的王某, 担任村会计的李某.
HELD_A_POST = re.compile("时任|担任|曾任|原任|现任")


def _beside_a_place(text, start, end):
    """Whether an item of an enumeration stands beside a place (龙王坪、凤凰岗、黄龙洞景区;
    邓家湾、桂花坪、杨柳庄等): the items of one list are of one kind."""
    items = []
    if text[end : end + 1] == "、":
        stop = end + 1
        while stop < len(text) and stop - end <= 8 and is_han(text[stop]):
            if text[stop] in ITEM_ENDS:
                break
            stop += 1
        items.append(text[end + 1 : stop])
    if start > 1 and text[start - 1] == "、":
        begin = start - 1
        while begin > 0 and start - begin <= 8 and is_han(text[begin - 1]):
            if text[begin - 1] in ITEM_ENDS:
                break
            begin -= 1
        items.append(text[begin : start - 1])
    return any(
        len(item) >= 2 and (places.ends_with_suffix(item) or places.named_like_a_place(item))
        for item in items
    )


def _beside_a_famous_name(text, start, end, found=()):
    """Whether an item of an enumeration is joined to a name the dictionary knows as a public
    figure (孔某某、沈某, 白某某和雷某), found or not. ``found``: the spans of the names found."""
    before = text[start - 1 : start]
    after = text[end : end + 1]
    neighbours = []

    def ends_item(stop):
        # The item after ends at a mark or a join, not inside a longer name (皇甫|静).
        c = text[stop : stop + 1]
        return not c or not is_han(c) or c in LIST_JOINS or c in ITEM_ENDS

    def inside_a_name(begin, stop):
        # …and the item before is no tail of a longer name found there (柴小龙、项文: 小龙).
        return any(s <= begin and stop <= e and (s, e) != (begin, stop) for s, e in found)

    for size in (2, 3, 4):
        if (
            before in LIST_JOINS
            and start - 1 - size >= 0
            and not inside_a_name(start - 1 - size, start - 1)
        ):
            neighbours.append(text[start - 1 - size : start - 1])
        if after in LIST_JOINS and ends_item(end + 1 + size):
            neighbours.append(text[end + 1 : end + 1 + size])
    return any(
        len(word) >= 2
        and _all_han(word)
        and tagger.tag(word).startswith(NAME_TAGS)
        and tagger.frequency(word) >= FAMOUS.get(len(word), 30)
        for word in neighbours
    )


def _opens_clause(text, start):
    """Whether a name at ``start`` opens a clause: after a mark, or after 给予, 对 … (never
    right after a number: 1972年生 holds no name)."""
    if start == 0:
        return True
    if not is_han(text[start - 1]):
        return not text[start - 1].isdigit()
    return any(text.endswith(word, 0, start) for word in HANDLING_BEFORE)


def _post_before(text, start):
    # (A loop, not any() over slices: this runs for every name found, several times.)
    for size in range(2, min(start, 6) + 1):
        word = text[start - size : start]
        if word in POSTS and word not in AFTER_ONLY_SET:
            return True
    return False


AFTER_ONLY_SET = frozenset(AFTER_ONLY)


def _find_all(text, word):
    """``(start, end)`` of each occurrence of ``word`` in ``text``, none overlapping, left to
    right: what ``re.finditer(re.escape(word), text)`` finds, without compiling a pattern for
    every name (the names change with every text)."""
    spans, position = [], text.find(word) if word else -1
    while position >= 0:
        spans.append((position, position + len(word)))
        position = text.find(word, position + len(word))
    return spans


# A person's name the segmenter's dictionary has seen this often (毛泽东, 焦裕禄, 张无忌; two
# characters: 鲁迅, 雷锋) is a public, historical or literary figure, whatever came after it;
# only a post right before it (村民李娜) or a place in a list of names makes it a person of the
# case, wherever else the text writes it.
FAMOUS = {2: 200, 3: 30, 4: 30}


def _public_figure(text, item):
    if text.startswith(NATIONAL_POSTS, item.end):
        return True  # …总书记, …总理
    if not tagger.tag(item.name).startswith(NAME_TAGS):
        return False
    return tagger.frequency(item.name) >= FAMOUS.get(len(item.name), 30)


def _left_context_allows(text, start):
    """A name before a post may not begin inside a place or a unit (镇党委 in 镇党委书记)."""
    return not places.places_overlapping(text, max(0, start - 1), start + 1)


def _starts_item(text, start):
    if start == 0 or text[start - 1] in "、，。；：（(" or text[start - 1] in "对由和与及将":
        return True
    # …or after the words that open a handling (给予俞某、包某党内严重警告处分).
    return any(text.endswith(word, 0, start) for word in HANDLING_BEFORE)


def detect_names(text, known=()):
    """Person names in ``text`` that are not in ``known``: a list of ``Found``, by position."""
    if not text:
        return []
    text = text.translate(MIDDLE_DOTS)
    known = [form.translate(MIDDLE_DOTS) for form in known]
    finder = _Finder(text, known)
    finder.by_context()
    finder.by_label()
    finder.by_handling()
    finder.after_place()
    finder.by_dot()
    finder.after_verb()
    finder.by_list()
    finder.clause_subject()
    finder.by_tagger()
    finder.by_list()  # again: a name the tagger found has siblings too
    finder.repeats()
    found = finder.result()
    # Figures and places never count, so they must not be repeated either: drop repeats of them.
    names = {f.name for f in found if not f.reason.startswith("同一文中")}
    return [
        f for f in found if f.name in names or f.of in names or not f.reason.startswith("同一文中")
    ]


__all__ = ["Found", "detect_names"]
