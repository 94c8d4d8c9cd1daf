"""Bytes on disk to documents: undo compression, tell the format, split containers, decode, never crash.

A raw file is one of:
- a single document, plain text or HTML (type from content first, the file name second, because scrapers
  save HTML as .txt and gzip without .gz);
- JSON Lines or a JSON array of scraped records (`readers_json`), one document per record;
- a WARC archive (`readers_warc`), one document per HTTP response.
Any of them may be gzip, bzip2, xz or zstd compressed, detected by magic bytes (`compression`). Containers
are streamed record by record; `source_record` is the record's index in the file.

`read_file(..., decode=False)` yields documents whose bytes are still in `data`: the pipeline decodes them
in the worker that extracts them (`decode_document`), under the per-document time limit.

Decoding: a byte order mark, then UTF-16 without BOM, then strict UTF-8, then the charset the page or
its HTTP headers declare (`<meta charset>`), then charset-normalizer. A declared charset is only a hint:
bytes that are valid UTF-8 are read as UTF-8 whatever the page claims, and a declaration that does not fit
the bytes is ignored. Mojibake (UTF-8 read as cp1252 before it was saved) is repaired later by ftfy.
"""

from __future__ import annotations

import codecs
import errno
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from charset_normalizer import CharsetMatch, from_bytes

from ingest.compression import STREAM_ERRORS, open_stream
from ingest.config import ReadConfig
from ingest.records import Document

TEXT = "text/plain"
HTML = "text/html"

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "application/pdf"),
    (b"\x89PNG", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF8", "image/gif"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (b"PK\x03\x04", "application/zip"),
    (b"\x7fELF", "application/x-executable"),
    (b"MZ", "application/x-dosexec"),
    (b"\xcf\xfa\xed\xfe", "application/x-mach-binary"),
    (b"\xd0\xcf\x11\xe0", "application/x-ole-storage"),
    (b"{\\rtf", "application/rtf"),
    (b"7z\xbc\xaf\x27\x1c", "application/x-7z-compressed"),
    (b"Rar!\x1a\x07", "application/vnd.rar"),
    (b"SQLite format 3\x00", "application/vnd.sqlite3"),
    (b"\x00asm", "application/wasm"),
    (b"OggS", "audio/ogg"),
    (b"ID3", "audio/mpeg"),
    (b"fLaC", "audio/flac"),
    (b"wOFF", "font/woff"),
    (b"wOF2", "font/woff2"),
    (b"BZh", "application/x-bzip2"),
    (b"\xfd7zXZ\x00", "application/x-xz"),
    (b"\x28\xb5\x2f\xfd", "application/zstd"),
    (b"\x1f\x8b", "application/gzip"),
)
_HTML_SNIFF = re.compile(
    rb"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<meta\s|<div[\s>]|<p[\s>]|<article[\s>]", re.I
)
_HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".shtml"}
_COMPRESSION_SUFFIXES = {".gz", ".bz2", ".xz", ".zst", ".zstd"}
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-z0-9_:.\-]+)""", re.I)
# WHATWG: a page labelled latin-1 or ASCII is decoded as windows-1252.
_CHARSET_ALIASES = {"iso-8859-1": "cp1252", "latin-1": "cp1252", "latin1": "cp1252", "ascii": "cp1252"}
HEAD_BYTES = 1 << 16


class ReadError(Exception):
    """A file or record that cannot become text; `reason` is the rejection reason written to the output."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


def _suffixes(name: str) -> list[str]:
    return [s.lower() for s in Path(name).suffixes if s.lower() not in _COMPRESSION_SUFFIXES]


def _utf16_without_bom(head: bytes) -> str | None:
    """UTF-16 text without a BOM: ASCII-range characters leave a zero in every other byte."""
    sample = head[:2000]
    if len(sample) < 16:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def sniff_type(data: bytes, name: str) -> str:
    """MIME type from content, with the file suffix (after any compression suffix) as a tie-breaker."""
    for magic, mime in _MAGIC:
        if data.startswith(magic):
            return mime
    if data[4:8] == b"ftyp":
        return "video/mp4"
    if data.startswith(b"RIFF") and data[8:12] in (b"WEBP", b"WAVE", b"AVI "):
        return {b"WEBP": "image/webp", b"WAVE": "audio/wav", b"AVI ": "video/x-msvideo"}[data[8:12]]
    if data[257:262] == b"ustar":
        return "application/x-tar"
    head = data[:4096]
    if b"\x00" in head:
        if not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and not _utf16_without_bom(head):
            return "application/octet-stream"
        head = head.decode("utf-16", errors="ignore").encode("ascii", errors="ignore")
    suffixes = _suffixes(name)
    if (suffixes and suffixes[-1] in _HTML_SUFFIXES) or _HTML_SNIFF.search(head.lstrip()[:1024]):
        return HTML
    if head.lstrip()[:5].lower() == b"<?xml" and b"<html" in head.lower():
        return HTML
    return TEXT


