"""The Chinese text the repository writes, read out of its files for the typography check
(``tests/test_typography.py`` says what is read and what is not), and an assertion that a text
has no half-width mark beside a Chinese character."""

import ast
import json
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from jingjian.core.typography import half_width_marks

ROOT = Path(__file__).resolve().parent.parent.parent
LOGGERS = frozenset({"logger", "log", "logging"})
LOGGER_METHODS = frozenset({"debug", "info", "warning", "error", "exception", "critical", "log"})


@dataclass(frozen=True)
class Finding:
    path: str  # relative to the repository
    line: int
    mark: str
    text: str  # the line of the text the mark stands in

    def __str__(self):
        return f"{self.path}:{self.line}: “{self.mark}” in {self.text.strip()[:120]}"


def findings(path, first_line, text, one_line=False):
    """The half-width marks beside Chinese in ``text``, which starts on ``first_line`` of
    ``path``; ``one_line``: the whole text stands on that line (a JSON string's ``\\n``)."""
    lines = text.split("\n")
    return [
        Finding(
            path,
            first_line if one_line else first_line + mark.line - 1,
            mark.mark,
            lines[mark.line - 1],
        )
        for mark in half_width_marks(text)
    ]


def report(found):
    return "half-width marks beside Chinese characters:\n" + "\n".join(map(str, found))


def assert_full_width(text, where="text"):
    found = findings(where, 1, text)
    assert not found, report(found)


def relative(path):
    return str(Path(path).resolve().relative_to(ROOT))


# --- Python -------------------------------------------------------------------------------

# An HTML attribute's delimiters in markup a Python string builds (``alt="封面"``).
_ATTRIBUTE = re.compile(r"""=\s*(?:"([^"<>]*)"|'([^'<>]*)')""")


def _without_attribute_quotes(text):
    return _ATTRIBUTE.sub(lambda m: "= " + (m.group(1) or m.group(2) or "") + " ", text)


def _docstrings(tree):
    """The constant nodes that are docstrings of the module, its classes and functions."""
    nodes = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)
        ):
            nodes.add(id(node.body[0].value))
    return nodes


def _is_pattern_or_log_call(call):
    function = call.func
    if not isinstance(function, ast.Attribute) or not isinstance(function.value, ast.Name):
        return False
    owner = function.value.id
    return owner == "re" or (owner in LOGGERS and function.attr in LOGGER_METHODS)


def _is_raw(node, source):
    prefix = re.match(r"[A-Za-z]*", ast.get_source_segment(source, node) or "").group(0)
    return "r" in prefix.lower()


def _skipped(tree, source):
    """Ids of the nodes whose text the check does not read."""
    skipped = _docstrings(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _is_pattern_or_log_call(node):
            for argument in [*node.args, *(keyword.value for keyword in node.keywords)]:
                skipped.update(id(inner) for inner in ast.walk(argument))
        elif isinstance(node, ast.Constant | ast.JoinedStr) and _is_raw(node, source):
            skipped.update(id(inner) for inner in ast.walk(node))
        elif isinstance(node, ast.FormattedValue) and node.format_spec is not None:
            skipped.update(id(inner) for inner in ast.walk(node.format_spec))
    return skipped


def _joined_text(node, skipped):
    """An f-string's text, each replacement field read as a Latin word."""
    parts = []
    for value in node.values:
        if isinstance(value, ast.Constant) and id(value) not in skipped:
            parts.append(value.value)
        else:
            parts.append("x")
    return "".join(parts)


def python_strings(path):
    """(line, text) of each string literal in ``path`` the check reads: string constants and
    f-strings (whole, a replacement field read as a Latin word), except docstrings, raw strings,
    arguments of ``re``'s functions and of logger calls, and format specs. Markup's attribute
    delimiters (``alt="封面"``) are not read as quotation marks."""
    source = Path(path).read_text(encoding="utf-8")
    tree = ast.parse(source, filename=str(path))
    skipped = _skipped(tree, source)
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr) and id(node) not in skipped:
            text = _joined_text(node, skipped)
            skipped.update(id(value) for value in node.values)
            yield node.lineno, _without_attribute_quotes(text)
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in skipped
        ):
            yield node.lineno, _without_attribute_quotes(node.value)


