"""Marks a converter puts around the words, removed so that rules and statistics read only the words.

Markdown syntax (html2text's `## heading`, `**bold**`, `[text](url)`, escapes, bullets) and a text
browser's link numbers (`lynx -dump`'s `[12]Home`) and image placeholders (`[photo-1.jpg]`) are layout, not
article text: left in, they would count as words in the line statistics and the shingles. Each function
removes only marks, never the words between them, and goes to a fixpoint, so a second reading finds none.
"""

from __future__ import annotations

import re
from itertools import pairwise

_BULLET_CHARS = "*+-•·▪►◦‣–—□○■●◆◇▫☐➢➤✓✔❖"
"""List bullets of markdown, text browsers (lynx and inscriptis nest `*`, `+`, `o`; w3m `•`, `□`, `○`) and
pages' own typography."""
_BULLET = re.compile(rf"^(?:[{re.escape(_BULLET_CHARS)}]|o(?= ))\s+")
_NUMBERED = re.compile(r"^\d{1,3}[.)]\s")
_LIST_MARK = re.compile(rf"{_BULLET.pattern}|^\d{{1,3}}[.)]\s+")
"""A bullet or a list number: a list item, which wrappers leave unwrapped and never join to the one above."""
_HEADING_MARK = re.compile(r"^#{1,6}\s+")
_MD_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]*)\]\((?:[^()]|\([^)]*\))*\)")
_MD_EMPHASIS = re.compile(r"(?<![\w*])(\*{1,3}|_{1,3})(?=\S)|(?<=\S)(\*{1,3}|_{1,3})(?![\w*])")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")
_BARE_MARKUP = re.compile(r"^[\s*_#>|=\-`~]*$")
_BULLET_FIRST = _BULLET_CHARS + "o"
"""What a `_BULLET` can start with: a line starting with anything else skips the regex, as do lines
`_BARE_MARKUP` cannot match by their first character (`strip_markdown` runs on every line of every
fixpoint pass)."""
_MARKUP_CHARS = "*_#>|=-`~"


def strip_markdown(line: str) -> tuple[str, bool, bool]:
    """Remove markdown syntax a converter added; return the text and whether it was a list item / heading.

    Only syntax is removed, never words of the text: link and image targets are URLs, not article text, an
    image's alt text describes a picture (html2text prints it glued to the next link's text: `Compute engine
    iconCompute Engine`), and `__` or `\\.` would otherwise leak into word counts and shingles. Bullets go,
    list numbers stay: `1.` is the article's own numbering ("10. Park Hyatt" in a top-ten list), and a number
    cannot be told from a converter's on a second reading (html2text escapes a heading's `1.` as `1\\.`), so
    stripping it made cleaning the cleaned text change it again. Every mark goes to a fixpoint, so a second
    reading finds none.
    """
    is_heading = False
    is_list = False
    unescaped = False
    before = None
    while line != before:  # to a fixpoint: removing one mark can expose another (`*_x` -> `_x` -> `x`,
        before = line  # `\+ item` -> `+ item` -> `item`, `* o item` -> `o item` -> `item`)
        if line.startswith("#"):
            stripped = _HEADING_MARK.sub("", line)
            if stripped != line:
                is_heading = True
                line = stripped.rstrip("# ").strip()
        mark = _BULLET.match(line) if line[:1] in _BULLET_FIRST else None
        if mark:
            is_list = is_list or not unescaped  # `\- text` was escaped because it is not a list item
            line = line[mark.end() :]
        if "](" in line:
            line = _MD_IMAGE.sub("", line)
            line = _MD_LINK.sub(r"\1", line)
        if "*" in line or "_" in line:
            line = _MD_EMPHASIS.sub("", line)
        if "\\" in line:
            plain = _MD_ESCAPE.sub(r"\1", line)
            unescaped = unescaped or plain != line
            line = plain
        line = line.strip()
    is_list = is_list or _NUMBERED.match(line) is not None
    first = line[:1]
    if (not first or first.isspace() or first in _MARKUP_CHARS) and _BARE_MARKUP.match(line):
        line = ""
    return line.strip(), is_list, is_heading


def strip_link_numbers(text: str) -> str:
    """Remove a text browser's link numbers (`lynx -dump`'s `[12]Home`, numbered in page order), which would
    otherwise sit inside every linked phrase as a word of their own.

    They are told from footnote marks (`claim.[3] Next`) by being glued to the link text that follows and
    by rising through the page; a page needs several of them, mostly in order, before any is removed.
    """
    if "]" not in text:
        return text
    numbers = [int(m.group(1)) for m in _LINK_NUMBER.finditer(text)]
    if len(numbers) < _MIN_LINK_NUMBERS:
        return text
    rising = sum(b > a for a, b in pairwise(numbers))
    if rising < _RISING_SHARE * (len(numbers) - 1):
        return text
    return _ANY_LINK_NUMBER.sub("", text)


_LINK_NUMBER = re.compile(r"\[(\d{1,4})\](?=[^\s\[\].,;:!?)])")
_ANY_LINK_NUMBER = re.compile(r"\[\d{1,4}\]")
"""On a page the glued numbers show to be numbered by a text browser, every bracketed number is one of
its marks: a link whose text starts with a space or an image (`[21]` alone on a line) too; a footnote
link prints as `[[57]3]` and keeps its `[3]`."""


def strip_image_placeholders(text: str) -> str:
    """Remove the `[photo-1.jpg]` a text browser prints for an image without alt text: a file name, not
    article text."""
    if ".](" in text or "[" not in text:
        return text
    return _IMAGE_PLACEHOLDER.sub("", text)


_IMAGE_PLACEHOLDER = re.compile(r"\[[^\]\[\s]{1,80}\.(?:png|jpe?g|gif|svg|webp|avif)\]", re.IGNORECASE)
_MIN_LINK_NUMBERS = 5
_RISING_SHARE = 0.8
