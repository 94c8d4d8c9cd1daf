"""Cross-document boilerplate in a real run: JSON Lines on disk in, Parquet read back."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from pathlib import Path

import pyarrow.parquet as pq

from ingest.clean.corpus import CORPUS_RULE
from ingest.config import IngestConfig, RunConfig
from ingest.dedup.keys import content_hash
from ingest.runner.pipeline import run

SERIAL = IngestConfig(run=RunConfig(workers=1))
SUBJECTS = [
    "The council",
    "The minister",
    "Local farmers",
    "The harbour authority",
    "Rail workers",
    "The museum",
]
VERBS = ["announced", "rejected", "debated", "approved", "postponed", "criticised"]
OBJECTS = [
    "a new budget for the river bridge",
    "the plan to close two schools",
    "a review of water prices",
    "the airport expansion",
    "a strike over pay and hours",
    "an exhibition of local photographs",
]
RECURRING = "Springfield Ledger is an independent newsroom serving the valley since 1921."
QUOTE = '"We will not accept any delay to the repairs," the mayor told reporters on Tuesday.'


def article(seed: int) -> list[str]:
    rng = random.Random(seed)
    return [
        f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} on {day}, "
        f"after {rng.randint(2, 40)} residents wrote to the local paper about it."
        for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
    ]


def feed(raw: Path) -> None:
    records = [
        {"url": f"https://www.ledger.example/news/{i}", "text": "\n\n".join([*article(i), RECURRING])}
        for i in range(6)
    ]
    records += [
        {"url": f"https://outlet{i}.example/story", "text": "\n\n".join([*article(100 + i), QUOTE])}
        for i in range(3)
    ]
    raw.mkdir()
    (raw / "feed.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")


def test_line_recurring_across_one_sources_documents_is_removed(tmp_path: Path) -> None:
    feed(tmp_path / "raw")
    summary = run(tmp_path / "raw", tmp_path / "out", SERIAL)
    docs = pq.read_table(tmp_path / "out" / "documents").to_pylist()
    assert len(docs) == 9
    ledger = [d for d in docs if "ledger.example" in d["url"]]
    assert len(ledger) == 6
    for d in ledger:
        assert RECURRING not in d["text"]
        assert {"text": RECURRING, "rule": CORPUS_RULE} in d["removed"]
        assert d["content_hash"] == content_hash(d["text"])  # derived columns follow the new text
        assert d["n_words"] == len(d["text"].split())
    others = [d for d in docs if "ledger.example" not in d["url"]]
    assert all(QUOTE in d["text"] for d in others)  # one line in several outlets is no one's boilerplate
    assert summary.lines_removed_by_rule[CORPUS_RULE] == 6


def test_turned_off_the_line_stays_and_ids_differ(tmp_path: Path) -> None:
    feed(tmp_path / "raw")
    config = replace(SERIAL, corpus=replace(SERIAL.corpus, enabled=False))
    summary = run(tmp_path / "raw", tmp_path / "off", config)
    run(tmp_path / "raw", tmp_path / "on", SERIAL)
    off = {d["url"]: d for d in pq.read_table(tmp_path / "off" / "documents").to_pylist()}
    on = {d["url"]: d for d in pq.read_table(tmp_path / "on" / "documents").to_pylist()}
    assert CORPUS_RULE not in summary.lines_removed_by_rule
    ledger = [u for u in off if "ledger.example" in u]
    assert all(RECURRING in off[u]["text"] for u in ledger)  # the cleaner alone keeps it
    assert all(off[u]["doc_id"] != on[u]["doc_id"] for u in ledger)
    assert all(off[u]["doc_id"] == on[u]["doc_id"] for u in off if u not in ledger)
