"""The article's headline: which of the page's <h1> headings and metadata titles a reader sees as the title,
and the headline line to take off the top of the main text.

Pages carry several candidate titles: visible <h1> headings (some of them a site logo), og:title, a JSON-LD
headline and <title>, the metadata ones often with a ` | Site name` suffix or an SEO rewrite. These pure
functions compare them word by word and pick the one a reader sees, so the title column does not carry
site names and the body does not start with the headline a second time.
"""

from __future__ import annotations

import html
import json
import re

from lxml.html import HtmlElement

from ingest.document import Removal

_TITLE_SEPARATORS = re.compile(r"^\s*[|\-\u2013\u2014:\u00b7\u2022»]")


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


def is_headline(line: str, title: str) -> bool:
    """The line repeats the page title, or the title is the line plus a ` | Site name` style suffix."""
    line_f, title_f = _fold(line), _fold(title)
    if not line_f or not title_f:
        return False
    if line_f == title_f:
        return True
    return title_f.startswith(line_f) and bool(_TITLE_SEPARATORS.match(title_f[len(line_f) :]))


def split_leading_headline(text: str, title: str | None) -> tuple[str, list[Removal]]:
    """Trafilatura often keeps the page's <h1> as the first line; the body must not start with the title."""
    if not title:
        return text, []
    lines = text.split("\n")
    for i, line in enumerate(lines[:3]):
        if is_headline(line, title):
            return "\n".join(lines[:i] + lines[i + 1 :]), [Removal(line.strip(), "title")]
    return text, []


_SEGMENT_SEP = re.compile(r"\s+(?:[|\-\u2013\u2014:\u00b7\u2022»/]|::)\s+")
_WORD = re.compile(r"\w+")


def _words(text: str | None) -> set[str]:
    return {w.casefold() for w in _WORD.findall(text or "")}


def _overlap(a: str, b: str) -> float:
    """Share of the shorter string's words that the other has too."""
    wa, wb = _words(a), _words(b)
    return len(wa & wb) / min(len(wa), len(wb)) if wa and wb else 0.0


def squash(value: str | None) -> str:
    """`value` with runs of whitespace made one space and the ends trimmed; None reads as ''."""
    return " ".join((value or "").split())


def strip_site_name(title: str, site: str | None, host: str | None) -> str:
    """'Headline | Site' -> 'Headline': drop title segments that name the site (its name or its domain),
    else a short last segment after a separator when what stays is a real headline."""
    parts = _SEGMENT_SEP.split(title)
    if len(parts) < 2:
        return title
    site_words = _words(site) | _words((host or "").removeprefix("www.").rsplit(".", 1)[0])
    site_joined = "".join(sorted(site_words))
    kept = [
        part
        for part in parts
        if not (
            _words(part)
            and (_words(part) <= site_words or "".join(_WORD.findall(part.casefold())) == site_joined)
        )
    ]
    if kept and len(kept) < len(parts):
        return kept[0] if len(kept) == 1 else " - ".join(kept)
    head = title[: title.rfind(parts[-1])].rstrip(" |-\u2013\u2014:\u00b7\u2022»/")
    if len(_WORD.findall(parts[-1])) <= 4 and len(_WORD.findall(head)) >= 3:
        return head
    return title


def _json_ld_headline(tree: HtmlElement) -> str | None:
    for script in tree.xpath('//script[@type="application/ld+json"]/text()')[:10]:
        try:
            data = json.loads(script)
        except ValueError:
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                graph = item.get("@graph")
                stack.extend(graph if isinstance(graph, list) else [graph] if graph else [])
                if isinstance(item.get("headline"), str) and item["headline"].strip():
                    return squash(item["headline"])
    return None


