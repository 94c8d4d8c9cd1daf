"""Hostile and malformed raw files, built in a few seconds, each with the rows a run must give it.

`build(raw)` writes every file into `raw` and returns `EXPECTED`-style rows: for each source path, the
(source_record, outcome) pairs, outcome being "kept" or a rejection reason. Text for the files is generated
(`article`), so no hostile file is a duplicate of another or of the good files beside them. The two dev
pages in samples/ are from the WCXB benchmark's development split (CC-BY-4.0).
"""

from __future__ import annotations

import bz2
import gzip
import io
import json
import lzma
import os
import random
import socket
import zlib
from pathlib import Path

import zstandard
from warc_util import archive, http_response, record

SAMPLES = Path(__file__).parent / "samples"
SECRET = "TOP-SECRET-MARKER-7f3a"
"""Content of a file outside the raw folder that links point to: it must appear in no output row."""

_SUBJECTS = [
    "The council",
    "A spokeswoman",
    "The harbour authority",
    "Local farmers",
    "The rail operator",
    "Two researchers",
    "The school board",
    "A regional court",
    "The fire brigade",
    "The museum",
]
_VERBS = ["approved", "criticised", "postponed", "announced", "reviewed", "rejected", "welcomed", "funded"]
_OBJECTS = [
    "a plan for the old quay",
    "the new timetable",
    "the budget for bridges",
    "a study of floods",
    "the tram extension",
    "a ban on night flights",
    "the library repairs",
    "a wind farm proposal",
]
_PLACES = ["Aberdeen", "Lyon", "Gdansk", "Porto", "Utrecht", "Bergen", "Trieste", "Cork", "Ghent", "Brno"]
_DAYS = ["on Monday", "on Tuesday", "last week", "this morning", "after a long debate", "on Friday evening"]


def article(seed: str, paragraphs: int = 4) -> str:
    """A news-like text, different for every seed: paragraphs of sentences separated by blank lines."""
    rng = random.Random(seed)
    paras = []
    for _ in range(paragraphs):
        sentences = [
            f"{rng.choice(_SUBJECTS)} in {rng.choice(_PLACES)} {rng.choice(_VERBS)} {rng.choice(_OBJECTS)} "
            f"{rng.choice(_DAYS)}, according to {rng.choice(_PLACES)} officials ({rng.randrange(10**6)})."
            for _ in range(rng.randrange(3, 6))
        ]
        paras.append(" ".join(sentences))
    return "\n\n".join(paras)


def page(seed: str, paragraphs: int = 4, head: str = "") -> str:
    body = "".join(f"<p>{p}</p>" for p in article(seed, paragraphs).split("\n\n"))
    return f"<html><head>{head}<title>{seed}</title></head><body><article>{body}</article></body></html>"


def zstd_rle_frame(n_blocks: int, byte: bytes = b"a", prefix: bytes = b"", suffix: bytes = b"") -> bytes:
    """A zstd frame of `n_blocks` RLE blocks of 128 KiB each (4 bytes apiece), between raw blocks holding
    `prefix` and `suffix`: 8,192 blocks are 1 GiB of output from 32 KB, the densest zstd there is."""

    def block(kind: int, size: int, content: bytes, last: bool) -> bytes:
        return (int(last) | kind << 1 | size << 3).to_bytes(3, "little") + content

    out = b"\x28\xb5\x2f\xfd" + b"\x00" + b"\x58"  # no content size, window 2 MiB
    blocks = [block(0, len(prefix), prefix, False)] if prefix else []
    blocks += [block(1, 1 << 17, byte, False)] * n_blocks
    blocks.append(block(0, len(suffix), suffix, True))
    return out + b"".join(blocks)


def _repeat_member(compress, size: int, times: int) -> bytes:  # type: ignore[no-untyped-def]
    """`times` concatenated streams of `size` zero bytes: valid multi-stream gzip, bzip2 and xz."""
    return compress(b"\0" * size) * times


def flipped_gzip(data: bytes) -> bytes:
    """`data` gzipped with one byte of the deflate stream flipped so that zlib itself fails under
    GzipFile (a CRC mismatch is reported as a bad gzip file; a broken code table crashed runs)."""
    packed = gzip.compress(data)
    for position in range(len(packed) // 3, len(packed) - 8):
        trial = bytearray(packed)
        trial[position] ^= 0xFF
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(bytes(trial))) as stream:
                stream.read()
        except zlib.error:
            return bytes(trial)
        except (OSError, EOFError):
            continue
    raise AssertionError("no flip breaks the deflate stream")


def _warc_swallowing(pages: list[tuple[str, bytes]]) -> bytes:
    """An archive whose first response's Content-Length also covers the whole next record: a reader that
    trusts it keeps the second page's text as the first page's."""
    records = [record("response", uri, http, n=i) for i, (uri, http) in enumerate(pages)]
    length = len(pages[0][1])
    first = records[0].replace(
        f"Content-Length: {length}\r\n".encode(),
        f"Content-Length: {length + len(records[1])}\r\n".encode(),
        1,
    )
    return first + b"".join(records[1:])


