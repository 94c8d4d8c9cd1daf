"""Hostile and malformed inputs, one explicit example each: what crashed a run, lost or corrupted data, or
was found by the reader fuzzing (tests/test_readers_fuzz.py) becomes a case here."""

from __future__ import annotations

import codecs
import gzip
import io
import json
import tracemalloc
import zlib
from pathlib import Path

import pytest
import zstandard
from hostile.hostile_files import flipped_gzip, zstd_rle_frame
from warc_util import archive, http_response, record

from ingest.compression import open_stream
from ingest.config import ReadConfig
from ingest.readers import container_kind, read_file
from ingest.readers_decode import decode, scrub_surrogates

TEXT = "Le conseil municipal a voté le budget après un long débat sur les écoles et les routes. "


def read_all(path: Path, config: ReadConfig | None = None) -> list:
    return list(read_file(path, path.name, config or ReadConfig()))


def outcomes(docs: list) -> list[tuple[int, str]]:
    return [(d.source_record, d.reason or "kept") for d in docs]


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def page(words: str) -> bytes:
    return f"<html><body><article><p>{words}</p></article></body></html>".encode()


# --- compressed streams ----------------------------------------------------------------------------------


def test_zstd_warc_is_read_record_by_record(tmp_path: Path) -> None:
    data = archive(
        [("http://a/", http_response(page("first"))), ("http://b/", http_response(page("second")))]
    )
    docs = read_all(write(tmp_path, "c.warc.zst", zstandard.ZstdCompressor().compress(data)))
    assert outcomes(docs) == [(2, "kept"), (4, "kept")]
    assert [d.url for d in docs] == ["http://a/", "http://b/"]


def test_zstd_bomb_in_huge_frames_is_read_in_bounded_memory(tmp_path: Path) -> None:
    path = write(tmp_path, "bomb.txt.zst", zstd_rle_frame(8192) * 4)  # 131 KB -> 4 GiB
    tracemalloc.start()
    try:
        docs = read_all(path)
        stream, _ = open_stream(path)
        with stream:
            for _ in range(64):  # 64 reads of 1 MiB: each is served from at most 32 MiB of decoded data
                assert len(stream.read(1 << 20)) == 1 << 20
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert outcomes(docs) == [(0, "too_large")]
    assert peak < 100 << 20


def test_zstd_stream_seeks_forward_only(tmp_path: Path) -> None:
    path = write(tmp_path, "a.zst", zstandard.ZstdCompressor().compress(bytes(range(256)) * 100))
    stream, _ = open_stream(path)
    with stream:
        assert stream.seek(1000) == 1000 and stream.read(2) == bytes([1000 % 256, 1001 % 256])
        assert stream.tell() == 1002
        with pytest.raises(OSError):
            stream.seek(10)


def test_gzip_with_a_flipped_deflate_byte_is_corrupt(tmp_path: Path) -> None:
    trial = flipped_gzip((TEXT * 300).encode())
    with pytest.raises(zlib.error), gzip.GzipFile(fileobj=io.BytesIO(trial)) as stream:
        stream.read()  # the error that used to escape the readers and crash the run
    docs = read_all(write(tmp_path, "a.txt.gz", trial))
    assert outcomes(docs) == [(0, "corrupt")]
    assert "zlib" in docs[0].detail or "error" in docs[0].detail


# --- JSON ------------------------------------------------------------------------------------------------


def test_lone_surrogates_become_replacement_characters(tmp_path: Path) -> None:
    lines = [
        '{"url": "http://x/\\ud800", "text": "hello there"}',
        '{"text": "before \\udc80 after"}',
        '{"html": "<html><body><p>opening \\ud83d then the rest of the paragraph</p></body></html>"}',
    ]
    docs = read_all(write(tmp_path, "s.jsonl", "\n".join(lines)))
    assert outcomes(docs) == [(0, "kept"), (1, "kept"), (2, "kept")]
    assert docs[0].url == "http://x/\ufffd"
    assert docs[1].raw_text == "before \ufffd after"
    assert "\ufffd then the rest of the paragraph" in docs[2].html
    assert scrub_surrogates("a\udfffb\U0001f600") == "a\ufffdb\U0001f600"


@pytest.mark.parametrize("deep", ["[" * 5000 + "]" * 5000, '{"a":' * 5000 + "1" + "}" * 5000])
def test_deep_json_nesting_is_a_corrupt_record(tmp_path: Path, deep: str) -> None:
    good = json.dumps({"text": TEXT})
    docs = read_all(write(tmp_path, "d.jsonl", '{"text": "x", "d": ' + deep + "}\n" + good + "\n"))
    assert outcomes(docs) == [(0, "corrupt"), (1, "kept")]
    assert "recursion" in docs[0].detail
    docs = read_all(write(tmp_path, "d.json", "[" + good + ", " + deep + "]"))
    assert outcomes(docs) == [(0, "corrupt")]


