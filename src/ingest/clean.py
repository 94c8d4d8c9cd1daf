"""Boilerplate removal for plain text (STUB: being replaced by the rule-based cleaner)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ingest.records import Removal


@dataclass(frozen=True, slots=True)
class CleanConfig:
    """Settings of the cleaner; every field has a default and maps to the `[clean]` table of the TOML config."""

    enabled: bool = True


@dataclass(slots=True)
class CleanResult:
    """The article body (paragraphs joined by newlines), every removed line with its rule, and metadata
    the cleaner found in the text (None where the text does not state it)."""

    text: str
    removed: list[Removal] = field(default_factory=list)
    title: str | None = None
    author: str | None = None
    site: str | None = None
    published: str | None = None


def clean_text(text: str, config: CleanConfig = CleanConfig()) -> CleanResult:
    lines = [line.strip() for line in text.split("\n")]
    return CleanResult(text="\n".join(line for line in lines if line))