def build(raw: Path, outside: Path) -> dict[str, list[tuple[int, str]]]:
    """Write the hostile files into `raw` (and a secret into `outside`); return the expected rows."""
    expected: dict[str, list[tuple[int, str]]] = {}

    def put(name: str, data: bytes | str, rows: list[tuple[int, str]]) -> None:
        path = raw / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode() if isinstance(data, str) else data)
        expected[name] = rows

    def jsonl(*records: object) -> str:
        return "".join(json.dumps(r) + "\n" for r in records)

    # --- whole-run crashes -------------------------------------------------------------------------------
    pages = [(f"http://zst.example/{i}", http_response(page(f"zst{i}").encode())) for i in range(2)]
    put("crawl.warc.zst", zstandard.ZstdCompressor().compress(archive(pages)), [(2, "kept"), (4, "kept")])
    # json.dumps cannot write a lone surrogate escape: a placeholder is swapped for one.
    lone = {"url": "http://x/@", "text": article("s-url")}
    put("surrogate-url.jsonl", json.dumps(lone).replace("@", "\\ud800") + "\n", [(0, "kept")])
    lone = {"text": "Before the cut @ " + article("s-text")}
    put("surrogate-text.jsonl", json.dumps(lone).replace("@", "\\udc80") + "\n", [(0, "kept")])
    lone = {
        "url": "http://x/h",
        "html": page("s-html").replace("<p>", "<p>Opening words @ then the rest: ", 1),
    }
    put("surrogate-html.jsonl", json.dumps(lone).replace("@", "\\ud83d") + "\n", [(0, "kept")])
    deep = "[" * 5000 + "]" * 5000
    put(
        "deep.jsonl",
        '{"text": "x", "deep": ' + deep + "}\n" + jsonl({"text": article("deep-ok")}),
        [(0, "corrupt"), (1, "kept")],
    )
    put("deep-array.json", '[{"text": "x"}, ' + deep + "]", [(0, "corrupt")])
    put(
        "bigint.jsonl",
        '{"text": "x", "n": ' + "9" * 5000 + "}\n" + jsonl({"text": article("bigint-ok")}),
        [(0, "corrupt"), (1, "kept")],
    )
    put("flipped.txt.gz", flipped_gzip(article("flipped", 40).encode()), [(0, "corrupt")])
    (raw / os.fsdecode(b"caf\xe9-\xff.txt")).write_bytes(article("bad-name").encode())
    expected["caf\\xe9-\\xff.txt"] = [(0, "kept")]
    put("bomb-1g-frames.txt.zst", zstd_rle_frame(8192) * 10, [(0, "too_large")])

    # --- data lost or corrupted --------------------------------------------------------------------------
    dev = [gzip.decompress(p.read_bytes()).decode() for p in sorted(SAMPLES.glob("*.html.gz"))]
    assert len(dev[0]) > 1 << 16
    put(
        "scraper-export.jsonl",
        jsonl({"url": "http://dev/0", "html": dev[0]}, {"url": "http://dev/1", "html": dev[1]}),
        [(0, "kept"), (1, "kept")],
    )
    long_html = page("long-line", 250)
    assert len(long_html) > 1 << 16
    put(
        "scraper-export.dat",
        jsonl({"url": "http://gen/0", "html": long_html}, {"text": article("dat-2")}),
        [(0, "kept"), (1, "kept")],
    )
    huge = b'{"text": "' + b"word " * 20_000_000 + b'"}\n' + jsonl({"text": article("after-huge")}).encode()
    put("huge-first-line.jsonl.gz", gzip.compress(huge, 1), [(0, "too_large"), (1, "kept")])
    for lang, text in {
        "fr": "Le conseil municipal a voté le budget après un long débat sur les écoles. " * 8
        + "Fin de l'été",
        "de": "Der Bürgermeister sagte, die Straße über die Brücke werde gesperrt. " * 8 + "Viele Grüße",
        "ru": "Городской совет утвердил бюджет после долгих споров о школах и дорогах. " * 8 + "Конец дня",
    }.items():
        put(f"truncated-utf8-{lang}.txt", text.encode()[:-1], [(0, "kept")])
    for codec in ("base64", "hex", "rot13", "zip", "uu", "quopri", "undefined"):
        body = page(f"meta-{codec}", head=f'<meta charset="{codec}">').replace("<p>", "<p>Caf\xe9 ", 1)
        put(f"meta-{codec}.html", body.encode("cp1252"), [(0, "kept")])
    put("over-max-chars.txt", article("max-chars", 400), [(0, "kept")])
    (raw / "locked").mkdir()
    (raw / "locked" / "inside.txt").write_text(article("locked-inside"), encoding="utf-8")
    expected["locked"] = [(0, "unreadable")]
    put("empty-array.json", "[]", [(0, "empty")])
    put("warcinfo-only.warc", record("warcinfo", "", b"software: tests\r\n"), [(0, "empty")])
    put("empty.txt", b"", [(0, "empty")])
    swallow = [(f"http://sw.example/{i}", http_response(page(f"swallow{i}").encode())) for i in range(3)]
    put("swallow.warc", _warc_swallowing(swallow), [(0, "corrupt"), (1, "kept")])

    # --- escapes and hangs -------------------------------------------------------------------------------
    outside.mkdir(exist_ok=True)
    (outside / "secret.txt").write_text(f"{SECRET} " + article("secret"), encoding="utf-8")
    hidden = raw / ".private"
    hidden.mkdir()
    (hidden / "target.txt").write_text(article("link-target"), encoding="utf-8")
    links = {
        "passwd.txt": ("/etc/passwd", "outside_raw"),
        "zero.txt": ("/dev/zero", "outside_raw"),
        "urandom": ("/dev/urandom", "outside_raw"),
        "escape.txt": (str(Path("..") / outside.name / "secret.txt"), "outside_raw"),
        "etc-folder": ("/etc", "outside_raw"),
        "linked.txt": (".private/target.txt", "kept"),
        "dangling.txt": ("missing.txt", "unreadable"),
        "loop.txt": ("loop.txt", "unreadable"),
    }
    for name, (target, outcome) in links.items():
        (raw / name).symlink_to(target)
        expected[name] = [(0, outcome)]
    (raw / "good-again").symlink_to("good")  # a folder inside RAW: read at its own place, no row
    os.mkfifo(raw / "pipe.txt")
    expected["pipe.txt"] = [(0, "unsupported")]
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(raw / "sock"))
    server.close()
    expected["sock"] = [(0, "unsupported")]
    try:
        os.mknod(raw / "null-device", 0o600 | 0o020000, os.makedev(1, 3))
        expected["null-device"] = [(0, "unsupported")]
    except PermissionError:
        pass  # only root makes device nodes

    # --- what works today: bombs, truncated streams, huge lines, deep HTML, control characters ---------
    put("bomb.txt.gz", _repeat_member(lambda d: gzip.compress(d, 9), 16 << 20, 64), [(0, "too_large")])
    put("bomb.txt.bz2", _repeat_member(bz2.compress, 16 << 20, 64), [(0, "too_large")])
    put("bomb.txt.xz", _repeat_member(lambda d: lzma.compress(d, preset=0), 16 << 20, 64), [(0, "too_large")])
    http_head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n"
    warc_head = (
        "WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:1>\r\n"
        "WARC-Date: 2025-01-01T00:00:00Z\r\n"
        "WARC-Target-URI: http://bomb/\r\nContent-Type: application/http; msgtype=response\r\n"
        f"Content-Length: {len(http_head) + (8192 << 17)}\r\n\r\n"
    ).encode()
    put(
        "bomb.warc.zst",
        zstd_rle_frame(8192, prefix=warc_head + http_head, suffix=b"\r\n\r\n"),
        [(0, "too_large")],
    )
    text = article("truncated", 60).encode()
    for kind, packed in {
        "gz": gzip.compress(text),
        "bz2": bz2.compress(text),
        "xz": lzma.compress(text),
        "zst": zstandard.ZstdCompressor().compress(text),
    }.items():
        put(f"truncated.txt.{kind}", packed[: len(packed) // 2], [(0, "corrupt")])
    put(
        "one-line.txt.zst",
        zstandard.ZstdCompressor(level=1).compress(b"word " * 12_000_000),
        [(0, "too_large")],
    )
    put("long-line.txt", article("long-line-txt", 300).replace("\n\n", " "), [(0, "kept")])
    put(
        "deep.html",
        "<html><body>" + "<div>" * 50_000 + "<p>" + article("deep-html", 2) + "</p></body></html>",
        [(0, "no_article")],  # past libxml2's depth limit the tree is cut: no article found
    )
    put("many-p.html", "<html><body>" + "<p>x</p>" * 200_000 + "</body></html>", [(0, "timeout")])
    laughs = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    put(
        "laughs.html",
        f'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">{laughs}]>'
        + page("laughs").replace("<article>", "<article><p>&lol9;</p>"),
        [(0, "kept")],
    )
    put(
        "xxe.html",
        '<?xml version="1.0"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        + page("xxe").replace("<article>", "<article><p>&xxe;</p>"),
        [(0, "kept")],
    )
    controls = article("controls").replace(", ", ",\x01\x1b[31m ", 3).replace(".", ".\x0b\x7f", 2)
    put("controls.txt", controls, [(0, "kept")])
    put("rtl.txt", "\u202e" + article("rtl").replace(" ", " \u2066", 5) + "\u202c", [(0, "kept")])
    return expected
