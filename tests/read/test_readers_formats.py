"""Every input format, compression and encoding, as real files on disk, asserting on what comes out."""

from __future__ import annotations

import bz2
import gzip
import json
import lzma
from pathlib import Path

import pytest
import zstandard
from warc_util import archive, http_response, record

from ingest.config import ReadConfig
from ingest.read.files import HTML, TEXT, container_kind, decode, read_file

ARTICLE = "Der Bürgermeister sagte am Freitag, die Straße werde gesperrt. Café « ouvert », naïve façade.\n"
PAGE = (
    "<!DOCTYPE html><html><head><meta charset='{charset}'><title>Straße gesperrt</title></head>"
    "<body><article><h1>Straße gesperrt</h1><p>{body}</p></article></body></html>"
)


def read_all(path: Path, config: ReadConfig | None = None) -> list:
    return list(read_file(path, path.name, config or ReadConfig()))


def read_one(path: Path, config: ReadConfig | None = None):
    docs = read_all(path, config)
    assert len(docs) == 1, [(d.source_record, d.reason, d.detail) for d in docs]
    return docs[0]


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


COMPRESSORS = {
    "gz": gzip.compress,
    "bz2": bz2.compress,
    "xz": lzma.compress,
    "zst": lambda data: zstandard.ZstdCompressor().compress(data),
}


# --- compression -------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(COMPRESSORS))
@pytest.mark.parametrize("name", ["article.txt.{kind}", "article.dat"])
def test_every_compression_by_magic_bytes(tmp_path: Path, kind: str, name: str) -> None:
    doc = read_one(write(tmp_path, name.format(kind=kind), COMPRESSORS[kind](ARTICLE.encode())))
    assert not doc.rejected
    assert (doc.content_type, doc.raw_text) == (TEXT, ARTICLE)


