"""langdetect's language profiles from a compact table: the same numbers, loaded in milliseconds.

langdetect keeps, for each of its 87,598 n-grams, a list of 55 probabilities (one per language), built at
start-up from 55 JSON files: about 0.3 s of CPU in every process before the first document, more than the
whole import of trafilatura. Most of those numbers are zero (184,129 are not), and a page's text uses a few
hundred n-grams.

`langdetect_profiles.npz` beside this module holds the non-zero probabilities, computed from the JSON files
exactly as `DetectorFactory.add_profile` computes them (`1.0 * freq / n_words[len(word) - 1]`, stored as
64-bit floats, so the very same values). `ProfileRows` gives a detector each n-gram's row of 55 only when
the text asks for it, in the language order langdetect itself uses (the order the profile folder lists its
files), so detection gives the same languages and probabilities as langdetect's own loader.

The table is used only while the installed profiles are the ones it was built from (a SHA-256 of the
profile files); otherwise, after a langdetect upgrade say, `load_factory` falls back to langdetect's own
loader, and a test names the command that rebuilds the table:

    uv run --locked python -m ingest.steps.language_profiles
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import numpy as np
from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory

from ingest.steps.language_detector import FastDetectorFactory

TABLE = Path(__file__).with_name("langdetect_profiles.npz")


def profile_files(directory: str = PROFILES_DIRECTORY) -> list[str]:
    """The profile files in the order langdetect loads them: as the folder lists them, without hidden
    files. That order is the order of the languages in every probability row."""
    return [
        name
        for name in os.listdir(directory)
        if not name.startswith(".") and os.path.isfile(os.path.join(directory, name))
    ]


def profiles_digest(directory: str = PROFILES_DIRECTORY) -> str:
    """SHA-256 over the profile files' names and bytes, in name order: what tells the installed profiles
    from the ones the table was built from."""
    digest = hashlib.sha256()
    for name in sorted(profile_files(directory)):
        digest.update(name.encode() + b"\0" + Path(directory, name).read_bytes() + b"\0")
    return digest.hexdigest()


def build_table(directory: str = PROFILES_DIRECTORY) -> dict[str, np.ndarray]:
    """The table's arrays from the JSON profiles: `words` (every n-gram, sorted, as UTF-8 text one a line),
    `languages` (profile
    names, sorted), and per n-gram the languages with a non-zero probability and those probabilities, as
    compressed rows (`starts` indexes `language_of` and `probability`)."""
    entries: dict[str, list[tuple[str, float]]] = {}
    for name in sorted(profile_files(directory)):
        profile = json.loads(Path(directory, name).read_text(encoding="utf-8"))
        if profile["name"] != name:  # `load_factory` takes the language names from the file names
            raise ValueError(f"profile file {name} holds language {profile['name']!r}")
        n_words = profile["n_words"]
        for word, freq in profile["freq"].items():
            if 1 <= len(word) <= 3:  # langdetect keeps a zero row for other lengths (none are shipped)
                entries.setdefault(word, []).append((profile["name"], 1.0 * freq / n_words[len(word) - 1]))
    languages = sorted({lang for row in entries.values() for lang, _ in row})
    number = {lang: i for i, lang in enumerate(languages)}
    words = sorted(entries)
    if any("\n" in word for word in words):  # the table stores them one a line
        raise ValueError("an n-gram holds a newline")
    starts, language_of, probability = [0], [], []
    for word in words:
        for lang, prob in entries[word]:
            language_of.append(number[lang])
            probability.append(prob)
        starts.append(len(probability))
    return {
        "digest": np.array(profiles_digest(directory)),
        "words": np.frombuffer("\n".join(words).encode(), dtype=np.uint8),  # no n-gram holds a newline
        "languages": np.array(languages),
        "starts": np.array(starts, dtype=np.int32),
        "language_of": np.array(language_of, dtype=np.int8),
        "probability": np.array(probability, dtype=np.float64),
    }


class ProfileRows:
    """langdetect's `word_lang_prob_map` (n-gram -> list of one probability per language, in `order`),
    each row built from the table the first time a text asks for it and then kept."""

    __slots__ = (
        "_arrays",
        "_language_of",
        "_position",
        "_probability",
        "_rows",
        "_starts",
        "_width",
        "words",
    )

    def __init__(self, table: dict[str, np.ndarray], order: list[str]) -> None:
        languages = table["languages"].tolist()
        words = table["words"].tobytes().decode().split("\n")
        self.words = {word: i for i, word in enumerate(words)}
        """Every n-gram -> its number: `in` on it is a plain dict lookup (`FastDetector` asks ~3,000
        times per text)."""
        self._starts: list[int] = table["starts"].tolist()
        self._language_of: list[int] = table["language_of"].tolist()
        self._probability: list[float] = table["probability"].tolist()
        self._position = [order.index(lang) for lang in languages]
        self._width = len(order)
        self._rows: dict[str, list[float]] = {}
        self._arrays: dict[str, np.ndarray] = {}

    def __contains__(self, word: object) -> bool:
        return word in self.words

    def __len__(self) -> int:
        return len(self.words)

    def __getitem__(self, word: str) -> list[float]:
        row = self._rows.get(word)
        if row is None:
            row = self._rows[word] = self._build(word)  # threads may race here: both build the same row
        return row

    def _build(self, word: str) -> list[float]:
        i = self.words[word]
        row = [0.0] * self._width
        for k in range(self._starts[i], self._starts[i + 1]):
            row[self._position[self._language_of[k]]] = self._probability[k]
        return row

    def array(self, word: str) -> np.ndarray:
        """The n-gram's row as a read-only numpy array (what `FastDetector` multiplies with)."""
        row = self._arrays.get(word)
        if row is None:
            row = np.array(self._build(word), dtype=np.float64)
            row.flags.writeable = False
            self._arrays[word] = row
        return row


def load_factory(table_path: Path = TABLE, directory: str = PROFILES_DIRECTORY) -> DetectorFactory:
    """A DetectorFactory with langdetect's profiles, whose detectors are `FastDetector`s: the profiles
    from the table when it was built from the installed profiles, else by langdetect's own (slower)
    loader."""
    factory = FastDetectorFactory()
    files = profile_files(directory)
    try:
        with np.load(table_path) as npz:
            table = {key: npz[key] for key in npz.files}
    except (OSError, ValueError):
        table = None
    if table is None or str(table["digest"]) != profiles_digest(directory):
        factory.load_profile(directory)
        return factory
    # a profile file is named after its language (langdetect reads the name from inside the file)
    factory.langlist = files
    factory.word_lang_prob_map = ProfileRows(table, files)
    return factory


def write_table(path: Path = TABLE, directory: str = PROFILES_DIRECTORY) -> None:
    """Build the table from the installed profiles and write it to `path`."""
    np.savez(path, **build_table(directory))  # not compressed: 2.3 MB, read in a millisecond


if __name__ == "__main__":
    write_table()
    print(f"wrote {TABLE} ({TABLE.stat().st_size:,} bytes) from {PROFILES_DIRECTORY}")
