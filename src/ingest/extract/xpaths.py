"""Trafilatura's costliest XPath expressions, evaluated as Python predicates with the same results.

Trafilatura prunes boilerplate and finds the article container with XPath expressions over class, id and
style attributes (`trafilatura.xpaths`). Many use the EXSLT `re:test` function, which lxml implements by
calling back into Python for every element the expression visits, with its arguments converted to Python
strings first; on news pages these calls are about half of trafilatura's CPU time. Walking the same
elements in Python and testing the same regular expressions with `re` directly gives the very same
elements in the same order at about a third of the cost.

Each `Translation` holds the exact source text of the expression it replaces and a Python function that
returns what the expression returns. `install` swaps a translation in only where trafilatura's expression
has exactly that text, so a trafilatura release that changes an expression keeps its own version (and
`installed` reports which translations are active). Semantics kept on purpose:

- `.//*[...]` is every descendant element of the context node (not the node itself) in document order;
  `.//*[p][1]` is, for each parent, its first child satisfying `p`; `(.//*[p])[1]` the first one overall.
- An absent attribute is the empty string to `re:test`, `contains` and `starts-with`, as in XPath.
- `@id|@class` as a string is the attribute that comes first in the element's source order (XPath takes
  the first node of the set in document order).
- Patterns are the expressions' own, compiled by `re` as lxml compiles them (`re:test(s, p, 'i')` ignores
  case).

Equivalence is tested by running trafilatura over the development pages with every translated expression
evaluated both ways on the same tree, and by a property test over generated attribute soups.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from importlib import import_module
from types import ModuleType

import trafilatura.xpaths as trafilatura_xpaths
from lxml import etree

from ingest.extract.xpath_metadata import (
    AUTHOR_MARKUP_TAGS,
    author_markup,
    byline,
    category_item,
    loose_byline,
    not_author_zone,
    post_meta_box,
    tag_box,
    topics_box,
)
from ingest.extract.xpath_predicates import (
    appended_articles,
    article_body,
    basic_clean,
    caption,
    comments,
    elementor_share,
    hidden_or_comment_furniture,
    main_content,
    overall_discard,
    story,
    teaser,
)

trafilatura_baseline = import_module("trafilatura.baseline")
"""The module (`import trafilatura.baseline` names the function trafilatura exports as `baseline`)."""
Tree = etree._Element
Predicate = Callable[[etree._Element], bool]


def descendants(tags: Iterable[str] | None, test: Predicate) -> Callable[[Tree], list]:
    """`.//*[self::t1 or ...][test]`: every descendant element with one of `tags` (any tag when None)
    that passes `test`, in document order."""
    names = tuple(tags) if tags is not None else (etree.Element,)

    def run(tree: Tree) -> list:
        return [el for el in tree.iterdescendants(*names) if test(el)]

    return run


def first_per_parent(tags: Iterable[str], test: Predicate) -> Callable[[Tree], list]:
    """`.//*[self::t1 or ...][test][1]`: of the matching descendants, each parent's first child."""
    every = descendants(tags, test)

    def run(tree: Tree) -> list:
        seen, out = set(), []
        for el in every(tree):
            parent = el.getparent()
            if parent not in seen:
                seen.add(parent)
                out.append(el)
        return out

    return run


def first_overall(tags: Iterable[str], test: Predicate) -> Callable[[Tree], list]:
    """`(.//*[self::t1 or ...][test])[1]`: the first matching descendant in document order, if any."""
    names = tuple(tags)

    def run(tree: Tree) -> list:
        return next(([el] for el in tree.iterdescendants(*names) if test(el)), [])

    return run


def document_elements(el: Tree, names: tuple) -> Iterator[etree._Element]:
    """The elements of `el`'s whole document with one of `names` (lxml tag filters), in document order:
    what `//` starts from, whichever element the expression is given."""
    root = el.getroottree().getroot()
    for top in (*reversed(list(root.itersiblings(preceding=True))), root, *root.itersiblings()):
        yield from top.iter(*names)


def in_document(tags: Iterable[str] | None, test: Predicate) -> Callable[[Tree], list]:
    """`//*[self::t1 or ...][test]`: every element of the document with one of `tags` (any tag when None)
    that passes `test`, the root included, in document order."""
    names = tuple(tags) if tags is not None else (etree.Element,)
    return lambda tree: [el for el in document_elements(tree, names) if test(el)]


def links_under(tags: Iterable[str] | None, test: Predicate) -> Callable[[Tree], list]:
    """`//*[self::t1 or ...][test]//a[@href]`: the document's links inside an element that passes `test`,
    each once, in document order."""
    boxes = in_document(tags, test)

    def run(tree: Tree) -> list:
        found = set(boxes(tree))
        if not found:
            return []
        return [
            a
            for a in document_elements(tree, ("a",))
            if a.get("href") is not None and any(up in found for up in a.iterancestors())
        ]

    return run


# --- installing ---------------------------------------------------------------------------------------------

_BLOCKS = ("div", "item", "list", "p", "section", "span")
_CONTAINERS = ("article", "div", "main", "section")


@dataclass(frozen=True)
class Translation:
    """`run` stands for `trafilatura.xpaths.<name>[index]` (or, with `index` None, for the expression
    `module.<name>` itself) when that expression's source text has the SHA-256 digest starting with
    `digest` (the text the translation was written from)."""

    name: str
    index: int | None
    digest: str
    run: Callable[[Tree], list]
    module: ModuleType = trafilatura_xpaths

    @property
    def label(self) -> str:
        """`NAME[index]`, or `NAME` for a module attribute."""
        return self.name if self.index is None else f"{self.name}[{self.index}]"


