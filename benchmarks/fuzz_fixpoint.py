"""How many realistic inputs change on a second pass of the cleaner, and of clean -> normalize.

Inputs are built from the dev renderings (html-text, inscriptis, html2text) and the seed files: a whole page,
a window of its lines, a shuffled sample of its lines, or lines of several pages mixed; then damaged the
way scraped text is: control characters (C0 and C1), zero-width and bidi marks, CR, CRLF and Unicode line
separators, tabs, NBSP and other spaces, markdown marks, mojibake and HTML entities. Input `i` of seed `s`
is always the same text (`random.Random(f"{s}:{i}")`), so a failure is reproduced by its number.

For each input x, with the default config:
- `clean`: clean_text(clean_text(x).text).text != clean_text(x).text (the cleaner is not idempotent);
- `fixpoint`: f(f(x)) != f(x) for f = normalize_text . clean_text (what the pipeline stores changes when
  the pipeline reads it again);
- `extracted`: the same for f = normalize_text . clean_text(second_pass=True), the cleaner of an HTML
  extractor's main text.

    uv run --locked python benchmarks/fuzz_fixpoint.py --n 57000 --workers 2
    uv run --locked python benchmarks/fuzz_fixpoint.py --n 2000 --show 10          # print failures
    uv run --locked python benchmarks/fuzz_fixpoint.py --only 1234 --show 1        # one input again
    PYTHONPATH=/tmp/old/src uv run --locked python benchmarks/fuzz_fixpoint.py ...  # another tree's code
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
RENDERINGS = ("raw-html-text", "raw-inscriptis", "raw-html2text")

CONTROL = [chr(c) for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, *range(0x80, 0xA0)]]
INVISIBLE = [
    *"\u00ad\u034f\u061c\u115f\u180e\u200b\u200c\u200d\u200e\u200f",
    *"\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064",
    *"\u2066\u2067\u2068\u2069\u206a\u206f\u3164\ufeff\ufff9\ufffb\ufffc",
]
BREAKS = ["\r", "\r\n", "\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\n\n"]
SPACES = ["\t", "\u00a0", "\u2009", "\u202f", "\u3000", "  ", "   ", " \t ", "\u2007", "\u200a"]
MARKDOWN = ["* ", "# ", "## ", "> ", "**", "__", "_", "\\", "\\.", "[", "]", "](http://x.example/a)", "1. "]
MARKDOWN += ["---", "|", "`", "+ ", "o ", "- ", "![](i.png)", "[12]", "&amp;", "&nbsp;", "<", "&#x27;"]


def load_sources() -> list[str]:
    """Every dev rendering's page and every seed file, in a fixed order."""
    pages = []
    for rendering in RENDERINGS:
        pages += [
            p.read_text(encoding="utf-8") for p in sorted((SHARED / "eval/dev" / rendering).glob("*.txt"))
        ]
    pages += [p.read_text(encoding="utf-8") for p in sorted((SHARED / "seeds/raw").glob("*"))]
    return pages


def _lines(rng: random.Random, sources: list[str]) -> list[str]:
    """Lines of one page (whole, a window, a shuffled sample) or of several pages mixed."""
    shape = rng.random()
    lines = rng.choice(sources).split("\n")
    if shape < 0.1:
        return lines
    if shape < 0.5:
        size = rng.randint(1, 120)
        start = rng.randrange(max(1, len(lines) - size + 1))
        return lines[start : start + size]
    if shape < 0.8:
        return rng.sample(lines, min(len(lines), rng.randint(1, 60)))
    mixed: list[str] = []
    for _ in range(rng.randint(2, 3)):
        other = rng.choice(sources).split("\n")
        start = rng.randrange(len(other))
        mixed += other[start : start + rng.randint(1, 40)]
    if rng.random() < 0.3:
        rng.shuffle(mixed)
    return mixed


def _damage(rng: random.Random, text: str) -> str:
    """Insert a few characters of one or more kinds at random places, or change every line break."""
    if not text:
        return text
    for _ in range(rng.choice([0, 1, 1, 2, 3, 5, 10, 30])):
        kind = rng.random()
        if kind < 0.05:
            text = text.replace("\n", rng.choice(["\r\n", "\r", "\u2028", "\n\n", "\n \n", " \n"]))
            continue
        if kind < 0.1:
            line_start = [i + 1 for i, ch in enumerate(text) if ch == "\n"]
            if line_start:
                at = rng.choice(line_start)
                text = text[:at] + rng.choice(MARKDOWN + SPACES) + text[at:]
            continue
        if kind < 0.13:  # a line (up to its end) turned into mojibake
            start = rng.randrange(len(text))
            end = text.find("\n", start)
            end = len(text) if end < 0 else end
            part = text[start:end].encode("utf-8").decode(rng.choice(["cp1252", "latin-1"]), errors="replace")
            text = text[:start] + part + text[end:]
            continue
        pool = (
            (CONTROL if kind < 0.45 else INVISIBLE if kind < 0.65 else BREAKS if kind < 0.75 else SPACES)
            if kind < 0.85
            else MARKDOWN
        )
        insert = rng.choice(pool)
        if rng.random() < 0.2:
            insert *= rng.randint(2, 4)
        at = rng.randrange(len(text) + 1)
        text = text[:at] + insert + text[at:]
    return text


