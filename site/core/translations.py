"""The project's translation catalogues (``site/locale``): read a ``.po`` file, write its ``.mo``.

A small, pure-Python ``msgfmt``, so that ``make install`` compiles the catalogues on a machine
without GNU gettext (Django's ``compilemessages`` needs it). The output is deterministic: the
same ``.po`` always gives the same bytes, so recompiling a checkout leaves the committed ``.mo``
unchanged. Fuzzy and obsolete entries are left out, as ``msgfmt`` leaves them out.

    python -m jingjian.core.translations site/locale/zh_Hans/LC_MESSAGES/django.po [...]
    python -m jingjian.core.translations site/locale      # every .po under the folder
"""

import ast
import struct
import sys
from pathlib import Path

MO_MAGIC = 0x950412DE
CONTEXT_SEPARATOR = "\x04"  # between msgctxt and msgid in a .mo key, as gettext writes it


class CatalogueError(ValueError):
    """A line of a .po file that is not what the format allows."""


def _string(literal, path, number):
    # A .po string is a C string literal; its escapes (\" \\ \n \t) are Python's too.
    if not (literal.startswith('"') and literal.endswith('"')):
        raise CatalogueError(f"{path}:{number}: expected a quoted string, got {literal!r}")
    try:
        return ast.literal_eval(literal)
    except (SyntaxError, ValueError) as exc:
        raise CatalogueError(f"{path}:{number}: bad string {literal!r}") from exc


def read_po(path):
    """The translated messages of a .po file: ``{key: translation}``, where a key is
    ``msgid``, ``msgctxt\\x04msgid`` with a context, or ``msgid\\x00msgid_plural`` for a plural
    (then the translation is the forms joined by ``\\x00``). The header is under ``""``."""
    path = Path(path)
    messages = {}
    entry, field, fuzzy = {}, None, False

    def finish():
        nonlocal entry, field, fuzzy
        # The header is kept even when marked fuzzy (as msgfmt keeps it): it names the charset.
        if "msgid" in entry and (not fuzzy or entry["msgid"] == ""):
            key = entry["msgid"]
            if "msgid_plural" in entry:
                key += "\x00" + entry["msgid_plural"]
                forms = []
                while f"msgstr[{len(forms)}]" in entry:
                    forms.append(entry[f"msgstr[{len(forms)}]"])
                translation = "\x00".join(forms)
                translated = bool(forms) and all(forms)
            else:
                translation = entry.get("msgstr", "")
                translated = bool(translation)
            if "msgctxt" in entry:
                key = entry["msgctxt"] + CONTEXT_SEPARATOR + key
            if translated:
                messages[key] = translation
        entry, field, fuzzy = {}, None, False

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if line.startswith("#~"):
            continue  # obsolete
        if not line:
            finish()
            continue
        keyword, _, literal = line.partition(" ")
        if line.startswith("#") or keyword in ("msgctxt", "msgid"):
            if any(name.startswith("msgstr") for name in entry):
                finish()  # the next entry, without a blank line before it
        if line.startswith("#,"):
            fuzzy = fuzzy or "fuzzy" in (flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            if field is None:
                raise CatalogueError(f"{path}:{number}: a string continues nothing")
            entry[field] += _string(line, path, number)
        elif keyword in ("msgctxt", "msgid", "msgid_plural", "msgstr") or (
            keyword.startswith("msgstr[") and keyword.endswith("]")
        ):
            field = keyword
            entry[field] = _string(literal.strip(), path, number)
        else:
            raise CatalogueError(f"{path}:{number}: unknown keyword {keyword!r}")
    finish()
    return messages


def mo_bytes(messages):
    """The GNU .mo file of ``messages`` (as ``read_po`` returns them), keys in sorted order and
    without a hash table (gettext then searches the sorted keys)."""
    keys = sorted(messages, key=lambda key: key.encode("utf-8"))
    originals = [key.encode("utf-8") for key in keys]
    translations = [messages[key].encode("utf-8") for key in keys]
    count = len(keys)
    header_size = 7 * 4
    originals_table = header_size
    translations_table = originals_table + count * 8
    data_start = translations_table + count * 8
    offsets, data = [], b""
    for text in originals + translations:
        offsets.append((len(text), data_start + len(data)))
        data += text + b"\x00"
    header = struct.pack(
        "<7I", MO_MAGIC, 0, count, originals_table, translations_table, 0, data_start
    )
    table = b"".join(struct.pack("<2I", length, offset) for length, offset in offsets)
    return header + table + data


def compile_po(po_path):
    """Write the .mo beside ``po_path``; returns its path."""
    po_path = Path(po_path)
    mo_path = po_path.with_suffix(".mo")
    content = mo_bytes(read_po(po_path))
    if mo_path.exists() and mo_path.read_bytes() == content:
        mo_path.touch()  # up to date: newer than the .po for make, the same bytes for git
    else:
        mo_path.write_bytes(content)
    return mo_path


def main(arguments):
    paths = []
    for argument in arguments or ["site/locale"]:
        path = Path(argument)
        paths.extend(sorted(path.rglob("*.po")) if path.is_dir() else [path])
    for path in paths:
        compile_po(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
