"""Renditions: one plain function per channel kind, turning a page into what the outlet takes.

Each ``render_*`` function takes a page (saved or an in-memory preview object: nothing is looked
up by ``page.pk``) and a ``Channel`` and returns a dataclass whose ``problems`` lists, in Chinese,
what keeps this rendition from being sent and what the editor should do. A rendition with
problems is not sent; other channels are unaffected.

The content of a page is read once into a neutral form (``syndication.reading``: title, summary,
body blocks, extra sections, images) and each renderer lays it out for its outlet. What goes into
that form is each content type's ``channel_reading`` (``casestudies/channels.py``,
``exemplars/channels.py``), built from ``Reading``, ``Block``, ``Section``, ``stream_blocks`` and
``text_blocks``, re-exported here; any other page degrades to its title and search description.
"""

import functools
import io
import json
import math
import re
import secrets
import threading
import unicodedata
from dataclasses import dataclass, field
from html import escape
from urllib.parse import urlsplit

from django.core.serializers.json import DjangoJSONEncoder

from jingjian.core.public_address import public_base_url, public_url
from jingjian.syndication.clients import sign, weibo_length
from jingjian.syndication.models import ChannelKind
from jingjian.syndication.reading import (  # noqa: F401 (the content types import them from here)
    PREVIEW_RENDITION,
    Block,
    Reading,
    Section,
    image_caption,
    stream_blocks,
    text_blocks,
)
from jingjian.syndication.reading import public_image_url as _public_image_url
from jingjian.syndication.reading import read as _read
from jingjian.syndication.reading import spoken_paragraphs as _spoken_paragraphs
from jingjian.syndication.sentences import complete as _complete
from jingjian.syndication.sentences import fit_sentences

READING_SPEED = 250  # characters a minute (REFERENCE.md: plan national-anchor speed with 250)
WECHAT_TITLE_MAX = 32
WECHAT_AUTHOR_MAX = 16
WECHAT_DIGEST_MAX = 128
WECHAT_CONTENT_MAX_CHARS = 20_000
WECHAT_CONTENT_MAX_BYTES = 1024 * 1024
WEIBO_MAX = 2000
WEIBO_LEAD_MAX = 140
WEIBO_MAX_IMAGES = 9


# --- Renditions ---------------------------------------------------------------------------


@dataclass
class BroadcastScript:
    """口播稿: plain text for reading aloud, with its length and reading time."""

    title: str
    text: str
    characters: int
    seconds: int
    limit_seconds: int
    problems: list[str] = field(default_factory=list)


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


@dataclass
class WeiboPost:
    """A long Weibo post whose first 140 characters (``lead``) stand on their own."""

    text: str
    lead: str
    link: str
    images: list
    problems: list[str] = field(default_factory=list)


@dataclass
class JsonPayload:
    """The page as the API v2 detail view shows it, with event, idempotency key and signature."""

    body: bytes
    event: str
    idempotency_key: str
    signature: str
    problems: list[str] = field(default_factory=list)


# --- Plain text helpers -------------------------------------------------------------------

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


# --- Broadcast script (口播稿) -------------------------------------------------------------


def render_broadcast(page, channel):
    """口播稿: title, lead and body as plain speakable text, timed at 250 characters a minute."""
    content = _read(page)
    title = _speakable(content.title)
    paragraphs = [_speakable(p) for p in [content.summary, *_spoken_paragraphs(content)]]
    text = "\n\n".join(p for p in [title, *paragraphs] if p)
    characters = sum(1 for c in text if not c.isspace())
    seconds = math.ceil(characters * 60 / READING_SPEED)
    limit = int(channel.max_duration_seconds or 0)
    problems = []
    if limit and seconds > limit:
        excess = characters - limit * READING_SPEED // 60
        problems.append(
            f"口播时长约 {_duration(seconds)}({characters} 字),超过本渠道上限 {_duration(limit)}:"
            f"请删减正文约 {excess} 字,或在渠道设置中调整“口播时长上限”。"
        )
    return BroadcastScript(title, text, characters, seconds, limit, problems)


def _broadcast_header(script):
    return [
        f"标题：{script.title}",
        f"字数：{script.characters} 字",
        f"时长：约 {script.seconds // 60} 分 {script.seconds % 60} 秒"
        f"（按每分钟 {READING_SPEED} 字计）",
    ]


