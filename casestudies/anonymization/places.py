"""Place names, so that a town, a village or a county is not taken for a person.

Two rules, because no list is complete:

- a gazetteer of China's administrative divisions above village level (``data/places.txt``,
  written by ``scripts/place_names.py``): provinces, prefectures, counties, townships, and the
  short names of the first three (高唐 for 高唐县);
- place suffixes: a word that ends in, or is followed by, 镇 乡 村 县 街道 庄 咀 … names a place
  (娘娘宫镇, 马家咀村, 王家庄), whether or not the gazetteer knows it.
"""

import re
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).with_name("data") / "places.txt"

# Endings of place names below the county (and of counties): a candidate name followed by one of
# these, or ending in one, is a place. Longer endings first.
SUFFIXES = (
    "街道",
    "社区",
    "苏木",
    "嘎查",
    "镇",
    "乡",
    "村",
    "县",
    "庄",
    "咀",
    "嘴",
    "屯",
    "寨",
    "堡",
    "坝",
    "沟",
    "湾",
    "垸",
    "旗",
)
# Words starting with a suffix character that are not about a place (镇定, 庄重): a name followed
# by one of them may still be a name.
NOT_PLACE_WORDS = ("镇定", "镇静", "镇压", "庄重", "庄严", "乡亲", "湾湾", "沟通", "坝子")
# …nor posts that start with one (蔺某镇长, 哈某某乡长).
NOT_PLACE_WORDS += ("镇长", "乡长", "县长", "村长", "旗长")
_SUFFIX = re.compile("|".join(SUFFIXES))
# Landforms that end the names of villages, hamlets and scenic spots (王家坪, 凤凰岗, 黄龙洞,
# 赵家洼): rarely the last character of a given name, so a name the tagger or a list proposes
# that ends in one is a place. Believed over a post right before the name (村民李岗 stays).
LANDFORMS = set("坪岗洞洼峪坳垭岙埠圩坡岭营铺店集塘冲滩墩窑坎埂坞塆")
# …and landforms that do end given names (张玉山, 李长河): a place only after 家 (马家河) or
# after a surname that also starts ordinary words (白水河, 龙王山).
COMMON_LANDFORMS = set("河湖山口桥港台园井泉溪池垴峰")
# Characters that end a place named after a family: 宋家岗, 马家咀, 李家沟, 刘家庄.
_FAMILY_PLACE = LANDFORMS | COMMON_LANDFORMS | {s for s in SUFFIXES if len(s) == 1}


@lru_cache(maxsize=1)
def gazetteer():
    """``{name: level}`` for every division in ``data/places.txt``."""
    names, level = {}, ""
    for line in DATA.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            level = line.strip("[]")
        else:
            names[line] = level
    return names


@lru_cache(maxsize=1)
def _longest():
    return max(map(len, gazetteer()))


@lru_cache(maxsize=1)
def _last_characters():
    """The characters full division names end in (镇 乡 县 区 …): only there can one end."""
    return {name[-1] for name, level in gazetteer().items() if level != "short"}


def followed_by_suffix(text, end):
    """Whether ``text`` continues at ``end`` with a place suffix (…村, …镇街道)."""
    if text.startswith(NOT_PLACE_WORDS, end):
        return False
    return _SUFFIX.match(text, end) is not None


def named_like_a_place(word, ambiguous_surname=False):
    """Whether ``word``, proposed as a name, is built like a place name: 宋家岗, 龙王坪, 白水河."""
    if len(word) == 3 and word[1] == "家" and word[2] in _FAMILY_PLACE:
        return True
    return word[-1:] in LANDFORMS or (ambiguous_surname and word[-1:] in COMMON_LANDFORMS)


def ends_with_suffix(word):
    return word.endswith(SUFFIXES)


def places_overlapping(text, start, end, short=False):
    """Gazetteer names written in ``text`` that overlap ``[start, end)``, as ``(start, end)``.

    Short names (高唐) count only with ``short=True``, and only where they cover the whole of
    ``[start, end)``: alone they are often ordinary words or given names (高明, 华亭), and a
    compound surname may be one (欧阳)."""
    names, endings, longest = gazetteer(), _last_characters(), _longest()
    found = []
    for stop in range(start + 1, min(len(text), end + longest) + 1):
        full = text[stop - 1] in endings
        if not full and not (short and stop >= end):
            continue
        for begin in range(max(0, stop - longest), min(end - 1, stop - 2) + 1):
            level = names.get(text[begin:stop])
            if not level:
                continue
            if level != "short" or (short and begin <= start and stop >= end):
                found.append((begin, stop))
    return found


@lru_cache(maxsize=4096)
def is_place(text, start, end, short=False):
    """Whether ``text[start:end]`` is (part of) a place name rather than a person's."""
    word = text[start:end]
    return (
        ends_with_suffix(word)
        or followed_by_suffix(text, end)
        or bool(places_overlapping(text, start, end, short=short))
    )
