"""Bytes to text: tell the type from the content, find the encoding, decode, never crash.

Decoding: a byte order mark, then UTF-16 without BOM, then strict UTF-8, then the charset the page or
its HTTP headers declare (`<meta charset>`), then charset-normalizer. A declared charset is only a hint:
bytes that are valid UTF-8 are read as UTF-8 whatever the page claims, and a declaration that does not fit
the bytes, or names no text encoding at all (`base64`, `hex`, `rot13`, `undefined`), is ignored. Mojibake
(UTF-8 read as cp1252 before it was saved) is repaired later by ftfy.

A truncated download cuts the last character in half: UTF-8 (or UTF-16 and UTF-32 with a BOM) whose only
fault is an incomplete last character is decoded without that fragment, instead of being guessed as
another encoding. Lone surrogates (which no encoding may carry, but `\\ud800` in JSON spells) become
U+FFFD, so every text can be written as UTF-8.
"""

from __future__ import annotations

import codecs
import re
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


class ReadError(Exception):
    """A file or record that cannot become text; `reason` is the rejection reason written to the output."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


def suffixes(name: str) -> list[str]:
    """The file name's suffixes, lower-cased, without compression suffixes: `A.JSONL.gz` -> ['.jsonl']."""
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
    names = suffixes(name)
    if (names and names[-1] in _HTML_SUFFIXES) or _HTML_SNIFF.search(head.lstrip()[:1024]):
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


# Codecs Python knows that are no charset of a web page: escapes, domain-name and legacy 7-bit encodings, and
# `undefined`, which fails on every byte. (Transforms such as base64 are not text encodings at all.)
_NOT_CHARSETS = frozenset(
    {"undefined", "unicode-escape", "raw-unicode-escape", "idna", "punycode", "utf-7", "charmap"}
)


def _codec(label: str | None) -> str | None:
    """Python's text codec for a charset label, windows-1252 for latin-1 and ASCII; None if unknown or if the
    label names something that is not a text encoding (`base64`, `hex`, `rot13`, `zip`, `undefined`)."""
    if not label:
        return None
    label = _CHARSET_ALIASES.get(label.strip().lower(), label.strip().lower())
    try:
        info = codecs.lookup(label)
    except (LookupError, ValueError):
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name in _NOT_CHARSETS:
        return None
    return info.name


_SURROGATE = re.compile("[\ud800-\udfff]")


def scrub_surrogates(text: str) -> str:
    """`text` with every lone surrogate replaced by U+FFFD. A Python string can hold them (JSON's `\\ud800`,
    a file name's undecodable bytes), but no UTF-8 writer accepts them; valid pairs were already joined."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return _SURROGATE.sub("\ufffd", text)
    return text


def _cut_character(data: bytes, encoding: str) -> str | None:
    """`data` decoded as `encoding` when its only fault is an incomplete last character (a truncated
    download), without that fragment; None otherwise. For UTF-8 the text before the cut must already hold
    a multi-byte character, or the fragment be two bytes or more: a Latin-1 file ending in one accented
    letter (`caf\\xe9`) looks like a cut UTF-8 lead byte too, and is better left to detection."""
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        if exc.end != len(data) or exc.reason not in ("unexpected end of data", "truncated data"):
            return None
        if encoding == "utf-8" and len(data) - exc.start < 2 and data[: exc.start].isascii():
            return None
        try:
            return data[: exc.start].decode(encoding)
        except UnicodeDecodeError:
            return None


def decode(data: bytes, hints: tuple[str | None, ...] = ()) -> tuple[str, str]:
    """Return (text, encoding). BOM, UTF-16, UTF-8, then declared charsets (`hints`), then detection."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text = _cut_character(data, encoding)
            if text is not None:
                return text, encoding
            break
    utf16 = _utf16_without_bom(data[:4096])
    if utf16:
        text = _cut_character(data, utf16)
        if text is not None:
            return text, utf16
    text = _cut_character(data, "utf-8")
    if text is not None:
        return text, "utf-8"
    for hint in hints:
        codec = _codec(hint)
        if codec is None or codec in ("utf-8", "utf-16", "utf-32"):
            continue  # UTF-8 already failed; a UTF-16 page would have shown it above
        try:
            text = data.decode(codec)
        except (UnicodeError, ValueError, TypeError):
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
    if not text or text.isspace():  # str.isspace also knows separators bytes.strip does not (\x1c-\x1f)
        return doc.reject("empty", "no content but whitespace")
    text = scrub_surrogates(normalize_newlines(text))
    if doc.content_type == HTML:
        doc.html = text
    else:
        doc.raw_text = text
    return doc
