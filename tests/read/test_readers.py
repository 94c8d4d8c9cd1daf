import gzip
from pathlib import Path

import pytest

from ingest.config import ReadConfig
from ingest.read.files import HTML, TEXT, decode, read_file, sniff_type

ARTICLE = "Der Bürgermeister sagte am Freitag, die Straße werde gesperrt. Café « ouvert » — naïve façade.\n"


def read_one(path: Path, config: ReadConfig | None = None):
    docs = list(read_file(path, path.name, config or ReadConfig()))
    assert len(docs) == 1
    return docs[0]


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_utf8_text(tmp_path: Path) -> None:
    doc = read_one(write(tmp_path, "a.txt", ARTICLE.encode("utf-8")))
    assert not doc.rejected
    assert (doc.content_type, doc.encoding, doc.raw_text) == (TEXT, "utf-8", ARTICLE)


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1", "utf-16", "utf-8-sig"])
def test_other_encodings_decode_to_the_same_text(tmp_path: Path, encoding: str) -> None:
    text = ARTICLE * 20 if encoding in ("cp1252", "latin-1") else ARTICLE
    doc = read_one(write(tmp_path, "a.txt", text.replace("—", "-").encode(encoding)))
    assert not doc.rejected
    assert doc.raw_text == text.replace("—", "-")


def test_crlf_becomes_lf(tmp_path: Path) -> None:
    doc = read_one(write(tmp_path, "a.txt", b"one\r\ntwo\rthree\n"))
    assert doc.raw_text == "one\ntwo\nthree\n"


def test_gzip_by_magic_not_name(tmp_path: Path) -> None:
    html = b"<html><body><p>Hello there, world.</p></body></html>"
    for name in ("page.html.gz", "page.bin"):
        doc = read_one(write(tmp_path, name, gzip.compress(html)))
        assert doc.content_type == HTML
        assert doc.html == html.decode()


def test_truncated_gzip_is_rejected(tmp_path: Path) -> None:
    data = gzip.compress(ARTICLE.encode() * 200)
    doc = read_one(write(tmp_path, "a.txt.gz", data[: len(data) // 2]))
    assert doc.reason == "corrupt"
    assert "truncated" in doc.detail


@pytest.mark.parametrize(
    ("data", "reason", "detail"),
    [
        (b"", "empty", "no content"),
        (b"  \n\n\t ", "empty", "no content"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "unsupported", "application/pdf"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "unsupported", "image/png"),
        (bytes(range(256)) * 8, "unsupported", "application/octet-stream"),
    ],
)
def test_unusable_bytes_are_rejected_with_reason(
    tmp_path: Path, data: bytes, reason: str, detail: str
) -> None:
    doc = read_one(write(tmp_path, "x.txt", data))
    assert doc.reason == reason
    assert detail in doc.detail


def test_invalid_utf8_noise_is_rejected_not_guessed(tmp_path: Path) -> None:
    noise = bytes((i * 37 + 11) % 64 + 128 for i in range(4000)) + b"\x01\x02\x03\x04\x05" * 200
    doc = read_one(write(tmp_path, "x.txt", noise))
    assert doc.rejected
    assert doc.reason in {"undecodable", "unsupported"}


def test_oversized_file_is_rejected(tmp_path: Path) -> None:
    doc = read_one(write(tmp_path, "big.txt", b"word " * 100), ReadConfig(max_file_bytes=100))
    assert doc.reason == "too_large"


def test_gzip_bomb_is_bounded(tmp_path: Path) -> None:
    doc = read_one(
        write(tmp_path, "bomb.gz", gzip.compress(b"a" * 1_000_000)), ReadConfig(max_file_bytes=10_000)
    )
    assert doc.reason == "too_large"


def test_sniff_html_saved_as_txt() -> None:
    assert sniff_type(b"<!DOCTYPE html><html><head>", "page.txt") == HTML
    assert sniff_type(b"Plain words about <b>, no markup start.", "page.txt") == TEXT
    assert sniff_type(b"no markup", "page.htm") == HTML


def test_decode_prefers_utf8() -> None:
    assert decode("naïve".encode()) == ("naïve", "utf-8")


def test_transient_io_error_is_retried(tmp_path: Path, monkeypatch) -> None:
    """An EIO cannot be produced on demand here, so the first opens fail by substitution."""
    import errno

    from ingest.read import files as readers

    path = write(tmp_path, "a.txt", ARTICLE.encode())
    real, calls = readers.open_stream, []

    def flaky(p):
        calls.append(p)
        if len(calls) < 3:
            raise OSError(errno.EIO, "Input/output error")
        return real(p)

    monkeypatch.setattr(readers, "open_stream", flaky)
    doc = read_one(path)
    assert not doc.rejected and len(calls) == 3
    calls.clear()
    monkeypatch.setattr(
        readers, "open_stream", lambda p: (_ for _ in ()).throw(OSError(errno.ENOENT, "gone"))
    )
    assert read_one(path).reason == "unreadable"
