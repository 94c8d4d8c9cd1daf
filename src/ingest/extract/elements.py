"""The element classes of parsed pages, chosen in C instead of in Python.

lxml.html gives every element of a page a Python class (`HtmlElement`; `FormElement`, `InputElement` and a
few more for form tags) through `HtmlElementClassLookup`, a lookup written in Python that lxml calls each
time Python code touches an element it has no live object for. Trafilatura's passes and the learned steps
touch elements more than a million times per hundred news pages, so the call itself costs a few percent of
the HTML path. `use_c_lookup` installs a lookup that gives every element the very same class, by tag
name, from lxml's C-level namespace registry, on the parser trafilatura's `load_html` uses: trees, their
copies and everything read from them are the same, only faster to reach.
"""

from __future__ import annotations

from lxml import etree
from lxml.html import (
    HtmlComment,
    HtmlElement,
    HtmlElementClassLookup,
    HtmlEntity,
    HtmlProcessingInstruction,
)


def c_lookup() -> etree.ElementNamespaceClassLookup:
    """A C-level lookup equal to lxml.html's default `HtmlElementClassLookup`: its per-tag classes for
    elements without a namespace (the HTML parser lower-cases tag names, as that lookup does), then
    `HtmlElement`, `HtmlComment`, `HtmlProcessingInstruction` and `HtmlEntity`."""
    fallback = etree.ElementDefaultClassLookup(
        element=HtmlElement, comment=HtmlComment, pi=HtmlProcessingInstruction, entity=HtmlEntity
    )
    lookup = etree.ElementNamespaceClassLookup(fallback)
    registry = lookup.get_namespace(None)
    for tag, cls in HtmlElementClassLookup._default_element_classes.items():
        registry[tag] = cls
    return lookup


def use_c_lookup(parser: etree.HTMLParser) -> None:
    """Give `parser` the C-level lookup (`c_lookup`); the classes of what it parses stay the same."""
    parser.set_element_class_lookup(c_lookup())
