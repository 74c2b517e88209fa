"""What the anonymizer's rule tests ask of ``anonymize``: the names it found, the rules it
applied, the text it masked."""

from casestudies.anonymization import Options, anonymize

# Candidates reported, not replaced: what the name finder proposes.
KEEP = Options(replace_unlisted=False)
# The rules for listed people and identifiers alone, no name finder.
RULES_ONLY = Options(detect_unlisted=False)


def found(text, persons=()):
    """The unlisted names the finder proposes in ``text``."""
    return [c.text for c in anonymize(text, persons, options=KEEP).candidates]


def rules(text):
    """[(original, rule)] of every replacement the rules alone make."""
    return [(r.original, r.rule) for r in anonymize(text, options=RULES_ONLY).replacements]


def masked(text):
    """``text`` as the rules alone leave it."""
    return anonymize(text, options=RULES_ONLY).text
