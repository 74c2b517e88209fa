"""How well the anonymizer removes names and identifiers, and how fast. Prints JSON.

Usage: .venv/bin/python bench/anonymize.py [--file bench/anonymize_eval.jsonl]

Seven labelled sets, reported side by side: the tuning set (``anonymize_eval.jsonl``, the one
the rules were first written against), two development sets tuned on later
(``anonymize_dev.jsonl``, the hard kinds of issue 16; ``anonymize_dev2.jsonl``, written before
the rules were changed for it: bulletins naming people in lists, identifier-rich notices,
place-heavy news, minority officials, listed given names that are ordinary words;
``anonymize_dev3.jsonl``, written before the second round's rules for the held-out set's weak
kinds: long bulletin lists, names beside function characters, quotations of exemplars and
literary or foreign figures, minority names with or without a middle dot, identifier shapes;
``anonymize_dev4.jsonl``, written before the fourth round's rules: interview records, names
after verbs and prepositions, meeting minutes, quotations of role models and poems, festival and
date words, minority officials in lists, mobiles and plates in other shapes, English words after
微信 or QQ that are no ids; ``anonymize_dev5.jsonl``, written before the fifth round's rules:
names beside function characters, long lists mixing posts and names, minority names, names
before a profession, quotations of role models, festival words beside names, every mobile and
plate shape of the public standards) and the held-out set (``anonymize_heldout.jsonl``, written before the rules were changed for it and
never to be tuned on: bulletins naming many people, minority officials, place-heavy news, names
before a profession, quotations, words that hold a given name, identifiers in other shapes).
``--file`` runs one file alone; ``--without-held-out`` runs every set but the held-out one.

The held-out set's figures are aggregates only: what it missed, passage by passage, is never
printed, so that nobody tunes on it by reading the output.

Each set marks every name and identifier inline as ``[[surface|kind]]`` (kinds: listed,
unlisted, id_card, mobile, landline, bank_account, licence_plate, email, qq, wechat,
certificate); each line also says which people the caller lists (``listed``; those in
``minority`` are passed as ethnic-minority names, as a case file's 姓名类型 says), and may say
what kind of passage it is (``kind``). Places, public figures and literary characters are not
labelled. Figures per set:

- per kind, recall (labelled spans covered by a replacement) and precision (replacements made
  by that kind's rule that cover a labelled span);
- unlisted names: candidates found by the tagger against the labelled names, overall and per
  kind of passage;
- whether any listed name is still in the output, and the replacements of a listed person's
  forms where no name is labelled (国庆 in 国庆节);
- throughput in characters per second, for the rules alone and with the tagger, measured once
  over every passage run.
"""

import argparse
import json
import os
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SETS = {
    "tuning": ROOT / "bench" / "anonymize_eval.jsonl",
    "dev": ROOT / "bench" / "anonymize_dev.jsonl",
    "dev2": ROOT / "bench" / "anonymize_dev2.jsonl",
    "dev3": ROOT / "bench" / "anonymize_dev3.jsonl",
    "dev4": ROOT / "bench" / "anonymize_dev4.jsonl",
    "dev5": ROOT / "bench" / "anonymize_dev5.jsonl",
    "held_out": ROOT / "bench" / "anonymize_heldout.jsonl",
}
# Sets whose per-passage output (misses, names left in, replacements outside names) is withheld.
AGGREGATE_ONLY = {"held_out"}
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
# The anonymizer's rules for a listed person's forms (full name, given name, 老王, 王局长).
PERSON_RULES = ("person", "given_name", "form_of_address", "surname_and_title")


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


def load(path):
    """``[(row, plain text, spans)]`` for each line of a labelled file."""
    passages = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            text, spans = parse(row["text"])
            passages.append((row, text, spans))
    return passages


def persons_listed_in(row, Person):
    minority = set(row.get("minority", ()))
    return [
        Person(name, "minority" if name in minority else "han") for name in row.get("listed", [])
    ]


def covered(span, replacements):
    start, end = span[0], span[1]
    return any(r.start <= start and r.end >= end for r in replacements)


def overlaps(a_start, a_end, b_start, b_end):
    return a_start < b_end and b_start < a_end


def ratio(numerator, denominator):
    return round(numerator / denominator, 4) if denominator else None


def tally():
    return {"passages": 0, "labelled": 0, "found": 0, "replaced": 0, "candidates": 0, "correct": 0}


def unlisted_figures(counts):
    return {
        "labelled": counts["labelled"],
        "recall": ratio(counts["found"], counts["labelled"]),
        "precision": ratio(counts["correct"], counts["candidates"]),
        "replaced": ratio(counts["replaced"], counts["labelled"]),
    }


