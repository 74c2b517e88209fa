"""What an exemplar profile gives the channels (its ``channel_reading``): the deeds, the citation
read aloud, the honours as a list, and the portrait when its collection is public."""

import copy
from html import escape

from exemplars.models import join_unit_and_post
from jingjian.core import visibility
from jingjian.syndication.renderers import Block, Reading, Section, stream_blocks, text_blocks


def channel_reading(page, subheadline, media_roots):
    category = page.category.name if page.category_id else ""
    if not subheadline and page.name:
        subheadline = f"——记{join_unit_and_post(page.unit, page.post)}{page.name}"
    elif subheadline:
        subheadline = f"——{subheadline}"
    sections = []
    if page.citation:
        sections.append(Section("颁奖词", text_blocks(page.citation), spoken=True))
    honours = [
        f"{h.year}年，{'被' + h.awarding_body + '授予' if h.awarding_body else '获'}"
        f"“{h.title}”称号。"
        for h in page.honours.all()
    ]
    if honours:
        items = [Block("item", text=t, html=escape(t, quote=False)) for t in honours]
        sections.append(Section("所获荣誉", items, spoken=False))
    portrait = None
    if page.portrait_id and visibility.is_public_media(page.portrait, media_roots):
        portrait = copy.copy(page.portrait)  # the caption is this page's, not the image's
        portrait.contextual_alt_text = page.name or portrait.default_alt_text
        portrait.decorative = False
    return Reading(
        summary=page.summary or "",
        kicker=f"{category}·先进典型" if category else "先进典型",
        subheadline=subheadline,
        blocks=stream_blocks(page.deeds, media_roots),
        sections=sections,
        portrait=portrait,
        has_portrait_field=True,
    )
