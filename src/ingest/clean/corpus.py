"""Cross-document boilerplate: lines a source repeats in many of its documents within one run.

A site prints the same menu items, newsletter boxes, disclaimers and footers under every article; on a single
page they can look like text (a long legal paragraph, a "About the author" blurb), but across the site's pages
they recur verbatim while its articles do not. This is the cc_net / Dolma practice of dropping recurring
lines, restricted to one source at a time: a quote that several outlets print is one line in each of several
sources, so it never counts as any source's boilerplate.

Two passes over a run, both pure functions of the documents (no I/O, no global state):
1. `LineCounts.add(doc)` for every document: for each source (URL host without "www.", else the `site`
   field; a document with neither is not counted) the number of *distinct* documents (exact copies of one
   text count once) and, per normalized line, in how many of them it occurs. Counts merge (`merge`), so
   workers can count their share and the main process add them up.
2. `counts.boilerplate(config)` names the recurring lines of each source; `remove_boilerplate(doc, index)`
   takes them out of one document's text and records each in `removed` with the rule
   `cross_document_boilerplate`.

Where unsure, keep: a source with few documents is not judged, running-text paragraphs (`is_prose`) go only
when they recur very widely, and a document that would lose every line is left as it was.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from ingest.clean.linestats import is_prose, line_stats
from ingest.config import CorpusConfig
from ingest.document import Document, Removal

CORPUS_RULE = "cross_document_boilerplate"


class _LineTable(dict[int, str | None]):
    """The `str.translate` table of `normalize_line`, filled as characters are first seen: a combining
    mark (an accent after NFD) is deleted, a decimal digit becomes "0", a character that is neither a word
    character (`\\w`: alphanumeric or "_") nor whitespace becomes a space, anything else stays. One pass in
    C instead of a Python loop per character and three regular expressions."""

    def __missing__(self, code: int) -> str | None:
        ch = chr(code)
        if unicodedata.combining(ch):
            out = None
        elif ch.isdecimal():
            out = "0"
        elif ch.isalnum() or ch == "_" or ch.isspace():
            out = ch
        else:
            out = " "
        self[code] = out
        return out


_LINE_TABLE = _LineTable()
_ZEROS = re.compile("00+")


def normalize_line(line: str) -> str:
    """cc_net's line normalization: lower case, accents and punctuation removed, every number 0, spaces
    collapsed. "© 2024 Example Media" and "© 2025 Example Media" become one line; so do "12 Comments" and
    "3 Comments". (Each run of digits becomes one "0": the digits become zeros, then runs of zeros one.)"""
    text = unicodedata.normalize("NFD", line.lower()).translate(_LINE_TABLE)
    if "00" in text:
        text = _ZEROS.sub("0", text)
    return " ".join(text.split())


def line_key(line: str) -> int | None:
    """64-bit hash of the normalized line, or None for a line with no letters or digits (never judged)."""
    norm = normalize_line(line)
    if not norm:
        return None
    return int.from_bytes(hashlib.blake2b(norm.encode("utf-8"), digest_size=8).digest(), "little")


def source_of(doc: Document) -> str | None:
    """The document's source: the URL's host (lower case, without "www."), else its `site` field."""
    if doc.url:
        try:
            host = urlsplit(doc.url.strip()).hostname
        except ValueError:
            host = None
        if host:
            return host.removeprefix("www.")
    site = (doc.site or "").strip().lower()
    return site or None


def _lines(text: str | None) -> list[str]:
    return [line for line in (text or "").split("\n") if line.strip()]


@dataclass(slots=True)
class LineCounts:
    """Per source: distinct documents seen, and per line key the number of those documents holding it."""

    docs: Counter[str] = field(default_factory=Counter)
    lines: dict[str, Counter[int]] = field(default_factory=dict)
    _seen: dict[str, set[int]] = field(default_factory=dict)

    def add(self, doc: Document) -> None:
        """Count one document (its cleaned `text`); rejected documents and those without a source are
        skipped, and an exact copy of a text already counted for the source adds nothing."""
        source = source_of(doc)
        if source is None or doc.rejected or not doc.text:
            return
        self.add_text(source, doc.text)

    def add_text(self, source: str, text: str) -> None:
        digest = int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "little")
        seen = self._seen.setdefault(source, set())
        if digest in seen:
            return
        seen.add(digest)
        self.docs[source] += 1
        keys = {key for key in map(line_key, _lines(text)) if key is not None}
        self.lines.setdefault(source, Counter()).update(keys)

    def merge(self, other: LineCounts) -> LineCounts:
        """Add another worker's counts into these (documents both saw are counted by both)."""
        for source, seen in other._seen.items():
            mine = self._seen.setdefault(source, set())
            new = seen - mine
            mine |= new
            self.docs[source] += len(new)
        for source, counts in other.lines.items():
            self.lines.setdefault(source, Counter()).update(counts)
        return self

    def boilerplate(self, config: CorpusConfig = CorpusConfig()) -> BoilerplateIndex:  # noqa: B008 (frozen, immutable)
        """The recurring lines of every source with enough documents."""
        common: dict[str, dict[int, int]] = {}
        for source, n_docs in self.docs.items():
            if n_docs < config.min_source_docs:
                continue
            floor = max(config.min_docs, config.min_share * n_docs)
            found = {key: count for key, count in self.lines[source].items() if count >= floor}
            if found:
                common[source] = found
        return BoilerplateIndex(common, dict(self.docs), config)


@dataclass(frozen=True, slots=True)
class BoilerplateIndex:
    """Recurring line keys per source, with their document counts, and the bar prose must clear."""

    common: dict[str, dict[int, int]]
    docs: dict[str, int]
    config: CorpusConfig

    def is_boilerplate(self, source: str | None, line: str) -> bool:
        if source is None:
            return False
        counts = self.common.get(source)
        if not counts:
            return False
        key = line_key(line)
        count = counts.get(key) if key is not None else None
        if count is None:
            return False
        if is_prose(line_stats(line)):
            cfg = self.config
            return count >= max(cfg.prose_min_docs, cfg.prose_min_share * self.docs[source])
        return True


def find_boilerplate(docs: Iterable[Document], config: CorpusConfig = CorpusConfig()) -> BoilerplateIndex:  # noqa: B008 (frozen, immutable)
    """Count every document and return the index (both passes for documents held in memory)."""
    counts = LineCounts()
    for doc in docs:
        counts.add(doc)
    return counts.boilerplate(config)


def remove_boilerplate(doc: Document, index: BoilerplateIndex) -> Document:
    """Take the source's recurring lines out of `doc.text`, each recorded in `doc.removed` with the rule
    `cross_document_boilerplate`. A document that would lose every line is left unchanged (its text is the
    source's recurring text only, e.g. a stub page: not for this step to empty). Returns the same object."""
    if doc.rejected or not doc.text:
        return doc
    source = source_of(doc)
    if source not in index.common:
        return doc
    lines = doc.text.split("\n")
    drop = [index.is_boilerplate(source, line) if line.strip() else False for line in lines]
    if not any(drop):
        return doc
    kept = [line for line, gone in zip(lines, drop, strict=True) if not gone]
    if not any(line.strip() for line in kept):
        return doc
    gone = [Removal(line, CORPUS_RULE) for line, dropped in zip(lines, drop, strict=True) if dropped]
    doc.removed = [*doc.removed, *gone]
    doc.text = "\n".join(kept)
    return doc
