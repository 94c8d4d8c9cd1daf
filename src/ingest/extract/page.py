"""The page's HTML tree as the extraction sees it: parsed, repaired and screened before trafilatura runs.

Three repairs happen on the tree before any text is taken from it: mojibake a site's CMS already put into
the page is fixed while the bytes that make it fixable are still there (`repair_mojibake`), content a
template printed after a premature `</html>` is moved back into <body> (`adopt_trailing_roots`), and the
banners and cookie tables of consent managers are removed (`drop_consent_banners`), because their text is
the same on every site that installs them and is not the article.
"""

from __future__ import annotations

import re

import ftfy
from lxml import etree
from lxml.html import HtmlElement
from trafilatura.utils import HTML_PARSER, load_html

from ingest.extract.elements import use_c_lookup
from ingest.extract.screens import has_mojibake
from ingest.extract.screens import install as screen_xml_chars
from ingest.extract.segment import SKIP, segments

use_c_lookup(HTML_PARSER)  # the parser `load_html` uses: the same element classes, found in C
screen_xml_chars()  # `load_html` deletes XML-forbidden characters only from a page that has them


def adopt_trailing_roots(tree: HtmlElement) -> HtmlElement:
    """Move what follows a premature `</html>` into the page's <body>, as browsers show it.

    libxml2 makes content after the document's end tag a second top-level <html> element, which
    trafilatura and the recall step never see; a template that prints `</body></html>` too early leaves
    a whole article there. Returns `tree`, modified in place."""
    trailing = [el for el in tree.itersiblings() if isinstance(el.tag, str)]
    if not trailing:
        return tree
    body = tree.find("body")
    if body is None:
        body = tree.makeelement("body", {})
        tree.append(body)
    for root in trailing:
        for child in list(root):
            if child.tag != "head":
                body.append(child)
    return tree


CONSENT_MANAGERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "GDPR Cookie Consent / CookieYes",
        ("cookie-law-info", "cookielawinfo", "wt-cli-", "cky-consent", "cky-modal"),
    ),
    ("OneTrust", ("onetrust-", "ot-sdk-", "optanon")),
    ("Cookiebot", ("cybotcookiebot", "cookiebot")),
    ("Complianz", ("cmplz-",)),
    ("GDPR Cookie Compliance", ("moove_gdpr", "moove-gdpr")),
    ("Cookie Notice", ("cookie-notice", "cn-notice")),
    ("Didomi", ("didomi-",)),
    ("Usercentrics", ("usercentrics",)),
    ("Quantcast Choice", ("qc-cmp",)),
    ("TrustArc", ("truste-", "trustarc")),
    ("Osano and the cookieconsent script", ("osano-cm", "cc-window", "cc-banner", "cookieconsent")),
    ("iubenda", ("iubenda-cs",)),
    ("Termly", ("termly-",)),
    ("Sourcepoint", ("sp_message_container",)),
    ("Google Funding Choices", ("fc-consent",)),
    ("Borlabs Cookie", ("borlabs-cookie",)),
    (
        "a site's own cookie banner",
        (
            "cookie-banner",
            "cookie-bar",
            "cookie-consent",
            "cookie-popup",
            "cookie-modal",
            "cookies-banner",
            "cookie-disclaimer",
            "cookie-notification",
            "gdpr-cookie",
            "cookie_banner",
            "cookie_notice",
        ),
    ),
)
"""Consent managers by the class or id prefixes their banners, settings dialogs and cookie tables carry.
Their text (cookie categories, a table of cookie names and lifetimes, "We use cookies...") is the same on
every page of every site that installs them, and a table of it, read as text, runs to hundreds of words on
one line, past what the cleaner's `cookie_notice` rule judges. A class token or id is compared by its
start, so a WordPress taxonomy class (`tag-cookie-consent` on a post about cookies) does not match."""

_CONSENT_PREFIXES = tuple(prefix for _, prefixes in CONSENT_MANAGERS for prefix in prefixes)
_CONSENT_TOKEN = re.compile(r"(?:^|\s)(?:" + "|".join(re.escape(p) for p in _CONSENT_PREFIXES) + ")")
_CLASSES_AND_IDS = etree.XPath("//@class | //@id", smart_strings=False)
"""Every class and id value of the page as plain strings (lxml's default "smart" strings each carry a link
back to their element, which costs as much as the screen itself)."""
_NEVER_CONSENT = {"html", "head", "body", "main", "article"}
_PAGE_PARTS = ("h1", "article", "main")


def _names_consent_manager(el: HtmlElement) -> bool:
    """The page screen's test (`_CONSENT_TOKEN`) on one element's class and id."""
    return _CONSENT_TOKEN.search(f"{el.get('class') or ''} {el.get('id') or ''}".lower()) is not None


def drop_consent_banners(tree: HtmlElement, dropped: list[str] | None = None) -> HtmlElement:
    """Remove the elements a consent manager (`CONSENT_MANAGERS`) puts on the page, before trafilatura and
    the recall step see it. An element that holds the page's headline or an <article>/<main> is kept
    whatever its class says (a wrapper marked while the banner shows). Returns `tree`, modified in place;
    the text segments (`segment.segments`) of the removed elements (not of a removed <script> or
    <style>: no text a reader sees) are appended to `dropped` when given.

    The page's class and id values, joined, are screened with one regex first (about 1.3 ms a dev page, a
    third of parsing it); only the few pages that name a manager are walked element by element."""
    if not _CONSENT_TOKEN.search(" ".join(_CLASSES_AND_IDS(tree)).lower()):
        return tree
    found = [
        el
        for el in tree.iter()
        if isinstance(el.tag, str) and el.tag not in _NEVER_CONSENT and _names_consent_manager(el)
    ]
    gone: set[HtmlElement] = set()
    for el in found:
        if el.getparent() is not None and not any(el.find(f".//{tag}") is not None for tag in _PAGE_PARTS):
            if dropped is not None and el.tag not in SKIP and not any(a in gone for a in el.iterancestors()):
                dropped += [seg.text for seg in segments(el)]  # an element inside a removed one is in it
            gone.add(el)
            el.drop_tree()
    return tree


def repair_mojibake(page: str) -> str:
    """The page with text its site's CMS had already decoded wrongly ('doesnâ\x80\x99t', 'Â©') repaired by
    ftfy's encoding fixer, before trafilatura: its text cleanup drops the C1 control characters that make
    such mojibake repairable, so the later ftfy pass over the text (`normalize`) could no longer fix it.
    ftfy changes only sequences it is confident are mojibake; markup and entities are left alone. The
    screen (`screens.has_mojibake`) spares the other pages ftfy's slower look."""
    return ftfy.fix_encoding(page) if has_mojibake(page) else page


def parse_page(page: str, dropped: list[str] | None = None) -> HtmlElement | None:
    """The page's tree as trafilatura parses it (`load_html`), mojibake repaired (`repair_mojibake`),
    content after `</html>` included and consent banners dropped (`drop_consent_banners`, which appends
    their text to `dropped` when given)."""
    tree = load_html(repair_mojibake(page))
    if tree is None:
        return None
    tree = adopt_trailing_roots(tree)
    return drop_consent_banners(tree, dropped)
