"""How well the anonymizer removes names and identifiers, and how fast. Prints JSON.

Usage: .venv/bin/python bench/anonymize.py [--file bench/anonymize_eval.jsonl]

The labelled set marks every name and identifier inline as ``[[surface|kind]]`` (kinds:
listed, unlisted, id_card, mobile, landline, bank_account, licence_plate, email, qq, wechat,
certificate); each line also says which people the caller lists. Figures:

- per kind, recall (labelled spans covered by a replacement) and precision (replacements made
  by that kind's rule that cover a labelled span);
- unlisted names: candidates found by the tagger against the labelled names;
- whether any listed name is still in the output;
- throughput in characters per second, for the rules alone and with the tagger.
"""

import argparse
import json
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
MARK = re.compile(r"\[\[([^\[\]|]+)\|([a-z_]+)\]\]")
IDENTIFIER_KINDS = [
    "id_card",
    "mobile",
    "landline",
    "bank_account",
    "licence_plate",
    "email",
    "qq",
    "wechat",
    "certificate",
]


def parse(marked):
    """Plain text and labelled spans ``[(start, end, kind)]`` from inline markup."""
    plain, spans, cursor = [], [], 0
    length = 0
    for match in MARK.finditer(marked):
        before = marked[cursor : match.start()]
        plain.append(before)
        length += len(before)
        surface, kind = match.group(1), match.group(2)
        spans.append((length, length + len(surface), kind))
        plain.append(surface)
        length += len(surface)
        cursor = match.end()
    plain.append(marked[cursor:])
    return "".join(plain), spans


def covered(span, replacements):
    start, end = span[0], span[1]
    return any(r.start <= start and r.end >= end for r in replacements)


def overlaps(a_start, a_end, b_start, b_end):
    return a_start < b_end and b_start < a_end


def ratio(numerator, denominator):
    return round(numerator / denominator, 4) if denominator else None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", default=str(ROOT / "bench" / "anonymize_eval.jsonl"))
    parser.add_argument("--rounds", type=int, default=20, help="passes for the throughput")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jingjian.settings.dev")
    import django

    django.setup()
    from casestudies.anonymization import Options, Person, anonymize

    passages = []
    for line in Path(args.file).read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            text, spans = parse(row["text"])
            passages.append((row, text, spans))

    stats = {
        kind: {"labelled": 0, "found": 0, "made": 0, "correct": 0} for kind in IDENTIFIER_KINDS
    }
    listed = {"labelled": 0, "removed": 0, "left_in_output": []}
    unlisted = {"labelled": 0, "found": 0, "candidates": 0, "correct": 0, "replaced": 0}
    misses = []
    for row, text, spans in passages:
        persons = [Person(name) for name in row.get("listed", [])]
        result = anonymize(text, persons=persons)
        for start, end, kind in spans:
            hit = covered((start, end), result.replacements)
            if kind == "listed":
                listed["labelled"] += 1
                listed["removed"] += hit
            elif kind == "unlisted":
                unlisted["labelled"] += 1
                unlisted["replaced"] += hit
                if any(overlaps(start, end, c.start, c.end) for c in result.candidates):
                    unlisted["found"] += 1
                else:
                    misses.append({"id": row["id"], "kind": kind, "text": text[start:end]})
            elif kind in stats:
                stats[kind]["labelled"] += 1
                stats[kind]["found"] += hit
                if not hit:
                    misses.append({"id": row["id"], "kind": kind, "text": text[start:end]})
        for replacement in result.replacements:
            if replacement.rule in stats:
                stats[replacement.rule]["made"] += 1
                stats[replacement.rule]["correct"] += any(
                    overlaps(replacement.start, replacement.end, s, e)
                    for s, e, k in spans
                    if k in IDENTIFIER_KINDS
                )
        unlabelled_names = {(s, e) for s, e, k in spans if k in ("unlisted", "listed")}
        for candidate in result.candidates:
            unlisted["candidates"] += 1
            good = any(
                overlaps(candidate.start, candidate.end, s, e)
                for s, e, k in spans
                if k == "unlisted"
            )
            unlisted["correct"] += good
            if not good and not any(
                overlaps(candidate.start, candidate.end, s, e) for s, e in unlabelled_names
            ):
                misses.append({"id": row["id"], "kind": "false_candidate", "text": candidate.text})
        for person in persons:
            if person.name in result.text:
                listed["left_in_output"].append({"id": row["id"], "name": person.name})

    characters = sum(len(text) for _row, text, _spans in passages)

    def throughput(options):
        started = time.perf_counter()
        for _ in range(args.rounds):
            for row, text, _spans in passages:
                anonymize(text, [Person(n) for n in row.get("listed", [])], options=options)
        return round(characters * args.rounds / (time.perf_counter() - started))

    anonymize("预热分词器。张伟。")  # load the tagger's dictionary outside the timing
    report = {
        "benchmark": "anonymize",
        "passages": len(passages),
        "characters": characters,
        "listed_persons": {
            "labelled": listed["labelled"],
            "recall": ratio(listed["removed"], listed["labelled"]),
            "names_left_in_output": listed["left_in_output"],
        },
        "identifiers": {
            kind: {
                "labelled": s["labelled"],
                "recall": ratio(s["found"], s["labelled"]),
                "precision": ratio(s["correct"], s["made"]),
            }
            for kind, s in stats.items()
        },
        "unlisted_names": {
            "labelled": unlisted["labelled"],
            "recall": ratio(unlisted["found"], unlisted["labelled"]),
            "precision": ratio(unlisted["correct"], unlisted["candidates"]),
            "replaced": ratio(unlisted["replaced"], unlisted["labelled"]),
        },
        "characters_per_second": {
            "rules_only": throughput(Options(detect_unlisted=False)),
            "with_tagger": throughput(Options()),
        },
        "misses": misses[:40],
    }
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
