"""A page read once into the neutral form every channel adapter lays out.

What goes into that form is each content type's ``channel_reading`` (``casestudies/channels.py``,
``exemplars/channels.py``): a ``Reading`` of ``Block``s and ``Section``s, built with
``stream_blocks`` and ``text_blocks``. Any other page degrades to its title and search
description. Pages may be saved or in-memory preview objects: nothing is looked up by ``page.pk``.
"""

from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser

from jingjian.core import content_types, visibility
from jingjian.core.public_address import public_url
from jingjian.core.text import BLOCK_ELEMENTS, HEADINGS
from jingjian.syndication.sentences import complete

PREVIEW_RENDITION = "max-800x800"


@dataclass
class Block:
    kind: str  # paragraph, heading, quote, item, image, video
    text: str = ""  # plain text
    html: str = ""  # inline HTML (strong, em, br only), escaped
    attribution: str = ""
    ordered: bool = False  # items of a numbered list
    number: int = 0
    image: object = None


@dataclass
class Section:
    """A titled part after the body (颁奖词, 所获荣誉, 处理情况, 以案说法)."""

    heading: str
    blocks: list
    spoken: bool  # read aloud and posted on Weibo (honours and handlings are not)


@dataclass
class Reading:
    """What a content type gives the channels for one page (its ``channel_reading``): the
    channel adapters lay it out for each outlet."""

    summary: str
    kicker: str  # the line above the headline, e.g. “警示案例·基层治理”
    subheadline: str
    blocks: list  # the body, as ``Block``s (``stream_blocks``, ``text_blocks``)
    sections: list = field(default_factory=list)  # ``Section``s after the body
    portrait: object = None  # a photo shown above the body (already checked public)
    has_portrait_field: bool = False  # the type has a portrait, so a missing one is reported


@dataclass
class Content:
    """A page as the adapters read it (``read``): a ``Reading`` with the title split and the
    pictures gathered."""

    title: str
    summary: str
    kicker: str
    headline: str
    subheadline: str
    blocks: list
    sections: list
    images: list  # every image in reading order, the portrait first
    cover: object
    portrait: object  # an exemplar's photo, shown above the body
    has_portrait_field: bool


