"""What a person reads on an admin page, and the English left in it.

``shown_texts(html)`` is the page's text as a reader meets it: text nodes outside scripts and
styles, the attributes a browser or Wagtail's controllers show (tooltips, labels for screen
readers, placeholders, buttons' values, the progress label of a button), and the labels in the
JSON Wagtail's sidebar is drawn from. ``english(texts)`` is every run of Latin words in them
that is not on the short allow-list below: what a Chinese admin should not say in English.

``external_urls(html, host)`` lists the addresses on a page that point off the machine.
"""

import json
import re
from html.parser import HTMLParser

# Attributes a person reads: shown by the browser (title, placeholder, alt, …) or by Wagtail's
# Stimulus controllers (a tooltip's content, the label a button takes while it works).
SHOWN_ATTRIBUTES = {
    "title",
    "aria-label",
    "aria-description",
    "aria-roledescription",
    "placeholder",
    "alt",
    "label",
    "data-w-tooltip-content-value",
    "data-w-progress-active-value",
    "data-focal-input-label",
}
BUTTON_INPUT_TYPES = {"submit", "button", "reset"}
# Elements whose text nobody reads as words: code, styles, icons, and <kbd>, the keys of the
# keyboard as they are printed on it (Ctrl, Shift, Esc). <template> and <noscript> are read:
# Wagtail stamps templates into the page, and noscript shows when JavaScript is off.
UNREAD_ELEMENTS = {"script", "style", "svg", "kbd"}
# Wagtail's side-panel counters hold a number filled in by script before they are shown;
# until then Wagtail 8.0 renders Python's None in them, hidden.
UNREAD_ATTRIBUTES = {"data-side-panel-toggle-counter"}
# The JSON the sidebar (a React component) is drawn from: the menu's labels are under these keys.
SIDEBAR_JSON_IDS = {"wagtail-sidebar-props"}
SIDEBAR_LABEL_KEYS = {"label", "footer_text"}

