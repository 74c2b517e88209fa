"""StreamField blocks shared by exemplar deeds and case-study facts."""

from wagtail import blocks
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageBlock

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


class ParagraphBlock(blocks.RichTextBlock):
    """Rich text whose indexed text is ``text.html_to_text``'s (regular expressions: several
    times faster than parsing the HTML, and the search index only needs the words)."""

    def get_searchable_content(self, value):
        if not self.search_index:
            return []
        return [html_to_text(getattr(value, "source", value) or "")]


class StoryBlock(blocks.StreamBlock):
    """Body text: paragraphs, headings, quotes, images and video embeds."""

    paragraph = ParagraphBlock(
        label="段落", features=["bold", "italic", "link", "ol", "ul"], icon="pilcrow"
    )
    heading = HeadingBlock()
    quote = QuoteBlock()
    image = ImageBlock(label="图片", template="core/blocks/image.html")
    video = EmbedBlock(label="视频", icon="media", template="core/blocks/video.html")

    class Meta:
        label = "正文"


def plain_text_to_stream(text):
    """Turn import/demo plain text into StoryBlock raw data (a JSON-ready list).

    Paragraphs are separated by blank lines; a paragraph starting with "## " becomes a heading
    and one starting with "> " a quote.
    """
    from django.utils.html import escape, linebreaks

    stream = []
    for chunk in (text or "").replace("\r\n", "\n").split("\n\n"):
        chunk = chunk.strip()
        if not chunk:
            continue
        if chunk.startswith("## "):
            stream.append({"type": "heading", "value": chunk[3:].strip()})
        elif chunk.startswith("> "):
            stream.append(
                {"type": "quote", "value": {"text": chunk[2:].strip(), "attribution": ""}}
            )
        else:
            stream.append({"type": "paragraph", "value": linebreaks(escape(chunk))})
    return stream
