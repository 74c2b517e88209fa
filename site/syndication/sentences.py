"""Sentences of plain Chinese text: where they end, and how many whole ones fit a budget.

The channel adapters cut summaries and bodies only after a sentence (a WeChat digest, a Weibo
lead), and every cut is made here."""

import re

# Sentence ends and closers, full width (\uff01 ！ \uff1f ？ \uff1b ；) and ASCII.
_ENDS = "。\uff01\uff1f\uff1b!?;"
_CLOSERS = "”’」』)\uff09"
_SENTENCE = re.compile(rf".*?(?:[{_ENDS}]+|…+|$)[{_CLOSERS}]*", re.S)


def sentences(text):
    """``text`` cut after each 。!?; or …, closing quotes kept with their sentence."""
    return [s for s in _SENTENCE.findall(text or "") if s.strip()]


def complete(text):
    """``text`` ending like a sentence (adds 。 when it ends without punctuation)."""
    text = (text or "").strip()
    if text and not re.search(rf"[{_ENDS}…{_CLOSERS}]$", text):
        text += "。"
    return text


def fit_sentences(text, budget, length=len):
    """The leading whole sentences of ``text`` whose ``length`` is at most ``budget``
    (``len`` by default; Weibo passes ``weibo_length``)."""
    kept = ""
    for sentence in sentences(text):
        if length(kept + sentence) > budget:
            break
        kept += sentence
    return kept
