"""Scraper exports as JSON: JSON Lines (one record a line) and JSON arrays of records.

Scrapy feeds, news-please, Apify datasets and their kin name their fields differently; which keys hold the
HTML, the text, the URL, the title, the author and the date is configurable (`[read] json_*_fields`), with
defaults that cover the common exports. A record with HTML goes through extraction like any page; a record
with only text goes through the cleaner. A malformed line is one rejected record (`corrupt`); the rest of
the file goes on. `source_record` is the record's index: the line number from 0 for JSON Lines (blank
lines count, so it finds the line), the position for arrays.

Hostile JSON is a rejected record, never a crashed run: nesting deeper than the parser's recursion limit
(`[[[[...`, about 1,000 levels) and integers over Python's 4,300-digit limit are `corrupt`; a lone surrogate
(`"\\ud800"`, valid JSON but no valid text) becomes U+FFFD in every field, so the record can be written.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any, BinaryIO

from ingest.config import ReadConfig
from ingest.readers_decode import scrub_surrogates
from ingest.records import Document

_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_HTML_START = re.compile(
    r"^\s*(<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<(div|p|article)[\s>])", re.I
)


def _lookup(record: dict[str, Any], key: str) -> Any:
    value: Any = record
    for part in key.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def _first(record: dict[str, Any], keys: tuple[str, ...]) -> Any:
    for key in keys:
        value = _lookup(record, key)
        if value not in (None, "", [], {}):
            return value
    return None


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, list):
        parts = [str(v.get("name", "")) if isinstance(v, dict) else str(v) for v in value]
        value = ", ".join(p.strip() for p in parts if p and p.strip())
    elif isinstance(value, dict):
        value = value.get("name") or value.get("value") or ""
    text = " ".join(scrub_surrogates(str(value)).split())
    return text or None


def _date(value: Any) -> str | None:
    match = _DATE.search(str(value)) if value is not None else None
    return "-".join(match.groups()) if match else None


def record_document(record: Any, source_path: str, index: int, config: ReadConfig) -> Document:
    """One scraped record to a Document with `html` or `raw_text` set (or rejected), never an exception:
    a value too deep or too long to turn into text rejects the record as `corrupt`."""
    try:
        return _record_document(record, source_path, index, config)
    except (ValueError, RecursionError) as exc:
        detail = f"record {index}: {type(exc).__name__}: {exc}"
        return Document(source_path=source_path, source_record=index).reject("corrupt", detail[:500])


def _record_document(record: Any, source_path: str, index: int, config: ReadConfig) -> Document:
    doc = Document(source_path=source_path, source_record=index, encoding="utf-8")
    if not isinstance(record, dict):
        return doc.reject("corrupt", f"record {index} is a JSON {type(record).__name__}, not an object")
    doc.url = _as_text(_first(record, config.json_url_fields))
    doc.title = _as_text(_first(record, config.json_title_fields))
    doc.author = _as_text(_first(record, config.json_author_fields))
    doc.published = _date(_first(record, config.json_date_fields))
    html = _first(record, config.json_html_fields)
    text = None if html is not None else _first(record, config.json_text_fields)
    content = html if html is not None else text
    if content is None:
        fields = [*config.json_html_fields, *config.json_text_fields]
        return doc.reject("empty", f"record has none of the content fields {fields}")
    if not isinstance(content, str):
        content = "\n".join(map(str, content)) if isinstance(content, list) else str(content)
    if len(content.encode("utf-8", errors="replace")) > config.max_document_bytes:
        limit = config.max_document_bytes
        return doc.reject("too_large", f"record content exceeds read.max_document_bytes={limit}")
    if not content.strip():
        return doc.reject("empty", "record content is empty")
    content = scrub_surrogates(content.replace("\r\n", "\n").replace("\r", "\n"))
    if html is not None or _HTML_START.match(content[:1024]):
        doc.content_type, doc.html = "text/html", content
    else:
        doc.content_type, doc.raw_text = "text/plain", content
    return doc


def _skip_rest_of_line(stream: BinaryIO) -> None:
    while True:
        chunk = stream.readline(1 << 20)
        if not chunk or chunk.endswith(b"\n"):
            return


def iter_json_lines(stream: BinaryIO, source_path: str, config: ReadConfig) -> Iterator[Document]:
    """One document per non-blank line, read a line at a time; a line is never longer in memory than
    `read.max_document_bytes` plus the record's metadata (4x headroom for JSON escaping)."""
    limit = config.max_document_bytes * 4
    index = -1
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        index += 1
        if len(line) > limit and not line.endswith(b"\n"):
            _skip_rest_of_line(stream)
            yield Document(source_path=source_path, source_record=index).reject(
                "too_large", f"JSON line longer than {limit} bytes (4 x read.max_document_bytes)"
            )
            continue
        if not line.strip():
            continue
        try:
            record = json.loads(line.decode("utf-8-sig" if index == 0 else "utf-8"))
        except (ValueError, RecursionError) as exc:  # bad UTF-8 or JSON, too deep, too long a number
            yield Document(source_path=source_path, source_record=index).reject(
                "corrupt", f"line {index + 1}: not valid JSON ({exc})"
            )
            continue
        yield record_document(record, source_path, index, config)


def iter_json_array(stream: BinaryIO, source_path: str, config: ReadConfig) -> Iterator[Document]:
    """A JSON array of records (or one record object), parsed whole: bounded by `read.max_file_bytes`."""
    data = stream.read(config.max_file_bytes + 1)
    if len(data) > config.max_file_bytes:
        yield Document(source_path=source_path).reject(
            "too_large", f"JSON array exceeds read.max_file_bytes={config.max_file_bytes}"
        )
        return
    try:
        records = json.loads(data.decode("utf-8-sig"))
    except (ValueError, RecursionError) as exc:  # bad UTF-8 or JSON, too deep, too long a number
        yield Document(source_path=source_path).reject("corrupt", f"not valid JSON ({exc})")
        return
    del data
    if isinstance(records, dict):
        records = [records]
    for index, record in enumerate(records):
        yield record_document(record, source_path, index, config)
