"""Near-duplicate detection at scale, side by side with datasketch, on the generated corpus.

    uv run --group bench python benchmarks/dedup/scale.py --n 1000000 --work /tmp/dedup-scale

Steps (each timed): generate the corpus (benchmarks/dedup/generate.py; not counted in the total), MinHash
signatures in `--workers` processes with the pipeline's `MinHasher` (written to WORK/sigs/*.parquet) and
their LSH band keys (WORK/keys/*.parquet: band, key, doc); candidate pairs from a DuckDB group-by/self-join
on the band keys on disk (memory-limited, spills to WORK/duckdb.tmp); verification of every candidate pair on
the signatures (estimated Jaccard >= threshold); union-find clusters; scoring against the known groups.
Then datasketch's MinHash (update_batch over the same 5-word shingles) and MinHashLSH on the first
`--datasketch-n` documents, and ours single-process on the same documents, so the per-core ratio is measured
in one run on the same machine. Peak RSS of this process and of its worker processes is reported.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from ingest.config import DedupConfig
from ingest.dedup.minhash import MinHasher, band_keys
from ingest.dedup.pairs import UnionFind, pair_similarity

SETTINGS = DedupConfig()
BATCH = 1000


def _sign_part(args: tuple[str, str]) -> tuple[int, float, float]:
    """Signatures and band keys of one corpus part; returns (documents, wall and CPU seconds computing)."""
    part, work = Path(args[0]), Path(args[1])
    hasher = MinHasher(SETTINGS.num_perm, SETTINGS.shingle_words)
    table = pq.read_table(part, columns=["doc", "text"])
    docs = table.column("doc").to_numpy()
    texts = table.column("text").to_pylist()
    spent = cpu = 0.0
    sigs = np.empty((len(texts), SETTINGS.num_perm), dtype=np.uint32)
    for start in range(0, len(texts), BATCH):
        t0, c0 = time.perf_counter(), time.process_time()
        sigs[start : start + BATCH] = hasher.signatures(texts[start : start + BATCH])
        spent += time.perf_counter() - t0
        cpu += time.process_time() - c0
    keys = band_keys(sigs, SETTINGS.bands).view(np.int64)
    width = SETTINGS.num_perm * 4
    sig_col = pa.FixedSizeBinaryArray.from_buffers(
        pa.binary(width), len(sigs), [None, pa.py_buffer(sigs.tobytes())]
    )
    pq.write_table(pa.table({"doc": docs, "sig": sig_col}), work / "sigs" / part.name, compression="zstd")
    bands = np.tile(np.arange(SETTINGS.bands, dtype=np.int16), len(docs))
    pq.write_table(
        pa.table({"band": bands, "key": keys.ravel(), "doc": np.repeat(docs, SETTINGS.bands)}),
        work / "keys" / part.name,
        compression="zstd",
    )
    return len(texts), spent, cpu


def signatures(corpus: Path, work: Path, workers: int) -> dict:
    (work / "sigs").mkdir(parents=True, exist_ok=True)
    (work / "keys").mkdir(parents=True, exist_ok=True)
    parts = sorted(corpus.glob("part-*.parquet"))
    t0 = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(_sign_part, [(str(p), str(work)) for p in parts]))
    wall = time.perf_counter() - t0
    n = sum(r[0] for r in results)
    compute = sum(r[1] for r in results)
    cpu = sum(r[2] for r in results)
    return {
        "documents": n,
        "seconds_wall": wall,
        "wall_per_s": n / wall,
        "per_worker_wall_per_s": n / compute,
        "per_cpu_second": n / cpu,
    }


def candidate_pairs(work: Path, memory_limit: str) -> tuple[np.ndarray, float]:
    t0 = time.perf_counter()
    con = duckdb.connect()
    con.execute(f"SET memory_limit = '{memory_limit}'")
    con.execute(f"SET temp_directory = '{work / 'duckdb.tmp'}'")
    con.execute("SET preserve_insertion_order = false")
    keys = f"read_parquet('{work / 'keys'}/*.parquet')"
    query = f"""
        WITH hit AS (SELECT band, key FROM {keys} GROUP BY band, key HAVING count(*) > 1),
             member AS (SELECT k.band, k.key, k.doc FROM {keys} k SEMI JOIN hit USING (band, key))
        SELECT DISTINCT a.doc AS a, b.doc AS b
        FROM member a JOIN member b ON a.band = b.band AND a.key = b.key AND a.doc < b.doc
    """
    table = con.sql(query).to_arrow_table()
    con.close()
    pairs = np.stack([table.column("a").to_numpy(), table.column("b").to_numpy()], axis=1)
    return pairs, time.perf_counter() - t0


def load_signatures(work: Path, n: int) -> np.ndarray:
    sigs = np.empty((n, SETTINGS.num_perm), dtype=np.uint32)
    for part in sorted((work / "sigs").glob("part-*.parquet")):
        table = pq.read_table(part)
        docs = table.column("doc").to_numpy()
        raw = table.column("sig").combine_chunks().buffers()[1]
        sigs[docs] = np.frombuffer(raw, dtype=np.uint32)[: len(docs) * SETTINGS.num_perm].reshape(
            len(docs), -1
        )
    return sigs


def verify_and_cluster(sigs: np.ndarray, pairs: np.ndarray) -> tuple[np.ndarray, dict]:
    t0 = time.perf_counter()
    sim = pair_similarity(sigs[pairs[:, 0]], sigs[pairs[:, 1]]) if len(pairs) else np.zeros(0)
    edges = pairs[sim >= SETTINGS.threshold]
    t1 = time.perf_counter()
    uf = UnionFind(len(sigs))
    for a, b in edges:
        uf.union(int(a), int(b))
    roots = np.array([uf.find(i) for i in range(len(sigs))])
    return roots, {
        "verify_seconds": t1 - t0,
        "cluster_seconds": time.perf_counter() - t1,
        "verified": len(edges),
    }


def score(corpus: Path, roots: np.ndarray) -> dict:
    """Documents that are copies (kind != original) should share a cluster with their group's original;
    a document rejected as a copy (not the smallest doc of its cluster) is right if its group matches."""
    truth = pq.read_table(corpus, columns=["doc", "group", "kind"])
    group = np.empty(len(roots), dtype=np.int64)
    group[truth.column("doc").to_numpy()] = truth.column("group").to_numpy()
    is_copy = np.zeros(len(roots), dtype=bool)
    is_copy[truth.column("doc").to_numpy()] = np.asarray(truth.column("kind").to_pylist()) != "original"
    canonical = roots  # union-find keeps the smallest doc as root: the original comes first in the corpus
    rejected = canonical != np.arange(len(roots))
    right = int((rejected & (group == group[canonical])).sum())
    copies = int(is_copy.sum())
    return {
        "copies": copies,
        "rejected_as_copies": int(rejected.sum()),
        "precision": right / max(1, int(rejected.sum())),
        "recall": right / max(1, copies),
    }


def side_by_side(corpus: Path, n: int) -> dict:
    """datasketch (update_batch + MinHashLSH), rensa and ours on the first n documents, one process."""
    from datasketch import MinHash, MinHashLSH
    from rensa import RMinHash

    texts: list[str] = []
    for part in sorted(corpus.glob("part-*.parquet")):
        texts += pq.read_table(part, columns=["text"]).column("text").to_pylist()
        if len(texts) >= n:
            break
    texts = texts[:n]
    word = re.compile(r"\w+")
    k = SETTINGS.shingle_words

    def shingles(text: str) -> list[str]:
        w = word.findall(text.lower())
        return [" ".join(w[i : i + k]) for i in range(max(1, len(w) - k + 1))]

    hasher = MinHasher(SETTINGS.num_perm, SETTINGS.shingle_words)
    lsh = MinHashLSH(threshold=SETTINGS.threshold, num_perm=SETTINGS.num_perm)
    cpu = {"datasketch": 0.0, "datasketch_lsh": 0.0, "rensa": 0.0, "ours": 0.0}
    found = 0
    for text in texts[:200]:  # warm-up: imports, caches, first allocations
        MinHash(num_perm=SETTINGS.num_perm, seed=1).update_batch([s.encode() for s in shingles(text)])
        RMinHash(SETTINGS.num_perm, 1).update(shingles(text))
    hasher.signatures(texts[:500])
    # interleaved in chunks, so that load from other processes on the shared cores hits all alike
    for start in range(0, len(texts), 500):
        chunk = texts[start : start + 500]
        c0 = time.process_time()
        hashes = []
        for text in chunk:
            m = MinHash(num_perm=SETTINGS.num_perm, seed=1)
            m.update_batch([s.encode("utf-8") for s in shingles(text)])
            hashes.append(m)
        c1 = time.process_time()
        for i, m in enumerate(hashes):
            found += bool(lsh.query(m))
            lsh.insert(start + i, m)
        c2 = time.process_time()
        for text in chunk:
            r = RMinHash(SETTINGS.num_perm, 1)
            r.update(shingles(text))
            r.digest()
        c3 = time.process_time()
        hasher.signatures(chunk)
        c4 = time.process_time()
        for key, spent in zip(cpu, (c1 - c0, c2 - c1, c3 - c2, c4 - c3), strict=True):
            cpu[key] += spent
    n_docs = len(texts)
    small = texts[: min(n_docs, 1000)]
    c0 = time.process_time()
    for text in small:
        m = MinHash(num_perm=SETTINGS.num_perm, seed=1)
        for s in shingles(text):
            m.update(s.encode("utf-8"))
    per_shingle = len(small) / (time.process_time() - c0)
    c0 = time.process_time()
    for text in small:
        hasher.signature(text)
    one_at_a_time = len(small) / (time.process_time() - c0)
    ours = n_docs / cpu["ours"]
    return {
        "documents": n_docs,
        "measure": "documents per CPU-second of one process, interleaved in chunks of 500",
        "datasketch_update_batch_per_s": n_docs / cpu["datasketch"],
        "datasketch_update_per_shingle_per_s": per_shingle,
        "datasketch_lsh_insert_query_seconds": cpu["datasketch_lsh"],
        "datasketch_docs_with_candidates": found,
        "rensa_with_python_shingles_per_s": n_docs / cpu["rensa"],
        "ours_batch_per_s": ours,
        "ours_one_at_a_time_per_s": one_at_a_time,
        "ours_vs_datasketch_update_batch": ours / (n_docs / cpu["datasketch"]),
        "ours_vs_datasketch_update": ours / per_shingle,
        "ours_vs_rensa_with_python_shingles": ours / (n_docs / cpu["rensa"]),
    }


def peak_rss_mib() -> dict:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"self": round(own), "largest_child": round(children)}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/dedup-scale"))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--datasketch-n", type=int, default=10_000)
    parser.add_argument("--memory-limit", default="1500MB", help="DuckDB memory_limit")
    args = parser.parse_args()
    corpus = args.work / f"corpus-{args.n}"
    report: dict = {"n": args.n, "settings": {k: getattr(SETTINGS, k) for k in SETTINGS.__slots__}}
    if not corpus.exists():
        from generate import generate

        t0 = time.perf_counter()
        generate(args.n, corpus)
        report["generate_seconds"] = round(time.perf_counter() - t0, 1)
    run = args.work / f"run-{args.n}"
    import shutil

    shutil.rmtree(run, ignore_errors=True)
    start = time.perf_counter()
    report["signatures"] = signatures(corpus, run, args.workers)
    pairs, seconds = candidate_pairs(run, args.memory_limit)
    report["candidates"] = {"pairs": len(pairs), "seconds": seconds}
    sigs = load_signatures(run, args.n)
    roots, stats = verify_and_cluster(sigs, pairs)
    del sigs
    report["verify"] = stats
    report["total_seconds"] = time.perf_counter() - start
    report["quality"] = score(corpus, roots)
    report["peak_rss_mib_detection"] = peak_rss_mib()
    report["side_by_side"] = side_by_side(corpus, min(args.datasketch_n, args.n))
    report["peak_rss_mib_end"] = peak_rss_mib()
    text = json.dumps(report, indent=2, default=float)
    (args.work / f"report-{args.n}.json").write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
