"""Bytes on disk to documents: undo compression, tell the format, split containers, decode, never crash.

A raw file is one of:
- a single document, plain text or HTML (type from content first, the file name second, because scrapers
  save HTML as .txt and gzip without .gz);
- JSON Lines or a JSON array of scraped records (`readers_json`), one document per record;
- a WARC archive (`readers_warc`), one document per HTTP response.
Any of them may be gzip, bzip2, xz or zstd compressed, detected by magic bytes (`compression`). Containers
are streamed record by record; `source_record` is the record's index in the file. Decoding bytes to text
is `readers_decode`; which entries of the raw folder may be read at all is `readers_entry`.

`read_file(..., decode=False)` yields documents whose bytes are still in `data`: the pipeline decodes them
in the worker that extracts them (`decode_document`), under the per-document time limit.

Every file gets an answer: at least one document, kept or rejected with a reason (`empty` for a container
without records), and no error of a reader escapes `read_file`: a broken stream ends the file with a
`corrupt` row, anything unforeseen with an `internal_error` row, and the run goes on.
"""

from __future__ import annotations

import errno
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from ingest.compression import STREAM_ERRORS, NotRegularFile, open_stream
from ingest.config import ReadConfig
from ingest.readers_decode import (
    HTML,
    TEXT,
    ReadError,
    declared_charset,
    decode,
    decode_document,
    normalize_newlines,
    sniff_type,
    suffixes,
)
from ingest.readers_entry import entry_problem, raw_root_of
from ingest.records import Document

__all__ = [
    "HTML",
    "TEXT",
    "ReadError",
    "container_kind",
    "declared_charset",
    "decode",
    "decode_document",
    "normalize_newlines",
    "read_file",
    "sniff_type",
]

HEAD_BYTES = 1 << 16
_JSON_NAMES = (".json", ".jsonl", ".ndjson", ".jl")


def container_kind(head: bytes, name: str, first_line_end: bytes | None = None) -> str | None:
    """'warc', 'jsonl' or 'json' when the decompressed head is one of those containers, else None.

    `first_line_end`: the last bytes of the first line when that line is longer than `head` (a scraper's
    `{"url", "html"}` line is often over 64 KiB), found by `_first_line_end`."""
    if head.startswith(b"WARC/"):
        return "warc"
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    names = suffixes(name)
    is_json_name = bool(names) and names[-1] in _JSON_NAMES
    if start == b"[":
        return "json" if is_json_name or re.match(rb"\s*\[\s*[\{\]]", head.lstrip(b"\xef\xbb\xbf")) else None
    if start == b"{":
        first_line = head.lstrip(b"\xef\xbb\xbf \t\r\n").split(b"\n", 1)[0].rstrip()
        if first_line_end is not None:
            first_line = first_line_end
        if first_line.endswith(b"}"):
            return "jsonl"
        if is_json_name:
            return "json"  # one pretty-printed object
    return None


def _long_first_line(head: bytes) -> bool:
    """A head that starts a JSON object and holds no line break: the first line goes on past it."""
    return len(head) >= HEAD_BYTES and b"\n" not in head and head.lstrip(b"\xef\xbb\xbf \t\r")[:1] == b"{"


def _first_line_end(stream: BinaryIO, head: bytes, limit: int) -> bytes:
    """The last bytes (whitespace stripped) of the first line, which starts with `head` and goes on in
    `stream`: read in 1 MiB chunks, never held whole. A line over `limit` bytes counts as ending in b"}":
    JSON Lines is the only reading under which such a file yields anything (its later lines), since as a
    single document it is over every size limit."""
    tail, size = head.rstrip()[-64:], len(head)
    while size <= limit:
        chunk = stream.read(1 << 20)
        if not chunk:
            return tail
        line, newline, _ = chunk.partition(b"\n")
        if line.strip():
            tail = (tail + line).rstrip()[-64:]
        size += len(line)
        if newline:
            return tail
    return b"}"


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


