"""Deterministic corpus for the duplicate benchmarks: N documents of about 3 KB with known duplicate groups.

`uv run python benchmarks/dedup/generate.py N OUT_DIR` writes OUT_DIR/part-NNNNN.parquet with columns
`doc` (int64, 0..N-1), `group` (int64: documents with the same group are copies of one article), `kind`
(`original`, `exact` for a whitespace/quote-mark variant, `near` for a syndicated copy) and `text`.

Articles are sentences of words drawn from a Zipf distribution over a 40,000-word synthetic vocabulary (so
unrelated articles share common words, as news does). About 8% of documents are near copies (another
site's chrome lines, a credit line, one paragraph dropped, a few words retouched) and 2% exact variants of an
earlier article of the same chunk. The same N and seed give the same files; generation streams chunk by chunk.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

CHUNK = 20_000
VOCABULARY = 40_000
CHROME = [
    "Home",
    "World",
    "Business",
    "Sign up for our newsletter",
    "Share this article",
    "Most read",
    "Menu",
]


def vocabulary(seed: int) -> list[str]:
    rng = np.random.default_rng(seed)
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    lengths = rng.integers(2, 11, size=VOCABULARY)
    return ["".join(letters[rng.integers(0, 26, size=n)]) for n in lengths]


def article(rng: np.random.Generator, words: list[str], n_words: int = 400) -> list[str]:
    ids = np.minimum(rng.zipf(1.15, size=n_words), VOCABULARY) - 1
    tokens = [words[i] for i in ids]
    paragraphs, sentence, paragraph = [], [], []
    lengths = rng.integers(8, 25, size=n_words)
    for i, token in enumerate(tokens):
        sentence.append(token)
        if len(sentence) >= lengths[i]:
            paragraph.append(" ".join(sentence).capitalize() + ".")
            sentence = []
            if len(paragraph) >= 4:
                paragraphs.append(" ".join(paragraph))
                paragraph = []
    if sentence:
        paragraph.append(" ".join(sentence).capitalize() + ".")
    if paragraph:
        paragraphs.append(" ".join(paragraph))
    return paragraphs


def near_copy(rng: np.random.Generator, paragraphs: list[str], words: list[str]) -> str:
    body = list(paragraphs)
    if len(body) > 3 and rng.random() < 0.5:
        body.pop(int(rng.integers(1, len(body))))
    out = []
    for p in body:
        tokens = p.split(" ")
        for _ in range(int(rng.integers(0, 2))):
            tokens[int(rng.integers(0, len(tokens)))] = words[int(rng.integers(0, VOCABULARY))]
        out.append(" ".join(tokens))
    chrome = [CHROME[int(i)] for i in rng.choice(len(CHROME), size=3, replace=False)]
    return "\n".join(
        [*chrome[:2], *out, f"Reporting by {words[int(rng.integers(0, 999))].title()}.", chrome[2]]
    )


def chunk_table(n: int, start: int, stop: int, seed: int, words: list[str]) -> pa.Table:
    rng = np.random.default_rng([seed, start])
    docs, groups, kinds, texts = [], [], [], []
    originals: list[tuple[int, list[str]]] = []
    for doc in range(start, stop):
        roll = rng.random()
        if originals and roll < 0.10:
            group, paragraphs = originals[int(rng.integers(0, len(originals)))]
            if roll < 0.02:
                text, kind = "\n\n".join(p.replace(" ", "  ") for p in paragraphs), "exact"
            else:
                text, kind = near_copy(rng, paragraphs, words), "near"
        else:
            paragraphs = article(rng, words)
            group, kind, text = doc, "original", "\n".join(paragraphs)
            originals.append((doc, paragraphs))
            if len(originals) > 200:
                originals.pop(0)
        docs.append(doc)
        groups.append(group)
        kinds.append(kind)
        texts.append(text)
    return pa.table({"doc": docs, "group": groups, "kind": kinds, "text": texts})


def generate(n: int, out: Path, seed: int = 7) -> None:
    out.mkdir(parents=True, exist_ok=True)
    words = vocabulary(seed)
    for part, start in enumerate(range(0, n, CHUNK)):
        table = chunk_table(n, start, min(n, start + CHUNK), seed, words)
        pq.write_table(table, out / f"part-{part:05d}.parquet", compression="zstd")


if __name__ == "__main__":
    generate(int(sys.argv[1]), Path(sys.argv[2]))
