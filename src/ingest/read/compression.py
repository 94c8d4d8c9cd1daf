"""Compressed inputs, detected by their magic bytes (not their names), opened as streams.

gzip (multi-member too, as in .warc.gz), bzip2, xz and zstd are read incrementally, and no read returns
more than a bounded amount of decompressed data: a 1 GB archive is never in memory, and neither is a
decompression bomb (a few hundred kilobytes that claim 10 GiB). A stream that ends before its end-of-stream
marker raises `EOFError` from `read`, so a truncated file is reported as corrupt instead of silently
losing its tail; a stream with damaged data raises one of `STREAM_ERRORS`.

Only regular files are opened: the file is opened without blocking and its type checked on the open
descriptor (`NotRegularFile` otherwise), so a named pipe or a device never hangs or floods a run.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import os
import stat
import zlib
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
    zlib.error,  # gzip lets a damaged deflate stream's error through unwrapped
    lzma.LZMAError,
    zstandard.ZstdError,
    OSError,  # bz2 raises OSError("Invalid data stream")
    ValueError,
)

ZSTD_MAX_WINDOW = 1 << 27
"""Largest zstd window (decoder buffer) accepted: libzstd's own default limit, 128 MiB. A frame that needs
more (`zstd --long=31`) is reported as a broken stream instead of allocating gigabytes."""
_ZSTD_FEED = 1024
"""Compressed bytes handed to the zstd decoder per call. A zstd block yields at most 128 KiB and takes at
least 4 bytes (an RLE block), so one call yields at most 1024 / 4 * 128 KiB = 32 MiB, whatever the frame."""


class NotRegularFile(Exception):
    """The path is a named pipe, a device, a socket or a folder: only regular files are read."""

    def __init__(self, kind: str) -> None:
        super().__init__(f"not a regular file: {kind}")
        self.kind = kind


def file_kind(mode: int) -> str:
    """A readable name for the file type in an `st_mode`."""
    for test, name in (
        (stat.S_ISREG, "regular file"),
        (stat.S_ISDIR, "folder"),
        (stat.S_ISFIFO, "named pipe (FIFO)"),
        (stat.S_ISCHR, "character device"),
        (stat.S_ISBLK, "block device"),
        (stat.S_ISSOCK, "socket"),
        (stat.S_ISLNK, "symbolic link"),
    ):
        if test(mode):
            return name
    return "unknown file type"


def open_regular(path: Path) -> BinaryIO:
    """`path` opened for reading, if it is a regular file. Opened with O_NONBLOCK, which makes opening a
    FIFO return at once (and changes nothing for a regular file), then checked on the descriptor, so a
    file swapped for a pipe after the caller looked at it cannot block the run either."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise NotRegularFile(file_kind(mode))
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def detect(head: bytes) -> str | None:
    """Name of the compression whose magic bytes start `head`, else None."""
    for magic, name in MAGIC:
        if head.startswith(magic):
            return name
    return None


class _ZstdReader(io.RawIOBase):
    """zstd frames one after another, decoded as they are read, at most 32 MiB per decoder call
    (`_ZSTD_FEED`); raises EOFError when the input ends inside a frame (python-zstandard's own stream reader
    returns short data silently there). Seekable forward only, by reading on: fastwarc asks for the
    position of the stream, as it may of a gzip file."""

    def __init__(self, raw: BinaryIO, chunk: int = 1 << 16) -> None:
        self._raw, self._chunk = raw, chunk
        self._obj = self._decoder()
        self._src, self._src_pos = b"", 0
        self._out, self._out_pos = b"", 0
        self._pos = 0  # decompressed bytes handed out
        self._started = False  # a frame has begun and not yet ended

    @staticmethod
    def _decoder() -> zstandard.ZstdDecompressionObj:
        return zstandard.ZstdDecompressor(max_window_size=ZSTD_MAX_WINDOW).decompressobj()

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        target = {io.SEEK_SET: offset, io.SEEK_CUR: self._pos + offset}.get(whence)
        if target is None or target < self._pos:
            raise io.UnsupportedOperation("a zstd stream seeks forward only")
        while self._pos < target:
            if not self.read(min(1 << 20, target - self._pos)):
                break
        return self._pos

    def _fill(self) -> bool:
        """Decode the next piece of input into the output buffer; False at the clean end of the stream."""
        if self._src_pos >= len(self._src):
            self._src, self._src_pos = self._raw.read(self._chunk), 0
            if not self._src:
                if self._started:
                    raise EOFError("zstd stream ended before the end of its frame")
                return False
        piece = self._src[self._src_pos : self._src_pos + _ZSTD_FEED]
        self._src_pos += len(piece)
        self._started = True
        self._out, self._out_pos = self._obj.decompress(piece), 0
        if self._obj.eof:  # a frame ended inside this piece: the rest belongs to the next frame
            self._src_pos -= len(self._obj.unused_data)
            self._obj = self._decoder()
            self._started = False
        return True

    def readinto(self, b) -> int:  # type: ignore[no-untyped-def]
        while self._out_pos >= len(self._out):
            if not self._fill():
                return 0
        n = min(len(b), len(self._out) - self._out_pos)
        b[:n] = memoryview(self._out)[self._out_pos : self._out_pos + n]
        self._out_pos += n
        self._pos += n
        return n

    def close(self) -> None:
        self._raw.close()
        super().close()


class _ClosesItsFile:
    """A decompressing reader that closes the file it reads with itself (the standard library's readers
    leave a file object they were given open)."""

    _owned_file: BinaryIO

    def close(self) -> None:
        try:
            super().close()  # type: ignore[misc]
        finally:
            self._owned_file.close()


class _Gzip(_ClosesItsFile, gzip.GzipFile):
    def __init__(self, raw: BinaryIO) -> None:
        super().__init__(fileobj=raw, mode="rb")
        self._owned_file = raw


class _Bz2(_ClosesItsFile, bz2.BZ2File):
    def __init__(self, raw: BinaryIO) -> None:
        super().__init__(raw, "rb")
        self._owned_file = raw


class _Xz(_ClosesItsFile, lzma.LZMAFile):
    def __init__(self, raw: BinaryIO) -> None:
        super().__init__(raw, "rb")
        self._owned_file = raw


def open_stream(path: Path) -> tuple[BinaryIO, str | None]:
    """The file's content as a binary stream, decompressed when its magic bytes say so, and the compression
    name (None for a plain file). Raises `NotRegularFile` for anything but a regular file. The caller
    closes the stream."""
    probe = open_regular(path)
    try:
        kind = detect(probe.read(6))
        probe.seek(0)
    except BaseException:
        probe.close()
        raise
    if kind == "gzip":
        return _Gzip(probe), kind  # type: ignore[return-value]
    if kind == "bzip2":
        return _Bz2(probe), kind  # type: ignore[return-value]
    if kind == "xz":
        return _Xz(probe), kind  # type: ignore[return-value]
    if kind == "zstd":
        return io.BufferedReader(_ZstdReader(probe), buffer_size=1 << 16), kind
    return probe, None
