"""WeChat official accounts (微信公众号): the article adapter.

The page as a draft-box article whose HTML carries every style inline (WeChat strips style
sheets), checked against WeChat's limits; delivered by uploading its pictures and cover and
adding a draft, retracted by deleting the draft.
"""

import hashlib
from dataclasses import dataclass, field
from html import escape

from jingjian.core.public_address import public_url
from jingjian.syndication import clients, reading
from jingjian.syndication.channels import common
from jingjian.syndication.sentences import fit_sentences

DEFAULT_ENDPOINT = "https://api.weixin.qq.com"
TITLE_MAX = 32
AUTHOR_MAX = 16
DIGEST_MAX = 128
CONTENT_MAX_CHARS = 20_000
CONTENT_MAX_BYTES = 1024 * 1024
# WeChat's permanent thumb material: a JPEG of 64 KB at most (2.35:1 is the cover's shape).
COVER_SPECS = [
    "fill-900x383|format-jpeg|jpegquality-70",
    "fill-600x255|format-jpeg|jpegquality-60",
    "fill-360x153|format-jpeg|jpegquality-50",
]


@dataclass
class WeChatArticle:
    """A WeChat draft-box article; ``content`` is HTML with every style inline."""

    title: str
    author: str
    digest: str
    content: str
    content_source_url: str
    cover_image: object
    images: list
    problems: list[str] = field(default_factory=list)


_STYLE = {
    "section": "font-size:16px;line-height:1.75;color:#333333;letter-spacing:0.5px;",
    "lead": (
        "margin:0 0 20px;padding:12px 16px;background-color:#f7f3ea;"
        "border-left:4px solid #b22222;color:#555555;font-size:15px;"
    ),
    "p": "margin:0 0 16px;text-indent:2em;text-align:justify;",
    "h2": (
        "margin:24px 0 12px;padding-left:10px;border-left:4px solid #b22222;"
        "font-size:18px;font-weight:bold;color:#b22222;line-height:1.4;"
    ),
    "figure": "margin:0 0 16px;text-align:center;",
    "img": "max-width:100%;height:auto;display:block;margin:0 auto;",
    "caption": "margin:6px 0 0;font-size:13px;color:#888888;text-align:center;",
    "quote": (
        "margin:0 0 16px;padding:12px 16px;background-color:#f5f5f5;"
        "border-left:4px solid #999999;color:#555555;"
    ),
    "quote_p": "margin:0;",
    "attribution": "margin:8px 0 0;text-align:right;font-size:14px;color:#888888;",
    "list": "margin:0 0 16px;padding-left:2em;",
    "li": "margin:0 0 6px;",
    "note": "margin:0 0 16px;font-size:14px;color:#888888;text-align:center;",
    "citation": (
        "margin:0 0 16px;padding:16px;background-color:#fdf6e3;border:1px solid #e8d9b0;"
        "color:#8a5a00;font-size:15px;"
    ),
}


def _blocks(blocks, image_url, boxed=False):
    parts, open_list = [], None
    for block in blocks:
        if block.kind == "item":
            tag = "ol" if block.ordered else "ul"
            if open_list != tag:
                if open_list:
                    parts.append(f"</{open_list}>")
                parts.append(f'<{tag} style="{_STYLE["list"]}">')
                open_list = tag
            parts.append(f'<li style="{_STYLE["li"]}">{block.html}</li>')
            continue
        if open_list:
            parts.append(f"</{open_list}>")
            open_list = None
        if block.kind == "paragraph":
            style = _STYLE["citation"] if boxed else _STYLE["p"]
            parts.append(f'<p style="{style}">{block.html}</p>')
        elif block.kind == "heading":
            parts.append(f'<h2 style="{_STYLE["h2"]}">{block.html}</h2>')
        elif block.kind == "quote":
            parts.append(
                f'<blockquote style="{_STYLE["quote"]}"><p style="{_STYLE["quote_p"]}">'
                f"{block.html}</p>"
            )
            if block.attribution:
                who = escape(block.attribution, quote=False)
                parts.append(f'<p style="{_STYLE["attribution"]}">—— {who}</p>')
            parts.append("</blockquote>")
        elif block.kind == "image":
            parts.append(_figure(block.image, image_url))
        elif block.kind == "video":
            parts.append(f'<p style="{_STYLE["note"]}">（视频请点击“阅读原文”观看）</p>')
    if open_list:
        parts.append(f"</{open_list}>")
    return parts


def _figure(image, image_url):
    caption = reading.image_caption(image)
    html = (
        f'<section style="{_STYLE["figure"]}"><img src="{escape(image_url(image))}" '
        f'alt="{escape(caption)}" style="{_STYLE["img"]}"/>'
    )
    if caption:
        html += f'<p style="{_STYLE["caption"]}">{escape(caption, quote=False)}</p>'
    return html + "</section>"


def _clip(text, limit):
    """At most ``limit`` characters, cut after a sentence when one fits, else with …."""
    text = (text or "").strip()
    if len(text) <= limit:
        return text
    return fit_sentences(text, limit).strip() or text[: limit - 1] + "…"


