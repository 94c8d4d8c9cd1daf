from pathlib import Path

from ingest.discover import discover, relative_source


def test_recursive_sorted_and_hidden_skipped(tmp_path: Path) -> None:
    for rel in ["b.txt", "a/z.txt", "a/b/c.html", ".hidden.txt", ".git/x.txt", "a/.swp", "A.txt"]:
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x")
    found = [relative_source(p, tmp_path) for p in discover(tmp_path)]
    assert found == ["A.txt", "a/b/c.html", "a/z.txt", "b.txt"]
