"""The pipeline's own run-level decision (`dedup_run.decide`, what `commit_run` calls) on the signatures that
benchmarks/dedup/scale.py left in WORK/run-N/sigs: time and peak memory at N documents.

    uv run python benchmarks/dedup/decide_scale.py --n 1000000 --work /tmp/dedup-scale

commit_run holds, per document, an id, a content hash, the canonical-rule fields and the signature
(num_perm x 4 bytes), never the text; candidate pairs come from a sort-based group-by on one band's keys at
a time. Content hashes are made unique per document here, so exact copies are found through their
signatures (similarity 1.0) instead of the hash: the near-duplicate path does all the work.
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq

from ingest.config import DedupConfig
from ingest.dedup.columns import PriorDocs, RunDocs
from ingest.dedup.decide import decide

SETTINGS = DedupConfig()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, required=True)
    parser.add_argument("--work", type=Path, default=Path("/tmp/dedup-scale"))
    args = parser.parse_args()
    t0 = time.perf_counter()
    sigs = np.empty((args.n, SETTINGS.num_perm), dtype=np.uint32)
    for part in sorted((args.work / f"run-{args.n}" / "sigs").glob("part-*.parquet")):
        table = pq.read_table(part)
        docs = table.column("doc").to_numpy()
        raw = table.column("sig").combine_chunks().buffers()[1]
        sigs[docs] = np.frombuffer(raw, dtype=np.uint32)[: len(docs) * SETTINGS.num_perm].reshape(
            len(docs), -1
        )
    ids = [f"{i:032x}" for i in range(args.n)]
    run_docs = RunDocs(
        doc_id=ids,
        content_hash=ids,
        eligible=np.ones(args.n, dtype=bool),
        published=[None] * args.n,
        n_chars=np.full(args.n, 3000),
        source_path=[f"{i:08d}.txt" for i in range(args.n)],
        source_record=[0] * args.n,
        signatures=sigs,
    )
    loaded = time.perf_counter() - t0
    t0 = time.perf_counter()
    decisions = decide(run_docs, PriorDocs(), SETTINGS.threshold, SETTINGS.bands, SETTINGS.max_bucket)
    seconds = time.perf_counter() - t0
    truth = pq.read_table(args.work / f"corpus-{args.n}", columns=["doc", "kind"])
    copies = int(sum(k != "original" for k in truth.column("kind").to_pylist()))
    report = {
        "n": args.n,
        "load_seconds": round(loaded, 1),
        "decide_seconds": round(seconds, 1),
        "rejected": decisions.rejected,
        "copies_in_corpus": copies,
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
