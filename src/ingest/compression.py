"""Compressed inputs, detected by their magic bytes (not their names), opened as streams.

gzip (multi-member too, as in .warc.gz), bzip2, xz and zstd are read incrementally: a 1 GB archive is never
in memory. A stream that ends before its end-of-stream marker raises `EOFError` from `read`, so a truncated
file is reported as corrupt instead of silently losing its tail.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
from pathlib import Path
from typing import BinaryIO

import zstandard

MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x1f\x8b", "gzip"),
    (b"BZh", "bzip2"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"\x28\xb5\x2f\xfd", "zstd"),
)

# What a broken compressed stream raises while being read, besides EOFError for a truncated one.
STREAM_ERRORS: tuple[type[BaseException], ...] = (
    EOFError,
    gzip.BadGzipFile,
    lzma.LZMAError,
    zstandard.ZstdError,
    OSError,  # bz2 raises OSError("Invalid data stream"); zlib.error is wrapped by gzip
    ValueError,
)


def detect(head: bytes) -> str | None:
    """Name of the compression whose magic bytes start `head`, else None."""
    for magic, name in MAGIC:
        if head.startswith(magic):
            return name
    return None


class _ZstdReader(io.RawIOBase):
    """zstd frames one after another, decoded as they are read; raises EOFError when the input ends inside a
    frame (python-zstandard's own stream reader returns short data silently there)."""

    def __init__(self, raw: BinaryIO, chunk: int = 1 << 16) -> None:
        self._raw, self._chunk = raw, chunk
        self._obj = zstandard.ZstdDecompressor().decompressobj()
        self._buffer = b""
        self._started = False  # a frame has begun and not yet ended

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:  # type: ignore[no-untyped-def]
        while not self._buffer:
            data = self._raw.read(self._chunk)
            if not data:
                if self._started:
                    raise EOFError("zstd stream ended before the end of its frame")
                return 0
            self._started = True
            out = self._obj.decompress(data)
            while self._obj.eof:
                rest = self._obj.unused_data
                self._obj = zstandard.ZstdDecompressor().decompressobj()
                self._started = bool(rest)
                if not rest:
                    break
                out += self._obj.decompress(rest)
            self._buffer = out
        n = min(len(b), len(self._buffer))
        b[:n] = self._buffer[:n]
        self._buffer = self._buffer[n:]
        return n

    def close(self) -> None:
        self._raw.close()
        super().close()


def open_stream(path: Path) -> tuple[BinaryIO, str | None]:
    """The file's content as a binary stream, decompressed when its magic bytes say so, and the compression
    name (None for a plain file). The caller closes the stream."""
    with path.open("rb") as probe:
        kind = detect(probe.read(6))
    if kind == "gzip":
        return gzip.open(path, "rb"), kind  # type: ignore[return-value]
    if kind == "bzip2":
        return bz2.open(path, "rb"), kind  # type: ignore[return-value]
    if kind == "xz":
        return lzma.open(path, "rb"), kind  # type: ignore[return-value]
    if kind == "zstd":
        return io.BufferedReader(_ZstdReader(path.open("rb")), buffer_size=1 << 16), kind
    return path.open("rb"), None