@pytest.mark.parametrize("kind", sorted(COMPRESSORS))
def test_truncated_compression_is_corrupt(tmp_path: Path, kind: str) -> None:
    data = COMPRESSORS[kind]((ARTICLE * 500).encode())
    doc = read_one(write(tmp_path, f"a.txt.{kind}", data[: len(data) // 2]))
    assert doc.reason == "corrupt"
    assert "truncated" in doc.detail or kind in doc.detail


@pytest.mark.parametrize("kind", sorted(COMPRESSORS))
def test_compressed_jsonl(tmp_path: Path, kind: str) -> None:
    lines = b"".join(json.dumps({"text": f"Record {i}. " + ARTICLE}).encode() + b"\n" for i in range(3))
    docs = read_all(write(tmp_path, f"export.jsonl.{kind}", COMPRESSORS[kind](lines)))
    assert [d.raw_text.split(".")[0] for d in docs] == ["Record 0", "Record 1", "Record 2"]


# --- encodings -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1252"])
def test_html_in_many_encodings(tmp_path: Path, encoding: str) -> None:
    body = ARTICLE.strip() + " Preis: 5 €, “Zitat”."
    label = {"utf-8-sig": "utf-8", "utf-16-le": "utf-16", "utf-16-be": "utf-16"}.get(encoding, encoding)
    data = PAGE.format(charset=label, body=body).encode(encoding)
    doc = read_one(write(tmp_path, "page.html", data))
    assert not doc.rejected, doc.detail
    assert doc.content_type == HTML
    assert body in doc.html


def test_latin1_declared_in_meta_is_read_as_cp1252(tmp_path: Path) -> None:
    body = "Les élèves ont visité le musée. Coût : 12 € — « très » bien."
    data = PAGE.format(charset="iso-8859-1", body=body).encode("cp1252")
    doc = read_one(write(tmp_path, "page.html", data))
    assert body in doc.html
    assert doc.encoding == "cp1252"


def test_meta_charset_decides_between_single_byte_encodings(tmp_path: Path) -> None:
    body = "Москва — столица России. Жители города говорят по-русски каждый день."
    data = f"<html><head><meta charset='windows-1251'></head><body><p>{body}</p></body></html>".encode(
        "cp1251"
    )
    doc = read_one(write(tmp_path, "page.html", data))
    assert body in doc.html
    assert doc.encoding == "cp1251"


def test_wrong_declared_charset_utf8_bytes_labelled_latin1(tmp_path: Path) -> None:
    body = "Zoë’s café served crème brûlée — naïve “quotes” and 日本語 too."
    data = PAGE.format(charset="iso-8859-1", body=body).encode("utf-8")
    doc = read_one(write(tmp_path, "page.html", data))
    assert body in doc.html  # valid UTF-8 wins over the label
    assert doc.encoding == "utf-8"


def test_wrong_declared_charset_cp1252_bytes_labelled_utf8(tmp_path: Path) -> None:
    body = "Les élèves ont visité le musée à Orléans. Coût : 12 € — « très » bien, déjà vu."
    data = f"<html><head><meta charset='utf-8'></head><body><p>{body * 5}</p></body></html>".encode("cp1252")
    doc = read_one(write(tmp_path, "page.html", data))
    assert body in doc.html
    assert doc.encoding in {"cp1252", "windows-1252", "iso8859_15", "latin_1"}


def test_http_charset_hint_in_warc_is_used(tmp_path: Path) -> None:
    body = "Москва, столица России. Жители города говорят по-русски каждый день."
    page = f"<html><body><p>{body}</p></body></html>".encode("koi8-r")
    http = http_response(page, "text/html; charset=koi8-r")
    (doc,) = [d for d in read_all(write(tmp_path, "a.warc", archive([("https://r.example/", http)])))]
    assert body in doc.html
    assert doc.encoding == "koi8-r"


def test_decode_utf16_without_bom() -> None:
    assert decode(ARTICLE.encode("utf-16-le")) == (ARTICLE, "utf-16-le")


def test_mojibake_survives_reading_and_is_fixed_by_normalize(tmp_path: Path) -> None:
    from ingest.clean.normalize import normalize_text

    mojibake = "The café’s owner was naïve.".encode().decode("cp1252")  # 'cafÃ©â€™s'
    doc = read_one(write(tmp_path, "a.txt", mojibake.encode("utf-8")))
    assert doc.raw_text == mojibake
    assert normalize_text(doc.raw_text) == "The café’s owner was naïve."


# --- unsupported ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "detected"),
    [
        (b"%PDF-1.7\n", "application/pdf"),
        (b"\x89PNG\r\n\x1a\n" + bytes(64), "image/png"),
        (b"\xff\xd8\xff\xe0" + bytes(64), "image/jpeg"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 " + bytes(64), "image/webp"),
        (b"PK\x03\x04\x14\x00\x06\x00" + b"[Content_Types].xml" + bytes(64), "application/zip"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64), "application/x-ole-storage"),
        (b"MZ\x90\x00\x03" + bytes(64), "application/x-dosexec"),
        (b"\x7fELF\x02\x01\x01" + bytes(64), "application/x-executable"),
    ],
)
def test_unsupported_types_are_rejected_with_detected_type(
    tmp_path: Path, data: bytes, detected: str
) -> None:
    for name, content in (("file.txt", data), ("file.bin.gz", gzip.compress(data))):
        doc = read_one(write(tmp_path, name, content))
        assert doc.reason == "unsupported"
        assert detected in doc.detail


# --- JSON ---


def test_jsonl_scrapy_style_with_a_malformed_line(tmp_path: Path) -> None:
    lines = [
        json.dumps(
            {"url": "https://n.example/a", "title": "A", "date": "2024-05-06T07:00:00", "text": ARTICLE}
        ),
        '{"url": "https://n.example/b", "text": "broken',
        "",
        json.dumps({"url": "https://n.example/c", "html": PAGE.format(charset="utf-8", body=ARTICLE)}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"url": "https://n.example/e", "image": "x.png"}),
    ]
    docs = read_all(write(tmp_path, "feed.jl", "\n".join(lines).encode()))
    summary = [(d.source_record, d.reason) for d in docs]
    assert summary == [(0, None), (1, "corrupt"), (3, None), (4, "corrupt"), (5, "empty")]
    first, _, page, *_ = docs
    assert (first.url, first.title, first.published, first.raw_text) == (
        "https://n.example/a",
        "A",
        "2024-05-06",
        ARTICLE,
    )
    assert page.content_type == HTML
    assert ARTICLE.strip() in page.html
    assert "line 2" in docs[1].detail


def test_json_array_news_please_style(tmp_path: Path) -> None:
    records = [
        {
            "url": "https://n.example/1",
            "title": "One",
            "maintext": ARTICLE,
            "date_publish": "2023-01-02 10:00:00",
            "authors": ["Ann Lee", "Bo Chan"],
        },
        {"url": "https://n.example/2", "title": "Two", "maintext": "Second story text."},
    ]
    docs = read_all(write(tmp_path, "export.json", json.dumps(records, indent=2).encode()))
    assert [(d.source_record, d.title, d.raw_text) for d in docs] == [
        (0, "One", ARTICLE),
        (1, "Two", "Second story text."),
    ]
    assert (docs[0].author, docs[0].published) == ("Ann Lee, Bo Chan", "2023-01-02")


def test_json_field_mapping_is_configurable(tmp_path: Path) -> None:
    line = json.dumps({"page": {"address": "https://x.example"}, "payload": ARTICLE, "text": "not this"})
    config = ReadConfig(json_text_fields=("payload",), json_url_fields=("page.address",))
    (doc,) = read_all(write(tmp_path, "x.jsonl", line.encode()), config)
    assert (doc.url, doc.raw_text) == ("https://x.example", ARTICLE)


def test_container_kind_sniffing() -> None:
    assert container_kind(b'{"a": 1}\n{"a": 2}\n', "x.txt") == "jsonl"
    assert container_kind(b'[{"a": 1}]', "x.dat") == "json"
    assert container_kind(b'{\n  "a": 1\n}\n', "x.json") == "json"
    assert container_kind(b"[Reuters] Stocks fell on Monday.", "x.txt") is None
    assert container_kind(b"WARC/1.1\r\n", "x") == "warc"


# --- WARC ---


def _page(n: int, pad: int = 0) -> bytes:
    return PAGE.format(charset="utf-8", body=f"Story number {n}. " + ARTICLE + "x" * pad).encode()


@pytest.mark.parametrize("gz", [False, True])
def test_warc_responses_become_documents(tmp_path: Path, gz: bool) -> None:
    pages = [
        ("https://w.example/1", http_response(_page(1))),
        ("https://w.example/logo.png", http_response(b"\x89PNG\r\n\x1a\n", "image/png")),
        ("https://w.example/moved", http_response(b"", "text/html", "301 Moved Permanently")),
        ("https://w.example/2", http_response(_page(2))),
    ]
    docs = read_all(write(tmp_path, "crawl.warc.gz" if gz else "crawl.warc", archive(pages, gz=gz)))
    assert [(d.source_record, d.reason) for d in docs] == [
        (2, None),
        (4, "unsupported"),
        (6, "unsupported"),
        (8, None),
    ]
    first = docs[0]
    assert first.url == "https://w.example/1"
    assert first.fetched_at.isoformat() == "2025-03-04T05:06:07+00:00"
    assert "Story number 1." in first.html
    assert "image/png" in docs[1].detail
    assert "301" in docs[2].detail


def test_truncated_warc_keeps_the_records_before_the_cut(tmp_path: Path) -> None:
    pages = [(f"https://w.example/{i}", http_response(_page(i, pad=30_000))) for i in range(4)]
    data = archive(pages)
    docs = read_all(write(tmp_path, "cut.warc", data[: len(data) - 20_000]))
    assert [d.reason for d in docs[:3]] == [None, None, None]
    assert docs[-1].reason == "corrupt"
    assert "truncated" in docs[-1].detail
    gz = archive(pages, gz=True)
    docs = read_all(write(tmp_path, "cut.warc.gz", gz[: len(gz) - 200]))
    assert len(docs) >= 3
    assert all(d.reason is None for d in docs[:-1])
    assert (docs[-1].reason, docs[-1].detail) == ("corrupt", "gzip stream is truncated")


def test_warc_payload_over_the_size_limit(tmp_path: Path) -> None:
    pages = [
        ("https://w.example/big", http_response(_page(1, pad=5000))),
        ("https://w.example/2", http_response(_page(2))),
    ]
    docs = read_all(write(tmp_path, "a.warc", archive(pages)), ReadConfig(max_document_bytes=2000))
    assert [d.reason for d in docs] == ["too_large", None]


def test_warc_gzip_content_encoding(tmp_path: Path) -> None:
    body = gzip.compress(_page(7))
    http = (
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\n"
        + f"Content-Length: {len(body)}\r\n\r\n".encode()
        + body
    )
    (doc,) = read_all(write(tmp_path, "a.warc", archive([("https://w.example/7", http)])))
    assert "Story number 7." in doc.html


def test_warc_is_not_confused_by_other_record_types(tmp_path: Path) -> None:
    extra = [record("metadata", "https://w.example/1", b"fetchTimeMs: 12\r\n", n=99)]
    docs = read_all(
        write(tmp_path, "a.warc", archive([("https://w.example/1", http_response(_page(1)))], extra=extra))
    )
    assert [(d.source_record, d.reason) for d in docs] == [(2, None)]


# --- limits ------------------------------------------------------------------------------------------------


def test_single_document_over_max_document_bytes(tmp_path: Path) -> None:
    doc = read_one(write(tmp_path, "big.html", _page(1, pad=5000)), ReadConfig(max_document_bytes=1000))
    assert doc.reason == "too_large"
    assert "max_document_bytes" in doc.detail


def test_jsonl_record_over_max_document_bytes(tmp_path: Path) -> None:
    lines = json.dumps({"text": "y" * 5000}) + "\n" + json.dumps({"text": ARTICLE}) + "\n"
    docs = read_all(write(tmp_path, "a.jsonl", lines.encode()), ReadConfig(max_document_bytes=1000))
    assert [d.reason for d in docs] == ["too_large", None]
