"""Real runs of `python -m ingest` in their own process group, killed and starved the way production does,
and the checks every fault test makes afterwards: nothing lost, nothing doubled, nothing left behind."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
from samples import article

ROW_KEY = ["source_path", "source_record", "doc_id", "text"]
PARALLEL_CONFIG = "[run]\nworkers = 2\nparallel_min_files = 1\nbatch_files = 4\n"


def write_config(folder: Path, text: str = PARALLEL_CONFIG) -> Path:
    path = folder / "ingest.toml"
    path.write_text(text, encoding="utf-8")
    return path


def add_articles(raw: Path, start: int, stop: int, version: int = 0) -> None:
    """Files `start..stop` of a corpus of unique articles; `version` > 0 rewrites them (changed files)."""
    for i in range(start, stop):
        path = raw / f"{i // 20:02d}" / f"doc-{i:04d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(article(i + 100_000 * version), encoding="utf-8")


def _interruptible() -> None:
    """In the child before exec: Ctrl-C as a terminal delivers it. A shell that starts a job in the
    background (CI runners do) leaves SIGINT ignored, and Python keeps an inherited SIG_IGN."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start(
    raw: Path,
    out: Path,
    config: Path | None = None,
    env: dict[str, str] | None = None,
    interruptible: bool = False,
):
    """`python -m ingest` in a new session (its pid is its process group id), output captured;
    `interruptible` gives it the default SIGINT disposition whatever the test runner inherited."""
    args = [sys.executable, "-m", "ingest", "--raw", str(raw), "--out", str(out), "--quiet"]
    if config is not None:
        args += ["--config", str(config)]
    full_env = {
        **os.environ,
        "PYTHONHASHSEED": "0",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        **(env or {}),
    }
    return subprocess.Popen(
        args,
        start_new_session=True,
        env=full_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=_interruptible if interruptible else None,
    )


def complete(raw: Path, out: Path, config: Path | None = None, env: dict[str, str] | None = None) -> str:
    """A run that must succeed; its stdout."""
    proc = start(raw, out, config, env)
    stdout, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 0, stderr.decode()
    return stdout.decode()


def group_members(pgid: int) -> list[int]:
    """Live processes (not zombies) whose process group is `pgid`: a run and any worker it left."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        state, pgrp = fields[0], int(fields[2])
        if pgrp == pgid and state != "Z":
            found.append(int(entry))
    return found


def assert_group_gone(pgid: int, within: float = 5.0) -> None:
    """Every process of the killed run's group exits within `within` seconds (workers die with it)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if not group_members(pgid):
            return
        time.sleep(0.05)
    left = group_members(pgid)
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    raise AssertionError(f"processes of the killed run still alive after {within} s: {left}")


def child_pids(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def rows(out: Path, kind: str) -> list[tuple]:
    if not (out / kind).exists():
        return []
    table = pq.read_table(out / kind, columns=ROW_KEY)
    return sorted(zip(*(table.column(c).to_pylist() for c in ROW_KEY), strict=True))


def dataset(out: Path) -> dict[str, list[tuple]]:
    return {kind: rows(out, kind) for kind in ("documents", "rejected")}


def assert_whole(out: Path) -> None:
    """Readable, and no document twice (a doubled row is the symptom of a half-applied commit)."""
    ids = [r[2] for kind in ("documents", "rejected") for r in rows(out, kind)]
    assert len(ids) == len(set(ids)), "a document appears twice"
    keys = [(r[0], r[1]) for kind in ("documents", "rejected") for r in rows(out, kind)]
    assert len(keys) == len(set(keys)), "a source record appears twice"


def assert_settled(out: Path) -> None:
    """After a completed run: no staging or trash left, the manifest, index and dataset agree, and every
    committed run's report is whole beside its summary."""
    leftovers = [p.name for p in out.iterdir() if p.name.startswith((".staging-", ".trash-"))]
    assert not leftovers, leftovers
    runs = out / "_runs"
    assert not [p.name for p in runs.iterdir() if p.suffix not in (".json", ".html")]
    for summary in runs.glob("*.json"):
        report = json.loads(summary.read_text(encoding="utf-8")).get("report")
        if report:
            assert (out / report).read_text(encoding="utf-8").endswith("</html>\n"), report
    manifest = pq.read_table(out / "_state" / "manifest.parquet").to_pylist()
    in_dataset = {r[0] for kind in ("documents", "rejected") for r in rows(out, kind)}
    assert {m["source_path"] for m in manifest} == in_dataset
    kept = {r[2] for r in rows(out, "documents")}
    owners = {m["source_path"]: m["run_id"] for m in manifest}
    for folder in (out / "_index" / "runs").iterdir():
        docs = pq.read_table(folder / "docs.parquet", columns=["doc_id", "source_path"]).to_pylist()
        live = [d["doc_id"] for d in docs if owners.get(d["source_path"]) == folder.name]
        assert set(live) <= kept, "the index names a document that is not in documents/"