# Latin words, with inner apostrophes, hyphens and dots (file names, abbreviations).
WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:['’.\-_][A-Za-z0-9]+)*")
# A run: words separated only by spaces and light punctuation (where English would carry on).
RUN = re.compile(rf"{WORD.pattern}(?:[ \t\n,:;/&()'’\-]+{WORD.pattern})*")
# Addresses are not words: a web address or an e-mail address in a help text is shown as is.
ADDRESS = re.compile(r"(?<![A-Za-z0-9])(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+")

# Words that may stand in a Chinese sentence. Kept short; each says why.
ALLOWED_WORDS = {
    "Wagtail",  # the CMS's own name, which has no Chinese one (“Wagtail 接口”, the logo's label)
    # Formats, protocols and field names Chinese text writes in Latin letters.
    "RSS",
    "Atom",
    "JSON",
    "HTML",
    "API",
    "URL",
    "ID",
    "SEO",  # “SEO 标题”: the field's name in Wagtail's own Chinese
    "JavaScript",  # the message shown when it is switched off
    "Webhook",  # 通用接口(Webhook): the receiving end's kind, as the systems sending to it say
    # What the WeChat and Weibo consoles call the values an editor copies from them.
    "AppID",
    "AppSecret",
    # File kinds and units.
    "CSV",
    "XLSX",
    "DOCX",
    "PDF",
    "PNG",
    "JPG",
    "JPEG",
    "GIF",
    "WEBP",
    "AVIF",
    "SVG",
    "KB",
    "MB",
    "GB",
    "px",
}
# Runs of allowed words that also stand together: Weibo's name for its application id.
ALLOWED_RUNS = {"App Key", "AppID / App Key"}
# Runs that are not words at all: file names (photo.png), dotted or hyphenated identifiers and
# anything with a digit or an underscore (slugs such as case-3, versions, access_token).
IDENTIFIER = re.compile(r"^[\w.\-]*[\d.\-_][\w.\-]*$")


class _ShownText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts, self._unread, self._json = [], [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self._unread:
            if tag == self._unread[-1]:
                self._unread.append(tag)  # the same element nested in itself
            return
        for name, value in attrs.items():
            if value and name in SHOWN_ATTRIBUTES:
                self.texts.append(value)
        if tag == "input" and attrs.get("type") in BUTTON_INPUT_TYPES and attrs.get("value"):
            self.texts.append(attrs["value"])
        if tag == "script" and attrs.get("id") in SIDEBAR_JSON_IDS:
            self._json = []
        if tag in UNREAD_ELEMENTS or UNREAD_ATTRIBUTES & set(attrs):
            self._unread.append(tag)

    def handle_startendtag(self, tag, attrs):
        depth = len(self._unread)
        self.handle_starttag(tag, attrs)
        del self._unread[depth:]  # a self-closed element has no content to leave out

    def handle_endtag(self, tag):
        if self._unread and tag == self._unread[-1]:
            self._unread.pop()
        if tag == "script" and self._json is not None:
            self.texts.extend(_labels(json.loads("".join(self._json))))
            self._json = None

    def handle_data(self, data):
        if self._json is not None:
            self._json.append(data)
        elif not self._unread and data.strip():
            self.texts.append(data)


def _labels(value):
    """The strings under label-like keys anywhere in a JSON value."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key in SIDEBAR_LABEL_KEYS and isinstance(item, str):
                yield item
            else:
                yield from _labels(item)
    elif isinstance(value, list):
        for item in value:
            yield from _labels(item)


def shown_texts(html):
    """The strings a person reads on the page, in document order."""
    parser = _ShownText()
    parser.feed(html)
    parser.close()
    return [" ".join(text.split()) for text in parser.texts]


def english(texts, also_allowed=()):
    """The runs of Latin words in ``texts`` that are English UI text: not allowed words, not an
    identifier, an address or a file name, not one of ``also_allowed`` (words of the content
    people entered, which is theirs to write)."""
    allowed = set(also_allowed)
    found = []
    for text in texts:
        for match in RUN.finditer(ADDRESS.sub(" ", text)):
            run = match.group().strip(" ,:;/&()'’-")
            if run in ALLOWED_RUNS or run in allowed:
                continue
            words = WORD.findall(run)
            if all(
                word in ALLOWED_WORDS or word in allowed or IDENTIFIER.match(word) for word in words
            ):
                continue
            found.append(run)
    return found


def content_words(texts):
    """The Latin words in ``texts`` (titles, names people entered), for ``english``'s
    ``also_allowed``."""
    return {word for text in texts for word in WORD.findall(text or "")}


# What a page shows in a real browser once its scripts ran (Playwright's ``page.evaluate``):
# the document's title, the visible text as laid out, and the attributes a browser shows
# (tooltips, labels for screen readers, placeholders, buttons' values); keyboard keys (<kbd>)
# are left out, as above.
SHOWN_IN_THE_BROWSER = """() => {
    const texts = [document.title, ...document.body.innerText.split("\\n")];
    for (const element of document.querySelectorAll("body *")) {
        if (element.closest("kbd, script, style, svg")) continue;
        for (const name of ["title", "aria-label", "placeholder", "alt"]) {
            const value = element.getAttribute(name);
            if (value) texts.push(value);
        }
        if (element.matches("input[type=submit], input[type=button]") && element.value) {
            texts.push(element.value);
        }
    }
    return texts.map((text) => text.trim()).filter(Boolean);
}"""


def shown_in_the_browser(tab):
    """The strings a person reads on the page open in the Playwright page ``tab``."""
    return tab.evaluate(SHOWN_IN_THE_BROWSER)


# Addresses in attributes that make the browser fetch or go somewhere, and in inline scripts.
URL_ATTRIBUTES = {"src", "href", "srcset", "action", "poster", "data", "formaction"}
ABSOLUTE_URL = re.compile(r"(?:https?:)?//[A-Za-z0-9.\-]+(?::\d+)?[^\s\"'<>)]*")


class _Addresses(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.urls, self._script = [], False

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value and (name in URL_ATTRIBUTES or name.startswith("data-")):
                self.urls.extend(ABSOLUTE_URL.findall(value))
            elif value and name == "style":
                self.urls.extend(ABSOLUTE_URL.findall(value))
        self._script = tag in ("script", "style")

    def handle_endtag(self, tag):
        self._script = False

    def handle_data(self, data):
        if self._script:
            self.urls.extend(ABSOLUTE_URL.findall(data))


def external_urls(html, own_hosts=("testserver", "localhost", "127.0.0.1")):
    """Absolute addresses on the page whose host is not this machine's."""
    parser = _Addresses()
    parser.feed(html)
    parser.close()
    external = []
    for url in parser.urls:
        host = re.match(r"(?:https?:)?//([^/:?#]+)", url)
        if host and host.group(1).lower() not in own_hosts:
            external.append(url)
    return external