TRANSLATIONS = (
    Translation("OVERALL_DISCARD_XPATH", 0, "a837e58a1b1ea116", descendants(_BLOCKS, overall_discard)),
    Translation(
        "OVERALL_DISCARD_XPATH", 1, "c1d5b70b8cd03783", descendants(None, hidden_or_comment_furniture)
    ),
    Translation(
        "REMOVE_COMMENTS_AND_LISTS_XPATH",
        0,
        "9cc18d34e6e2d258",
        descendants(("div", "list", "section", "details", "ol", "ul"), comments),
    ),
    Translation(
        "RAW_TREE_PRUNE_XPATH",
        0,
        "01e7c660fd6406f2",
        descendants(("div", "section", "aside"), appended_articles),
    ),
    Translation(
        "RAW_TREE_PRUNE_XPATH",
        1,
        "3c7afe92279543d5",
        descendants(("div", "section", "aside"), elementor_share),
    ),
    Translation("BODY_XPATH", 0, "caaa561ceca17064", first_per_parent(_CONTAINERS, article_body)),
    Translation("BODY_XPATH", 2, "6c9b5e1fdc092943", first_overall(_CONTAINERS, story)),
    Translation("BODY_XPATH", 3, "10a7ceacc0ff8cdf", first_overall(_CONTAINERS, main_content)),
    Translation("DISCARD_IMAGE_ELEMENTS", 0, "cb1ab981e44913f7", descendants(_BLOCKS, caption)),
    Translation("TEASER_DISCARD_XPATH", 0, "ebb02f066626551d", descendants(_BLOCKS, teaser)),
    Translation(
        "AUTHOR_DISCARD_XPATHS",
        0,
        "82f43e48c571d06b",
        descendants(("a", "div", "section", "span"), not_author_zone),
    ),
    Translation(
        "AUTHOR_XPATHS", 0, "4d49fee6aa1c77f4", in_document((*AUTHOR_MARKUP_TAGS, "author"), author_markup)
    ),
    Translation(
        "AUTHOR_XPATHS", 1, "6120fddc3d75e8ea", in_document(("a", "div", "h3", "h4", "p", "span"), byline)
    ),
    Translation("AUTHOR_XPATHS", 2, "4ff2ef32ff7c0e5f", in_document(None, loose_byline)),
    Translation("TAGS_XPATHS", 2, "238771784fb1d0a6", links_under(("div",), tag_box)),
    Translation("TAGS_XPATHS", 3, "39ae2c0fc2971d72", links_under(None, topics_box)),
    Translation("CATEGORIES_XPATHS", 0, "f9db28129c98c3ff", links_under(("div",), post_meta_box)),
    Translation("CATEGORIES_XPATHS", 3, "f0d05a0c4fd23ebd", links_under(("li", "span"), category_item)),
    Translation(
        "BASIC_CLEAN_XPATH", None, "db6c25acd08aef99", descendants(None, basic_clean), trafilatura_baseline
    ),
)


class Translated:
    """Callable like the `etree.XPath` it stands for (`path` is that expression's text; `original` the
    expression itself). With `check`, every call also evaluates the original and raises `AssertionError`
    when the two differ: the equivalence test runs trafilatura that way."""

    def __init__(self, original: etree.XPath, run: Callable[[Tree], list], check: bool = False) -> None:
        self.original, self.path, self.run, self.check = original, original.path, run, check

    def __call__(self, tree: Tree) -> list:
        found = self.run(tree)
        if self.check:
            expected = self.original(tree)
            if len(found) != len(expected) or any(a is not b for a, b in zip(found, expected, strict=False)):
                raise AssertionError(f"translation differs from {self.path.strip()[:80]!r}")
        return found


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _slot(t: Translation) -> tuple[Callable[[object], None], object] | None:
    """A setter for the place of the expression `t` stands for (an item of one of trafilatura's lists, or
    a module attribute), and what is in that place now."""
    if t.index is None:
        if not hasattr(t.module, t.name):
            return None
        return (lambda value: setattr(t.module, t.name, value)), getattr(t.module, t.name)
    expressions = getattr(t.module, t.name, None)
    index = t.index
    if not isinstance(expressions, list) or index >= len(expressions):
        return None
    return (lambda value: expressions.__setitem__(index, value)), expressions[index]


def install(check: bool = False) -> list[str]:
    """Put every translation whose expression trafilatura still has, unchanged, in its place (in the lists
    of `trafilatura.xpaths`, which trafilatura's modules share, or as the module attribute a function
    reads, as `trafilatura.baseline.BASIC_CLEAN_XPATH`). Idempotent; returns the names installed,
    as `Translation.label`. `check` makes each call evaluate both and compare (slow: for tests)."""
    done = []
    for t in TRANSLATIONS:
        if (slot := _slot(t)) is None:
            continue
        put, current = slot
        original = current.original if isinstance(current, Translated) else current
        if not isinstance(original, etree.XPath) or not _digest(original.path).startswith(t.digest):
            continue
        put(Translated(original, t.run, check))
        done.append(t.label)
    return done


def uninstall() -> None:
    """Give trafilatura its own expressions back."""
    for t in TRANSLATIONS:
        if (slot := _slot(t)) is not None and isinstance(slot[1], Translated):
            slot[0](slot[1].original)


def installed() -> list[str]:
    """The translations now in place, as `Translation.label`."""
    return [t.label for t in TRANSLATIONS if (s := _slot(t)) and isinstance(s[1], Translated)]