def _looks_like_text(text: str) -> bool:
    """Reject decodings that are mostly control or private-use characters: binary that happened to decode."""
    if not text.strip():
        return True
    sample = text[:20_000]
    bad = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\t\n\r\f") or 0xE000 <= ord(ch) <= 0xF8FF)
    return bad / len(sample) < 0.02 and sample.count("\ufffd") / len(sample) < 0.02


_SINGLE_BYTE_LATIN = re.compile(r"^(cp125\d|iso8859_\d+|latin_1|mac_\w+|cp775|cp85\d)$")


def _best_match(data: bytes) -> CharsetMatch | None:
    """charset-normalizer's pick, except that windows-1252 wins over another single-byte Latin code page
    that scores about as well (chaos within 0.1): it is what the web means by latin-1 (WHATWG) and by far
    the commonest legacy encoding of Western pages, while short French or German text often looks Baltic
    or Central European to the detector by a hair."""
    matches = from_bytes(data)
    best = matches.best()
    if best is None:
        return None
    if best.encoding == "cp1252" or not _SINGLE_BYTE_LATIN.match(best.encoding):
        return best
    for match in matches:
        if "cp1252" in match.could_be_from_charset and match.chaos <= best.chaos + 0.1:
            return match
    return best


def declared_charset(data: bytes) -> str | None:
    """The charset an HTML page declares in `<meta charset>` or `<meta http-equiv=Content-Type>`."""
    match = _META_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii").lower() if match else None


