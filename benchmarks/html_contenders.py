"""One contender of the CPU-per-page comparison in `html_speed.py`, run in a fresh process.

    python benchmarks/html_contenders.py NAME PAGES_FILE [OUT_DIR]

NAME is one of `CONTENDERS`; PAGES_FILE lists gzip-compressed HTML pages, one path a line. The parent
measures this whole process's CPU time (`resource.getrusage(RUSAGE_CHILDREN)`), imports included; this
script prints the CPU seconds of its work alone (after imports) as JSON, for reference. Imports are done
inside each contender, so a process pays only for what its contender uses.
"""

from __future__ import annotations

import gzip
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path


def _pages(paths: list[Path]) -> list[str]:
    return [gzip.decompress(p.read_bytes()).decode("utf-8", errors="replace") for p in paths]


def trafilatura_metadata(paths: list[Path], out: Path) -> float:
    """`trafilatura.extract(html, with_metadata=True, output_format="json")`, the issue's yardstick."""
    import trafilatura

    start = time.process_time()
    for html in _pages(paths):
        trafilatura.extract(html, with_metadata=True, output_format="json")
    return time.process_time() - start


def trafilatura_plain(paths: list[Path], out: Path) -> float:
    """`trafilatura.extract(html)`: main text only, no metadata."""
    import trafilatura

    start = time.process_time()
    for html in _pages(paths):
        trafilatura.extract(html)
    return time.process_time() - start


def straight_script(paths: list[Path], out: Path) -> float:
    """What a user could write in an afternoon: trafilatura.extract, ftfy, seeded langdetect on the first
    2000 characters, a 128-permutation datasketch MinHash of word 5-shingles, one Parquet file."""
    import ftfy
    import pyarrow as pa
    import pyarrow.parquet as pq
    import trafilatura
    from datasketch import MinHash
    from langdetect import DetectorFactory, detect
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = 0
    start = time.process_time()
    rows = []
    for path, html in zip(paths, _pages(paths), strict=True):
        text = trafilatura.extract(html)
        if not text:
            continue
        text = ftfy.fix_text(text)
        try:
            lang = detect(text[:2000])
        except LangDetectException:
            lang = "und"
        words = text.split()
        mh = MinHash(num_perm=128, seed=1)
        mh.update_batch([" ".join(words[i : i + 5]).encode() for i in range(max(1, len(words) - 4))])
        rows.append({"id": path.name, "text": text, "language": lang, "minhash": mh.hashvalues.tolist()})
    pq.write_table(pa.Table.from_pylist(rows), out / "straight.parquet")
    return time.process_time() - start


def control(paths: list[Path], out: Path) -> float:
    """A pure-Python CPU loop, 250,000 iterations per page: shows the machine's state (its ms/page should not
    move between rounds or commits; when it does, the machine, not the code, changed)."""
    start = time.process_time()
    total = 0
    for _ in paths:
        for i in range(250_000):
            total += i * i % 7
    return time.process_time() - start


CONTENDERS: dict[str, Callable[[list[Path], Path], float]] = {
    "trafilatura_metadata": trafilatura_metadata,
    "trafilatura_plain": trafilatura_plain,
    "straight_script": straight_script,
    "control": control,
}


def main() -> None:
    name, pages_file = sys.argv[1], Path(sys.argv[2])
    out = Path(sys.argv[3]) if len(sys.argv) > 3 else Path(".")
    paths = [Path(line) for line in pages_file.read_text(encoding="utf-8").split()]
    print(json.dumps({"work_cpu": CONTENDERS[name](paths, out), "pages": len(paths)}))


if __name__ == "__main__":
    main()
