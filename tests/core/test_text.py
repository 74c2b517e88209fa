"""Plain text from stored HTML (``core.text.html_to_text``)."""

import pytest

from jingjian.core.text import html_to_text


@pytest.mark.parametrize(
    "source, expected",
    [
        ("<p>A&amp;B</p>", "A&B"),
        ("<p>甲</p><p>乙</p>", "甲\n乙"),
        ("甲<br/>乙", "甲\n乙"),
        ("<ul><li>一</li><li>二</li></ul>", "一\n二"),
        ("<h2>标题</h2>正文", "标题\n正文"),
        ('<div class="x">甲</div><blockquote>乙</blockquote>', "甲\n乙"),
        ("<table><tr><td>甲</td><td>乙</td></tr><tr><td>丙</td></tr></table>", "甲 乙\n丙"),
        ("推<b>诿</b>扯<a href='/x/'>皮</a>", "推诿扯皮"),
        ("&lt;b&gt;不是标签&lt;/b&gt;", "<b>不是标签</b>"),
        ("<p>  多个   空格 </p>\n\n<p></p>", "多个 空格"),
        ("", ""),
        (None, ""),
        ("纯文本，没有标签", "纯文本，没有标签"),
        ("<header>页眉</header><hr/>正文", "页眉\n正文"),
    ],
)
def test_html_to_text(source, expected):
    assert html_to_text(source) == expected
