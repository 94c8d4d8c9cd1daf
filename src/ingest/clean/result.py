"""The cleaner's result: the article text, every removed line with its rule, and metadata found in the text.

`merge` combines the result of a pass with that of the pass before it: the cleaner re-reads its own output
until nothing more goes, and what an earlier pass removed or found must not be lost.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ingest.document import Removal


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


def merge(first: CleanResult, second: CleanResult) -> CleanResult:
    """The result of cleaning `first.text` again, with what the first pass found kept."""
    return CleanResult(
        text=second.text,
        removed=first.removed + second.removed,
        title=first.title or second.title,
        author=first.author or second.author,
        site=first.site or second.site,
        published=first.published or second.published,
    )