def test_over_long_integer_is_a_corrupt_record_not_a_broken_file(tmp_path: Path) -> None:
    data = '{"text": "x", "n": ' + "9" * 5000 + "}\n" + json.dumps({"text": TEXT}) + "\n"
    assert outcomes(read_all(write(tmp_path, "n.jsonl", data))) == [(0, "corrupt"), (1, "kept")]


@pytest.mark.parametrize("name", ["export.jsonl", "export"])
def test_json_lines_with_a_first_line_over_64_kib(tmp_path: Path, name: str) -> None:
    first = {
        "url": "http://a/",
        "html": "<html><body>" + "<p>A long page paragraph.</p>" * 4000 + "</body></html>",
    }
    second = {"url": "http://b/", "text": TEXT}
    data = json.dumps(first) + "\n" + json.dumps(second) + "\n"
    assert len(data.split("\n")[0]) > 1 << 16
    assert container_kind(data.encode()[: 1 << 16], name) != "jsonl"  # the head alone cannot tell
    docs = read_all(write(tmp_path, name, data))
    assert outcomes(docs) == [(0, "kept"), (1, "kept")]
    assert [d.url for d in docs] == ["http://a/", "http://b/"]


def test_json_lines_first_line_over_every_limit_keeps_the_next_line(tmp_path: Path) -> None:
    config = ReadConfig(max_file_bytes=200_000, max_document_bytes=20_000)
    data = b'{"text": "' + b"word " * 400_000 + b'"}\n' + json.dumps({"text": TEXT}).encode() + b"\n"
    docs = read_all(write(tmp_path, "huge.jsonl.gz", gzip.compress(data, 1)), config)
    assert outcomes(docs) == [(0, "too_large"), (1, "kept")]


def test_empty_containers_leave_an_empty_row(tmp_path: Path) -> None:
    assert outcomes(read_all(write(tmp_path, "a.json", "[]"))) == [(0, "empty")]
    warcinfo = read_all(write(tmp_path, "w.warc", record("warcinfo", "", b"software: x\r\n")))
    assert outcomes(warcinfo) == [(0, "empty")] and "WARC" in warcinfo[0].detail
    assert outcomes(read_all(write(tmp_path, "b.jsonl", "\n\n\n"))) == [(0, "empty")]
    assert outcomes(read_all(write(tmp_path, "sep.txt", "\x1c\x1d \n"))) == [(0, "empty")]


# --- WARC ------------------------------------------------------------------------------------------------


def test_warc_content_length_that_swallows_the_next_record_is_corrupt(tmp_path: Path) -> None:
    bodies = [http_response(page(w)) for w in ("first page", "second page", "third page")]
    records = [record("response", f"http://x/{i}", b, n=i) for i, b in enumerate(bodies)]
    length = len(bodies[0])
    grown = f"Content-Length: {length + len(records[1])}\r\n".encode()
    records[0] = records[0].replace(f"Content-Length: {length}\r\n".encode(), grown, 1)
    docs = read_all(write(tmp_path, "s.warc", b"".join(records)))
    assert outcomes(docs) == [(0, "corrupt"), (1, "kept")]
    assert "further WARC record" in docs[0].detail
    assert b"third page" in docs[1].html.encode()


def test_a_page_about_warc_is_not_taken_for_swallowed_records(tmp_path: Path) -> None:
    body = page("A WARC file starts with the line WARC/1.0 and then WARC-Type: response, as shown.")
    docs = read_all(write(tmp_path, "a.warc", archive([("http://x/", http_response(body))])))
    assert outcomes(docs) == [(2, "kept")]


# --- decoding --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        TEXT * 5 + "été",
        "Der Bürgermeister sagte, die Straße über die Brücke werde gesperrt. " * 5 + "Grüße",
        "Городской совет утвердил бюджет после долгих споров о школах. " * 5 + "день",
        "A plain English line and then one euro sign at the end: €",
    ],
)
def test_truncated_utf8_decodes_as_utf8_without_the_cut_character(text: str) -> None:
    assert decode(text.encode()[:-1]) == (text[:-1], "utf-8")


def test_latin1_text_ending_in_one_accent_is_not_taken_for_cut_utf8() -> None:
    text, encoding = decode(("The menu of the little cafe " * 20 + "café").encode("cp1252"))
    assert text.endswith("café") and encoding != "utf-8"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le"])
def test_truncated_utf16_decodes_without_the_cut_character(encoding: str) -> None:
    data = (codecs.BOM_UTF16_LE if encoding == "utf-16" else b"") + (TEXT * 3).encode("utf-16-le")
    text, _ = decode(data[:-1])
    assert text == (TEXT * 3)[:-1]


@pytest.mark.parametrize("label", ["base64", "hex", "rot13", "zip", "uu", "quopri", "undefined", "utf-7"])
def test_meta_charset_naming_no_text_encoding_is_ignored(tmp_path: Path, label: str) -> None:
    html = f'<html><head><meta charset="{label}"></head><body><p>Caf\xe9 au lait, {TEXT}</p></body></html>'
    docs = read_all(write(tmp_path, "p.html", html.encode("cp1252")))
    assert outcomes(docs) == [(0, "kept")]
    assert "Café au lait" in docs[0].html