def broadcast_txt(script):
    """The script as a UTF-8 text file: a header with title, length and time, then the text."""
    lines = [*_broadcast_header(script), "", script.text, ""]
    return "\n".join(lines).encode("utf-8")


# python-docx's default template carries 800 KB of styles (two copies) that every document would
# parse and compress again; the scripts and manuscripts use the Normal style only.
_TEMPLATE_DROP = {
    "word/stylesWithEffects.xml",
    "customXml/item1.xml",
    "customXml/_rels/item1.xml.rels",
    "customXml/itemProps1.xml",
    "docProps/thumbnail.jpeg",
}
_KEPT_STYLES = {"Normal", "DefaultParagraphFont", "TableNormal", "NoList"}


@functools.lru_cache(maxsize=1)
def _template():
    """python-docx's default template without the parts our documents never use."""
    import zipfile

    from docx import Document
    from lxml import etree

    source = io.BytesIO()
    Document().save(source)
    result = io.BytesIO()
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(result, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            if item.filename in _TEMPLATE_DROP:
                continue
            data = zin.read(item.filename)
            if item.filename.endswith(".rels") or item.filename == "[Content_Types].xml":
                root = etree.fromstring(data)
                for child in list(root):
                    target = child.get("Target", "") or child.get("PartName", "")
                    if any(target.endswith(dropped.split("/")[-1]) for dropped in _TEMPLATE_DROP):
                        root.remove(child)
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            elif item.filename == "word/styles.xml":
                root = etree.fromstring(data)
                ns = root.nsmap["w"]
                for child in list(root):
                    tag = etree.QName(child).localname
                    style_id = child.get(f"{{{ns}}}styleId")
                    if tag == "latentStyles" or (tag == "style" and style_id not in _KEPT_STYLES):
                        root.remove(child)
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            zout.writestr(item, data)
    return result.getvalue()


def _new_document(title):
    from docx import Document
    from docx.oxml.ns import qn

    document = Document(io.BytesIO(_template()))
    style = document.styles["Normal"]
    style.font.name = "宋体"
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    document.core_properties.title = title
    document.core_properties.author = "镜鉴"
    return document


def _docx_bytes(document):
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def broadcast_docx(script):
    """The script as a Word document: the header, then one paragraph per paragraph read."""
    from docx.shared import Pt

    document = _new_document(script.title)
    for line in _broadcast_header(script):
        document.add_paragraph(line)
    for paragraph in script.text.split("\n\n"):
        run = document.add_paragraph().add_run(paragraph)
        run.font.size = Pt(14)
    return _docx_bytes(document)


# --- Newspaper manuscript (见报稿) ---------------------------------------------------------


def render_manuscript(page, channel):
    """见报稿: 引题, 主题, 副题, 电头/署名, 导语 and body, sections, and the pictures."""
    content = _read(page)
    author = (channel.author or "").strip()
    paragraphs = [_complete(content.summary)] if content.summary else []
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
        problems.append("没有正文:请填写一句话简介和正文后再发往报社。")
    return Manuscript(
        kicker=content.kicker,
        headline=content.headline,
        subheadline=content.subheadline,
        byline=f"本报讯（通讯员 {author}）" if author else "本报讯",
        paragraphs=paragraphs,
        images=list(content.images),
        problems=problems,
    )


def _picture_stream(image):
    """The original file when Word can show it, else a JPEG rendition."""
    from docx.image.image import Image as DocxImage

    with image.file.open("rb") as handle:
        data = handle.read()
    try:
        DocxImage.from_blob(data)
    except Exception:  # WebP, AVIF, SVG: Word needs a common format
        rendition = image.get_rendition("max-2000x2000|format-jpeg")
        with rendition.file.open("rb") as handle:
            data = handle.read()
    return io.BytesIO(data)


def manuscript_docx(manuscript):
    """The manuscript as a Word document, pictures embedded with their captions under them."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    document = _new_document(manuscript.headline)
    if manuscript.kicker:
        document.add_paragraph(f"引题：{manuscript.kicker}")
    headline = document.add_paragraph()
    run = headline.add_run(f"主题：{manuscript.headline}")
    run.bold, run.font.size = True, Pt(18)
    if manuscript.subheadline:
        document.add_paragraph(f"副题：{manuscript.subheadline}")
    document.add_paragraph(manuscript.byline)
    for text in manuscript.paragraphs:
        paragraph = document.add_paragraph(text)
        paragraph.paragraph_format.first_line_indent = Pt(24)
    if manuscript.images:
        document.add_paragraph("配图")
    for number, image in enumerate(manuscript.images, start=1):
        document.add_picture(_picture_stream(image), width=Cm(14))
        document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
        caption = document.add_paragraph(f"图{number}：{image_caption(image)}")
        caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return _docx_bytes(document)


# --- WeChat article -----------------------------------------------------------------------

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


def _wechat_blocks(blocks, image_url, boxed=False):
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
            parts.append(_wechat_figure(block.image, image_url))
        elif block.kind == "video":
            parts.append(f'<p style="{_STYLE["note"]}">（视频请点击“阅读原文”观看）</p>')
    if open_list:
        parts.append(f"</{open_list}>")
    return parts


def _wechat_figure(image, image_url):
    caption = image_caption(image)
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


def render_wechat(page, channel, upload=None):
    """A WeChat article. ``upload(image) -> URL`` is called once per image in the body (the
    WeChat ``media/uploadimg`` API); without it, images point at public renditions (previews)."""
    content = _read(page)
    uploaded = {}

    def image_url(image):
        key = image.pk if image.pk is not None else id(image)
        if key not in uploaded:
            uploaded[key] = upload(image) if upload else _public_image_url(image)
        return uploaded[key]

    parts = [f'<section style="{_STYLE["section"]}">']
    if content.summary:
        parts.append(f'<p style="{_STYLE["lead"]}">{escape(content.summary, quote=False)}</p>')
    if content.portrait is not None:
        parts.append(_wechat_figure(content.portrait, image_url))
    parts.extend(_wechat_blocks(content.blocks, image_url))
    for section in content.sections:
        parts.append(f'<h2 style="{_STYLE["h2"]}">{escape(section.heading, quote=False)}</h2>')
        parts.extend(_wechat_blocks(section.blocks, image_url, boxed=section.heading == "颁奖词"))
    parts.append("</section>")
    html = "".join(parts)

    title = (getattr(page, "seo_title", "") or "").strip() or content.title
    author = (channel.author or "").strip()
    problems = []
    if len(title) > WECHAT_TITLE_MAX:
        problems.append(
            f"标题超过 {WECHAT_TITLE_MAX} 字(现 {len(title)} 字),"
            f"请在“推广”中填写不超过 {WECHAT_TITLE_MAX} 字的“标题标签”作为短标题。"
        )
    if len(author) > WECHAT_AUTHOR_MAX:
        problems.append(
            f"署名超过 {WECHAT_AUTHOR_MAX} 字(现 {len(author)} 字),请在发布渠道设置中缩短“署名”。"
        )
    if len(html) >= WECHAT_CONTENT_MAX_CHARS:
        problems.append(
            f"正文过长(排版后 {len(html):,} 字符,微信上限 {WECHAT_CONTENT_MAX_CHARS:,}):"
            "请删减正文或拆成几篇后再发布。"
        )
    size = len(html.encode("utf-8"))
    if size >= WECHAT_CONTENT_MAX_BYTES:
        problems.append(f"正文超过 1 MB(现 {size / 1024 / 1024:.1f} MB):请删减正文。")
    if content.cover is None:
        where = "请上传照片,或在正文中加入至少一张图片。" if content.has_portrait_field else ""
        problems.append(f"没有封面图片:{where or '请在正文中加入至少一张图片。'}")
    return WeChatArticle(
        title=title,
        author=author,
        digest=_clip(content.summary, WECHAT_DIGEST_MAX),
        content=html,
        content_source_url=public_url(page),
        cover_image=content.cover,
        images=[image for image in content.images if _key(image) in uploaded],
        problems=problems,
    )


def _key(image):
    return image.pk if image.pk is not None else id(image)


# --- Weibo post ---------------------------------------------------------------------------


def _fit_sentences(text, budget):
    """The leading whole sentences of ``text`` that fit in ``budget`` Weibo characters."""
    return fit_sentences(text, budget, length=weibo_length)


def render_weibo(page, channel):
    """A Weibo post: a lead of at most 140 that stands alone (【标题】 and the summary's whole
    sentences), then as much of the body as fits in 2,000 with the public link at the end."""
    content = _read(page)
    link = public_url(page)
    problems = []
    title = f"【{content.title}】"
    summary = _complete(content.summary)
    lead = title + _fit_sentences(summary, WEIBO_LEAD_MAX - weibo_length(title))
    if weibo_length(title) > WEIBO_LEAD_MAX:
        problems.append(
            f"标题过长(现 {weibo_length(content.title)} 字),微博信息流只显示前 {WEIBO_LEAD_MAX} 字:"
            f"请把标题缩短到 {WEIBO_LEAD_MAX - 2} 字以内。"
        )
        lead = _fit_sentences(summary, WEIBO_LEAD_MAX) or content.title[: WEIBO_LEAD_MAX - 1] + "…"
    tail = f"\n阅读全文：{link}"
    budget = WEIBO_MAX - weibo_length(lead) - weibo_length(tail)
    body = []
    for paragraph in _spoken_paragraphs(content):
        piece = "\n" + paragraph
        if weibo_length(piece) <= budget:
            body.append(piece)
            budget -= weibo_length(piece)
            continue
        cut = _fit_sentences(paragraph, budget - 3)  # "\n" and "……"
        if cut:
            body.append("\n" + cut + "……")
        elif body:
            body[-1] += "……"
        break
    text = lead + "".join(body) + tail
    if weibo_length(text) > WEIBO_MAX:
        problems.append(f"微博超过 {WEIBO_MAX} 字:请缩短标题和一句话简介。")
    return WeiboPost(
        text=text,
        lead=lead,
        link=link,
        images=list(content.images[:WEIBO_MAX_IMAGES]),
        problems=problems,
    )


# --- JSON for the app and webhooks --------------------------------------------------------


@functools.cache
def _payload_view_class():
    from wagtail.models import Page

    from jingjian.core.api import VisiblePagesAPIViewSet

    class PayloadPagesView(VisiblePagesAPIViewSet):
        """The API's page endpoint, minus the per-request visibility query (two thirds of the
        time): only public pages are sent (the delivery gate checks), and a public page's
        parent is public too, so "is the parent live" gives the API's answer."""

        def get_base_queryset(self):
            return Page.objects.live()

    return PayloadPagesView


