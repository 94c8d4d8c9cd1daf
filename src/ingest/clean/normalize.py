"""Unicode repair with ftfy, then whitespace: one paragraph per line, no trailing spaces, no blank runs."""

from __future__ import annotations

import re

import ftfy

FTFY_CONFIG = ftfy.TextFixerConfig(
    # Keep typographic quotes as published: they are article content, and exact-duplicate hashing folds
    # quote marks itself.
    uncurl_quotes=False,
    # Full-width forms are correct in CJK text; narrowing them would rewrite Chinese and Japanese punctuation.
    fix_character_width=False,
    # The explanation is only for debugging and costs time on every document.
    explain=False,
)

_INLINE_SPACE = re.compile(r"[^\S\n]+")
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")


def fix_unicode(text: str) -> str:
    return ftfy.fix_text(text, FTFY_CONFIG)


def normalize_whitespace(text: str) -> str:
    """Collapse spaces inside lines and drop empty lines: the body is one paragraph per line."""
    text = _ZERO_WIDTH.sub("", text)
    lines = (_INLINE_SPACE.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def normalize_text(text: str) -> str:
    """The canonical form of every text column: ftfy-repaired, whitespace-normalized. Idempotent."""
    return normalize_whitespace(fix_unicode(text))


def normalize_field(value: str | None) -> str | None:
    """Metadata strings: same repair, on one line; empty becomes None."""
    if value is None:
        return None
    value = " ".join(fix_unicode(value).split())
    return value or None
