"""ingest: raw scraped news pages in, a clean, deduplicated Parquet dataset out.

The public API, imported lazily so that `import ingest` (and `python -m ingest --help`) stays fast:

    from ingest import run, Config, load_config
    summary = run(Path("raw"), Path("clean"), load_config("ingest.toml"))

- `run(raw, out, config, ...)`: one incremental, crash-safe run; returns a `RunSummary`.
- `Config` (also `IngestConfig`): the one typed, validated settings object; `load_config(path)` reads TOML.
- `Document`: the record that flows through the steps. `RunSummary`: what a run did.

Package layout (imports go one way, top to bottom; tests/test_layers.py checks it):
    cli                                  the command line
    runner/                              the run skeleton, executors, summary, report
    steps/                               the per-document steps, composed
    read/  extract/  clean/  dedup/      the kinds of step
    store/                               Parquet, commit protocol, manifest, lock, file-system helpers
    document, config, faults             the record, the settings, the test-only fault points
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.2.0"
PIPELINE_VERSION = __version__

_LAZY = {
    "run": ("ingest.runner.pipeline", "run"),
    "RunError": ("ingest.runner.plan", "RunError"),
    "RunSummary": ("ingest.runner.summary", "RunSummary"),
    "Config": ("ingest.config", "IngestConfig"),
    "IngestConfig": ("ingest.config", "IngestConfig"),
    "ConfigError": ("ingest.config", "ConfigError"),
    "load_config": ("ingest.config", "load_config"),
    "Document": ("ingest.document", "Document"),
}
__all__ = [
    "PIPELINE_VERSION",
    "Config",
    "ConfigError",
    "Document",
    "IngestConfig",
    "RunError",
    "RunSummary",
    "__version__",
    "load_config",
    "run",
]

if TYPE_CHECKING:
    from ingest.config import ConfigError as ConfigError
    from ingest.config import IngestConfig as Config
    from ingest.config import IngestConfig as IngestConfig
    from ingest.config import load_config as load_config
    from ingest.document import Document as Document
    from ingest.runner.pipeline import run as run
    from ingest.runner.plan import RunError as RunError
    from ingest.runner.summary import RunSummary as RunSummary


def __getattr__(name: str) -> Any:
    """Import a public name on first use (PEP 562)."""
    if name not in _LAZY:
        raise AttributeError(f"module 'ingest' has no attribute {name!r}")
    import importlib

    module, attr = _LAZY[name]
    value = getattr(importlib.import_module(module), attr)
    globals()[name] = value
    return value
