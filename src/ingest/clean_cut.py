"""The cleaner's size guard: a text over `clean.max_chars` is cut at a paragraph boundary, and the cut is
recorded, never silent.

`clean.max_chars` (2,000,000 characters by default, far above any article) bounds the cleaner's time on a
pathological page. The cut falls on the last blank line before the limit, else the last line break, else
the last space (in the last half of the allowance; a hard cut only for text without any). What was cut
becomes one `removed` entry with the rule `max_chars`: how many characters, and the start of the first
line cut, so the row shows that the text was shortened and where.
"""

from __future__ import annotations

from ingest.records import Removal

RULE = "max_chars"
_SHOWN = 200


def cut_at_paragraph(text: str, max_chars: int) -> tuple[str, Removal | None]:
    """(`text` cut to at most `max_chars` characters at a paragraph boundary, the removal recording the
    cut); (`text`, None) when it is within the limit."""
    if len(text) <= max_chars:
        return text, None
    window = text[:max_chars]
    cut = -1
    for separator in ("\n\n", "\n", " "):
        cut = window.rfind(separator)
        if cut >= max_chars // 2:
            break
    if cut < max_chars // 2:
        cut = max_chars
    rest = text[cut:].lstrip()
    first = rest.split("\n", 1)[0][:_SHOWN]
    note = f"[{len(text) - cut} characters cut past clean.max_chars={max_chars}] {first}".rstrip()
    return text[:cut].rstrip(), Removal(note, RULE)
