"""What the name detector asks of the word segmenter: jieba, offline, its model in the wheel.

- ``segment(text)``: the words jieba cuts ``text`` into, with their offsets. Its hidden Markov
  model joins characters no dictionary knows (林海涛) into one word;
- ``tag(word)``: the part of speech the dictionary gives a word (``nr`` a person, ``ns`` a place),
  ``""`` for a word it does not know;
- ``frequency(word)``: how often the dictionary saw the word (0 for an unknown one);
- ``given_name_odds(char)``: how much likelier the character is inside a given name than in text
  at large (log odds), read from jieba's part-of-speech model: the probability that its name
  states emit the character, against the character's frequency in jieba's dictionary.

Everything loads once, lazily: importing jieba's tagger takes about two seconds, and only
anonymizing needs it (page views and most commands never do).
"""

import logging
import math
from functools import lru_cache

from casestudies.anonymization.surnames import SINGLE

UNSEEN = -13.0


@lru_cache(maxsize=1)
def _jieba():
    # Lazy (see the module docstring); the import is the cost being deferred.
    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba, jieba.posseg


@lru_cache(maxsize=1)
def _cut():
    """The segmenter's cut: rjieba's (the same dictionary and model, in Rust, about thirty
    times faster) when the ``fast`` extra is installed, else jieba's own."""
    jieba, _posseg = _jieba()
    try:
        import rjieba  # optional: pip install jingjian[fast]
    except ImportError:
        return lambda text: jieba.dt.cut(text, HMM=True)
    return lambda text: rjieba.cut(text, hmm=True)


def segment(text):
    """``[(start, end, word)]`` covering ``text``."""
    words, offset = [], 0
    for word in _cut()(text):
        words.append((offset, offset + len(word), word))
        offset += len(word)
    return words


def tag(word):
    return _tags().get(word, "")


def frequency(word):
    return _frequencies().get(word, 0) or 0


@lru_cache(maxsize=1)
def _tags():
    return _jieba()[1].dt.word_tag_tab


@lru_cache(maxsize=1)
def _frequencies():
    return _jieba()[0].dt.FREQ


@lru_cache(maxsize=1)
def _character_background():
    """log P(character) over the dictionary's words weighted by their frequency."""
    counts, total = {}, 0
    for word, count in _frequencies().items():
        if not count:
            continue
        for char in word:
            counts[char] = counts.get(char, 0) + count
        total += count * len(word)
    return {char: math.log(count / total) for char, count in counts.items()}, math.log(1 / total)


@lru_cache(maxsize=1)
def _dictionary_given_names():
    """How often each character is the middle ("M") or last ("E") of a given name in the
    dictionary's words tagged as persons (王建国: 建 M, 国 E), as log probabilities."""
    counts = {"M": {}, "E": {}}
    for word, flag in _tags().items():
        if flag != "nr" or not 2 <= len(word) <= 3 or word[0] not in SINGLE:
            continue
        for position, char in zip("ME" if len(word) == 3 else "E", word[1:], strict=True):
            counts[position][char] = counts[position].get(char, 0) + 1
    return {
        position: {char: math.log(n / sum(chars.values())) for char, n in chars.items()}
        for position, chars in counts.items()
    }


@lru_cache(maxsize=8192)
def surname_odds(char):
    """Log odds of ``char`` starting a name (jieba's emission probability for that state),
    against its frequency in text: what tells a rare surname (綦, 郗) from a function word."""
    estimate = _jieba()[1].emit_P[("B", "nr")].get(char, UNSEEN)
    background, floor = _character_background()
    return estimate - background.get(char, floor)


@lru_cache(maxsize=16384)
def given_name_odds(char, position="E"):
    """Log odds of ``char`` at ``position`` of a given name: "M" first of two, "E" last.

    From jieba's data: its tagger's emission probabilities for the name states; for a
    character the model has (nearly) never seen there, the given names of the person words in
    its dictionary instead (the model knows 娟 poorly, the dictionary well), less one for being
    the noisier source. A character neither has seen in that position gets the least
    probability the model gives any (``UNSEEN``)."""
    emit = _jieba()[1].emit_P
    estimate = emit[(position, "nr")].get(char, UNSEEN)
    if estimate <= UNSEEN + 1:
        estimate = max(estimate, _dictionary_given_names()[position].get(char, UNSEEN) - 1.0)
    background, floor = _character_background()
    return estimate - background.get(char, floor)