def _codec(label: str | None) -> str | None:
    """Python's codec for a charset label, windows-1252 for latin-1 and ASCII; None if unknown."""
    if not label:
        return None
    label = _CHARSET_ALIASES.get(label.strip().lower(), label.strip().lower())
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def decode(data: bytes, hints: tuple[str | None, ...] = ()) -> tuple[str, str]:
    """Return (text, encoding). BOM, UTF-16, UTF-8, then declared charsets (`hints`), then detection."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError:
                break
    utf16 = _utf16_without_bom(data[:4096])
    if utf16:
        try:
            return data.decode(utf16), utf16
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    for hint in hints:
        codec = _codec(hint)
        if codec is None or codec in ("utf-8", "utf-16", "utf-32"):
            continue  # UTF-8 already failed; a UTF-16 page would have shown it above
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue  # the declaration does not fit the bytes: a wrong charset label
        if _looks_like_text(text):
            return text, codec
    best = _best_match(data)
    if best is None:
        raise ReadError("undecodable", "no text encoding fits these bytes")
    text = str(best)
    if not _looks_like_text(text):
        raise ReadError("undecodable", f"decodes as {best.encoding} only to control characters")
    return text, best.encoding


def normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def decode_document(doc: Document, config: ReadConfig) -> Document:
    """`doc.data` (bytes) to `doc.html` or `doc.raw_text`; unsupported or undecodable bytes reject it."""
    if doc.rejected or doc.data is None:
        return doc
    data, doc.data = doc.data, None
    if len(data) > config.max_document_bytes:
        return doc.reject(
            "too_large", f"{len(data)} bytes exceeds read.max_document_bytes={config.max_document_bytes}"
        )
    if not data.strip():
        return doc.reject("empty", "no content")
    detected = sniff_type(data, doc.source_path)
    if doc.content_type == HTML and detected == TEXT:
        detected = HTML  # the container said HTML (HTTP Content-Type, a JSON html field)
    doc.content_type = detected
    if detected not in (TEXT, HTML):
        return doc.reject("unsupported", f"detected type {detected}")
    hints = (doc.declared_charset, declared_charset(data)) if detected == HTML else (doc.declared_charset,)
    try:
        text, doc.encoding = decode(data, hints)
    except ReadError as exc:
        return doc.reject(exc.reason, exc.detail)
    text = normalize_newlines(text)
    if doc.content_type == HTML:
        doc.html = text
    else:
        doc.raw_text = text
    return doc


def _read_bounded(stream, limit: int) -> bytes:  # type: ignore[no-untyped-def]
    """Up to limit + 1 bytes: one more than allowed says the content is over the limit."""
    chunks, size = [], 0
    while size <= limit:
        chunk = stream.read(min(1 << 20, limit + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def container_kind(head: bytes, name: str) -> str | None:
    """'warc', 'jsonl' or 'json' when the decompressed head is one of those containers, else None."""
    if head.startswith(b"WARC/"):
        return "warc"
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    suffixes = _suffixes(name)
    is_json_name = bool(suffixes) and suffixes[-1] in (".json", ".jsonl", ".ndjson", ".jl")
    if start == b"[":
        return "json" if is_json_name or re.match(rb"\s*\[\s*[\{\]]", head.lstrip(b"\xef\xbb\xbf")) else None
    if start == b"{":
        first_line = head.lstrip(b"\xef\xbb\xbf \t\r\n").split(b"\n", 1)[0].rstrip()
        if first_line.endswith(b"}"):
            return "jsonl"
        if is_json_name:
            return "json"  # one pretty-printed object
    return None


TRANSIENT_ERRNOS = frozenset({errno.EIO, errno.EAGAIN, errno.EBUSY, errno.ETIMEDOUT, errno.ESTALE})


def open_with_retry(path: Path, attempts: int = 3, delay: float = 0.2) -> tuple[BinaryIO, str | None]:
    """`open_stream`, tried again after a short, growing pause when the error looks transient (I/O error,
    busy, timed out, stale network handle): a flaky disk or network share should not reject a file."""
    for attempt in range(attempts):
        try:
            return open_stream(path)
        except OSError as exc:
            if exc.errno not in TRANSIENT_ERRNOS or attempt == attempts - 1:
                raise
            time.sleep(delay * (attempt + 1))
    raise AssertionError("unreachable")


def read_file(path: Path, source_path: str, config: ReadConfig, decode: bool = True) -> Iterator[Document]:
    """Yield the documents one raw file holds, rejected ones included, streaming containers record by record.
    With `decode=False`, bytes stay in `Document.data` for `decode_document` to decode later."""
    from ingest.readers_json import iter_json_array, iter_json_lines
    from ingest.readers_warc import iter_warc

    try:
        stream, compression = open_with_retry(path)
    except OSError as exc:
        yield Document(source_path=source_path).reject("unreadable", f"{type(exc).__name__}: {exc}")
        return
    with stream:
        doc = Document(source_path=source_path)
        try:
            head = stream.read(HEAD_BYTES)
        except STREAM_ERRORS as exc:
            yield doc.reject("corrupt", _stream_error(exc, compression))
            return
        kind = container_kind(head, path.name)
        if kind is not None:
            stream.close()
            stream, _ = open_stream(path)  # from the start again, now as a container
            records = {"warc": iter_warc, "jsonl": iter_json_lines, "json": iter_json_array}[kind]
            next_index = 0
            try:
                for record in records(stream, source_path, config):
                    next_index = record.source_record + 1
                    yield decode_document(record, config) if decode else record
            except STREAM_ERRORS as exc:  # the compressed stream broke under the container reader
                yield Document(source_path=source_path, source_record=next_index).reject(
                    "corrupt", _stream_error(exc, compression)
                )
            return
        try:
            size = path.stat().st_size
            limit = min(config.max_file_bytes, config.max_document_bytes)
            if size > config.max_file_bytes:
                detail = f"{size} bytes exceeds read.max_file_bytes={config.max_file_bytes}"
                raise ReadError("too_large", detail)
            data = head + _read_bounded(stream, limit - len(head)) if len(head) <= limit else head
            if len(data) > limit:
                name = "max_file_bytes" if limit == config.max_file_bytes else "max_document_bytes"
                raise ReadError("too_large", f"decompressed size exceeds read.{name}={limit}")
        except ReadError as exc:
            yield doc.reject(exc.reason, exc.detail)
            return
        except STREAM_ERRORS as exc:
            yield doc.reject("corrupt", _stream_error(exc, compression))
            return
    if not data.strip():
        yield doc.reject("empty", "file has no content")
        return
    doc.data = data
    yield decode_document(doc, config) if decode else doc


def _stream_error(exc: BaseException, compression: str | None) -> str:
    if isinstance(exc, EOFError):
        return f"{compression or 'compressed'} stream is truncated"
    return f"{compression or 'file'}: {type(exc).__name__}: {exc}"
