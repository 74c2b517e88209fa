"""What a reader of a case study could see, as (location, text) pairs: what the gate reads.

``page_texts(page)`` walks a case study (saved or not) in page order: its title, address and
search fields, the subject, summary and lessons, every StreamField block (rich text with the
attributes a reader sees, the titles and descriptions of embedded images and linked documents,
the addresses of links as the browser shows them), every handling and the names of the
classifications the page prints.
"""

import re
from html import unescape
from urllib.parse import unquote, urlsplit

from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page

from jingjian.core.text import html_to_text

BLOCK_LABELS = {
    "paragraph": "段",
    "heading": "小标题",
    "quote": "引文",
    "image": "图片",
    "video": "视频",
}


def _strings(value):
    """Every string inside raw StreamField data (dicts, lists, scalars)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def _ids(value, key):
    if isinstance(value, dict):
        for k, item in value.items():
            if k == key and isinstance(item, int):
                yield item
            else:
                yield from _ids(item, key)
    elif isinstance(value, list):
        for item in value:
            yield from _ids(item, key)


def _stream_texts(label, stream):

    image_ids, document_ids, page_ids = {}, {}, {}
    counts = {}
    for block in stream.raw_data if stream is not None else []:
        kind = block.get("type", "")
        counts[kind] = counts.get(kind, 0) + 1
        where = f"{label}第{counts[kind]}{BLOCK_LABELS.get(kind, '块')}"
        value = block.get("value")
        for text in _strings(value):
            if "<" in text:
                for tag, attributes in _tags(text):
                    kind_of_link = attributes.get("linktype") or attributes.get("embedtype", "")
                    target = attributes.get("id", "")
                    if tag == "embed" and kind_of_link == "image" and target.isdigit():
                        image_ids.setdefault(int(target), where)
                    elif tag == "a" and kind_of_link == "document" and target.isdigit():
                        document_ids.setdefault(int(target), where)
                    elif tag == "a" and kind_of_link == "page" and target.isdigit():
                        page_ids.setdefault(int(target), where)
                    for attribute, noun in SHOWN_ATTRIBUTES.items():
                        if attributes.get(attribute):
                            yield f"{where}·{noun}", attributes[attribute]
                    if tag == "a" and "href" in attributes:
                        # As the browser shows it: %E7%8E%8B is 王, xn--vcst9pj0r is 王建国.
                        yield f"{where}·链接地址", _address_as_shown(attributes["href"])
                text = html_to_text(text)
            yield where, text
        if kind == "image":
            found = [value] if isinstance(value, int) else _ids(value, "image")
            for image_id in found:
                image_ids.setdefault(image_id, where)
    if image_ids:
        for image in get_image_model().objects.filter(pk__in=image_ids):
            where = image_ids[image.pk]
            yield f"{where}·图片标题", image.title
            yield f"{where}·图片说明（替换文字）", image.description
    if document_ids:
        for document in get_document_model().objects.filter(pk__in=document_ids):
            yield f"{document_ids[document.pk]}·链接文件标题", document.title
    if page_ids:
        # A link to another page is rendered with that page's address, made of its slugs.
        for linked in Page.objects.filter(pk__in=page_ids):
            parts = linked.get_url_parts() or (None, "", linked.url_path)
            address = f"{parts[1] or ''}{parts[2] or ''}" or linked.url_path
            yield f"{page_ids[linked.pk]}·链接页面地址", _address_as_shown(address)


# Rich text's links and embeds (Wagtail's stored form), read attribute by attribute whatever
# their order.
TAG = re.compile(r"<([a-z][\w-]*)\b([^>]*)>", re.IGNORECASE)


# Attributes a reader sees: an image's replacement text, any element's tooltip.
SHOWN_ATTRIBUTES = {"alt": "替换文字", "title": "提示文字"}


ATTRIBUTE = re.compile(r"""([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")


def _tags(html):
    """(tag, {attribute: unescaped value}) for each element in ``html``; of an attribute written
    twice, the first (the one a browser uses)."""
    for match in TAG.finditer(html):
        attributes = {}
        for name, double, single, bare in ATTRIBUTE.findall(match.group(2)):
            attributes.setdefault(name.lower(), unescape(double or single or bare))
        yield match.group(1).lower(), attributes


def _address_as_shown(href):
    """A link address as the browser shows it: percent-encoding and punycode host names
    (xn--…) decoded."""
    shown = unquote(href)
    parts = urlsplit(shown)
    if "xn--" in (parts.hostname or ""):
        try:
            host = parts.hostname.encode("ascii").decode("idna")
        except UnicodeError:
            return shown
        shown = shown.replace(parts.hostname, host, 1)
    return shown


def page_texts(page):
    """(location, text) for every text a reader of ``page`` could see, in page order."""
    yield "标题", page.title
    yield "网址别名", page.slug
    yield "SEO 标题", page.seo_title
    yield "搜索描述", page.search_description
    yield "当事人（脱敏）", page.subject
    yield "一句话简介", page.summary
    yield from _stream_texts("基本案情", page.facts)
    for number, handling in enumerate(page.handlings.all(), start=1):
        yield f"处理情况第{number}条·化名", handling.pseudonym
        yield f"处理情况第{number}条·职务", handling.post
    yield "以案说法", page.lessons
    # The page prints the names of its classifications; staff may rename them at any time.
    for field in TAXONOMY_FIELDS:
        related = getattr(page, f"{field}_id", None) and getattr(page, field)
        if related is not None:
            yield page._meta.get_field(field).verbose_name, related.name
    for problem_type in page.problem_types.all():
        yield "问题类型", problem_type.name


# The case study's classifications that its page prints (the many-to-many 问题类型 besides).
TAXONOMY_FIELDS = ("unit_type", "governance_priority", "work_area")
