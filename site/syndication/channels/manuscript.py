"""The newspaper (见报稿): the manuscript adapter.

The page as 引题, 主题, 副题, byline, lead and body, and its pictures; delivered as a .docx in the
channel's outbox, retracted by a notice beside it.
"""

from dataclasses import dataclass, field
from html import escape

from jingjian.syndication import reading
from jingjian.syndication.channels import common
from jingjian.syndication.sentences import complete


@dataclass
class Manuscript:
    """见报稿: 引题 / 主题 / 副题 / 作者 / 正文, and the pictures (Wagtail images)."""

    kicker: str
    headline: str
    subheadline: str
    byline: str
    paragraphs: list[str]
    images: list
    problems: list[str] = field(default_factory=list)


# What a byline may already open with: the channel's 署名 then names its role itself.
BYLINE_ROLES = ("通讯员", "记者", "本报记者", "特约记者", "见习记者", "实习生")


def byline(author):
    """电头/署名: 本报讯（通讯员 鉴宣）. A 署名 that names its role (通讯员 鉴宣, 记者 张三
    通讯员 李四) is kept as written, a bare one is a 通讯员's, and none leaves 本报讯 alone."""
    author = " ".join((author or "").split())
    if author.startswith("本报讯"):
        return author
    if not author:
        return "本报讯"
    if author.startswith(BYLINE_ROLES):
        return f"本报讯（{author}）"
    return f"本报讯（通讯员 {author}）"


def render(page, channel):
    """见报稿: 引题, 主题, 副题, 电头/署名, 导语 and body, sections, and the pictures."""
    content = reading.read(page)
    paragraphs = [complete(content.summary)] if content.summary else []
    for block in content.blocks:
        if block.kind in ("paragraph", "heading"):
            paragraphs.append(block.text)
        elif block.kind == "item":
            paragraphs.append(f"{block.number}. {block.text}" if block.ordered else block.text)
        elif block.kind == "quote":
            paragraphs.append(
                f"{block.text}（{block.attribution}）" if block.attribution else block.text
            )
    for section in content.sections:
        paragraphs.append(section.heading)
        paragraphs.extend(b.text for b in section.blocks)
    problems = []
    if not content.blocks and not content.summary:
        problems.append("没有正文：请填写一句话简介和正文后再发往报社。")
    return Manuscript(
        kicker=content.kicker,
        headline=content.headline,
        subheadline=content.subheadline,
        byline=byline(channel.author),
        paragraphs=paragraphs,
        images=list(content.images),
        problems=problems,
    )


def word_file(manuscript):
    """The manuscript as a Word document, pictures embedded with their captions under them."""
    # Lazy: word imports python-docx (about 90 ms), which only writing a .docx needs.
    from jingjian.syndication.channels import word

    document = word.new_document(manuscript.headline)
    if manuscript.kicker:
        document.add_paragraph(f"引题：{manuscript.kicker}")
    headline = document.add_paragraph()
    run = headline.add_run(f"主题：{manuscript.headline}")
    run.bold, run.font.size = True, word.Pt(18)
    if manuscript.subheadline:
        document.add_paragraph(f"副题：{manuscript.subheadline}")
    document.add_paragraph(manuscript.byline)
    for text in manuscript.paragraphs:
        paragraph = document.add_paragraph(text)
        paragraph.paragraph_format.first_line_indent = word.Pt(24)
    if manuscript.images:
        document.add_paragraph("配图")
    for number, image in enumerate(manuscript.images, start=1):
        document.add_picture(word.picture_stream(image), width=word.Cm(14))
        document.paragraphs[-1].alignment = word.CENTER
        caption = document.add_paragraph(f"图{number}：{reading.image_caption(image)}")
        caption.alignment = word.CENTER
    return word.document_bytes(document)


def validate(channel):
    """What a newspaper channel needs configured: an outbox folder inside the root."""
    return common.validate_outbox(channel)


def deliver(delivery, page):
    """The manuscript as a .docx in the channel's outbox; returns its file name."""
    manuscript = render(page.specific, delivery.channel)
    common.refuse_problems(manuscript)
    return common.write_to_outbox(delivery, ".docx", word_file(manuscript)).name


def retract(delivery):
    """A retraction notice in the outbox, beside the manuscript it takes back."""
    return common.retract_from_outbox(delivery)


def preview(page, channel):
    """The manuscript on a sheet, its pictures with their captions under it."""
    manuscript = render(page, channel)
    parts = ['<div class="sheet">']
    if manuscript.kicker:
        parts.append(f'<p class="meta">{escape(manuscript.kicker)}</p>')
    parts.append(f"<h1>{escape(manuscript.headline)}</h1>")
    if manuscript.subheadline:
        parts.append(f"<h2>{escape(manuscript.subheadline)}</h2>")
    parts.append(f'<p class="meta">{escape(manuscript.byline)}</p>')
    parts.extend(f"<p>{escape(p)}</p>" for p in manuscript.paragraphs)
    for image in manuscript.images:
        caption = escape(reading.image_caption(image))
        parts.append(
            f'<figure><img src="{common.preview_image_src(image)}" alt="{caption}">'
            f"<figcaption>{caption}</figcaption></figure>"
        )
    return manuscript.problems, "".join(parts) + "</div>"
