"""Weibo (微博): the post adapter.

The page as a long post whose first 140 characters (the lead) stand on their own, counted as
Weibo counts (``clients.weibo_length``); delivered through the open API's ``statuses/share``
(the lead, the link and one picture), retracted with ``statuses/destroy``.
"""

from dataclasses import dataclass, field
from html import escape

from jingjian.core.public_address import public_url
from jingjian.syndication import clients, reading
from jingjian.syndication.channels import common
from jingjian.syndication.clients import weibo_length
from jingjian.syndication.sentences import complete, fit_sentences

DEFAULT_ENDPOINT = "https://api.weibo.com"
POST_MAX = 2000
LEAD_MAX = 140
MAX_IMAGES = 9


@dataclass
class WeiboPost:
    """A long Weibo post whose first 140 characters (``lead``) stand on their own."""

    text: str
    lead: str
    link: str
    images: list
    problems: list[str] = field(default_factory=list)


def _fit(text, budget):
    """The leading whole sentences of ``text`` that fit in ``budget`` Weibo characters."""
    return fit_sentences(text, budget, length=weibo_length)


def render(page, channel):
    """A Weibo post: a lead of at most 140 that stands alone (【标题】 and the summary's whole
    sentences), then as much of the body as fits in 2,000 with the public link at the end."""
    content = reading.read(page)
    link = public_url(page)
    problems = []
    title = f"【{content.title}】"
    summary = complete(content.summary)
    lead = title + _fit(summary, LEAD_MAX - weibo_length(title))
    if weibo_length(title) > LEAD_MAX:
        problems.append(
            f"标题过长（现 {weibo_length(content.title)} 字），微博信息流只显示前 {LEAD_MAX} 字："
            f"请把标题缩短到 {LEAD_MAX - 2} 字以内。"
        )
        lead = _fit(summary, LEAD_MAX) or content.title[: LEAD_MAX - 1] + "…"
    tail = f"\n阅读全文：{link}"
    budget = POST_MAX - weibo_length(lead) - weibo_length(tail)
    body = []
    for paragraph in reading.spoken_paragraphs(content):
        piece = "\n" + paragraph
        if weibo_length(piece) <= budget:
            body.append(piece)
            budget -= weibo_length(piece)
            continue
        cut = _fit(paragraph, budget - 3)  # "\n" and "……"
        if cut:
            body.append("\n" + cut + "……")
        elif body:
            body[-1] += "……"
        break
    text = lead + "".join(body) + tail
    if weibo_length(text) > POST_MAX:
        problems.append(f"微博超过 {POST_MAX} 字：请缩短标题和一句话简介。")
    return WeiboPost(
        text=text,
        lead=lead,
        link=link,
        images=list(content.images[:MAX_IMAGES]),
        problems=problems,
    )


def validate(channel):
    """What a Weibo channel needs configured: its access token (in 密钥), and an address (or
    Weibo's own) on an allowed host."""
    errors = common.validate_endpoint(channel.endpoint or DEFAULT_ENDPOINT)
    if not channel.secret:
        errors["secret"] = common.MISSING_SECRET
    return errors


def _client(channel):
    return clients.WeiboClient(
        channel.endpoint or DEFAULT_ENDPOINT,
        channel.secret,
        timeout=channel.timeout_seconds,
    )


def deliver(delivery, page):
    """Share the lead and the link (the open API takes 140 characters) with the first picture;
    returns the status id."""
    post = render(page.specific, delivery.channel)
    common.refuse_problems(post)
    client = _client(delivery.channel)
    image = common.image_bytes(post.images[0]) if post.images else (None, None)
    return client.share(f"{post.lead} {post.link}", image[0], image[1])


def retract(delivery):
    """Delete the status ``delivery.retracts`` shared (gone already is fine)."""
    original = delivery.retracts
    _client(delivery.channel).destroy(original.receiver_id)
    return original.receiver_id


def preview(page, channel):
    """The post as a card: its length, the lead marked, then the rest and the pictures."""
    post = render(page, channel)
    rest = post.text[len(post.lead) :]
    images = "".join(
        f'<img src="{common.preview_image_src(i)}" alt="{escape(reading.image_caption(i))}">'
        for i in post.images
    )
    return post.problems, (
        f'<div class="weibo"><p class="meta">{escape(channel.name)} · '
        f"{weibo_length(post.text)} 字（信息流显示前 {LEAD_MAX} 字，底色标出）</p>"
        f'<p style="white-space:pre-wrap"><span class="lead">{escape(post.lead)}</span>'
        f"{escape(post.text and rest)}</p>"
        f'<div class="grid">{images}</div></div>'
    )
