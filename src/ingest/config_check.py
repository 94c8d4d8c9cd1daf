"""Validation of configuration values, as data: a check next to each setting, rules next to each section.

A setting declares what it accepts where it is defined, `max_passes: int = setting(30, Between(1))`, and a
section lists its cross-field rules, `rules = (Rule("bands", ..., "num_perm ({num_perm}) must be a multiple
of bands"),)`. One function, `validate`, applies them when a section is constructed (its `__post_init__`),
so a TOML file, a dict and Python code get the same one-line `ConfigError`, before any work starts:

    dedup.bands = 50: num_perm (144) must be a multiple of bands

The type comes from the annotation: a `bool` setting takes true or false only (never 1), an `int` setting
an integer (never true), a `float` setting any finite number (an integer becomes a float, so equal configs
are equal values), a `tuple[str, ...]` setting a list of strings (kept as a tuple). The same data renders the
documentation table (`settings_table`), so the rules and their documentation cannot drift apart.

This module imports nothing from `ingest`: the configuration stays a leaf that every step may import.
"""

from __future__ import annotations

import json
import math
import types
from collections.abc import Callable, Iterator
from dataclasses import MISSING, Field, dataclass, field, fields, is_dataclass
from functools import cache
from typing import Any, ClassVar, Union, get_args, get_origin, get_type_hints


class ConfigError(ValueError):
    """A configuration file is missing or unreadable, or a setting is unknown, ill-typed or out of range.
    The message is one line that names the key, the bad value and what is allowed."""


def toml_value(value: Any) -> str:
    """`value` as a TOML literal: true/false, numbers, "strings", [lists]; None (TOML has no null) as `unset`.
    Strings use the escapes TOML and JSON share; DEL, which TOML forbids raw, is escaped too."""
    if value is None:
        return "unset"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(str(k))} = {toml_value(v)}" for k, v in value.items()) + "}"
    return repr(value)


@dataclass(frozen=True, slots=True)
class Between:
    """A number in [low, high] (either end may be open-ended); `note` says what special values mean."""

    low: float | None = None
    high: float | None = None
    note: str = ""

    def problem(self, value: float) -> str | None:
        if isinstance(value, float) and not math.isfinite(value):
            return "not a finite number"
        if (self.low is not None and value < self.low) or (self.high is not None and value > self.high):
            return "out of range"
        return None

    def describe(self) -> str:
        if self.low is not None and self.high is not None:
            text = f"in [{_num(self.low)}, {_num(self.high)}]"
        elif self.low is not None:
            text = f">= {_num(self.low)}"
        elif self.high is not None:
            text = f"<= {_num(self.high)}"
        else:
            text = "(any)"
        return f"{text} ({self.note})" if self.note else text


@dataclass(frozen=True, slots=True)
class Choices:
    """Every item of a list is one of `allowed` (e.g. the language codes the detector can emit)."""

    allowed: frozenset[str]
    what: str

    def problem(self, value: tuple[str, ...]) -> str | None:
        bad = [v for v in value if v not in self.allowed]
        return f"{toml_value(bad[0])} is not one" if bad else None

    def describe(self) -> str:
        return f"each one of the {self.what}: {', '.join(sorted(self.allowed))}"


@dataclass(frozen=True, slots=True)
class KeyPaths:
    """Every item of a list is a record key, or a dotted path of keys into nested objects (`a.b`)."""

    def problem(self, value: tuple[str, ...]) -> str | None:
        bad = [v for v in value if not v or any(not part for part in v.split("."))]
        return f"{toml_value(bad[0])} has an empty key" if bad else None

    def describe(self) -> str:
        return "each a key or a dotted path of keys (`a.b`), no empty part"


Check = Between | Choices | KeyPaths


@dataclass(frozen=True, slots=True)
class Rule:
    """A cross-field rule of a section: `holds(section)` must be true, else the error names `key` and gives
    `message`, formatted with the section's values (`{num_perm}`). `doc` states the rule for the docs."""

    key: str
    holds: Callable[[Any], bool]
    message: str
    doc: str


def setting(default: Any, check: Check | None = None, *, output: bool = True) -> Any:
    """A dataclass field with its check. `output=False` marks a setting that changes how a run is executed
    but never what it writes (workers, batch sizes): `config_hash(..., output_only=True)` leaves it out."""
    return field(default=default, metadata={"check": check, "output": output})


