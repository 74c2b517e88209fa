"""Turning named case material into publishable text (法释〔2016〕19号, Articles 8–10).

``anonymize(text, persons, units, options)`` is the entry point; see ``anonymizer``.
"""

from casestudies.anonymization.anonymizer import (
    Candidate,
    Options,
    Person,
    Replacement,
    Result,
    Unit,
    anonymize,
    number_pseudonyms,
    pseudonym_for,
)

__all__ = [
    "Candidate",
    "Options",
    "Person",
    "Replacement",
    "Result",
    "Unit",
    "anonymize",
    "number_pseudonyms",
    "pseudonym_for",
]