def evaluate(passages, anonymize, Person):
    """The figures for one labelled set (see the module docstring)."""
    stats = {
        kind: {"labelled": 0, "found": 0, "made": 0, "correct": 0} for kind in IDENTIFIER_KINDS
    }
    listed = {"labelled": 0, "removed": 0, "left_in_output": [], "replaced_outside_names": []}
    unlisted, unlisted_by_kind = tally(), defaultdict(tally)
    misses = []
    for row, text, spans in passages:
        persons = persons_listed_in(row, Person)
        result = anonymize(text, persons=persons)
        # Unlisted names count overall and, when the passage says its kind, for that kind.
        tallies = [unlisted] + ([unlisted_by_kind[row["kind"]]] if row.get("kind") else [])
        for counts in tallies:
            counts["passages"] += 1
        for start, end, kind in spans:
            hit = covered((start, end), result.replacements)
            if kind == "listed":
                listed["labelled"] += 1
                listed["removed"] += hit
            elif kind == "unlisted":
                found = any(overlaps(start, end, c.start, c.end) for c in result.candidates)
                for counts in tallies:
                    counts["labelled"] += 1
                    counts["found"] += found
                    counts["replaced"] += hit
                if not found:
                    misses.append({"id": row["id"], "kind": kind, "text": text[start:end]})
            elif kind in stats:
                stats[kind]["labelled"] += 1
                stats[kind]["found"] += hit
                if not hit:
                    misses.append({"id": row["id"], "kind": kind, "text": text[start:end]})
        names = [(s, e) for s, e, k in spans if k in ("unlisted", "listed")]
        for replacement in result.replacements:
            if replacement.rule in stats:
                stats[replacement.rule]["made"] += 1
                stats[replacement.rule]["correct"] += any(
                    overlaps(replacement.start, replacement.end, s, e)
                    for s, e, k in spans
                    if k in IDENTIFIER_KINDS
                )
            elif replacement.rule in PERSON_RULES and not any(
                overlaps(replacement.start, replacement.end, s, e) for s, e in names
            ):
                listed["replaced_outside_names"].append(
                    {"id": row["id"], "text": replacement.original, "rule": replacement.rule}
                )
        for candidate in result.candidates:
            good = any(
                overlaps(candidate.start, candidate.end, s, e)
                for s, e, k in spans
                if k == "unlisted"
            )
            for counts in tallies:
                counts["candidates"] += 1
                counts["correct"] += good
            if not good and not any(
                overlaps(candidate.start, candidate.end, s, e) for s, e in names
            ):
                misses.append({"id": row["id"], "kind": "false_candidate", "text": candidate.text})
        for listed_person in persons:
            if listed_person.name in result.text:
                listed["left_in_output"].append({"id": row["id"], "name": listed_person.name})

    figures = {
        "passages": len(passages),
        "characters": sum(len(text) for _row, text, _spans in passages),
        "listed_persons": {
            "labelled": listed["labelled"],
            "recall": ratio(listed["removed"], listed["labelled"]),
            "names_left_in_output": listed["left_in_output"],
            "replaced_outside_names": listed["replaced_outside_names"],
        },
        "identifiers": {
            kind: {
                "labelled": s["labelled"],
                "recall": ratio(s["found"], s["labelled"]),
                "precision": ratio(s["correct"], s["made"]),
            }
            for kind, s in stats.items()
        },
        "unlisted_names": unlisted_figures(unlisted),
    }
    if unlisted_by_kind:
        figures["unlisted_names_by_kind"] = {
            kind: {"passages": counts["passages"], **unlisted_figures(counts)}
            for kind, counts in unlisted_by_kind.items()
        }
    figures["miss_count"] = len(misses)
    figures["misses"] = misses[:40]
    return figures


def aggregate_only(figures):
    """``figures`` with every per-passage list replaced by its length."""
    figures = {key: value for key, value in figures.items() if key != "misses"}
    listed = dict(figures["listed_persons"])
    for key in ("names_left_in_output", "replaced_outside_names"):
        listed[key] = len(listed[key])
    figures["listed_persons"] = listed
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", help="run this labelled file alone (default: every set)")
    parser.add_argument(
        "--without-held-out",
        action="store_true",
        help="leave the held-out set out (its figures and its texts in the throughput)",
    )
    parser.add_argument("--rounds", type=int, default=20, help="passes for the throughput")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jingjian.settings.dev")
    import django

    django.setup()
    from casestudies.anonymization import Options, Person, anonymize

    if args.file:
        sets = {"file": args.file}
    elif args.without_held_out:
        sets = {name: path for name, path in SETS.items() if name not in AGGREGATE_ONLY}
    else:
        sets = SETS
    loaded = {name: load(path) for name, path in sets.items()}
    everything = [passage for passages in loaded.values() for passage in passages]
    characters = sum(len(text) for _row, text, _spans in everything)

    def throughput(options):
        started = time.perf_counter()
        for _ in range(args.rounds):
            for row, text, _spans in everything:
                anonymize(text, persons_listed_in(row, Person), options=options)
        return round(characters * args.rounds / (time.perf_counter() - started))

    anonymize("预热分词器。张伟。")  # load the tagger's dictionary outside the timing
    report = {"benchmark": "anonymize"}
    if args.file:
        report.update(evaluate(loaded["file"], anonymize, Person))
    else:
        for name, passages in loaded.items():
            figures = evaluate(passages, anonymize, Person)
            report[name] = aggregate_only(figures) if name in AGGREGATE_ONLY else figures
    report["characters_per_second"] = {
        "characters": characters,
        "rules_only": throughput(Options(detect_unlisted=False)),
        "with_tagger": throughput(Options()),
    }
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
