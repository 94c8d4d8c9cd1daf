import os
import socket
import time
from pathlib import Path

import pytest

from ingest.config import ReadConfig
from ingest.dedup.keys import make_doc_id
from ingest.read.compression import NotRegularFile, open_stream
from ingest.read.discover import discover, relative_source
from ingest.read.entry import entry_problem, raw_root_of
from ingest.read.files import read_file
from ingest.runner.plan import compare_files as plan_run


def test_recursive_sorted_and_hidden_skipped(tmp_path: Path) -> None:
    for rel in ["b.txt", "a/z.txt", "a/b/c.html", ".hidden.txt", ".git/x.txt", "a/.swp", "A.txt"]:
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x")
    found = [relative_source(p, tmp_path) for p in discover(tmp_path)]
    assert found == ["A.txt", "a/b/c.html", "a/z.txt", "b.txt"]


def read(raw: Path, path: Path) -> list:
    return list(read_file(path, relative_source(path, raw), ReadConfig()))


@pytest.fixture
def raw(tmp_path: Path) -> Path:
    """A raw folder beside a folder outside it that holds a secret."""
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.txt").write_text("the secret words")
    raw = tmp_path / "raw"
    (raw / "sub").mkdir(parents=True)
    (raw / "sub" / "page.txt").write_text("words inside the raw folder")
    return raw


def test_links_out_of_raw_are_rejected_and_never_read(raw: Path) -> None:
    links = {"passwd.txt": "/etc/passwd", "zero.txt": "/dev/zero", "up.txt": "../outside/secret.txt"}
    for name, target in links.items():
        (raw / name).symlink_to(target)
    (raw / "outside-folder").symlink_to(raw.parent / "outside")
    found = {relative_source(p, raw): p for p in discover(raw)}
    assert sorted(found) == ["outside-folder", "passwd.txt", "sub/page.txt", "up.txt", "zero.txt"]
    for name in ["outside-folder", *links]:
        docs = read(raw, found[name])
        assert [(d.reason, d.raw_text) for d in docs] == [("outside_raw", None)]
        assert "outside the raw folder" in docs[0].detail


def test_links_inside_raw_are_followed(raw: Path) -> None:
    (raw / "alias.txt").symlink_to("sub/page.txt")
    (raw / "sub" / "up.txt").symlink_to("../sub/page.txt")
    (raw / "sub-again").symlink_to("sub")  # a folder inside RAW is read at its own place only
    found = {relative_source(p, raw): p for p in discover(raw)}
    assert sorted(found) == ["alias.txt", "sub/page.txt", "sub/up.txt"]
    for name in ("alias.txt", "sub/up.txt"):
        assert [d.raw_text for d in read(raw, found[name])] == ["words inside the raw folder"]


def test_a_raw_folder_reached_through_a_link_is_still_inside(tmp_path: Path, raw: Path) -> None:
    (tmp_path / "raw-link").symlink_to(raw)
    (raw / "alias.txt").symlink_to("sub/page.txt")
    root = tmp_path / "raw-link"
    assert entry_problem(root / "alias.txt", root) is None
    assert raw_root_of(root / "sub" / "page.txt", "sub/page.txt") == root


def test_pipes_sockets_and_devices_are_unsupported_with_their_type(raw: Path) -> None:
    os.mkfifo(raw / "pipe")
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(raw / "sock"))
    kinds = {"pipe": "named pipe (FIFO)", "sock": "socket"}
    try:
        os.mknod(raw / "null", 0o600 | 0o020000, os.makedev(1, 3))
        kinds["null"] = "character device"
    except PermissionError:
        pass  # only root makes device nodes
    start = time.monotonic()
    for name, kind in kinds.items():
        docs = read(raw, raw / name)
        assert [(d.reason, d.detail) for d in docs] == [("unsupported", f"not a regular file: {kind}")]
    with pytest.raises(NotRegularFile):  # even past the check (a file swapped for a pipe), no open blocks
        open_stream(raw / "pipe")
    plan = plan_run(discover(raw), raw, {}, "run")  # hashing for the manifest does not open them either
    assert plan.states["pipe"].content_hash.startswith("entry:")
    assert time.monotonic() - start < 10


def test_links_to_devices_are_not_hashed_for_the_manifest(raw: Path) -> None:
    (raw / "zero").symlink_to("/dev/zero")
    (raw / "random").symlink_to("/dev/urandom")
    plan = plan_run(discover(raw), raw, {}, "run")
    assert {p.name for p in plan.new} == {"zero", "random", "page.txt"}
    assert plan.states["zero"].content_hash.startswith("entry:")
    again = plan_run(discover(raw), raw, plan.states, "run2")  # answered once, not every run
    assert again.new == [] and sorted(again.unchanged) == ["random", "sub/page.txt", "zero"]


def test_broken_links_are_unreadable_so_the_next_run_retries_them(raw: Path) -> None:
    (raw / "dangling.txt").symlink_to("missing.txt")
    (raw / "loop.txt").symlink_to("loop.txt")
    for name in ("dangling.txt", "loop.txt"):
        assert [d.reason for d in read(raw, raw / name)] == ["unreadable"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root lists any folder; tests/hostile covers it without caps")
def test_a_folder_that_cannot_be_listed_is_an_unreadable_entry(raw: Path) -> None:
    (raw / "sub").chmod(0)
    try:
        found = {relative_source(p, raw): p for p in discover(raw)}
        assert sorted(found) == ["sub"]
        docs = read(raw, found["sub"])
        assert [d.reason for d in docs] == ["unreadable"] and "cannot be listed" in docs[0].detail
    finally:
        (raw / "sub").chmod(0o755)


def test_a_file_name_that_is_not_utf8_is_named_with_escaped_bytes(tmp_path: Path) -> None:
    (tmp_path / os.fsdecode(b"caf\xe9 \xff.txt")).write_text("Words of a page with a Latin-1 name.")
    (path,) = discover(tmp_path)
    source = relative_source(path, tmp_path)
    assert source == "caf\\xe9 \\xff.txt"
    (doc,) = list(read_file(path, source, ReadConfig()))
    assert doc.raw_text == "Words of a page with a Latin-1 name." and doc.source_path == source
    assert make_doc_id(source, 0, "")
