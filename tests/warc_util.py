"""Build small WARC archives byte by byte for tests (the format is simple; no writer library needed)."""

from __future__ import annotations

import gzip


def record(rec_type: str, uri: str, block: bytes, date: str = "2025-03-04T05:06:07Z", n: int = 0) -> bytes:
    content_type = {
        "response": "application/http; msgtype=response",
        "request": "application/http; msgtype=request",
        "warcinfo": "application/warc-fields",
    }.get(rec_type, "application/octet-stream")
    header = (
        "WARC/1.0\r\n"
        f"WARC-Type: {rec_type}\r\n"
        f"WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-{n:012d}>\r\n"
        f"WARC-Date: {date}\r\n"
        + (f"WARC-Target-URI: {uri}\r\n" if uri else "")
        + f"Content-Type: {content_type}\r\n"
        f"Content-Length: {len(block)}\r\n\r\n"
    )
    return header.encode() + block + b"\r\n\r\n"


def http_response(
    body: bytes, content_type: str = "text/html; charset=utf-8", status: str = "200 OK"
) -> bytes:
    head = f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n"
    return head.encode() + body


def archive(pages: list[tuple[str, bytes]], gz: bool = False, extra: list[bytes] | None = None) -> bytes:
    """warcinfo, then a request and a response per page (so responses sit at odd record indexes)."""
    records = [record("warcinfo", "", b"software: tests\r\n", n=0)]
    for i, (uri, http) in enumerate(pages):
        records.append(record("request", uri, b"GET / HTTP/1.1\r\nHost: example\r\n\r\n", n=2 * i + 1))
        records.append(record("response", uri, http, n=2 * i + 2))
    records += extra or []
    if gz:
        return b"".join(gzip.compress(r) for r in records)
    return b"".join(records)