_serializers = threading.local()


def _serializer_for(page):
    """The API's detail serializer for ``page``'s type, built once per thread: building its
    fields is most of the cost of a render, and they do not depend on the page."""
    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory
    from rest_framework.request import Request

    from jingjian.core.api import api_router

    base = urlsplit(public_base_url())
    key = (type(page), bool(page.pk), base)
    cache = _serializers.__dict__.setdefault("by_key", {})
    if key not in cache:
        # A page not saved yet (a preview) has no API address and may have no parent.
        query = {} if page.pk else {"fields": "-detail_url,-parent"}
        request = RequestFactory().get(
            f"/api/v2/pages/{page.pk or 0}/", query, secure=base.scheme == "https"
        )
        request.get_host = lambda: base.netloc  # the public host, whatever ALLOWED_HOSTS says
        request.user = AnonymousUser()
        request.wagtailapi_router = api_router
        view = _payload_view_class()(
            request=Request(request),
            action="detail_view",
            kwargs={"pk": page.pk},
            format_kwarg=None,
        )
        view._cached_object = page
        cache[key] = view.get_serializer(page)
    return cache[key]


def _api_data(page):
    """The page as ``/api/v2/pages/<id>/`` shows it, produced by the API's own view and
    serializer (so the shape never drifts, links included), for the object given rather than a
    database copy."""
    return _serializer_for(page).to_representation(page)


