"""The documentation stays true to the code: every setting, option and output column is documented, the
site builds without a warning, and the README stays a short front page with the quick start.

The lists of what must be documented come from the code itself (the configuration dataclasses, the argument
parsers, the Parquet files a real run writes), so a new setting or option without documentation fails here.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import subprocess
import sys
import tomllib
from dataclasses import fields, is_dataclass
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from conftest import ROOT

from ingest.cli import build_parser
from ingest.cli import main as cli_main
from ingest.config import IngestConfig, load_config

DOCS = ROOT / "docs"
CONFIG_PAGE = DOCS / "usage" / "configuration.md"
CLI_PAGE = DOCS / "usage" / "cli.md"
FLOW_PAGE = DOCS / "usage" / "flow.md"
DATA_PAGE = DOCS / "concepts" / "data-dictionary.md"
README = ROOT / "README.md"
README_MAX_BYTES = 10_000
QUICK_START = (
    "pip install uv && uv run --locked --no-dev python -m ingest",
    "pip install uv && uv run --locked pytest",
)


def config_keys(obj: object | None = None, section: str = "") -> list[tuple[str, str]]:
    """(table, key) of every setting, walking `IngestConfig`: each dataclass field is a TOML table (nested
    tables dotted, `a.b`), every other field a key."""
    obj = IngestConfig() if obj is None else obj
    keys: list[tuple[str, str]] = []
    for f in fields(obj):  # type: ignore[arg-type]
        value = getattr(obj, f.name)
        if is_dataclass(value):
            keys += config_keys(value, f"{section}.{f.name}" if section else f.name)
        else:
            keys.append((section, f.name))
    return keys


def sections(page: str) -> dict[str, str]:
    """Text under each `## ` heading of a page, keyed by the `[table]` the heading names (if any)."""
    found: dict[str, str] = {}
    for block in re.split(r"^## ", page, flags=re.M)[1:]:
        heading, _, body = block.partition("\n")
        name = re.search(r"\[([\w.]+)\]", heading)
        if name:
            found[name.group(1)] = body
    return found


def documented(text: str, name: str) -> bool:
    """`name` appears as inline code, alone or followed by its argument (`--raw RAW`, `` `key` ``)."""
    return re.search(r"`" + re.escape(name) + r"[` =]", text) is not None


def test_config_keys_are_walked() -> None:
    keys = config_keys()
    assert ("read", "max_file_bytes") in keys and ("clean", "max_passes") in keys
    assert ("corpus", "prose_min_share") in keys and ("run", "records_per_task") in keys


def test_every_config_key_is_in_the_configuration_reference() -> None:
    tables = sections(CONFIG_PAGE.read_text(encoding="utf-8"))
    missing = [
        f"[{section}] {key}" for section, key in config_keys() if not documented(tables.get(section, ""), key)
    ]
    assert not missing, f"settings missing from {CONFIG_PAGE.relative_to(ROOT)}: {', '.join(missing)}"


def test_the_documented_defaults_are_the_defaults(tmp_path: Path) -> None:
    page = CONFIG_PAGE.read_text(encoding="utf-8")
    block = page.split("## All defaults as one file", 1)[1].split("```toml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "defaults.toml"
    path.write_text(block, encoding="utf-8")
    assert load_config(path) == load_config(None)
    written = {(section, key) for section, table in tomllib.loads(block).items() for key in table}
    # Every key with a TOML-writable default is in the block (an unset `None` cannot be written).
    defaults = IngestConfig()
    expected = {
        (s, k) for s, k in config_keys() if "." not in s and getattr(getattr(defaults, s), k) is not None
    }
    assert expected - written == set()


def parser_names(parser: argparse.ArgumentParser) -> set[str]:
    """Option strings and positional names of a parser and of its subcommands (help excluded)."""
    names: set[str] = set()
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        if isinstance(action, argparse._SubParsersAction):
            for command, sub in action.choices.items():
                names.add(command)
                names |= parser_names(sub)
        elif action.option_strings:
            names.update(action.option_strings)
        else:
            names.add(action.dest)
    return names


def help_names(text: str) -> set[str]:
    """Option strings and positional names read from an argparse `--help` text (help excluded)."""
    options = set(re.findall(r"(?<![\w-])(--?[A-Za-z][\w-]*)", text.split("options:", 1)[-1]))
    positional = text.partition("positional arguments:")[2].split("options:")[0]
    names = {line.split()[0] for line in positional.splitlines() if re.match(r"^  \S", line)}
    return (options | names) - {"-h", "--help"}


def script_names(module_name: str, argv: list[str], capsys: pytest.CaptureFixture[str]) -> set[str]:
    """The names a script's parser takes: from its `build_parser()` if it has one, else from its --help."""
    module = __import__(module_name, fromlist=["main"])
    if hasattr(module, "build_parser"):
        return parser_names(module.build_parser())
    capsys.readouterr()
    with pytest.raises(SystemExit):
        module.main(*argv) if argv else module.main()
    names = help_names(capsys.readouterr().out)
    assert names, f"no options read from {module_name} --help"
    return names