def _read_bounded(stream: BinaryIO, limit: int) -> bytes:
    """Up to limit + 1 bytes: one more than allowed says the content is over the limit."""
    chunks, size = [], 0
    while size <= limit:
        chunk = stream.read(min(1 << 20, limit + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


_NO_RECORDS = {
    "warc": "WARC archive holds no response or resource record",
    "jsonl": "JSON Lines file holds no record",
    "json": "JSON array holds no record",
}


def read_file(
    path: Path, source_path: str, config: ReadConfig, decode: bool = True, raw_root: Path | None = None
) -> Iterator[Document]:
    """Yield the documents one raw file holds, rejected ones included, streaming containers record by record.
    With `decode=False`, bytes stay in `Document.data` for `decode_document` to decode later.

    At least one document comes out of every file, and no exception: an error no reader foresaw (a bug, a
    library's panic) ends the file with an `internal_error` row after the documents already read.
    `raw_root`: the raw folder, which links may not leave; by default derived from `source_path`."""
    root = raw_root if raw_root is not None else raw_root_of(path, source_path)
    produced, next_index = 0, 0
    try:
        for doc in _read_file(path, source_path, config, decode, root):
            produced += 1
            next_index = max(next_index, doc.source_record + 1)
            yield doc
    except BaseException as exc:
        if not isinstance(exc, Exception) and type(exc).__name__ != "PanicException":
            raise  # KeyboardInterrupt, a closed generator, a timeout: not the file's fault
        produced += 1
        yield Document(source_path=source_path, source_record=next_index).reject(
            "internal_error", f"reader: {type(exc).__name__}: {exc}"[:1000]
        )
    if not produced:
        yield Document(source_path=source_path).reject("empty", "file gave no document")


def _open(path: Path, doc: Document) -> tuple[BinaryIO, str | None] | Document:
    """The decompressed stream and its compression, or `doc` rejected with the reason it cannot be read."""
    try:
        return open_with_retry(path)
    except NotRegularFile as exc:
        return doc.reject("unsupported", str(exc))
    except OSError as exc:
        return doc.reject("unreadable", f"{type(exc).__name__}: {exc}")


def _read_file(
    path: Path, source_path: str, config: ReadConfig, decode: bool, raw_root: Path
) -> Iterator[Document]:
    doc = Document(source_path=source_path)
    problem = entry_problem(path, raw_root)
    if problem is not None:
        yield doc.reject(*problem)
        return
    opened = _open(path, doc)
    if isinstance(opened, Document):
        yield opened
        return
    stream, compression = opened
    data: bytes | None = None
    with stream:
        try:
            head = stream.read(HEAD_BYTES)
            line_limit = max(config.max_file_bytes, 4 * config.max_document_bytes)
            line_end = _first_line_end(stream, head, line_limit) if _long_first_line(head) else None
            kind = container_kind(head, path.name, line_end)
            if kind is None and line_end is None:
                data = head + _read_single(stream, path, config, len(head))
        except ReadError as exc:
            yield doc.reject(exc.reason, exc.detail)
            return
        except STREAM_ERRORS as exc:
            yield doc.reject("corrupt", _stream_error(exc, compression))
            return
    if data is None:  # a container, or a first line read past: from the start again
        opened = _open(path, doc)
        if isinstance(opened, Document):
            yield opened
            return
        with opened[0] as stream:
            if kind is not None:
                yield from _read_container(stream, kind, source_path, compression, config, decode)
                return
            try:
                data = _read_single(stream, path, config)
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


def _read_single(stream: BinaryIO, path: Path, config: ReadConfig, already: int = 0) -> bytes:
    """The rest of a single-document file's content after the `already` bytes read, or ReadError
    `too_large` past the size limits."""
    size = path.stat().st_size
    if size > config.max_file_bytes:
        raise ReadError("too_large", f"{size} bytes exceeds read.max_file_bytes={config.max_file_bytes}")
    limit = min(config.max_file_bytes, config.max_document_bytes)
    data = _read_bounded(stream, limit - already) if already <= limit else b""
    if already + len(data) > limit:
        name = "max_file_bytes" if limit == config.max_file_bytes else "max_document_bytes"
        raise ReadError("too_large", f"decompressed size exceeds read.{name}={limit}")
    return data


def _read_container(
    stream: BinaryIO, kind: str, source_path: str, compression: str | None, config: ReadConfig, decode: bool
) -> Iterator[Document]:
    """The records of a WARC, JSON Lines or JSON container; a container without records gives one `empty`
    row, a stream that breaks under the reader one `corrupt` row after the records before the break."""
    from ingest.readers_json import iter_json_array, iter_json_lines
    from ingest.readers_warc import iter_warc

    records = {"warc": iter_warc, "jsonl": iter_json_lines, "json": iter_json_array}[kind]
    next_index, produced = 0, False
    try:
        for record in records(stream, source_path, config):
            produced = True
            next_index = record.source_record + 1
            yield decode_document(record, config) if decode else record
    except STREAM_ERRORS as exc:  # the compressed stream broke under the container reader
        produced = True
        yield Document(source_path=source_path, source_record=next_index).reject(
            "corrupt", _stream_error(exc, compression)
        )
    if not produced:
        yield Document(source_path=source_path).reject("empty", _NO_RECORDS[kind])


def _stream_error(exc: BaseException, compression: str | None) -> str:
    if isinstance(exc, EOFError):
        return f"{compression or 'compressed'} stream is truncated"
    return f"{compression or 'file'}: {type(exc).__name__}: {exc}"
