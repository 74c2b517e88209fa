"""Half-width punctuation in Chinese text (GB/T 15834-2011, 标点符号用法).

In Chinese text the marks are full-width (，；：（）！？。), the quotation marks “ ” ‘ ’ and the
ellipsis ……; half-width forms stay only inside numbers, Latin words and code ("2025年",
"12345热线", "PDF", "http://…").

The rule, one place for the admin's warning on save and the repository's check:

- a half-width ``,`` ``;`` ``:`` ``(`` ``)`` ``!`` ``?`` ``"`` ``'`` or ``...`` is flagged when a
  Chinese character stands on either side of it (spaces and tabs between them are skipped), and
  so is a ``.`` that follows one (``1.首先`` numbers an item and stays);
- full-width marks count as Chinese here, so ``（社区）,`` is flagged as well;
- parentheses go as a pair: a half-width ``(`` … ``)`` on one line is flagged at both ends when
  either end is or a Chinese character stands inside (``(密码均为 jingjian-demo)``,
  ``跳转(HTTP 301)``), and a half-width end of a pair whose other end is full-width
  (``（HTTP 301)``).

A Chinese character is a CJK ideograph (``chinese.HAN``). ``:`` in ``http://``, ``,`` in
``12,345`` and ``.`` in ``v1.2`` have none beside them and are left alone.
"""

import re
from collections import Counter
from dataclasses import dataclass

from jingjian.core.chinese import HAN

# Full-width marks and CJK brackets: beside a half-width mark they make the text Chinese too.
FULL_WIDTH = "\u3001\u3002\u3008-\u3011\u3014-\u301b\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40"
CHINESE = HAN + FULL_WIDTH
_MARK = rf"""\.\.\.|[,;:()!?"']|(?<=[{HAN}])\."""
_BESIDE = re.compile(rf"(?<=[{CHINESE}])[ \t]*({_MARK})|({_MARK})(?=[ \t]*[{CHINESE}])")
_ANY_HAN = re.compile(f"[{HAN}]")
# A pair of parentheses with no parenthesis inside, on one line; and a pair of mixed widths.
_PAIRS = re.compile(r"\(([^()\n]*)\)")
_MIXED_PAIRS = re.compile(r"\([^()（）\n]*）|（[^()（）\n]*\)")

# The full-width form the standard asks for, shown in the warning's advice.
FULL_WIDTH_FORM = {
    ",": "，",
    ";": "；",
    ":": "：",
    "(": "（",
    ")": "）",
    "!": "！",
    "?": "？",
    '"': "“ ”",
    "'": "‘ ’",
    ".": "。",
    "...": "……",
}


@dataclass(frozen=True)
class HalfWidthMark:
    mark: str  # the half-width mark as written, e.g. ","
    offset: int  # where it stands in the text
    line: int  # 1-based line of the text

    @property
    def full_width(self):
        return FULL_WIDTH_FORM[self.mark]


def half_width_marks(text):
    """The half-width marks beside Chinese characters in ``text``, in order of position; none
    in a text without a Chinese character (``"，,"`` in a table of marks is not a sentence)."""
    text = str(text or "")
    if not _ANY_HAN.search(text):
        return []
    found = {}
    for match in _BESIDE.finditer(text):
        group = 1 if match.group(1) is not None else 2
        found[match.start(group)] = match.group(group)
    for match in _PAIRS.finditer(text):
        start, end = match.start(), match.end() - 1
        if start in found or end in found or _ANY_HAN.search(match.group(1)):
            found[start], found[end] = "(", ")"
    for match in _MIXED_PAIRS.finditer(text):
        half = match.start() if match.group(0)[0] == "(" else match.end() - 1
        found[half] = text[half]
    return [
        HalfWidthMark(mark, offset, text.count("\n", 0, offset) + 1)
        for offset, mark in sorted(found.items())
    ]


def counts(texts):
    """How often each half-width mark stands beside Chinese in ``texts``, most frequent first
    (first seen first among equals)."""
    counter = Counter()
    for text in texts:
        counter.update(mark.mark for mark in half_width_marks(text))
    return counter.most_common()


def warning(fields, live=False):
    """The editor's warning about ``fields`` (``{label: text}``, e.g. the title and summary),
    or "" when they are clean: “标题和一句话简介中有半角标点：“,”（2处）、“:”（1处），发布前建议改为
    全角（，：）。” Naming only the fields that have them; ``live``: the text is published as it is."""
    labels = [label for label, text in fields.items() if half_width_marks(text)]
    if not labels:
        return ""
    found = counts(fields.values())
    listed = "、".join(f"“{mark}”（{count}处）" for mark, count in found)
    advice = "".join(FULL_WIDTH_FORM[mark].replace(" ", "") for mark, _count in found)
    when = "建议改为全角" if live else "发布前建议改为全角"
    return f"{'和'.join(labels)}中有半角标点：{listed}，{when}（{advice}）。"