def test_parser_walk_finds_the_cli_options() -> None:
    names = parser_names(build_parser())
    assert {"--raw", "--out", "--config", "--wait", "--quiet"} <= names


def test_every_cli_option_is_in_the_cli_page() -> None:
    page = CLI_PAGE.read_text(encoding="utf-8")
    missing = sorted(name for name in parser_names(build_parser()) if not documented(page, name))
    assert not missing, f"options of python -m ingest missing from {CLI_PAGE.relative_to(ROOT)}: {missing}"


def test_every_flow_option_is_in_the_flow_page(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    page = FLOW_PAGE.read_text(encoding="utf-8")
    flow = script_names("flows.ingest_flow", [["--help"]], capsys)
    folders = {"--raw", "--out", "--config"}  # one argument style: the CLI's, the flow script's, serve's
    assert folders | {"--wait", "--dask-workers", "--dask-address"} <= flow
    monkeypatch.setattr(sys, "argv", ["serve.py", "--help"])
    serve = script_names("flows.serve", [], capsys)
    assert folders | {"--cron", "--dask-workers", "--dask-address"} <= serve
    missing = sorted(name for name in flow | serve if not documented(page, name))
    assert not missing, f"options of the flow scripts missing from {FLOW_PAGE.relative_to(ROOT)}: {missing}"


def test_every_output_column_and_summary_key_is_in_the_data_dictionary(tmp_path: Path) -> None:
    """A real run over the repository's sample files: the columns it writes are the ones to document."""
    out = tmp_path / "clean"
    assert cli_main(["--raw", str(ROOT / "raw"), "--out", str(out), "--quiet"]) == 0
    page = DATA_PAGE.read_text(encoding="utf-8")
    columns = set()
    for folder in ("documents", "rejected"):
        columns |= set(pq.read_schema(next((out / folder).glob("*.parquet"))).names)
    (summary_file,) = (out / "_runs").glob("*.json")
    summary = json.loads(summary_file.read_text(encoding="utf-8"))
    reasons = {r for r in pq.read_table(out / "rejected", columns=["reason"]).column("reason").to_pylist()}
    assert {"doc_id", "text", "removed", "reason"} <= columns and reasons
    missing = sorted(name for name in columns | set(summary) | reasons if not documented(page, name))
    assert not missing, f"missing from {DATA_PAGE.relative_to(ROOT)}: {missing}"


def test_readme_is_short_and_has_the_quick_start() -> None:
    data = README.read_bytes()
    assert len(data) <= README_MAX_BYTES, f"README.md is {len(data)} bytes; keep it under {README_MAX_BYTES}"
    text = data.decode("utf-8")
    for command in QUICK_START:
        assert command in text, f"the quick start command {command!r} is missing from README.md"


def test_readme_links_point_to_files_that_exist() -> None:
    text = README.read_text(encoding="utf-8")
    targets = [t.split("#")[0] for t in re.findall(r"\]\(([^)\s]+)\)", text) if "://" not in t]
    assert any(t.startswith("docs/") for t in targets)
    missing = sorted({t for t in targets if t and not (ROOT / t).exists()})
    assert not missing, f"README.md links to missing files: {missing}"


@pytest.mark.skipif(
    importlib.util.find_spec("mkdocs") is None or importlib.util.find_spec("material") is None,
    reason="mkdocs-material is not installed: `uv sync --locked --group docs` installs it (.ci/run does)",
)
def test_the_docs_site_builds_strictly(tmp_path: Path) -> None:
    """`mkdocs build --strict`: a broken link or anchor, or a page missing from the navigation, fails."""
    site = tmp_path / "site"
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(ROOT / "mkdocs.yml")]
    result = subprocess.run(
        [*command, "--site-dir", str(site)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    built = (site / "usage" / "configuration" / "index.html").read_text(encoding="utf-8")
    assert "max_passes" in built and "containment_min_jaccard" in built


LAB_NOTEBOOK = re.compile(r"\bsessions? \d+|\b(?=[0-9a-f]*[a-f])(?=[0-9a-f]*\d)[0-9a-f]{7,40}\b")
"""A session number or a commit hash: history, which belongs in benchmarks/HISTORY.md, not in the docs."""


def test_docs_pages_read_as_documentation_not_as_a_lab_notebook() -> None:
    pages = [README, *DOCS.rglob("*.md")]
    found = {
        str(p.relative_to(ROOT)): hits
        for p in pages
        if (hits := LAB_NOTEBOOK.findall(p.read_text(encoding="utf-8")))
    }
    assert not found, f"session numbers or commit hashes (move them to benchmarks/HISTORY.md): {found}"
    assert LAB_NOTEBOOK.search("at 496f087, session 8") and not LAB_NOTEBOOK.search("50000000 deadbeef")