def _type_label(page):
    model = getattr(page, "specific_class", None) or type(page)
    meta = getattr(model, "_meta", None)
    return meta.label if meta is not None and not meta.abstract else "wagtailcore.Page"


# (page id, revision id, public address) → API data: one serialization per publish; a new
# public address (the Site edited) makes new links.
_revision_data = {}
_REVISION_DATA_SIZE = 256
_revision_data_lock = threading.Lock()


def render_json(page, channel, event, idempotency_key, secret, revision_id=None):
    """The page as JSON (the API v2 detail shape) with ``event`` and ``idempotency_key``,
    signed over the exact body bytes. An ``unpublished`` event carries only id and type.

    With ``revision_id`` (deliveries pass the published revision), the page's data is
    serialized once for all channels receiving that revision; previews never pass it."""
    event = str(event)
    if event == "unpublished":
        data = {"id": page.pk, "meta": {"type": _type_label(page)}}
    else:
        key = (page.pk, revision_id, public_base_url()) if revision_id and page.pk else None
        cached = _revision_data.get(key) if key else None
        if cached is None:
            if type(page).__name__ == "Page" and page.pk:
                page = page.specific
            cached = _api_data(page)
            if key:
                with _revision_data_lock:
                    while len(_revision_data) >= _REVISION_DATA_SIZE:
                        _revision_data.pop(next(iter(_revision_data)))
                    _revision_data[key] = cached
        data = dict(cached)
    data["event"] = event
    data["idempotency_key"] = idempotency_key
    body = json.dumps(
        data, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True, separators=(",", ":")
    ).encode("utf-8")
    problems = []
    if not secret:
        problems.append("没有签名密钥:请在发布渠道设置中填写“密钥”,接收方用它核对签名。")
    return JsonPayload(body, event, idempotency_key, sign(body, secret), problems)


