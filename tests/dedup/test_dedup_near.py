"""Near-duplicate detection, canonical copies and the cross-run index, on real Parquet output."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.config import DedupConfig, IngestConfig, RunConfig
from ingest.dedup.columns import PriorDocs, RunDocs
from ingest.dedup.decide import decide
from ingest.dedup.keys import assign_ids, minhash_step
from ingest.dedup.minhash import MinHasher, band_keys, similarity
from ingest.dedup.pairs import bucket_pairs
from ingest.dedup.stage import dedup_spilled
from ingest.document import Document
from ingest.runner.pipeline import run
from ingest.store import commit as commit_module
from ingest.store.commit import apply, carry_over, recover, seal
from ingest.store.write import prepare_staging, spill_documents, spill_parts

VOCABULARY = """
minister council river budget harbour vote court police storm school hospital market energy price farmers
workers union strike bridge railway airport museum festival mayor city province report data survey election
party leader border trade export import bank loan rate growth company profit shares investors factory plant
water drought flood fire rescue team season match coach player goal league
"""
WORDS = VOCABULARY.split()


def article(seed: int, sentences: int = 12) -> list[str]:
    rng = random.Random(seed)
    return [
        " ".join(rng.choice(WORDS) for _ in range(rng.randint(12, 20))).capitalize() + "."
        for _ in range(sentences)
    ]


def doc(path: str, paragraphs: list[str], published: str | None = None) -> Document:
    d = Document(source_path=path, text="\n".join(paragraphs), published=published)
    d.n_words = len(d.text.split())
    return assign_ids(minhash_step(d, DedupConfig()))


def write_run(out: Path, docs: list[Document], when: datetime | None = None) -> dict:
    """One committed run, as commit_run makes it: the sources of `docs` are (re)processed files, so
    rows an earlier run wrote for them are superseded."""
    when = when or datetime(2026, 1, 1, tzinfo=UTC)
    run_id = when.strftime("%Y%m%dT%H%M%S%fZ")
    config = IngestConfig(run=RunConfig(workers=1))
    superseded = frozenset(d.source_path for d in docs)
    staging = prepare_staging(out, run_id)
    spill_documents(docs, staging, when)
    parts = spill_parts(staging)
    written, reasons, stats = dedup_spilled(parts, out, staging, run_id, when, config, superseded)
    carry_over(out, staging, set(superseded), None, run_id)
    seal(staging, run_id, {"run_id": run_id}, [])
    apply(staging, out)
    return {"kept": written.kept, "rejected": written.rejected, "reasons": dict(reasons), **stats}


def rows(out: Path, kind: str) -> dict[str, dict]:
    return {r["source_path"]: r for r in pq.read_table(out / kind).to_pylist()}


def test_whitespace_and_quote_variants_are_exact_duplicates(tmp_path: Path) -> None:
    body = article(1)
    body[0] = '"' + body[0] + '"'
    variant = [p.replace(" ", "  ") for p in body]
    variant[0] = "“" + variant[0][1:-1] + "”"
    write_run(tmp_path, [doc("a.txt", body), doc("b.txt", [" \r\n".join(variant)]), doc("c.txt", article(2))])
    kept, rejected = rows(tmp_path, "documents"), rows(tmp_path, "rejected")
    assert sorted(kept) == ["a.txt", "c.txt"]
    assert rejected["b.txt"]["reason"] == "exact_duplicate"
    assert rejected["b.txt"]["duplicate_of"] == kept["a.txt"]["doc_id"]
    assert rejected["b.txt"]["similarity"] == 1.0
    assert kept["a.txt"]["duplicates_in_run"] == 1 and kept["c.txt"]["duplicates_in_run"] == 0


def test_syndicated_copy_with_chrome_and_credit_line_is_a_near_duplicate(tmp_path: Path) -> None:
    body = article(3)
    copy = [
        "Home | World | Business",
        *body[:-1],
        body[-1].replace("storm", "gale"),
        "Reporting by Jane Doe.",
    ]
    copy.pop(5)  # a paragraph dropped
    write_run(tmp_path, [doc("orig.txt", body, "2026-01-02"), doc("syndicated.txt", copy, "2026-01-03")])
    kept, rejected = rows(tmp_path, "documents"), rows(tmp_path, "rejected")
    assert list(kept) == ["orig.txt"]
    dup = rejected["syndicated.txt"]
    assert dup["reason"] == "near_duplicate"
    assert dup["duplicate_of"] == kept["orig.txt"]["doc_id"]
    assert 0.5 <= dup["similarity"] < 1.0
    assert dup["text"] == "\n".join(copy)  # the duplicate keeps its cleaned text
    assert kept["orig.txt"]["duplicates_in_run"] == 1


def test_different_articles_about_the_same_story_are_kept(tmp_path: Path) -> None:
    shared = article(4, 3)  # the same quotes and wire facts
    a = [shared[0], *article(5, 9), shared[1]]
    b = [shared[1], *article(6, 9), shared[0], shared[2]]
    summary = write_run(tmp_path, [doc("outlet1.txt", a), doc("outlet2.txt", b)])
    assert summary["rejected"] == 0


def test_copy_inside_much_more_page_text_is_caught_by_containment(tmp_path: Path) -> None:
    body = article(11)
    chrome = [p for seed in (12, 13) for p in article(seed)]  # twice the article's length of other text
    copy = [*body[:-1], body[-1].replace("storm", "gale"), *chrome]
    write_run(tmp_path, [doc("orig.txt", body, "2026-01-02"), doc("in-chrome.txt", copy, "2026-01-03")])
    kept, rejected = rows(tmp_path, "documents"), rows(tmp_path, "rejected")
    assert list(kept) == ["orig.txt"]
    dup = rejected["in-chrome.txt"]
    assert dup["reason"] == "near_duplicate"
    assert dup["similarity"] < 0.5  # linked by containment, not by Jaccard
    assert "containment of the shorter text" in dup["detail"]


def test_containment_links_only_unequal_sizes_and_can_be_turned_off() -> None:
    rng = np.random.default_rng(7)
    a = rng.integers(0, 2**32, 144, dtype=np.uint32)
    b = a.copy()
    b[48:] = rng.integers(0, 2**32, 96, dtype=np.uint32)  # estimated Jaccard 1/3

    def docs_of(chars_b: int) -> RunDocs:
        return RunDocs(
            doc_id=["A", "B"],
            content_hash=["h1", "h2"],
            eligible=np.array([True, True]),
            published=[None, None],
            n_chars=np.array([1000, chars_b]),
            source_path=["a", "b"],
            source_record=[0, 0],
            signatures=np.stack([a, b]),
        )

    # B three times A's size: containment of A in B = (1/3)(1 + 3) / (4/3) = 1.0
    assert decide(docs_of(3000), PriorDocs(), 0.5, 48, 200).reason == ["near_duplicate", None]
    # equal sizes: containment (1/3)(2) / (4/3) = 0.5, two texts sharing a third of their shingles
    assert decide(docs_of(1000), PriorDocs(), 0.5, 48, 200).reason == [None, None]
    off = decide(docs_of(3000), PriorDocs(), 0.5, 48, 200, containment=1.1)
    assert off.reason == [None, None]


def test_canonical_is_earliest_published_then_longest_then_path(tmp_path: Path) -> None:
    body = article(7)
    longer = [*body, "One more closing sentence about the harbour and the bridge vote."]
    docs = [
        doc("a.txt", body, "2026-03-05"),
        doc("b.txt", longer, None),
        doc("c.txt", body[:-1] + longer[-1:], "2026-03-01"),  # earliest published wins
        doc("d.txt", longer, "2026-03-05"),
    ]
    write_run(tmp_path, docs)
    kept = rows(tmp_path, "documents")
    assert list(kept) == ["c.txt"]
    rejected = rows(tmp_path, "rejected")
    assert {r["duplicate_of"] for r in rejected.values()} == {kept["c.txt"]["doc_id"]}
    assert {r["reason"] for r in rejected.values()} == {"near_duplicate"}  # none has c's exact text
    # without dates, the longest text wins, then the smallest path
    out2 = tmp_path / "second"
    write_run(out2, [doc("x.txt", body), doc("w.txt", longer), doc("v.txt", longer)])
    assert list(rows(out2, "documents")) == ["v.txt"]


def _sig(values: list[int]) -> np.ndarray:
    return np.array(values, dtype=np.uint32)


def test_union_find_links_a_chain_transitively() -> None:
    base = np.arange(128, dtype=np.uint32)
    b = base.copy()
    b[:40] += 1000  # a~b: 0.69
    c = b.copy()
    c[40:80] += 1000  # b~c: 0.69, a~c: 0.375 (below the threshold)
    sigs = np.stack([base, b, c])
    docs = RunDocs(
        doc_id=["A", "B", "C"],
        content_hash=["h1", "h2", "h3"],
        eligible=np.array([True, True, True]),
        published=["2026-01-01", "2026-01-02", "2026-01-03"],
        n_chars=np.array([10, 10, 10]),
        source_path=["a", "b", "c"],
        source_record=[0, 0, 0],
        signatures=sigs,
    )
    assert similarity(base, c) < 0.5
    d = decide(docs, PriorDocs(), threshold=0.5, bands=64, max_bucket=100)
    assert d.reason == [None, "near_duplicate", "near_duplicate"]
    assert d.duplicate_of == [None, "A", "A"]
    assert d.similarity[2] == pytest.approx(0.375)
    assert d.duplicates_in_run.tolist() == [2, 0, 0]
    assert d.method == [None, "jaccard", "transitive"]  # C is linked to A only through B


def test_duplicate_method_says_which_rule_links_a_copy_to_the_kept_one() -> None:
    base = np.arange(128, dtype=np.uint32)
    near = base.copy()
    near[:40] += 1000  # J = 0.69 >= threshold
    inside = base.copy()
    inside[48:128] += 1000  # J = 0.375 < threshold, but a short text inside a long one
    docs = RunDocs(
        doc_id=["A", "B", "C", "D"],
        content_hash=["h1", "h1", "h2", "h3"],
        eligible=np.array([True, True, True, True]),
        published=["2026-01-01", "2026-01-02", "2026-01-03", "2026-01-04"],
        n_chars=np.array([1000, 1000, 1000, 100]),
        source_path=["a", "b", "c", "d"],
        source_record=[0, 0, 0, 0],
        signatures=np.stack([base, base, near, inside]),
    )
    d = decide(docs, PriorDocs(), threshold=0.5, bands=64, max_bucket=100, containment=0.8)
    assert d.duplicate_of == [None, "A", "A", "A"]
    assert d.method == [None, "exact", "jaccard", "containment"]
    assert d.reason == [None, "exact_duplicate", "near_duplicate", "near_duplicate"]


def test_copy_of_a_document_from_an_earlier_run_is_caught(tmp_path: Path) -> None:
    body = article(8)
    first = write_run(tmp_path, [doc("day1/story.txt", body, "2026-01-01")])
    assert first["kept"] == 1
    original_id = rows(tmp_path, "documents")["day1/story.txt"]["doc_id"]
    later = datetime(2026, 1, 2, tzinfo=UTC)
    copy = ["Subscribe to our newsletter", *body[1:], "This story first appeared on Example News."]
    second = write_run(
        tmp_path, [doc("day2/copy.txt", copy, "2025-12-31"), doc("day2/new.txt", article(9))], later
    )
    rejected = rows(tmp_path, "rejected")
    assert rejected["day2/copy.txt"]["reason"] == "near_duplicate"
    assert rejected["day2/copy.txt"]["duplicate_of"] == original_id  # kept earlier: never taken back
    assert "earlier run" in rejected["day2/copy.txt"]["detail"]
    assert second["duplicates_of_earlier_runs"] == 1
    assert list(rows(tmp_path, "documents")) == ["day1/story.txt", "day2/new.txt"]  # runs append
    # per run: the first run's row is not rewritten; every copy is counted over rejected/
    assert rows(tmp_path, "documents")["day1/story.txt"]["duplicates_in_run"] == 0
    copies = [r for r in rows(tmp_path, "rejected").values() if r["duplicate_of"] == original_id]
    assert len(copies) == 1 and copies[0]["run_id"] != rows(tmp_path, "documents")["day1/story.txt"]["run_id"]
    assert len(list((tmp_path / "_index" / "runs").iterdir())) == 2


def test_rerun_of_the_same_input_is_not_a_duplicate_of_itself(tmp_path: Path) -> None:
    docs1 = [doc("a.txt", article(10)), doc("b.txt", article(10)), doc("c.txt", article(11))]
    write_run(tmp_path, docs1)
    before = pq.read_table(tmp_path / "documents").to_pylist()
    rejected_before = pq.read_table(tmp_path / "rejected").to_pylist()
    docs2 = [doc("a.txt", article(10)), doc("b.txt", article(10)), doc("c.txt", article(11))]
    later = datetime(2026, 2, 1, tzinfo=UTC)
    write_run(tmp_path, docs2, later)
    after = pq.read_table(tmp_path / "documents").to_pylist()
    assert [r["doc_id"] for r in after] == [r["doc_id"] for r in before]
    assert [r["duplicates_in_run"] for r in after] == [1, 0]
    assert [r["duplicate_of"] for r in pq.read_table(tmp_path / "rejected").to_pylist()] == [
        r["duplicate_of"] for r in rejected_before
    ]
    # the second run indexed nothing new
    assert len(list((tmp_path / "_index" / "runs").iterdir())) == 1


def test_changed_text_of_the_same_source_is_not_a_duplicate_of_its_old_version(tmp_path: Path) -> None:
    body = article(12)
    write_run(tmp_path, [doc("a.txt", body)])
    write_run(tmp_path, [doc("a.txt", body[:-1])], datetime(2026, 2, 1, tzinfo=UTC))
    assert list(rows(tmp_path, "documents")) == ["a.txt"]


def test_index_is_not_committed_when_the_dataset_swap_fails(tmp_path: Path, monkeypatch) -> None:
    def broken(*args, **kwargs):
        raise OSError("disk gone")

    with monkeypatch.context() as patch:
        patch.setattr(commit_module, "symlink_atomic", broken)
        with pytest.raises(OSError):
            write_run(tmp_path, [doc("a.txt", article(13))])
    assert not (tmp_path / "_index" / "runs").exists() or not any((tmp_path / "_index" / "runs").iterdir())
    assert not (tmp_path / "documents").exists()
    # the run was sealed, so the next run's recovery finishes it: documents first, then the index
    assert len(recover(tmp_path)) == 1
    assert list(rows(tmp_path, "documents")) == ["a.txt"]
    assert len(list((tmp_path / "_index" / "runs").iterdir())) == 1
    assert not list(tmp_path.glob(".staging-*"))


def test_five_seeds_are_not_duplicates_and_rerun_keeps_them(seeds_raw: Path, tmp_path: Path) -> None:
    config = IngestConfig(run=RunConfig(workers=1))
    summary = run(seeds_raw, tmp_path / "out", config)
    assert summary.documents_kept == 5
    assert summary.rejected_by_reason == {}
    assert not run(seeds_raw, tmp_path / "out", config).committed  # nothing new: nothing rewritten
    kept = pq.read_table(tmp_path / "out" / "documents")
    assert kept.column("duplicates_in_run").to_pylist() == [0] * 5


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=60), st.sampled_from(["  ", "\n", " , ", " — "]))
def test_signature_ignores_case_punctuation_and_spacing(words: list[str], sep: str) -> None:
    hasher = MinHasher(64, 3)
    plain = hasher.signature(" ".join(words))
    assert (hasher.signature(sep.join(w.upper() for w in words) + ".") == plain).all()


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 5), min_size=0, max_size=30))
def test_bucket_pairs_equal_brute_force(keys: list[int]) -> None:
    ids = np.arange(len(keys), dtype=np.int64)
    found = {tuple(p) for p in bucket_pairs(np.array(keys, dtype=np.uint64), ids, max_bucket=100).tolist()}
    expected = {(i, j) for i in range(len(keys)) for j in range(i + 1, len(keys)) if keys[i] == keys[j]}
    assert found == expected


def test_band_keys_match_for_equal_bands_only() -> None:
    a = np.arange(128, dtype=np.uint32)
    b = a.copy()
    b[0] += 1
    ka, kb = band_keys(np.stack([a, b]), 32)
    assert ka[0] != kb[0] and (ka[1:] == kb[1:]).all()
    assert len(set(ka.tolist())) == 32  # the band number is part of the key


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 4), st.integers(0, 60), st.sampled_from([None, "2026-01-01", "2026-01-02"])),
        min_size=1,
        max_size=25,
    )
)
def test_decisions_are_consistent(members: list[tuple[int, int, str | None]]) -> None:
    """A rejected document points to a kept one of its own cluster; counts add up; decisions are stable."""
    rng = np.random.default_rng(0)
    bases = rng.integers(0, 2**32, size=(5, 144), dtype=np.uint32)
    sigs = np.stack(
        [np.where(np.arange(144) < edit, rng.integers(0, 2**32, 144), bases[b]) for b, edit, _ in members]
    )
    sigs = sigs.astype(np.uint32)
    n = len(members)
    docs = RunDocs(
        doc_id=[f"id{i}" for i in range(n)],
        content_hash=[f"h{b}-{e}" for b, e, _ in members],
        eligible=np.ones(n, dtype=bool),
        published=[p for _, _, p in members],
        n_chars=np.full(n, 100),
        source_path=[f"{i:03d}.txt" for i in range(n)],
        source_record=[0] * n,
        signatures=sigs,
    )
    d = decide(docs, PriorDocs(), threshold=0.5, bands=48, max_bucket=200)
    kept = {docs.doc_id[i] for i in range(n) if d.reason[i] is None}
    for i in range(n):
        if d.reason[i] is None:
            assert d.duplicate_of[i] is None
        else:
            assert d.duplicate_of[i] in kept
            j = docs.doc_id.index(d.duplicate_of[i])
            assert members[j][0] == members[i][0]  # only copies of one base article are linked
            assert (d.reason[i] == "exact_duplicate") == (docs.content_hash[i] == docs.content_hash[j])
    assert int(d.duplicates_in_run.sum()) == d.rejected
    again = decide(docs, PriorDocs(), threshold=0.5, bands=48, max_bucket=200)
    assert again.reason == d.reason and again.duplicate_of == d.duplicate_of
