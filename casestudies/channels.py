"""What a case study gives the channels (its ``channel_reading``): the facts, each person's
handling under their pseudonym as a list, and the lessons read aloud."""

from html import escape

from jingjian.syndication.renderers import Block, Reading, Section, stream_blocks, text_blocks


def channel_reading(page, subheadline, media_roots):
    area = page.work_area.name if page.work_area_id else ""
    sections = []
    handlings = []
    for handling in page.handlings.all():
        who = f"{handling.pseudonym}（{handling.post}）" if handling.post else handling.pseudonym
        outcome = handling.outcome()
        if outcome:
            handlings.append(f"{who}：{outcome}。")
    if handlings:
        items = [Block("item", text=t, html=escape(t, quote=False)) for t in handlings]
        sections.append(Section("处理情况", items, spoken=False))
    if page.lessons:
        sections.append(Section("以案说法", text_blocks(page.lessons), spoken=True))
    return Reading(
        summary=page.summary or "",
        kicker=f"警示案例·{area}" if area else "警示案例",
        subheadline=f"——{subheadline}" if subheadline else "",
        blocks=stream_blocks(page.facts, media_roots),
        sections=sections,
    )
