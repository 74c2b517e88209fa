"""Write the anonymizer's gazetteer of China's administrative divisions.

Usage: .venv/bin/python scripts/place_names.py WHEEL > casestudies/anonymization/data/places.txt
(``make places`` fetches the wheel and runs this.)

The division names are public information (the civil affairs ministry's and the statistics
bureau's division codes). JioNLP's wheel happens to ship them, down to townships and villages,
as a tab-indented list inside ``jionlp/dictionary/china_location.zip``; this reads that list
straight from the wheel, without installing the package or its dependencies, and keeps the four
levels above villages: provinces, prefectures, counties and townships (镇, 乡, 街道, 苏木…).
Villages are left out (some 650,000 names, most of them ending in 村 or 社区, which the
anonymizer's suffix rule covers). The file has one section per level (``[county]``, then one
name a line); the shorter names the list gives for provinces, prefectures and counties (高唐 for
高唐县) are in the section ``[short]``.
"""

import io
import sys
import zipfile

LEVELS = ["province", "prefecture", "county", "township"]
INNER = "jionlp/dictionary/china_location.zip"


def divisions(wheel):
    """``(name, level)`` for every division above village level, in the list's order."""
    with zipfile.ZipFile(wheel) as outer:
        with zipfile.ZipFile(io.BytesIO(outer.read(INNER))) as inner:
            text = inner.read(inner.namelist()[0]).decode("utf-8")
    for line in text.splitlines():
        depth = len(line) - len(line.lstrip("\t"))
        fields = [field.strip() for field in line.strip().split("\t")]
        if depth >= len(LEVELS) or not fields[0]:
            continue
        yield fields[0], LEVELS[depth]
        short = fields[2] if len(fields) > 2 else ""
        if len(short) >= 2 and short != fields[0]:
            yield short, "short"


def main(argv):
    if len(argv) != 2:
        sys.exit(__doc__)
    seen = {}
    for name, level in divisions(argv[1]):
        # A name that is both a full name and another's short form stays a full name.
        if seen.get(name) in (None, "short"):
            seen[name] = level
    out = sys.stdout
    out.write(
        "# China's administrative divisions above village level; see scripts/place_names.py\n"
    )
    for level in [*LEVELS, "short"]:
        out.write(f"[{level}]\n")
        for name in sorted(name for name, of in seen.items() if of == level):
            out.write(f"{name}\n")


if __name__ == "__main__":
    main(sys.argv)
