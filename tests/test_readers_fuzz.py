"""Reader fuzzing: bytes -> documents over random, truncated and bit-flipped inputs made from real samples.

Every input, however broken, must give at least one document, raise nothing, and give only documents that
the writer can store: text within `read.max_document_bytes`, every string valid UTF-8 (no lone
surrogate), a known rejection reason, and one row per (file, record). Samples are the files of raw/ (seed
texts, an HTML page, a WARC, a JSON Lines export) and two dev pages, compressed with each codec, packed as
WARC and JSON Lines, then truncated, bit-flipped, spliced.

The example budget is the hypothesis profile's: `ci` runs the default 100 per test, derandomized (the
same inputs every build); `nightly` (tests/conftest.py) runs 20,000 per test with fresh draws:
`HYPOTHESIS_PROFILE=nightly uv run --locked pytest -q tests/test_readers_fuzz.py`. A failure found there
becomes an explicit example in tests/test_readers_hostile.py.
"""

from __future__ import annotations

import bz2
import gzip
import json
import lzma
import os
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path

import zstandard
from conftest import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from warc_util import archive, http_response

from ingest.config import ReadConfig
from ingest.dedup import make_doc_id
from ingest.discover import discover, relative_source
from ingest.readers import read_file
from ingest.readers_decode import decode
from ingest.records import Document

CONFIG = ReadConfig(max_file_bytes=400_000, max_document_bytes=150_000)
"""Small limits, so that bombs and long lines are cheap to meet."""
REASONS = {"corrupt", "empty", "too_large", "unsupported", "undecodable", "unreadable", "outside_raw"}
CODECS: dict[str, Callable[[bytes], bytes]] = {
    "gz": gzip.compress,
    "bz2": bz2.compress,
    "xz": lambda data: lzma.compress(data, preset=1),
    "zst": lambda data: zstandard.ZstdCompressor().compress(data),
}
NAMES = ["a.txt", "a.html", "a.jsonl", "a.json", "a.warc", "a", "a.dat", "a.txt.gz", "a.ndjson"]
FUZZ = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@cache
def samples() -> dict[str, bytes]:
    """Real inputs, uncompressed: the raw/ samples, two dev pages, and containers built from them."""
    raw = ROOT / "raw"
    found = {p.name: p.read_bytes() for p in sorted(raw.iterdir()) if p.is_file()}
    found["sample-crawl.warc"] = gzip.decompress(found.pop("sample-crawl.warc.gz"))
    dev = sorted((Path(__file__).parent / "hostile" / "samples").glob("*.html.gz"))
    pages = [gzip.decompress(p.read_bytes()) for p in dev]
    for i, page in enumerate(pages):
        found[f"dev{i}.html"] = page[:60_000]  # short enough to be read whole under CONFIG
    found["dev.warc"] = archive([(f"http://dev/{i}", http_response(p[:40_000])) for i, p in enumerate(pages)])
    lines = [{"url": f"http://dev/{i}", "html": p.decode()[:30_000]} for i, p in enumerate(pages)]
    found["dev.jsonl"] = "".join(json.dumps(line) + "\n" for line in lines).encode()
    return found


@cache
def packed() -> list[bytes]:
    """Every sample plain and under every codec."""
    return [data for blob in samples().values() for data in (blob, *(c(blob) for c in CODECS.values()))]


def check_documents(docs: list[Document], config: ReadConfig = CONFIG) -> None:
    """What every reader output must satisfy, whatever the input."""
    assert docs, "a file left no trace"
    keys = [(d.source_path, d.source_record) for d in docs]
    assert len(keys) == len(set(keys)), keys
    for doc in docs:
        if doc.rejected:
            assert doc.reason in REASONS, (doc.reason, doc.detail)
            assert doc.html is None and doc.raw_text is None
        else:
            content = doc.html if doc.html is not None else doc.raw_text
            assert content is not None and content.strip()
            assert len(content) <= config.max_document_bytes
        for value in (doc.html, doc.raw_text, doc.url, doc.title, doc.author, doc.detail, doc.encoding):
            if value is not None:
                value.encode("utf-8")  # raises on a lone surrogate: the writer could not store it
        make_doc_id(doc.source_path, doc.source_record, "")


