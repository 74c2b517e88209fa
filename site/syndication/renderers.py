"""Renditions: a page as each channel takes it, and the editor's preview of it.

``render(page, channel)`` asks the adapter of the channel's kind (``syndication.channels``: one
module per kind, with its render, validate, deliver and retract side by side) and returns a
dataclass whose ``problems`` lists, in Chinese, what keeps it from being sent; a rendition with
problems is not sent and other channels are unaffected. ``preview_html`` shows it to the editor,
problems first.

What a content type gives the channels is its ``channel_reading`` (``casestudies/channels.py``,
``exemplars/channels.py``), built from the names re-exported here: ``Reading``, ``Block``,
``Section``, ``stream_blocks`` and ``text_blocks`` (defined in ``syndication.reading``).
"""

from html import escape

from jingjian.syndication.channels import adapter_for, render
from jingjian.syndication.reading import (
    Block,
    Reading,
    Section,
    image_caption,
    stream_blocks,
    text_blocks,
)

__all__ = [
    "Block",
    "Reading",
    "Section",
    "image_caption",
    "preview_html",
    "render",
    "stream_blocks",
    "text_blocks",
]

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


def preview_html(page, channel):
    """A self-contained page showing ``page`` as ``channel`` would show it, problems first."""
    problems, body = adapter_for(channel.kind).preview(page, channel)
    if problems:
        items = "".join(f"<li>{escape(p)}</li>" for p in problems)
        status = f'<div class="problems"><strong>此渠道不会发送，请先处理：</strong><ul>{items}</ul></div>'
    else:
        status = '<div class="ok">检查通过：发布后将发送到此渠道。</div>'
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(channel.name)}预览 - {escape(page.title or '')}</title>"
        f"<style>{_PREVIEW_CSS}</style></head><body>"
        f'<div class="bar">渠道稿预览：{escape(channel.name)}（{escape(channel.get_kind_display())}）'
        f'</div><div class="wrap">{status}{body}</div></body></html>'
    )