def make_input(seed: int, i: int, sources: list[str]) -> str:
    """Input number `i` of the run with `seed`: the same text every time."""
    rng = random.Random(f"{seed}:{i}")
    text = "\n".join(_lines(rng, sources))
    return text if rng.random() < 0.15 else _damage(rng, text)


def check(text: str) -> tuple[bool, bool, bool, str, str]:
    """(cleaning is not idempotent, clean -> normalize is not a fixpoint, nor for an extractor's text (the
    `second_pass` cleaner), first output, second output of the first of these that fails)."""
    from ingest.clean import clean_text
    from ingest.normalize import normalize_text

    once = clean_text(text)
    twice = clean_text(once.text)
    stored = normalize_text(once.text)
    again = normalize_text(clean_text(stored).text)
    extracted = normalize_text(clean_text(text, second_pass=True).text)
    extracted_again = normalize_text(clean_text(extracted, second_pass=True).text)
    fails = (twice.text != once.text, again != stored, extracted_again != extracted)
    pairs = ((once.text, twice.text), (stored, again), (extracted, extracted_again))
    first, second = next((pair for fail, pair in zip(fails, pairs, strict=True) if fail), ("", ""))
    return *fails, first, second


_SOURCES: list[str] = []


def _run(args: tuple[int, list[int]]) -> list[tuple[int, bool, bool, bool, str, str]]:
    seed, numbers = args
    if not _SOURCES:
        _SOURCES.extend(load_sources())
    out = []
    for i in numbers:
        *fails, first, second = check(make_input(seed, i, _SOURCES))
        if any(fails):
            out.append((i, *fails, first, second))
    return out


def first_difference(a: str, b: str) -> str:
    """The first line that differs, both versions, with invisible characters shown."""
    la, lb = a.split("\n"), b.split("\n")
    for k in range(max(len(la), len(lb))):
        x = la[k] if k < len(la) else "<none>"
        y = lb[k] if k < len(lb) else "<none>"
        if x != y:
            return f"line {k}: {x[:300]!a}\n        -> {y[:300]!a}"
    return "(same lines)"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=57_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--only", type=int, nargs="*", help="input numbers to check (and print)")
    parser.add_argument("--show", type=int, default=0, help="print this many failures")
    parser.add_argument("--json", type=Path, help="write the failing input numbers here")
    args = parser.parse_args()
    numbers = args.only if args.only else list(range(args.n))
    chunks = [(args.seed, numbers[k : k + 200]) for k in range(0, len(numbers), 200)]
    started = time.perf_counter()
    failures: list[tuple[int, bool, bool, bool, str, str]] = []
    if args.workers > 1:
        with ProcessPoolExecutor(args.workers) as pool:
            for found in pool.map(_run, chunks):
                failures += found
    else:
        for chunk in chunks:
            failures += _run(chunk)
    seconds = time.perf_counter() - started
    counts: Counter[str] = Counter()
    for _, clean_fails, fix_fails, extracted_fails, _, _ in failures:
        counts["clean"] += clean_fails
        counts["fixpoint"] += fix_fails
        counts["extracted"] += extracted_fails
        counts["any"] += 1
    import ingest.clean

    print(f"code: {Path(ingest.clean.__file__).parent}")
    print(
        f"{len(numbers)} inputs (seed {args.seed}) in {seconds:.0f} s: cleaning not idempotent on"
        f" {counts['clean']}, clean -> normalize not a fixpoint on {counts['fixpoint']}"
        f", for an extractor's text (second_pass) on {counts['extracted']} (any: {counts['any']})"
    )
    for i, clean_fails, fix_fails, _, first, second in failures[: args.show]:
        kind = "clean" if clean_fails else "fixpoint" if fix_fails else "extracted"
        print(f"- input {i} ({kind}): {first_difference(first, second)}")
    if args.json:
        args.json.write_text(json.dumps([f[:4] for f in failures]))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
