"""Imports go one way: a module imports only from its own package and from the layers below it.

    cli, __main__                        the command line
    runner                               the run skeleton, executors, summary, report
    steps                                the per-document steps, composed
    read, extract, clean, dedup          the kinds of step (none imports another)
    store                                Parquet, spill, commit, manifest, lock, file-system helpers
    document, config, faults             the record, the settings, the fault points
A step package imports no executor, the store imports no step, and `ingest.config` imports nothing heavy
(checked in tests/test_config.py). Lazy imports inside functions count too.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "ingest"
LAYERS = {
    "__main__": 7,
    "cli": 6,
    "runner": 5,
    "steps": 4,
    "read": 3,
    "extract": 3,
    "clean": 3,
    "dedup": 3,
    "store": 2,
    "document": 1,
    "faults": 1,
    "config": 1,
    "config_clean": 0.6,
    "config_dedup": 0.6,
    "config_dump": 0.5,
    "config_check": 0.4,
    "clean.rules": 0.3,
    "__init__": 0,
}
"""Higher imports lower only. `clean.rules` (the rule engine, standard library only) sits below the config,
which checks a config's rule files when it is built; `config_check` and `config_dump` are the config's own
helpers, `config_clean` and `config_dedup` hold some of its sections."""


def unit_of(module: str) -> str:
    """The unit of `ingest.a.b`: `a` (`__init__` for the package itself, `clean.rules` for the rule
    engine)."""
    parts = module.split(".")
    if parts[1:3] == ["clean", "rules"]:
        return "clean.rules"
    return parts[1] if len(parts) > 1 else "__init__"


def imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "ingest":
                found += [f"ingest.{alias.name}" for alias in node.names]
            elif node.module.startswith("ingest."):
                found.append(node.module)
        elif isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.startswith("ingest.")]
    return found


def test_every_unit_has_a_layer() -> None:
    units = {p.stem for p in PACKAGE.glob("*.py")} | {p.parent.name for p in PACKAGE.glob("*/__init__.py")}
    units.add("clean.rules")
    assert units <= set(LAYERS), sorted(units - set(LAYERS))


def test_imports_go_one_way() -> None:
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path == PACKAGE / "__init__.py":
            continue  # the package's face: its public names are imported lazily from every layer
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        here = unit_of(".".join(rel.parts))
        for target in imports(path):
            there = unit_of(target)
            if there == here or there not in LAYERS:
                continue
            if LAYERS[there] >= LAYERS[here]:
                wrong.append(f"{'.'.join(rel.parts)} imports {target}")
    assert not wrong, "\n".join(wrong)


def test_every_package_says_what_it_does_and_may_import() -> None:
    for init in sorted(PACKAGE.glob("*/__init__.py")):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
        assert "May import" in doc, f"{init}: the docstring says what the package does and may import"
