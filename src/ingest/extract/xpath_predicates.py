"""The element tests of trafilatura's costliest XPath expressions, as Python predicates (see `xpaths`).

Each predicate answers, for one element, what the bracketed condition of its expression answers; the
patterns are the expressions' own. XPath's string rules hold: an absent attribute is the empty string, and
`@id|@class` is the attribute that comes first in the element's source (`first_of`).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from lxml import etree


def first_of(el: etree._Element, a: str, b: str) -> str:
    """`string(@a|@b)`: the value of whichever of the two attributes comes first in the element's source,
    the empty string when it has neither."""
    va, vb = el.get(a), el.get(b)
    if va is None:
        return vb if vb is not None else ""
    if vb is None:
        return va
    for key in el.keys():  # noqa: SIM118 (iterating an lxml element gives its children)
        if key == a:
            return va
        if key == b:
            return vb
    return va  # unreachable: both attributes are among the keys


_MEMO_LIMIT = 20_000
"""Attribute values remembered per pattern; the memo starts again when full, so a long run stays bounded."""


def search(pattern: str, flags: int = 0) -> Callable[[str], bool]:
    """`re:test(s, pattern)` as lxml evaluates it: whether `re.search` finds the pattern, compiled once.

    The answer for each attribute value is remembered: a page repeats its class names on element after
    element, a site on page after page, and these patterns are long alternations that the regex engine
    tries branch by branch at every position."""
    found = re.compile(pattern, flags).search
    memo: dict[str, bool] = {}

    def test(text: str) -> bool:
        hit = memo.get(text)
        if hit is None:
            if len(memo) >= _MEMO_LIMIT:
                memo.clear()
            hit = memo[text] = found(text) is not None
        return hit

    return test


# --- OVERALL_DISCARD_XPATH[0]: boilerplate containers by class, id, role ---------------------------------

_OD0_ID = search(
    "^shar|social|viral|newsletter|syndication|tags|sidebar|banner|bread-?crumb|button|author|"
    "^(?:jp-|dpsp-content)|bmdh|footer|Footer|share|Share|nav|Nav|menu|related|message-container|premium|^ad-"
)
_OD0_CLASS = search(
    "^shar|social|viral|newsletter|syndication|tags|sidebar|banner|bread-?crumb|button|author|"
    "^(?:nav|post-nav|ZendeskForm)|subnav|avigation|navbar|navbox|menu|bar| ad |-ad-|(?:^| )ad-|dfp[Aa]d|"
    "outbrain|taboola|criteo|paid-?content|widget|footer|Footer|byline|Byline|share-|sociable|embedded|embed|"
    "tag-list|consent|modal-content|permission|elated|next-|-stories|most-popular|more-on|meta|rating|"
    "attachment|timestamp|user-info|user-profile|-icon|article-infos|message-container|slide|viewport|overlay|"
    "options|expand|obfuscated|blurred|mol-factbox|yin|zlylin|nfoline"
)
_COOKIE = search("cookie")


def overall_discard(el: etree._Element) -> bool:
    """Navigation, sharing, newsletter, ad, footer, byline and similar containers, by id, class, role."""
    if not el.keys():
        return False
    ident, cls = el.get("id"), el.get("class")
    return bool(
        el.get("data-lp-replacement-content") is not None
        or "nav" in (el.get("role") or "").replace("N", "n")
        or "MostPopularStories" in (el.get("data-component") or "")
        or ((ident is not None or cls is not None) and _COOKIE(first_of(el, "id", "class")))
        or (ident is not None and _OD0_ID(ident))
        or (cls is not None and _OD0_CLASS(cls))
    )


# --- OVERALL_DISCARD_XPATH[1]: hidden elements and comment furniture, any tag -------------------------------

_HIDDEN = search("hidden")
_OD1_ID = search("reader-comments|akismet")
_OD1_CLASS = search(
    "^hide-|comments-title|nocomments|-reply-|message|akismet|suggest-links|-hide-|hide-print| hidden| hide|"
    "noprint|notloaded"
)


def hidden_or_comment_furniture(el: etree._Element) -> bool:
    """Hidden elements (style, aria-hidden, hide classes) and comment-form furniture, on any tag."""
    if not el.keys():
        return False
    ident, cls, style = el.get("id"), el.get("class"), el.get("style")
    return bool(
        cls == "comments-title"
        or ((ident is not None or cls is not None) and first_of(el, "id", "class").startswith("reply-"))
        or ((ident is not None or style is not None) and _HIDDEN(first_of(el, "id", "style")))
        or (style is not None and ("display:none" in style or "display: none" in style))
        or (ident is not None and _OD1_ID(ident))
        or (cls is not None and _OD1_CLASS(cls))
        or el.get("aria-hidden") == "true"
    )


# --- REMOVE_COMMENTS_AND_LISTS_XPATH[0]: reader-comment containers (ol/ul only by their own names) ----------

_COMMENTS_ID = search("^(?:[Cc]omment(?!ary)|comol|disqus_thread|dsq-comments)")
_COMMENT_LIST_ID = search("^(?:[Cc]omment(?!ary)|comol)")
_COMMENTS_CLASS = search("^[Cc]omment(?!ary)|(?:article|post)-comments")


def comments(el: etree._Element) -> bool:
    """A reader-comment container; an `ol`/`ul` only by the comment names, not by the disqus ids."""
    ident, cls = (el.get("id") or ""), (el.get("class") or "")
    if not (_COMMENTS_ID(ident) or _COMMENTS_CLASS(cls)):
        return False
    return bool(el.tag not in ("ol", "ul") or _COMMENT_LIST_ID(ident) or _COMMENTS_CLASS(cls))


# --- RAW_TREE_PRUNE_XPATH: infinite-scroll follow-up articles, elementor share buttons ---------------------

_SCROLL = search("mvp-post-add-(?:box|wrap)|infinite-?scroll")
_MVP = search("mvp-post-add-(?:box|wrap)")


def appended_articles(el: etree._Element) -> bool:
    """An infinite-scroll container of follow-up articles (unless it holds the page's `h1`)."""
    ident, cls = (el.get("id") or ""), (el.get("class") or "")
    if not (_SCROLL(ident) or _SCROLL(cls)):
        return False
    return bool(next(el.iterdescendants("h1"), None) is None or _MVP(ident) or _MVP(cls))


def elementor_share(el: etree._Element) -> bool:
    """Elementor's share-button strip."""
    return "elementor-share-buttons" in (el.get("class") or "")


# --- BODY_XPATH[0], [2], [3]: the article container --------------------------------------------------------

_BODY0_ID = search(
    "(?:entry|article|art)-content|article__content|article(?:-|__)?body|articleBody|body-text"
)
_BODY0_CLASS = search(
    "post[-_]text|post-body|post-?entry|post[-_]?content|postContent|post_inner_wrapper|article-?text|"
    "articleText|(?:entry|page|text|article|art)-content|article__content|article(?:-|__)?body|articleBody|"
    "ArticleContent|body-text|article__container"
)


def article_body(el: etree._Element) -> bool:
    """The most specific article-body names (`articleBody`, `post-content`, ...): the first choice."""
    if not el.keys():
        return False
    ident, cls = el.get("id"), el.get("class")
    return bool(
        cls in ("post", "entry")
        or el.get("itemprop") == "articleBody"
        or ident == "articleContent"
        or (ident is not None and _BODY0_ID(ident))
        or (cls is not None and _BODY0_CLASS(cls))
    )


_STORY_ID = search("^primary|story-body")
_FULLTEXT = search("fulltext", re.IGNORECASE)
_STORY_CLASS = search(
    "^article |post-bodycopy|story-?content|(?:theme|blog|section|single)-content|single-post|main-column|"
    "wpb_text_column|story-body|field-body"
)
_STORY_CLASSES = ("postarea", "art-postcontent", "text", "cell", "story")


def story(el: etree._Element) -> bool:
    """Story and full-text names: the second choice of article container."""
    if not el.keys():
        return False
    ident, cls = el.get("id"), el.get("class")
    return bool(
        el.get("role") == "article"
        or ident in ("article", "story")
        or cls in _STORY_CLASSES
        or (ident is not None and _STORY_ID(ident))
        or (cls is not None and (_FULLTEXT(cls) or _STORY_CLASS(cls)))
    )


_MAIN_ID = search("content-main|content-body|contentBody")
_MAIN_CLASS = search("content[-_]main|content(?:-|__)body")


def main_content(el: etree._Element) -> bool:
    """Generic content names (`content`, `main-content`, `page-content`): the third choice."""
    if not el.keys():
        return False
    ident, cls = el.get("id"), el.get("class")
    return bool(
        ident == "content"
        or cls == "content"
        or (
            ident is not None
            and (_MAIN_ID(ident) or "main-content" in ident.replace("C", "c").replace("M", "m"))
        )
        or (
            cls is not None
            and (
                _MAIN_CLASS(cls)
                or "main-content" in cls.replace("C", "c").replace("M", "m")
                or "page-content" in cls.replace("C", "c").replace("P", "p")
            )
        )
    )


# --- DISCARD_IMAGE_ELEMENTS, TEASER_DISCARD_XPATH: image captions, teasers ---------------------------


def caption(el: etree._Element) -> bool:
    """Image captions, dropped when images are not kept."""
    return "caption" in (el.get("id") or "") or "caption" in (el.get("class") or "")


def teaser(el: etree._Element) -> bool:
    """Teasers of other articles."""
    return "teaser" in (el.get("id") or "").replace("T", "t") or "teaser" in (el.get("class") or "").replace(
        "T", "t"
    )


# --- BASIC_CLEAN_XPATH (trafilatura.baseline): what html2txt, justext and the baseline leave out ---------

_BASIC_CLEAN_TAGS = frozenset({"aside", "fencedframe", "footer", "script", "style", "svg", "template"})
_COOKIE_CONSENT = search(
    "cookie[-_]?(?:banner|bar|consent|law|notice|policy|description)|notice[-_]{0,2}cookie"
    "|consent[-_]?(?:banner|manager|sdk)|borlabs|cookiebot|cmplz|onetrust|moove[-_]?gdpr",
    re.IGNORECASE,
)


def basic_clean(el: etree._Element) -> bool:
    """Asides, footers, scripts, styles, SVG, templates, fenced frames, `div`s with `footer` in their class
    (or id, whichever comes first), and cookie-consent banners by class or id."""
    tag = el.tag
    if tag in _BASIC_CLEAN_TAGS:
        return True
    if not el.keys():
        return False
    cls, ident = el.get("class"), el.get("id")
    return bool(
        (tag == "div" and (cls is not None or ident is not None) and "footer" in first_of(el, "class", "id"))
        or (cls is not None and _COOKIE_CONSENT(cls))
        or (ident is not None and _COOKIE_CONSENT(ident))
    )