class _RichTextReader(HTMLParser):
    """Splits Wagtail rich text into paragraphs, headings and list items with safe inline HTML.

    Only bold, italic and line breaks survive; links keep their text (outlets drop or mangle
    them), embeds are dropped.
    """

    # The block boundaries of ``core.text`` (search's plain text), so a rendition and a search
    # snippet split a page's text in the same places.
    BLOCKS = BLOCK_ELEMENTS
    INLINE = {"b": "strong", "strong": "strong", "i": "em", "em": "em"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks = []
        self.lists = []  # stack of [ordered, counter]
        self._kind = None
        self._text = []
        self._html = []
        self._open = []

    def _flush(self):
        text = "".join(self._text).strip()
        if text:
            html = "".join(self._html).strip()
            html += "".join(f"</{tag}>" for tag in reversed(self._open))
            block = Block(self._kind or "paragraph", text=text, html=html)
            if block.kind == "item" and self.lists:
                self.lists[-1][1] += 1
                block.ordered, block.number = self.lists[-1][0], self.lists[-1][1]
            self.blocks.append(block)
        self._kind, self._text, self._html, self._open = None, [], [], []

    def handle_starttag(self, tag, attrs):
        if tag in ("ul", "ol"):
            self._flush()
            self.lists.append([tag == "ol", 0])
        elif tag in self.BLOCKS:
            self._flush()
            if tag == "li":
                self._kind = "item"
            elif tag in HEADINGS:
                self._kind = "heading"
            elif tag == "blockquote":
                self._kind = "quote"
        elif tag in self.INLINE:
            self._html.append(f"<{self.INLINE[tag]}>")
            self._open.append(self.INLINE[tag])
        elif tag == "br":
            self._text.append("\n")
            self._html.append("<br/>")

    def handle_endtag(self, tag):
        if tag in ("ul", "ol"):
            self._flush()
            if self.lists:
                self.lists.pop()
        elif tag in self.BLOCKS:
            self._flush()
        elif tag in self.INLINE and self.INLINE[tag] in self._open:
            self._open.remove(self.INLINE[tag])
            self._html.append(f"</{self.INLINE[tag]}>")

    def handle_data(self, data):
        self._text.append(data)
        self._html.append(escape(data, quote=False))

    def close(self):
        super().close()
        self._flush()


def _rich_text_blocks(value):
    reader = _RichTextReader()
    reader.feed(str(getattr(value, "source", value) or ""))
    reader.close()
    return reader.blocks


def text_blocks(text):
    """Plain text (a TextField) as paragraphs, one per non-empty line."""
    lines = [line.strip() for line in (text or "").replace("\r\n", "\n").split("\n")]
    return [Block("paragraph", text=line, html=escape(line, quote=False)) for line in lines if line]


def stream_blocks(stream, media_roots=None):
    """The blocks of a StreamField. Channels are public outlets: an image from a restricted
    collection is left out (``visibility.is_public_media``), as its file is to anonymous readers."""
    blocks = []
    for child in stream or []:
        kind, value = child.block_type, child.value
        if kind == "paragraph":
            blocks.extend(_rich_text_blocks(value))
        elif kind == "heading":
            text = str(value or "").strip()
            if text:
                blocks.append(Block("heading", text=text, html=escape(text, quote=False)))
        elif kind == "quote":
            text = (value.get("text") or "").strip()
            if text:
                blocks.append(
                    Block(
                        "quote",
                        text=text,
                        html=escape(text, quote=False).replace("\n", "<br/>"),
                        attribution=(value.get("attribution") or "").strip(),
                    )
                )
        elif (
            kind == "image" and value is not None and visibility.is_public_media(value, media_roots)
        ):
            blocks.append(Block("image", text=image_caption(value), image=value))
        elif kind == "video" and value is not None:
            blocks.append(Block("video", text=getattr(value, "url", "") or ""))
    return blocks


def image_caption(image):
    """The caption of an image as placed on the page: its alt text, none when decorative."""
    if getattr(image, "decorative", False):
        return ""
    return (getattr(image, "contextual_alt_text", None) or image.default_alt_text or "").strip()


def _split_title(title):
    """“主题——记某某” → (主题, 记某某); a title without a dash is all headline."""
    for dash in ("——", "--"):
        if dash in title:
            head, _, tail = title.partition(dash)
            if head.strip() and tail.strip():
                return head.strip(), tail.strip()
    return title.strip(), ""


def read(page):
    """The content of ``page`` in a neutral form every channel adapter lays out: what its content type
    gives (``channel_reading``), or its title and search description for any other page."""
    if type(page).__name__ == "Page" and getattr(page, "pk", None):
        page = page.specific
    title = (page.title or "").strip()
    headline, subheadline = _split_title(title)
    media_roots = visibility.collection_roots()
    content_type = content_types.of(page)
    if content_type is not None and content_type.channel_reading is not None:
        reading = content_type.channel_reading(page, subheadline, media_roots)
    else:
        summary = getattr(page, "search_description", "") or ""
        reading = Reading(summary=summary, kicker="", subheadline=subheadline, blocks=[])
    blocks, sections, portrait = reading.blocks, reading.sections, reading.portrait
    summary, kicker, subheadline = reading.summary, reading.kicker, reading.subheadline
    images = [portrait] if portrait is not None else []
    for block in blocks:
        if block.kind == "image" and not any(_same_image(block.image, i) for i in images):
            images.append(block.image)
    return Content(
        title=title,
        summary=summary.strip(),
        kicker=kicker,
        headline=headline,
        subheadline=subheadline,
        blocks=blocks,
        sections=sections,
        images=images,
        cover=images[0] if images else None,
        portrait=portrait,
        has_portrait_field=reading.has_portrait_field,
    )


def _same_image(a, b):
    return a is b or (a.pk is not None and a.pk == b.pk)


def public_image_url(image):
    return public_url(image.get_rendition(PREVIEW_RENDITION).url)


def spoken_paragraphs(content):
    """Body and spoken sections as paragraphs (no headings, pictures, honours or handlings)."""
    paragraphs = []
    for block in content.blocks:
        if block.kind == "paragraph":
            paragraphs.append(block.text)
        elif block.kind == "item":
            paragraphs.append(complete(block.text))
        elif block.kind == "quote":
            paragraphs.append(
                f"{block.attribution}说：{block.text}" if block.attribution else block.text
            )
    for section in content.sections:
        if section.spoken:
            texts = [b.text for b in section.blocks]
            if texts:
                texts[0] = f"{section.heading}：{texts[0]}"
            paragraphs.extend(texts)
    return paragraphs
