"""TV and radio (口播稿): the broadcast script adapter.

The page as plain text an anchor can read aloud, timed at 250 characters a minute and held
back when it runs over the channel's limit; delivered as a .txt and a .docx in the channel's
outbox, retracted by a notice beside them.
"""

import math
import re
import unicodedata
from dataclasses import dataclass, field
from html import escape

from jingjian.syndication import reading
from jingjian.syndication.channels import common

READING_SPEED = 250  # characters a minute (REFERENCE.md: plan national-anchor speed with 250)


@dataclass
class BroadcastScript:
    """口播稿: plain text for reading aloud, with its length and reading time."""

    title: str
    text: str
    characters: int
    seconds: int
    limit_seconds: int
    problems: list[str] = field(default_factory=list)


_URL = re.compile(r"(?:https?://|www\.)[^\s\u3000-\u303f\uff00-\uffef]+", re.I)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_ASCII_ASIDE = re.compile(r"[(\uff08]\s*[A-Za-z][A-Za-z0-9 .&/-]*[)\uff09]")
_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*[%\uff05]")
_PERMILLE = re.compile(r"(\d+(?:\.\d+)?)\s*‰")
_RANGE = re.compile(r"(\d)\s*[~～〜-]\s*(\d)")
_UNITS = [
    (re.compile(r"(\d)\s*(?:㎡|m²|平米)"), r"\1平方米"),
    (re.compile(r"(\d)\s*(?:km|KM|千米)(?![A-Za-z])"), r"\1公里"),
    (re.compile(r"(\d)\s*(?:kg|KG)(?![A-Za-z])"), r"\1公斤"),
    (re.compile(r"(\d)\s*℃"), r"\1摄氏度"),
]


def _speakable(text):
    """Text an anchor can read: no links or addresses, symbols said in words, numbers kept."""
    text = _URL.sub("", text)
    text = _EMAIL.sub("", text)
    text = _ASCII_ASIDE.sub("", text)
    text = _PERMILLE.sub(r"千分之\1", text)
    text = _PERCENT.sub(r"百分之\1", text)
    text = _RANGE.sub(r"\1至\2", text)
    for pattern, replacement in _UNITS:
        text = pattern.sub(replacement, text)
    text = text.replace("——", "，").replace("--", "，")
    text = "".join(c for c in text if unicodedata.category(c) not in ("So", "Sk", "Co", "Cn"))
    return re.sub(r"\s+", " ", text).strip()


def _duration(seconds):
    minutes, rest = divmod(int(seconds), 60)
    if not minutes:
        return f"{rest} 秒"
    return f"{minutes} 分钟" if not rest else f"{minutes} 分 {rest} 秒"


def render(page, channel):
    """口播稿: title, lead and body as plain speakable text, timed at 250 characters a minute."""
    content = reading.read(page)
    title = _speakable(content.title)
    paragraphs = [_speakable(p) for p in [content.summary, *reading.spoken_paragraphs(content)]]
    text = "\n\n".join(p for p in [title, *paragraphs] if p)
    characters = sum(1 for c in text if not c.isspace())
    seconds = math.ceil(characters * 60 / READING_SPEED)
    limit = int(channel.max_duration_seconds or 0)
    problems = []
    if limit and seconds > limit:
        excess = characters - limit * READING_SPEED // 60
        problems.append(
            f"口播时长约 {_duration(seconds)}（{characters} 字），超过本渠道上限 {_duration(limit)}："
            f"请删减正文约 {excess} 字，或在渠道设置中调整“口播时长上限”。"
        )
    return BroadcastScript(title, text, characters, seconds, limit, problems)


def _header(script):
    return [
        f"标题：{script.title}",
        f"字数：{script.characters} 字",
        f"时长：约 {script.seconds // 60} 分 {script.seconds % 60} 秒"
        f"（按每分钟 {READING_SPEED} 字计）",
    ]


def text_file(script):
    """The script as a UTF-8 text file: a header with title, length and time, then the text."""
    lines = [*_header(script), "", script.text, ""]
    return "\n".join(lines).encode("utf-8")


def word_file(script):
    """The script as a Word document: the header, then one paragraph per paragraph read."""
    # Lazy: word imports python-docx (about 90 ms), which only writing a .docx needs.
    from jingjian.syndication.channels import word

    document = word.new_document(script.title)
    for line in _header(script):
        document.add_paragraph(line)
    for paragraph in script.text.split("\n\n"):
        run = document.add_paragraph().add_run(paragraph)
        run.font.size = word.Pt(14)
    return word.document_bytes(document)


def validate(channel):
    """What a TV or radio channel needs configured: an outbox folder inside the root."""
    return common.validate_outbox(channel)


def deliver(delivery, page):
    """The script as .txt and .docx in the channel's outbox; returns the .docx's file name."""
    script = render(page.specific, delivery.channel)
    common.refuse_problems(script)
    common.write_to_outbox(delivery, ".txt", text_file(script))
    return common.write_to_outbox(delivery, ".docx", word_file(script)).name


def retract(delivery):
    """A retraction notice in the outbox, beside the script it takes back."""
    return common.retract_from_outbox(delivery)


def preview(page, channel):
    """The script on a sheet, with its length and reading time against the channel's limit."""
    script = render(page, channel)
    paragraphs = "".join(f"<p>{escape(p)}</p>" for p in script.text.split("\n\n"))
    limit = _duration(script.limit_seconds) if script.limit_seconds else "不限"
    return script.problems, (
        f'<div class="sheet"><p class="meta">口播稿 · {script.characters} 字 · '
        f"约 {_duration(script.seconds)}（上限 {limit}，每分钟 {READING_SPEED} 字）</p>"
        f"{paragraphs}</div>"
    )