class Section:
    """Base of every configuration section: validates (and normalizes) every field when constructed.
    `section` is the TOML table name used in error messages; `rules` its cross-field rules."""

    __slots__ = ()
    section: ClassVar[str] = ""
    rules: ClassVar[tuple[Rule, ...]] = ()

    def __post_init__(self) -> None:
        validate(self)


@cache
def _hints(cls: type) -> dict[str, Any]:
    return get_type_hints(cls)


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(x)


def _coerce(value: Any, tp: Any) -> tuple[bool, Any]:
    """(whether `value` has type `tp`, the value normalized: an int for a float field becomes a float, a
    list for a tuple field a tuple)."""
    origin = get_origin(tp)
    if origin in (Union, types.UnionType):
        if value is None and type(None) in get_args(tp):
            return True, None
        return _coerce(value, next(a for a in get_args(tp) if a is not type(None)))
    if origin is tuple:
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            return False, value
        return True, tuple(value)
    if tp is bool:
        return isinstance(value, bool), value
    if tp is int:
        return isinstance(value, int) and not isinstance(value, bool), value
    if tp is float:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return True, float(value)
        return False, value
    return isinstance(value, tp), value


def _type_words(tp: Any) -> str:
    origin = get_origin(tp)
    if origin in (Union, types.UnionType):
        return _type_words(next(a for a in get_args(tp) if a is not type(None)))  # the check's note says
    if origin is tuple:
        return "a list of strings"
    words = {bool: "true or false", int: "an integer", float: "a number", str: "a string"}
    return words.get(tp, f"a {getattr(tp, '__name__', tp)}")


def allowed(f: Field[Any], tp: Any) -> str:
    """What a field accepts, in words: its type, then its check."""
    check = f.metadata.get("check")
    return _type_words(tp) + (f" {check.describe()}" if check else "")


def _why_not(value: Any, tp: Any) -> str:
    """The first item of a list that is not a string: what makes `language.allowed = ["en", 3]` wrong."""
    if get_origin(tp) is tuple and isinstance(value, list | tuple):
        for item in value:
            if not isinstance(item, str):
                return f" ({toml_value(item)} is not a string)"
    return ""


def validate(obj: Any) -> None:
    """Check every field of the section `obj` against its type and check, then the section's rules; raise
    `ConfigError` on the first failure. Normalized values (floats, tuples) are stored back."""
    prefix = f"{obj.section}." if obj.section else ""
    hints = _hints(type(obj))
    for f in fields(obj):
        value, tp = getattr(obj, f.name), hints[f.name]
        ok, normal = _coerce(value, tp)
        key = prefix + f.name
        if not ok:
            raise ConfigError(f"{key} = {toml_value(value)}: must be {allowed(f, tp)}{_why_not(value, tp)}")
        if normal is not value:
            object.__setattr__(obj, f.name, normal)
        check = f.metadata.get("check")
        problem = check.problem(normal) if check is not None and normal is not None else None
        if problem is not None:
            detail = "" if problem == "out of range" else f" ({problem})"
            raise ConfigError(f"{key} = {toml_value(value)}: must be {allowed(f, tp)}{detail}")
    for rule in obj.rules:
        if not rule.holds(obj):
            values = {f.name: toml_value(getattr(obj, f.name)) for f in fields(obj)}
            value = values[rule.key]
            raise ConfigError(f"{prefix}{rule.key} = {value}: {rule.message.format_map(values)}")


def walk(obj: Any, prefix: str = "") -> Iterator[tuple[str, Field[Any], Any, Any]]:
    """(dotted key, field, type, value) of every setting under `obj`, depth first, in declaration order."""
    hints = _hints(type(obj))
    for f in fields(obj):
        value = getattr(obj, f.name)
        if is_dataclass(value):
            yield from walk(value, f"{prefix}{f.name}.")
        else:
            yield prefix + f.name, f, hints[f.name], value


def settings_table(root: Any) -> str:
    """The documentation table of every setting under the config `root`: key, default, what is allowed,
    then each section's cross-field rules. Generated from the same data `validate` applies."""
    lines = ["| key | default | allowed |", "| --- | --- | --- |"]
    for key, f, tp, _ in walk(root):
        default = f.default if f.default is not MISSING else None
        words = allowed(f, tp).replace("|", "\\|")
        lines.append(f"| `{key}` | `{toml_value(default)}` | {words} |")
    lines += ["", "| key | cross-field rule |", "| --- | --- |"]
    for section in fields(root):
        cls = _hints(type(root))[section.name]
        for rule in cls.rules:
            lines.append(f"| `{cls.section}.{rule.key}` | {rule.doc} |")
    return "\n".join(lines) + "\n"
