"""Bytes on disk to text documents: detect the container and content type, decode, never crash.

Type comes from the content first (magic bytes, markup sniffing) and the file name second, because scrapers
save HTML as .txt and gzip without .gz. Decoding tries UTF-8 (with or without BOM) and falls back to
charset-normalizer; what cannot be decoded as text is rejected with a reason, not guessed at.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator
from pathlib import Path

from charset_normalizer import CharsetMatch, from_bytes

from ingest.config import ReadConfig
from ingest.records import Document

TEXT = "text/plain"
HTML = "text/html"

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "application/pdf"),
    (b"\x89PNG", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF8", "image/gif"),
    (b"PK\x03\x04", "application/zip"),
    (b"\x7fELF", "application/x-executable"),
    (b"\xd0\xcf\x11\xe0", "application/x-ole-storage"),
    (b"BZh", "application/x-bzip2"),
    (b"\xfd7zXZ\x00", "application/x-xz"),
    (b"\x28\xb5\x2f\xfd", "application/zstd"),
)
_GZIP_MAGIC = b"\x1f\x8b"
_HTML_SNIFF = re.compile(
    rb"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<meta\s|<div[\s>]|<p[\s>]", re.I
)
_HTML_SUFFIXES = {".html", ".htm", ".xhtml"}


class ReadError(Exception):
    """A file that cannot become text; `reason` is the rejection reason written to the output."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


def decompress(data: bytes, max_bytes: int) -> bytes:
    """Undo gzip (by magic bytes, however the file is named), refusing output larger than `max_bytes`."""
    if not data.startswith(_GZIP_MAGIC):
        return data
    decompressor = zlib.decompressobj(wbits=31)
    try:
        out = decompressor.decompress(data, max_bytes + 1)
    except zlib.error as exc:
        raise ReadError("corrupt", f"gzip: {exc}") from exc
    if len(out) > max_bytes:
        raise ReadError("too_large", f"decompressed size exceeds {max_bytes} bytes")
    if not decompressor.eof:
        raise ReadError("corrupt", "gzip stream is truncated")
    return out


def sniff_type(data: bytes, name: str) -> str:
    """MIME type from content, with the file suffix (after any .gz) as a tie-breaker for text."""
    for magic, mime in _MAGIC:
        if data.startswith(magic):
            return mime
    head = data[:4096]
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "application/octet-stream"
    suffixes = [s.lower() for s in Path(name).suffixes if s.lower() != ".gz"]
    if (suffixes and suffixes[-1] in _HTML_SUFFIXES) or _HTML_SNIFF.search(head.lstrip()[:1024]):
        return HTML
    return TEXT


def _looks_like_text(text: str) -> bool:
    """Reject decodings that are mostly control or private-use characters: binary that happened to decode."""
    if not text.strip():
        return True
    sample = text[:20_000]
    bad = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\t\n\r\f") or 0xE000 <= ord(ch) <= 0xF8FF)
    return bad / len(sample) < 0.02 and sample.count("\ufffd") / len(sample) < 0.02


def _best_match(data: bytes) -> CharsetMatch | None:
    """charset-normalizer's pick, except that among equally good single-byte candidates windows-1252 wins:
    it is what the web means by latin-1 (WHATWG), and the commonest legacy encoding of Western pages."""
    matches = from_bytes(data)
    best = matches.best()
    if best is None:
        return None
    for match in matches:
        same_score = (match.chaos, match.coherence) == (best.chaos, best.coherence)
        if same_score and "cp1252" in match.could_be_from_charset:
            return match
    return best


def decode(data: bytes) -> tuple[str, str]:
    """Return (text, encoding). UTF-8 first; charset-normalizer for everything else."""
    for bom, encoding in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError:
                break
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = _best_match(data)
    if best is None:
        raise ReadError("undecodable", "no text encoding fits these bytes")
    text = str(best)
    if not _looks_like_text(text):
        raise ReadError("undecodable", f"decodes as {best.encoding} only to control characters")
    return text, best.encoding


def normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_file(path: Path, source_path: str, config: ReadConfig) -> Iterator[Document]:
    """Yield the documents one raw file holds (one for .txt and .html), rejected ones included."""
    doc = Document(source_path=source_path)
    try:
        size = path.stat().st_size
        if size > config.max_file_bytes:
            raise ReadError("too_large", f"{size} bytes exceeds read.max_file_bytes={config.max_file_bytes}")
        data = decompress(path.read_bytes(), config.max_file_bytes)
        if not data.strip():
            raise ReadError("empty", "file has no content")
        doc.content_type = sniff_type(data, path.name)
        if doc.content_type not in (TEXT, HTML):
            raise ReadError("unsupported", f"detected type {doc.content_type}")
        text, doc.encoding = decode(data)
    except ReadError as exc:
        yield doc.reject(exc.reason, exc.detail)
        return
    except OSError as exc:
        yield doc.reject("unreadable", f"{type(exc).__name__}: {exc}")
        return
    text = normalize_newlines(text)
    if doc.content_type == HTML:
        doc.html = text
    else:
        doc.raw_text = text
    yield doc
