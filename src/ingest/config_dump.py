"""The effective configuration as plain data, as a hash and as TOML: what a run records about its settings.

`config_to_dict` gives every value (defaults included) as JSON types; `config_hash` hashes its canonical JSON
(sorted keys, no spaces, floats in Python's shortest round-trip form), so equal configs hash equally in any
process and on any machine, and any changed value changes the hash; `config_to_toml` writes a file that
`load_config` reads back to the same config. Adding a setting to the config changes every hash once: the
effective config then has one more value.

Imports nothing from `ingest` but the validation helpers: works on any tree of configuration dataclasses.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import fields, is_dataclass
from typing import Any

from ingest.config_check import toml_value


def config_to_dict(config: Any, *, output_only: bool = False) -> dict[str, Any]:
    """Every setting as nested dicts of JSON types (lists for tuples, None for an unset value).

    `output_only`: leave out the settings that change how a run executes but not what it writes
    (`setting(..., output=False)`: workers, batch and part sizes)."""
    out: dict[str, Any] = {}
    for f in fields(config):
        value = getattr(config, f.name)
        if is_dataclass(value):
            out[f.name] = config_to_dict(value, output_only=output_only)
        elif not output_only or f.metadata.get("output", True):
            out[f.name] = list(value) if isinstance(value, tuple) else value
    return out


def config_hash(config: Any, *, output_only: bool = False) -> str:
    """SHA-256 (hex) of the canonical JSON of `config_to_dict(config, output_only=...)`."""
    canonical = json.dumps(
        config_to_dict(config, output_only=output_only),
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=True,
        allow_nan=False,
    )
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


def config_to_toml(config: Any) -> str:
    """The effective config as a TOML document, one table per section, settings in declaration order.
    An unset value (TOML has no null) is written as a comment, which reads back as the same default."""
    lines: list[str] = []
    for section in fields(config):
        lines.append(f"[{section.name}]")
        for key, value in config_to_dict(getattr(config, section.name)).items():
            lines.append(f"# {key}: unset" if value is None else f"{key} = {toml_value(value)}")
        lines.append("")
    return "\n".join(lines)
