"""StreamField blocks shared by exemplar deeds and case-study facts."""

import uuid

from django.core.exceptions import ValidationError
from django.utils.html import escape, linebreaks
from wagtail import blocks
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageBlock
from wagtail.rich_text import RichText

from jingjian.core.text import html_to_text


class HeadingBlock(blocks.CharBlock):
    class Meta:
        icon = "title"
        label = "小标题"
        template = "core/blocks/heading.html"
        form_classname = "title"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label="引文")
    attribution = blocks.CharBlock(label="出处", required=False)

    class Meta:
        icon = "openquote"
        label = "引文"
        template = "core/blocks/quote.html"


class _Unreadable(RichText):
    """A paragraph whose posted editor state could not be read (not the editor's JSON)."""

    def __init__(self):
        super().__init__("")


class ParagraphBlock(blocks.RichTextBlock):
    """Rich text whose indexed text is ``text.html_to_text``'s (regular expressions: several
    times faster than parsing the HTML, and the search index only needs the words). A posted
    value the editor cannot have sent (not its JSON) is a form error, not a server error."""

    def value_from_datadict(self, data, files, prefix):
        try:
            return super().value_from_datadict(data, files, prefix)
        except (ValueError, TypeError, KeyError, AttributeError, IndexError):
            return _Unreadable()

    def clean(self, value):
        if isinstance(value, _Unreadable):
            raise ValidationError("这一段的内容无法识别，请刷新页面后重新输入这一段，再保存。")
        return super().clean(value)

    def get_searchable_content(self, value):
        if not self.search_index:
            return []
        return [html_to_text(getattr(value, "source", value) or "")]


class PictureBlock(ImageBlock):
    """Wagtail's image block; a posted image id that is no number (only a hand-made form sends
    one) is a form error, not a server error."""

    def value_from_datadict(self, data, files, prefix):
        try:
            return super().value_from_datadict(data, files, prefix)
        except (ValueError, TypeError, OverflowError):
            return None

    def clean(self, value):
        if value is None:
            raise ValidationError("请选择一张图片，或删除这个图片块。")
        return super().clean(value)


class StoryBlock(blocks.StreamBlock):
    """Body text: paragraphs, headings, quotes, images and video embeds."""

    paragraph = ParagraphBlock(
        label="段落", features=["bold", "italic", "link", "ol", "ul"], icon="pilcrow"
    )
    heading = HeadingBlock()
    quote = QuoteBlock()
    image = PictureBlock(label="图片", template="core/blocks/image.html")
    video = EmbedBlock(label="视频", icon="media", template="core/blocks/video.html")

    class Meta:
        label = "正文"

    def value_from_datadict(self, data, files, prefix):
        # Only a hand-made form sends a block count or an order that is no number.
        try:
            return super().value_from_datadict(data, files, prefix)
        except (ValueError, TypeError, KeyError, OverflowError):
            value = blocks.StreamValue(self, [])
            value.unreadable = True
            return value

    def clean(self, value):
        if getattr(value, "unreadable", False):
            raise ValidationError("正文的内容无法识别，请刷新页面后重新编辑正文，再保存。")
        return super().clean(value)


def _as_the_editor_writes(paragraph_html):
    """``paragraph_html`` as the paragraph editor (Draftail) saves it back unchanged: with its
    block keys, its line breaks as the editor writes them."""
    widget = StoryBlock.base_blocks["paragraph"].field.widget
    return widget.value_from_datadict({"p": widget.format_value(paragraph_html)}, {}, "p")


def plain_text_to_stream(text):
    """Turn import/demo plain text into StoryBlock raw data (a JSON-ready list).

    Paragraphs are separated by blank lines; a paragraph starting with "## " becomes a heading
    and one starting with "> " a quote. Every block has its id and every paragraph the markup
    the editor gives it, so opening the page in the editor and saving it unchanged is no change
    (Wagtail would count it as an edit, and an edit during review restarts the review).
    """
    stream = []
    for chunk in (text or "").replace("\r\n", "\n").split("\n\n"):
        chunk = chunk.strip()
        if not chunk:
            continue
        if chunk.startswith("## "):
            stream.append({"type": "heading", "value": chunk[3:].strip(), "id": _block_id()})
        elif chunk.startswith("> "):
            quote = {"text": chunk[2:].strip(), "attribution": ""}
            stream.append({"type": "quote", "value": quote, "id": _block_id()})
        else:
            html = _as_the_editor_writes(linebreaks(escape(chunk)).replace("<br>", "<br/>"))
            stream.append({"type": "paragraph", "value": html, "id": _block_id()})
    return stream


def _block_id():
    return str(uuid.uuid4())
