"""A bulletin as a Word document in the layout of GB/T 9704-2012 (党政机关公文格式).

A4, margins 37/35/28/26 mm; the issuing body's mark in red 方正小标宋简体 over a red rule, with
the document number (文号) centred above the rule; the title in 方正小标宋简体 二号 (22 pt); the
recipients flush left and the body in 仿宋_GB2312 三号 (16 pt), first lines indented two
characters, the page number “— 1 —” in 宋体 四号 centred in the footer; each item a level-one heading (一、 in 黑体) with its subject line, then its facts and
its handling; the 以案为鉴 paragraph; the issuer and the date (成文日期) set right. The date is in
Arabic numerals, as GB/T 9704-2012 §7.3.5.1 asks (“2026年3月5日”; the 1999 edition's Chinese
numerals are no longer the standard). The fonts are named, not embedded: Word substitutes what
the reader's machine has.

Only what ``casestudies.bulletins.shown_items`` gives is written: the reader's own items, and only
the case studies' anonymized text.
"""

from jingjian.syndication.channels.word import (
    CENTER,
    JUSTIFY,
    RIGHT,
    Cm,
    Pt,
    RGBColor,
    bottom_rule,
    document_bytes,
    new_document,
    page_number_footer,
    set_font,
)

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
RED = RGBColor(0xE6, 0x00, 0x12)
BODY_SIZE = 16  # 三号
TITLE_SIZE = 22  # 二号
MARK_SIZE = 36  # the issuing body's mark: large, within the page width


def _paragraph(document, text, font=BODY_FONT, size=BODY_SIZE, align=JUSTIFY, indent=True, **run):
    paragraph = document.add_paragraph()
    paragraph.alignment = align
    form = paragraph.paragraph_format
    form.line_spacing = Pt(28)  # 22 lines a page at 三号, as the standard's grid
    form.space_after = Pt(0)
    if indent:
        form.first_line_indent = Pt(size * 2)
    set_font(paragraph.add_run(text), font, size, **run)
    return paragraph


def bulletin_docx(bulletin, items):
    """The .docx bytes of ``bulletin`` with ``items`` (``shown_items``: the reader's own)."""
    document = new_document(bulletin.title)
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    page_number_footer(section, "宋体", 14)  # 4号半角宋体 page numbers, “— 1 —”

    # 版头: the mark, the number, the red rule.
    mark = _paragraph(
        document, bulletin.issuing_body, TITLE_FONT, MARK_SIZE, CENTER, indent=False, color=RED
    )
    mark.paragraph_format.space_before = Pt(24)
    mark.paragraph_format.line_spacing = Pt(MARK_SIZE * 1.4)
    number = _paragraph(document, bulletin.document_number, align=CENTER, indent=False)
    number.paragraph_format.space_before = Pt(28)
    rule = document.add_paragraph()
    bottom_rule(rule, color="E60012", size=18)
    rule.paragraph_format.space_after = Pt(28)

    # 主体: title, recipients, preamble, the items, the exhortation.
    title = _paragraph(document, bulletin.title, TITLE_FONT, TITLE_SIZE, CENTER, indent=False)
    title.paragraph_format.line_spacing = Pt(36)
    title.paragraph_format.space_after = Pt(28)
    if bulletin.recipients:
        _paragraph(document, bulletin.recipients, indent=False)
    for text in bulletin.preamble.splitlines():
        if text.strip():
            _paragraph(document, text.strip())
    for item in items:
        _paragraph(document, f"{item.number}、{item.subject_line()}", HEADING_FONT)
        for text in item.paragraphs:
            _paragraph(document, text)
        if item.handled:
            _paragraph(document, item.handled)
    for text in bulletin.exhortation.splitlines():
        if text.strip():
            _paragraph(document, text.strip())

    # 落款 and 成文日期, set right (four characters in from the margin, as the standard shows).
    issuer = _paragraph(document, bulletin.issuer, align=RIGHT, indent=False)
    issuer.paragraph_format.space_before = Pt(56)
    issuer.paragraph_format.right_indent = Pt(BODY_SIZE * 2)
    date = _paragraph(document, bulletin.date_display(), align=RIGHT, indent=False)
    date.paragraph_format.right_indent = Pt(BODY_SIZE * 2)
    return document_bytes(document)
