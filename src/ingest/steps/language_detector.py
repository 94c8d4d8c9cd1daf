"""langdetect's Detector with its per-character loops done in fewer Python steps: the same answers.

langdetect reads a text one character at a time in Python three times over (collapsing spaces, counting
Latin letters, building n-grams with a per-character Unicode-block lookup), then updates 55 language
probabilities one by one for every n-gram it samples. For the 1,000 characters the language step looks
at, that is most of its cost. `FastDetector` overrides those methods with equivalents that do the same
arithmetic in the same order (regular expressions for the character counts, a memo of each character's
normalized form, numpy for the probability updates) and leaves the sampling itself, with
its seeded random choices, to langdetect. `tests/steps/test_language_detector.py` checks that both give
the very same probabilities on real and generated texts.
"""

from __future__ import annotations

import re

import numpy as np
from langdetect.detector import Detector
from langdetect.detector_factory import DetectorFactory
from langdetect.utils.ngram import NGram

_SPACE_RUN = re.compile(" {2,}")
_LATIN = re.compile("[A-z]")
"""What `Detector.cleaning_text` counts as Latin ('A' <= ch <= 'z', so `[\\]^_` and the backtick too)."""
_NON_LATIN = re.compile("[\u0300-\U0010ffff]")
"""What it counts as non-Latin: every character from U+0300 on. (It means to leave out the Latin Extended
Additional block, but compares the block's number with its name, so nothing is left out.)"""
_NORMALIZED: dict[str, str] = {}
"""`NGram.normalize` of each character seen: a pure function of the character."""


class FastDetector(Detector):  # type: ignore[misc]
    """A `langdetect.detector.Detector` that gives the same probabilities, faster."""

    def append(self, text: str) -> None:
        """As `Detector.append`: URLs and e-mail addresses blanked, Vietnamese normalized, the first
        `max_text_length` characters kept with runs of spaces made one."""
        text = self.URL_RE.sub(" ", text)
        text = self.MAIL_RE.sub(" ", text)
        text = NGram.normalize_vi(text)
        self.text += _SPACE_RUN.sub(" ", text[: self.max_text_length])

    def cleaning_text(self) -> None:
        """As `Detector.cleaning_text`: a text with more than twice as many non-Latin characters as Latin
        ones loses its Latin letters."""
        text = self.text
        latin = len(_LATIN.findall(text))
        if latin * 2 < len(_NON_LATIN.findall(text)):
            self.text = _LATIN.sub("", text)

    def _extract_ngrams(self) -> list[str]:
        """As `Detector._extract_ngrams` (`NGram.add_char`, then its 1-, 2- and 3-grams that have a
        profile row, none while inside a word in capitals), in one loop."""
        rows = self.word_lang_prob_map
        table = getattr(rows, "words", rows)  # a plain dict: `in` costs no Python call
        normalized = _NORMALIZED
        result: list[str] = []
        grams, capital = " ", False
        for ch in self.text:
            c = normalized.get(ch)
            if c is None:
                c = normalized[ch] = NGram.normalize(ch)
            last = grams[-1]
            if last == " ":
                grams, capital = " ", False
                if c == " ":
                    continue
            elif len(grams) >= NGram.N_GRAM:
                grams = grams[1:]
            grams += c
            if c.isupper():
                if last.isupper():
                    capital = True
            else:
                capital = False
            if capital:
                continue
            for n in (1, 2, 3):
                if len(grams) < n:
                    break
                w = grams[-n:]
                if w != " " and w in table:
                    result.append(w)
        return result

    def _init_probability(self) -> np.ndarray:
        """As `Detector._init_probability`, as a numpy array."""
        return np.array(super()._init_probability(), dtype=np.float64)

    def _update_lang_prob(self, prob: np.ndarray, word: str | None, alpha: float) -> bool:
        """As `Detector._update_lang_prob`: each probability times (weight + the n-gram's probability),
        the same two float operations per language, done by numpy."""
        rows = self.word_lang_prob_map
        if word is None or word not in getattr(rows, "words", rows):
            return False
        row = rows.array(word) if hasattr(rows, "array") else np.array(rows[word], dtype=np.float64)
        prob *= (alpha / self.BASE_FREQ) + row
        return True

    def _normalize_prob(self, prob: np.ndarray) -> float:
        """As `Detector._normalize_prob`: probabilities divided by their sum, added left to right by
        Python's `sum` as langdetect adds them; the largest, or 0.0 when none is above 0.0."""
        prob /= sum(prob.tolist())
        largest = float(prob.max())
        if largest != largest:  # a NaN: langdetect's comparisons pass over it
            largest = max((p for p in prob.tolist() if p == p), default=0.0)
        return largest if largest > 0.0 else 0.0


class FastDetectorFactory(DetectorFactory):  # type: ignore[misc]
    """A DetectorFactory whose detectors are `FastDetector`s."""

    def _create_detector(self) -> Detector:
        if not self.langlist:
            return super()._create_detector()  # raises langdetect's "Need to load profiles"
        return FastDetector(self)