_BLOCK_TAGS = frozenset(
    {"br", "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "table", "tr", "td", "th"}
    | {"section", "header", "footer", "article", "blockquote", "figure", "figcaption", "hr"}
)


def heading_text(element: HtmlElement) -> str:
    """A heading's visible text: block children (<br>, <div>, <p>) separate words, inline ones (<span>, <a>,
    <em>) do not ('Planning C<span>ycle</span>' is one word), except where a lower-case letter meets an
    upper-case one ('Alternatives<span>Top picks</span>': two blocks styled inline)."""
    parts: list[str] = []
    _heading_parts(element, parts)
    return squash(html.unescape("".join(parts)))


def _add_run(parts: list[str], text: str | None) -> None:
    if not text:
        return
    if parts and parts[-1][-1:].islower() and text[:1].isupper():
        parts.append(" ")
    parts.append(text)


def _heading_parts(node: HtmlElement, parts: list[str]) -> None:
    """`heading_text`'s runs of `node`'s subtree, appended to `parts` (a module function: a closure that
    calls itself is a reference cycle, left for the cyclic garbage collector)."""
    block = isinstance(node.tag, str) and node.tag in _BLOCK_TAGS
    if block:
        parts.append(" ")
    if isinstance(node.tag, str) and node.tag not in ("script", "style"):  # not a comment
        _add_run(parts, node.text)
    for child in node:
        _heading_parts(child, parts)
        _add_run(parts, child.tail)
    if block:
        parts.append(" ")


def page_title_candidates(tree: HtmlElement) -> tuple[list[str], list[str]]:
    """(the page's <h1> headings, its metadata titles: og:title, JSON-LD headline, <title>), with HTML
    entities that pages escape twice ('&amp;#8211;') decoded."""
    h1s = [heading_text(h) for h in tree.xpath("//h1")[:5]]
    metas = [
        *tree.xpath('//meta[@property="og:title" or @name="og:title" or @name="twitter:title"]/@content')[:1],
        _json_ld_headline(tree),
        *tree.xpath("//title/text()")[:1],
    ]
    return [h for h in h1s if 1 <= len(_WORD.findall(h)) <= 40], [
        squash(html.unescape(m)) for m in metas if m and m.strip()
    ]


_DATE_OR_LABEL = re.compile(r"^(?:[^\w]*\w[\w ]{0,30}:|(?=.*\d)\S+(?:\s+\S+){1,3})$")
_BYLINE_OR_DOMAIN = re.compile(r"^(?:posted|by|updated|published|written)\b|^\(\S+\.\w+\)", re.I)
_PIPE = re.compile(r"\s+\|\s+")


def _tokens(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def _headline_inside(h1: str, title: str) -> bool:
    """The <h1> is `title` plus a date or a 'Label:' before it ('Dec 18 2025 Headline', 'Blog: Headline'),
    or plus a byline or a source domain after it ('Headline Posted on ... by ...', 'Headline (site.com)')."""
    h1_t, title_t = _tokens(h1), _tokens(title)
    if len(title_t) < 3 or len(title_t) >= len(h1_t):
        return False
    at = h1.casefold().find(title.casefold())
    if at < 0:
        return False
    before, after = h1[:at].strip(), h1[at + len(title) :].strip()
    if before and not after:
        return bool(_DATE_OR_LABEL.match(before))
    if after and not before:
        return bool(_BYLINE_OR_DOMAIN.match(after))
    return False


def _cut_pipe_suffix(title: str) -> str:
    """'Headline | Section' -> 'Headline': a headline of three words or more does not go on after ' | '."""
    parts = _PIPE.split(title, maxsplit=1)
    return parts[0].strip() if len(parts) == 2 and len(_WORD.findall(parts[0])) >= 3 else title


def choose_title(h1s: list[str], metas: list[str], site: str | None, host: str | None) -> str | None:
    """The article's headline, as a reader sees it on the page.

    The visible <h1> is the headline when the page's metadata titles agree with it (same words, or most of
    them): metadata titles carry ' | Site' suffixes and SEO rewrites. An <h1> that only names the site (a
    logo) is skipped. The metadata title wins over an agreeing <h1> that is set in capitals (styling) or
    that wraps it in a date, a 'Blog:' label, a byline or a source domain. Without an agreeing <h1>, the
    first metadata title with the site name stripped. A ' | Section' tail is cut either way."""
    title = _choose_title(h1s, metas, site, host)
    return _cut_pipe_suffix(title) if title else title


_SEPARATOR = "[:|\\-\u2013\u2014\u00b7\u2022»/]"
_LEADING_SEP = re.compile(rf"^\s*{_SEPARATOR}")
_TRAILING_SEP = re.compile(rf"{_SEPARATOR}\s*$")


def _without_site_label(h1: str, meta: str) -> str | None:
    """`meta` without `h1` when the <h1> is the blog's or site's name: the metadata title is that name
    plus a separator and a much longer headline ('Engora Data Blog: Small adventures with small language
    models'). None when it is not."""
    head, low = h1.casefold(), meta.casefold()
    if low.startswith(head) and _LEADING_SEP.match(low[len(head) :]):
        rest = _LEADING_SEP.sub("", meta[len(head) :]).strip()
    elif low.endswith(head) and head != low and _TRAILING_SEP.search(low[: -len(head)]):
        rest = _TRAILING_SEP.sub("", meta[: -len(head)]).strip()
    else:
        return None
    return rest if len(_tokens(rest)) >= max(3, 2 * len(_tokens(h1))) else None


def _choose_title(h1s: list[str], metas: list[str], site: str | None, host: str | None) -> str | None:
    stripped = [strip_site_name(m, site, host) for m in metas]
    if site and squash(site).casefold() in {t.casefold() for t in stripped}:
        site = None  # trafilatura fell back to the headline for the site name
        stripped = [strip_site_name(m, site, host) for m in metas]
    for h1 in h1s:
        unlabelled = [_without_site_label(h1, m) for m in metas]
        if any(unlabelled):  # the <h1> is a logo: drop it, and the name from the metadata titles
            h1s = [h for h in h1s if h != h1]
            metas = [u or m for u, m in zip(unlabelled, metas, strict=True)]
            stripped = [strip_site_name(m, site, host) for m in metas]
            break
    site_words = _words(site)
    h1s = [h for h in h1s if not (site_words and _words(h) <= site_words)]
    for h1 in h1s[:1]:  # a list article's count: '8 Recent Trends in Photography' over its <h1> without it
        for title in stripped:
            words = _tokens(title)
            if words[:1] and words[0].isdigit() and words[1:] == _tokens(h1):
                return title
    folded = {squash(t).casefold() for t in metas + stripped}
    for h1 in h1s:
        if h1.casefold() in folded:
            return h1
    if h1s:
        best = max(h1s, key=lambda h: max((_overlap(h, m) for m in metas), default=0.0))
        score = max((_overlap(best, m) for m in metas), default=0.0)
        capitals = stripped and best.isupper() and not stripped[0].isupper()
        if capitals and max(_overlap(best, m) for m in stripped) >= 0.5:
            return stripped[0]
        for title in stripped:
            if _headline_inside(best, title):
                return title
        if score >= 0.4 or (not metas and len(_WORD.findall(best)) >= 3):
            return best
    if stripped:
        return stripped[0]
    return h1s[0] if h1s else None