def read_bytes(data: bytes, name: str) -> list[Document]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        return list(read_file(path, name, CONFIG))


@st.composite
def mutated(draw: st.DrawFn, blobs: list[bytes]) -> bytes:
    """A real input with a few edits: bytes flipped, a cut (truncation), bytes inserted, a span repeated."""
    data = bytearray(draw(st.sampled_from(blobs)))
    edits = st.tuples(st.sampled_from(["flip", "cut", "insert", "repeat"]), st.integers(0, 1 << 30))
    for op, where in draw(st.lists(edits, min_size=1, max_size=4)):
        at = where % (len(data) + 1)
        if op == "flip" and data:
            data[at % len(data)] ^= 1 << (where % 8)
        elif op == "cut":
            del data[at:]
        elif op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=32))
        else:
            data[at:at] = data[at : at + draw(st.integers(1, 4096))]
    return bytes(data)


@FUZZ
@given(data=st.binary(max_size=4096), name=st.sampled_from(NAMES))
def test_random_bytes_give_documents(data: bytes, name: str) -> None:
    check_documents(read_bytes(data, name))


@FUZZ
@given(data=st.builds(list).flatmap(lambda _: mutated(packed())), name=st.sampled_from(NAMES))
def test_truncated_and_flipped_samples_under_every_codec(data: bytes, name: str) -> None:
    check_documents(read_bytes(data, name))


@FUZZ
@given(
    data=st.builds(list).flatmap(lambda _: mutated([samples()["sample-crawl.warc"], samples()["dev.warc"]]))
)
def test_broken_warc(data: bytes) -> None:
    check_documents(read_bytes(data, "crawl.warc"))


@FUZZ
@given(
    data=st.builds(list).flatmap(
        lambda _: mutated([samples()["sample-export.jsonl"], samples()["dev.jsonl"]])
    ),
    name=st.sampled_from(["export.jsonl", "export", "export.json"]),
)
def test_broken_json_lines(data: bytes, name: str) -> None:
    check_documents(read_bytes(data, name))


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=6,
)
FIELDS = ["url", "html", "text", "title", "author", "date", "content", "metadata"]


@FUZZ
@given(records=st.lists(st.dictionaries(st.sampled_from(FIELDS), JSON_VALUES, max_size=4), max_size=3))
def test_any_json_records(records: list[dict]) -> None:
    """Records of any shape and value (surrogates included: hypothesis text draws them)."""
    lines = "".join(json.dumps(r) + "\n" for r in records).encode()
    check_documents(read_bytes(lines, "export.jsonl"))
    check_documents(read_bytes(json.dumps(records).encode(), "export.json"))


CHARSETS = [
    "utf-8",
    "latin-1",
    "cp1252",
    "koi8-r",
    "shift_jis",
    "utf-16",
    "base64",
    "hex",
    "rot13",
    "zip",
    "uu",
    "quopri",
    "undefined",
    "unicode_escape",
    "idna",
    "punycode",
    "utf-7",
    "x-nonsense",
    "",
]


@FUZZ
@given(data=st.binary(max_size=2048), hints=st.lists(st.sampled_from(CHARSETS), max_size=2))
def test_decode_any_bytes_under_any_declared_charset(data: bytes, hints: list[str]) -> None:
    from ingest.readers_decode import ReadError

    try:
        text, _ = decode(data, tuple(hints))
    except ReadError:
        return
    text.encode("utf-8")


@FUZZ
@given(names=st.lists(st.binary(min_size=1, max_size=24), min_size=1, max_size=6, unique=True))
def test_any_file_name_gets_a_storable_source_path(names: list[bytes]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for raw_name in names:
            name = raw_name.replace(b"/", b"_").replace(b"\0", b"_").lstrip(b".") or b"x"
            if name in (b".", b".."):
                continue
            (root / os.fsdecode(name)).write_bytes(b"Some words of text.")
        for path in discover(root):
            source = relative_source(path, root)
            docs = list(read_file(path, source, CONFIG))
            check_documents(docs)
            assert docs[0].source_path == source and not docs[0].rejected