# --- Dispatch and preview -----------------------------------------------------------------


def render(page, channel, **kwargs):
    """The rendition of ``page`` for ``channel``'s kind. Keyword arguments go to the renderer:
    ``upload`` for WeChat; ``event``, ``idempotency_key`` and ``secret`` for JSON (defaults:
    published, a preview key and the channel's secret)."""
    kind = channel.kind
    if kind in (ChannelKind.TV, ChannelKind.RADIO):
        return render_broadcast(page, channel)
    if kind == ChannelKind.NEWSPAPER:
        return render_manuscript(page, channel)
    if kind == ChannelKind.WECHAT:
        return render_wechat(page, channel, upload=kwargs.get("upload"))
    if kind == ChannelKind.WEIBO:
        return render_weibo(page, channel)
    if kind in (ChannelKind.APP, ChannelKind.WEBHOOK):
        return render_json(
            page,
            channel,
            kwargs.get("event", "published"),
            kwargs.get("idempotency_key", f"preview-{page.pk or 0}"),
            kwargs.get("secret", channel.secret),
        )
    raise ValueError(f"unknown channel kind {kind!r}")


_PREVIEW_CSS = """
body{margin:0;background:#f2f2f2;color:#222;font:16px/1.7 -apple-system,"PingFang SC",
"Microsoft YaHei",sans-serif}
.bar{background:#333;color:#fff;padding:8px 16px;font-size:14px}
.wrap{max-width:760px;margin:16px auto;padding:0 12px}
.problems{border:2px solid #b3261e;background:#fdecea;color:#8c1d18;padding:12px 16px;
border-radius:6px;margin-bottom:16px}
.problems ul{margin:6px 0 0;padding-left:1.4em}
.ok{border:1px solid #2e7d32;background:#edf7ed;color:#1e4620;padding:8px 16px;
border-radius:6px;margin-bottom:16px}
.sheet{background:#fff;padding:24px 28px;box-shadow:0 1px 3px rgba(0,0,0,.15)}
.meta{color:#666;font-size:14px}
.phone{max-width:375px;margin:0 auto;background:#fff;padding:20px 16px}
.weibo{max-width:520px;margin:0 auto;background:#fff;padding:16px;border-radius:8px}
.weibo .lead{background:#fff8e1}
.grid{display:grid;grid-template-columns:repeat(3,1fr);gap:4px;margin-top:8px}
.grid img{width:100%;aspect-ratio:1;object-fit:cover}
figure{margin:16px 0;text-align:center}figure img{max-width:100%}
figcaption{color:#777;font-size:14px}
pre{white-space:pre-wrap;word-break:break-all;font-size:13px;background:#fafafa;padding:12px}
"""


def _preview_image(image):
    return escape(image.get_rendition(PREVIEW_RENDITION).url)


