"""The renditions keep Chinese punctuation full-width (GB/T 15834): every channel kind's rendition
of the demo's pages, whose text is full-width (``tests/test_typography.py`` checks the files),
has no half-width mark beside a Chinese character. What the renderers add, fixed phrases
(“本报讯（通讯员……）”, “时长：约……”, “阅读全文：”) and joins (handlings, identity lines),
is what could bring one in.

Read of each kind: the broadcast script's .txt and .docx, the manuscript's .docx, the WeChat
article's HTML (text and alt texts), title, author and digest, the Weibo post, every string of
the JSON payload (in the preview too: JSON's own quotes are code), each kind's preview, and the channels' RSS, Atom and JSON feeds."""

import io
import json
import xml.etree.ElementTree as ElementTree
from html import unescape

import pytest
from docx import Document

from casestudies.models import CaseStudyPage
from exemplars.models import ExemplarPage
from jingjian.core.text import html_to_text
from jingjian.syndication import channels
from jingjian.syndication.choices import ChannelKind
from jingjian.syndication.models import Channel
from tests.support.typography import _without_attribute_quotes, findings, report

pytestmark = pytest.mark.django_db

PUBLIC = "https://jingjian.example.gov.cn"


@pytest.fixture(autouse=True)
def public_base_url(settings):
    settings.PUBLIC_BASE_URL = PUBLIC


@pytest.fixture
def pages(demo_content):
    """The demo's live pages of both types (its generated draft is left to its reviewers)."""
    found = [
        *ExemplarPage.objects.live().order_by("pk"),
        *CaseStudyPage.objects.live().order_by("pk"),
    ]
    assert len(found) > 50
    return found


def demo_channel(kind):
    channel = Channel.objects.filter(kind=kind).first()
    return channel or Channel(name="通用接口", slug="webhook", kind=kind, secret="s3cret")


def docx_text(data):
    document = Document(io.BytesIO(data))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def html_texts(html):
    """What an HTML rendition shows: its text and its attribute values (alt, title)."""
    return [html_to_text(html), _without_attribute_quotes(html_to_text(html.replace("<", "\n<")))]


def strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def fake_upload(image):
    return f"https://mmbiz.qpic.cn/mmbiz_png/{image.pk}/0"


def rendered_texts(page, kind):
    """(where, text) of everything ``kind``'s rendition of ``page`` says."""
    channel = demo_channel(kind)
    adapter = channels.adapter_for(kind)
    texts = []
    if adapter is channels.broadcast:
        script = adapter.render(page, channel)
        texts += [("txt", adapter.text_file(script).decode("utf-8"))]
        texts += [("docx", docx_text(adapter.word_file(script)))]
    elif adapter is channels.manuscript:
        texts += [("docx", docx_text(adapter.word_file(adapter.render(page, channel))))]
    elif adapter is channels.wechat:
        article = adapter.render(page, channel, upload=fake_upload)
        texts += [("article", text) for text in html_texts(article.content)]
        texts += [("title", article.title), ("author", article.author)]
        texts += [("digest", article.digest)]
    elif adapter is channels.weibo:
        texts += [("post", adapter.render(page, channel).text)]
    else:
        payload = adapter.render(page, channel, "published", "typography", "s3cret")
        for text in strings(json.loads(payload.body)):
            texts += [("json", t) for t in html_texts(text)]
    rendition = adapter.render(
        page, channel, **({"upload": fake_upload} if kind == "wechat" else {})
    )
    texts += [("problems", problem) for problem in rendition.problems]
    problems, html = adapter.preview(page, channel)
    if adapter is channels.webhook:
        # The payload, pretty-printed: JSON's own quotes are code; its strings are read.
        html, code = html.split("<pre>", 1)
        for text in strings(json.loads(unescape(code.split("</pre>", 1)[0]))):
            texts += [("preview", t) for t in html_texts(text)]
    texts += [("preview", text) for text in html_texts(html)]
    texts += [("preview problems", problem) for problem in problems]
    return texts


@pytest.mark.parametrize("kind", list(ChannelKind.values))
def test_each_kinds_rendition_of_the_demo_keeps_full_width_marks(kind, pages):
    found = []
    for page in pages:
        for where, text in rendered_texts(page, kind):
            found += findings(f"{kind} of “{page.title}” ({where})", 1, text)
    assert not found, report(found)


def test_the_channels_feeds_keep_full_width_marks(client, pages):
    Channel.objects.update(active=True)
    found = []
    for channel in Channel.objects.all():
        for name in ("rss.xml", "atom.xml", "feed.json"):
            response = client.get(f"/syndication/{channel.slug}/{name}")
            assert response.status_code == 200, (channel.slug, name)
            body = response.content.decode("utf-8")
            if name.endswith(".json"):
                texts = list(strings(json.loads(body)))
            else:
                texts = [
                    text
                    for element in ElementTree.fromstring(body).iter()
                    for text in [element.text or "", *element.attrib.values()]
                ]
            for text in texts:
                for piece in html_texts(text):
                    found += findings(f"{channel.slug}/{name}", 1, piece)
    assert not found, report(found)


def test_the_check_would_see_a_half_width_mark_in_a_rendition(pages):
    """The check can fail: a summary with a half-width comma shows up in the Weibo post."""
    page = next(p for p in pages if isinstance(p, ExemplarPage))
    page.summary = "扎根山村二十年,带领村民修路引水。"
    texts = rendered_texts(page, ChannelKind.WEIBO)
    assert [f.mark for where, text in texts for f in findings(where, 1, text)][:1] == [","]