def render(page, channel, upload=None):
    """A WeChat article. ``upload(image) -> URL`` is called once per image in the body (the
    WeChat ``media/uploadimg`` API); without it, images point at public renditions (previews)."""
    content = reading.read(page)
    uploaded = {}

    def image_url(image):
        key = _key(image)
        if key not in uploaded:
            uploaded[key] = upload(image) if upload else reading.public_image_url(image)
        return uploaded[key]

    parts = [f'<section style="{_STYLE["section"]}">']
    if content.summary:
        parts.append(f'<p style="{_STYLE["lead"]}">{escape(content.summary, quote=False)}</p>')
    if content.portrait is not None:
        parts.append(_figure(content.portrait, image_url))
    parts.extend(_blocks(content.blocks, image_url))
    for section in content.sections:
        parts.append(f'<h2 style="{_STYLE["h2"]}">{escape(section.heading, quote=False)}</h2>')
        parts.extend(_blocks(section.blocks, image_url, boxed=section.heading == "颁奖词"))
    parts.append("</section>")
    html = "".join(parts)

    title = (getattr(page, "seo_title", "") or "").strip() or content.title
    author = (channel.author or "").strip()
    problems = []
    if len(title) > TITLE_MAX:
        problems.append(
            f"标题超过 {TITLE_MAX} 字（现 {len(title)} 字），"
            f"请在“推广”中填写不超过 {TITLE_MAX} 字的“标题标签”作为短标题。"
        )
    if len(author) > AUTHOR_MAX:
        problems.append(
            f"署名超过 {AUTHOR_MAX} 字（现 {len(author)} 字），请在发布渠道设置中缩短“署名”。"
        )
    if len(html) >= CONTENT_MAX_CHARS:
        problems.append(
            f"正文过长（排版后 {len(html):,} 字符，微信上限 {CONTENT_MAX_CHARS:,}）："
            "请删减正文或拆成几篇后再发布。"
        )
    size = len(html.encode("utf-8"))
    if size >= CONTENT_MAX_BYTES:
        problems.append(f"正文超过 1 MB（现 {size / 1024 / 1024:.1f} MB）：请删减正文。")
    if content.cover is None:
        where = "请上传照片，或在正文中加入至少一张图片。" if content.has_portrait_field else ""
        problems.append(f"没有封面图片：{where or '请在正文中加入至少一张图片。'}")
    return WeChatArticle(
        title=title,
        author=author,
        digest=_clip(content.summary, DIGEST_MAX),
        content=html,
        content_source_url=public_url(page),
        cover_image=content.cover,
        images=[image for image in content.images if _key(image) in uploaded],
        problems=problems,
    )


def _key(image):
    return image.pk if image.pk is not None else id(image)


def validate(channel):
    """What a WeChat channel needs configured: its AppSecret and AppID, and an address (or
    WeChat's own) on an allowed host."""
    errors = common.validate_endpoint(channel.endpoint or DEFAULT_ENDPOINT)
    if not channel.secret:
        errors["secret"] = common.MISSING_SECRET
    if not channel.app_id:
        errors["app_id"] = "微信公众号必须填写 AppID。"
    return errors


_clients = {}


def _client(channel):
    """One client per account and process, keeping its connections; the access token is not
    the client's but shared by every process through the cache (``clients.WeChatClient``)."""
    base_url = channel.endpoint or DEFAULT_ENDPOINT
    key = (base_url, channel.app_id, hashlib.sha256(channel.secret.encode()).hexdigest())
    client = _clients.get(key)
    if client is None:
        client = clients.WeChatClient(base_url, channel.app_id, channel.secret)
        _clients[key] = client
    client.timeout = channel.timeout_seconds
    return client


def deliver(delivery, page):
    """Upload the body's pictures and the cover, then add the article as a draft; returns the
    draft's ``media_id``."""
    client = _client(delivery.channel)
    uploaded = {}

    def upload(image):
        if image.pk not in uploaded:
            uploaded[image.pk] = client.upload_image(*common.image_bytes(image))
        return uploaded[image.pk]

    article = render(page.specific, delivery.channel, upload=upload)
    common.refuse_problems(article)
    cover = common.image_bytes(article.cover_image, COVER_SPECS, 64 * 1024)
    thumb_media_id = client.add_thumb(*cover)
    return client.add_draft(
        {
            "title": article.title,
            "author": article.author,
            "digest": article.digest,
            "content": article.content,
            "content_source_url": article.content_source_url,
            "thumb_media_id": thumb_media_id,
            "need_open_comment": 0,
            "only_fans_can_comment": 0,
        }
    )


def retract(delivery):
    """Delete the draft ``delivery.retracts`` added (gone already is fine)."""
    original = delivery.retracts
    _client(delivery.channel).delete_draft(original.receiver_id)
    return original.receiver_id


def preview(page, channel):
    """The article on a phone-wide page: cover, title, author, digest, body, 阅读原文."""
    article = render(page, channel)
    cover = (
        f'<img src="{common.preview_image_src(article.cover_image)}" alt="封面" style="width:100%">'
        if article.cover_image is not None
        else ""
    )
    return article.problems, (
        f'<div class="phone">{cover}<h1 style="font-size:22px">{escape(article.title)}</h1>'
        f'<p class="meta">{escape(article.author)}</p>'
        f'<p class="meta">摘要：{escape(article.digest)}</p>{article.content}'
        f'<p><a href="{escape(article.content_source_url)}">阅读原文</a></p></div>'
    )
