"""Unicode repair with ftfy, then whitespace: one paragraph per line, no trailing spaces, no blank runs."""

from __future__ import annotations

import re
import threading

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


_TYPOGRAPHY = "\u2019\u2018\u201c\u201d\u2013\u2014\u2026\u00a0\u00b7\u2022"
"""Typographic characters of ordinary news text (curly quotes, en and em dash, ellipsis, no-break space,
middle dot, bullet) that ftfy leaves alone in any mix with printable ASCII. ftfy changes a line only when
its badness patterns (`ftfy.badness.BADNESS_RE`) match, an entity or a control, line-separator, ligature or
surrogate character is present, or NFC changes it; every badness pattern needs at least one character
outside this set and printable ASCII (an accented letter, a currency, box-drawing, numeric or C1
character, or one of the few letters such as 'Â' or 'Ã' it names), and these characters are NFC-stable and
combine with nothing. Property tests (tests/clean/test_normalize.py) hold `fix_unicode` to ftfy."""
_PLAIN = re.compile(f"[\\x20-\\x25\\x27-\\x7e{_TYPOGRAPHY}]*\\n?")
"""A line ftfy leaves as it is: printable ASCII without `&` (no entity to unescape, no control or
line-separator character, nothing to re-decode, nothing NFC changes), and the typography above."""


def fix_unicode(text: str) -> str:
    """`ftfy.fix_text(text, FTFY_CONFIG)`, without calling ftfy on the lines it would return unchanged.

    ftfy repairs a text line by line (and turns HTML unescaping off for the rest of the text once a line
    holds `<`); this runs the same loop, and passes a line of printable ASCII and common typography
    (`_PLAIN`) through as it is, which most lines of English news are. Equal to `ftfy.fix_text` (tested on
    the development texts and by property tests)."""
    config = FTFY_CONFIG
    out = []
    pos = 0
    while pos < len(text):
        textbreak = text.find("\n", pos) + 1 or len(text)
        if textbreak - pos > config.max_decode_length:
            textbreak = pos + config.max_decode_length
        segment = text[pos:textbreak]
        if config.unescape_html == "auto" and "<" in segment:
            config = config._replace(unescape_html=False)
        out.append(segment if _PLAIN.fullmatch(segment) else ftfy.fix_and_explain(segment, config).text)
        pos = textbreak
    return "".join(out)


def normalize_whitespace(text: str) -> str:
    """Collapse spaces inside lines and drop empty lines: the body is one paragraph per line."""
    text = _ZERO_WIDTH.sub("", text)
    lines = (_INLINE_SPACE.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


_FIXPOINTS: dict[str, None] = {}
"""Texts `normalize_text` has just returned unchanged, newest last: the cleaner checks the stored form of its
result this way, and the pipeline's normalize step then asks again about the same text."""
_FIXPOINTS_KEPT = 4
_FIXPOINTS_LOCK = threading.Lock()


def normalize_text(text: str) -> str:
    """The canonical form of every text column: ftfy-repaired, whitespace-normalized. Idempotent.

    A text this function has recently returned unchanged is returned at once (a fixpoint stays one), which
    spares the pipeline a second ftfy pass over every document the cleaner has already normalized."""
    if text in _FIXPOINTS:
        return text
    normalized = normalize_whitespace(fix_unicode(text))
    if normalized == text:
        with _FIXPOINTS_LOCK:  # Prefect runs tasks in threads
            _FIXPOINTS[text] = None
            if len(_FIXPOINTS) > _FIXPOINTS_KEPT:
                del _FIXPOINTS[next(iter(_FIXPOINTS))]
    return normalized


def normalize_field(value: str | None) -> str | None:
    """Metadata strings: same repair, on one line; empty becomes None."""
    if value is None:
        return None
    value = " ".join(fix_unicode(value).split())
    return value or None