def python_findings(path):
    return [
        finding
        for line, text in python_strings(path)
        for finding in findings(relative(path), line, text)
    ]


# --- Templates ----------------------------------------------------------------------------

_TEMPLATE_COMMENT = re.compile(r"\{#.*?#\}|\{% comment %\}.*?\{% endcomment %\}", re.DOTALL)
_TEMPLATE_TAG = re.compile(r"\{%.*?%\}|\{\{.*?\}\}", re.DOTALL)
_TAG_STRING = re.compile(r""""[^"\n]*"|'[^'\n]*'""")


class _TemplateText(HTMLParser):
    """The text and attribute values of HTML, each with the line it starts on."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts = []

    def handle_starttag(self, tag, attrs):
        line = self.getpos()[0]
        self.texts.extend((line, value) for _name, value in attrs if value)

    handle_startendtag = handle_starttag

    def handle_data(self, data):
        self.texts.append((self.getpos()[0], data))


def _blank(match):
    """The same lines with nothing on them (line numbers stay right)."""
    return re.sub(r"[^\n]+", "", match.group(0))


def template_texts(source):
    """(line, text) of what a template shows: the text and attribute values of its HTML and
    the string literals inside its tags (``default:"暂无"``). Comments are not read; a tag is
    read as a Latin word in the text around it, so ``{{ value|date:"Y年" }}`` is no quotation
    mark beside 年 and ``共 {{ n }} 条`` is ``共 x 条``."""
    texts = []
    source = _TEMPLATE_COMMENT.sub(_blank, source)

    def mask(match):
        tag = match.group(0)
        line = source.count("\n", 0, match.start()) + 1
        for string in _TAG_STRING.finditer(tag):
            texts.append((line + tag.count("\n", 0, string.start()), string.group(0)[1:-1]))
        return "x" + re.sub(r"[^\n]+", "", tag)

    masked = _TEMPLATE_TAG.sub(mask, source)
    parser = _TemplateText()
    parser.feed(masked)
    parser.close()
    return texts + parser.texts


def template_findings(path):
    return [
        finding
        for line, text in template_texts(Path(path).read_text(encoding="utf-8"))
        for finding in findings(relative(path), line, text)
    ]


# --- The catalogue, the demo content, the Makefile ----------------------------------------


def po_msgstrs(source):
    """(line, text) of each ``msgstr`` (its continuation lines joined) in a .po file."""
    entries = []
    current = None
    for number, line in enumerate(source.split("\n"), start=1):
        stripped = line.strip()
        if stripped.startswith("msgstr"):
            current = (number, [ast.literal_eval(stripped.split(None, 1)[1])])
            entries.append(current)
        elif stripped.startswith('"') and current is not None:
            current[1].append(ast.literal_eval(stripped))
        else:
            current = None
    return [(number, "".join(parts)) for number, parts in entries]


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def demo_strings(path):
    """(line, text) of each string value in a demo content file (.json or .jsonl)."""
    path = Path(path)
    source = path.read_text(encoding="utf-8")
    if path.suffix == ".jsonl":
        for number, line in enumerate(source.split("\n"), start=1):
            if line.strip():
                for text in _strings(json.loads(line)):
                    yield number, text
        return
    lines = source.split("\n")
    for text in _strings(json.loads(source)):
        encoded = json.dumps(text, ensure_ascii=False)[1:-1].split("\\n")[0]
        number = next((n for n, line in enumerate(lines, 1) if encoded in line), 1)
        yield number, text


def makefile_echoes(source):
    """(line, text) of each ``echo`` line of a Makefile (what ``make`` prints)."""
    for number, line in enumerate(source.split("\n"), start=1):
        command = line.strip().lstrip("@")
        if command.startswith("echo "):
            yield number, command[len("echo ") :].strip().strip('"')