def _preview_body(rendition, channel):
    if isinstance(rendition, BroadcastScript):
        paragraphs = "".join(f"<p>{escape(p)}</p>" for p in rendition.text.split("\n\n"))
        limit = _duration(rendition.limit_seconds) if rendition.limit_seconds else "不限"
        return (
            f'<div class="sheet"><p class="meta">口播稿 · {rendition.characters} 字 · '
            f"约 {_duration(rendition.seconds)}(上限 {limit},每分钟 {READING_SPEED} 字)</p>"
            f"{paragraphs}</div>"
        )
    if isinstance(rendition, Manuscript):
        parts = ['<div class="sheet">']
        if rendition.kicker:
            parts.append(f'<p class="meta">{escape(rendition.kicker)}</p>')
        parts.append(f"<h1>{escape(rendition.headline)}</h1>")
        if rendition.subheadline:
            parts.append(f"<h2>{escape(rendition.subheadline)}</h2>")
        parts.append(f'<p class="meta">{escape(rendition.byline)}</p>')
        parts.extend(f"<p>{escape(p)}</p>" for p in rendition.paragraphs)
        for image in rendition.images:
            parts.append(
                f'<figure><img src="{_preview_image(image)}" alt="{escape(image_caption(image))}">'
                f"<figcaption>{escape(image_caption(image))}</figcaption></figure>"
            )
        return "".join(parts) + "</div>"
    if isinstance(rendition, WeChatArticle):
        cover = (
            f'<img src="{_preview_image(rendition.cover_image)}" alt="封面" style="width:100%">'
            if rendition.cover_image is not None
            else ""
        )
        return (
            f'<div class="phone">{cover}<h1 style="font-size:22px">{escape(rendition.title)}</h1>'
            f'<p class="meta">{escape(rendition.author)}</p>'
            f'<p class="meta">摘要:{escape(rendition.digest)}</p>{rendition.content}'
            f'<p><a href="{escape(rendition.content_source_url)}">阅读原文</a></p></div>'
        )
    if isinstance(rendition, WeiboPost):
        rest = rendition.text[len(rendition.lead) :]
        images = "".join(
            f'<img src="{_preview_image(i)}" alt="{escape(image_caption(i))}">'
            for i in rendition.images
        )
        return (
            f'<div class="weibo"><p class="meta">{escape(channel.name)} · '
            f"{weibo_length(rendition.text)} 字(信息流显示前 {WEIBO_LEAD_MAX} 字,底色标出)</p>"
            f'<p style="white-space:pre-wrap"><span class="lead">{escape(rendition.lead)}</span>'
            f"{escape(rendition.text and rest)}</p>"
            f'<div class="grid">{images}</div></div>'
        )
    pretty = json.dumps(json.loads(rendition.body), ensure_ascii=False, indent=2, sort_keys=True)
    return (
        f'<div class="sheet"><p class="meta">事件:{escape(rendition.event)} · '
        "签名头:发送时用渠道密钥签名(预览不签名)</p>"
        f"<pre>{escape(pretty)}</pre></div>"
    )


_PREVIEW_KEY = secrets.token_hex(16)  # a throwaway key, never the channel's


def preview_html(page, channel):
    """A self-contained page showing ``page`` as ``channel`` would show it, problems first."""
    # Never sign a preview with the channel's secret: a draft (or a private page) signed with it
    # could be posted to the receiver by hand, around the gate and the public-only rule.
    kwargs = (
        {"secret": _PREVIEW_KEY} if channel.kind in (ChannelKind.APP, ChannelKind.WEBHOOK) else {}
    )
    rendition = render(page, channel, **kwargs)
    problems = [p for p in rendition.problems if "签名密钥" not in p] if kwargs else None
    if problems is not None and not channel.secret:
        problems.append("没有签名密钥:请在发布渠道设置中填写“密钥”,接收方用它核对签名。")
    if problems is not None:
        rendition.problems = problems
    if rendition.problems:
        items = "".join(f"<li>{escape(p)}</li>" for p in rendition.problems)
        status = (
            f'<div class="problems"><strong>此渠道不会发送,请先处理:</strong><ul>{items}</ul></div>'
        )
    else:
        status = '<div class="ok">检查通过:发布后将发送到此渠道。</div>'
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(channel.name)}预览 - {escape(page.title or '')}</title>"
        f"<style>{_PREVIEW_CSS}</style></head><body>"
        f'<div class="bar">渠道稿预览:{escape(channel.name)}({escape(channel.get_kind_display())})'
        f'</div><div class="wrap">{status}{_preview_body(rendition, channel)}</div></body></html>'
    )
