"""The element tests of trafilatura's costliest metadata expressions (author, tags, categories) as Python
predicates (see `xpaths`). These expressions start with `//`: they search the whole document whatever
element they are given, and several run on every page, so their `re:test` calls cost as much as the
content expressions' on a page of average size.
"""

from __future__ import annotations

from lxml import etree

from ingest.extract.xpath_predicates import search

# --- AUTHOR_DISCARD_XPATHS[0]: where a name is not the author (comments, sidebars, quotes, figures) --------

_NOT_AUTHOR_ID = search("^comments|comment-?list|ProductReviews")
_NOT_AUTHOR_CLASS = search(
    "^[Cc]omments|commentlist|comments-list|sidebar|is-hidden|quote|embedly-instagram|article-(?:share|support)|"
    "print|category|meta-date|meta-reviewer"
)


def not_author_zone(el: etree._Element) -> bool:
    """Comment lists, sidebars, quotes, figures, titles and dates: names found there are not the byline."""
    if not el.keys():
        return False
    ident, cls = el.get("id"), el.get("class")
    return bool(
        ident == "comments"
        or cls in ("comments", "title", "date")
        or (ident is not None and _NOT_AUTHOR_ID(ident))
        or (cls is not None and _NOT_AUTHOR_CLASS(cls))
        or "Figure" in (el.get("data-component") or "")
    )


# --- AUTHOR_XPATHS: bylines, from the most specific names to the loosest ------------------------------------

_AUTHOR_NAME_CLASS = search("author-?name|AuthorName|authorName")


def _string_value(el: etree._Element) -> str:
    return "".join(el.itertext())


def author_markup(el: etree._Element) -> bool:
    """Explicit author markup: `rel`/`id`/`class` "author", `itemprop`, test ids, author-name classes. (The
    expression also tests `rel='me'` without `@`, so a child element named `rel` reading "me": kept as is.)"""
    if el.tag == "author":
        return True
    if el.keys():
        cls = el.get("class")
        if (
            el.get("rel") == "author"
            or el.get("id") == "author"
            or cls == "author"
            or el.get("itemprop") == "author name"
            or el.get("data-testid") in ("AuthorCard", "AuthorURL")
            or (cls is not None and _AUTHOR_NAME_CLASS(cls))
        ):
            return True
    return any(_string_value(child) == "me" for child in el.iterchildren("rel"))


AUTHOR_MARKUP_TAGS = ("a", "address", "div", "link", "p", "span", "strong")
"""`author_markup` applies to these tags, and to every `author` element (the expression's `|//author`)."""

_BYLINE_ID = search("author|zuozhe|bianji|xiaobian")
_BYLINE_CLASS = search("author|channel-name|zuozhe|bianji|xiaobian|submitted-by|posted-by|journalist-name")


def byline(el: etree._Element) -> bool:
    """Byline and user-name classes, `itemprop` containing "author", author-like ids and classes."""
    if not el.keys():
        return False
    ident, cls = el.get("id"), el.get("class")
    return bool(
        cls in ("byline", "username", "byl", "BBL")
        or "author" in (el.get("itemprop") or "")
        or (ident is not None and _BYLINE_ID(ident))
        or (cls is not None and _BYLINE_CLASS(cls))
    )


_LOOSE_ID = search("[Aa]uthor")
_LOOSE_CLASS = search("[Aa]uthor|screenname|writer|[Bb]yline")


def loose_byline(el: etree._Element) -> bool:
    """Any element whose id, class, `data-component` or `itemprop` mentions an author, writer or byline."""
    if not el.keys():
        return False
    ident, cls = el.get("id"), el.get("class")
    return bool(
        "Byline" in (el.get("data-component") or "")
        or "author" in (el.get("itemprop") or "")
        or (ident is not None and _LOOSE_ID(ident))
        or (cls is not None and _LOOSE_CLASS(cls))
    )


# --- TAGS_XPATHS[2], [3], CATEGORIES_XPATHS[0], [3]: link lists of tags and categories ----------------------

_TAG_BOX = search("^(?:tag|postmeta|meta)")


def tag_box(el: etree._Element) -> bool:
    """A `div` of tag links: `row`, Jetpack related posts, entry utility, tag/meta classes."""
    cls = el.get("class")
    return cls is not None and bool(cls in ("row", "jp-relatedposts", "entry-utility") or _TAG_BOX(cls))


def topics_box(el: etree._Element) -> bool:
    """Any element classed `entry-meta` or with `topics` or `tags-links` in its class."""
    cls = el.get("class")
    return cls is not None and (cls == "entry-meta" or "topics" in cls or "tags-links" in cls)


_POST_META = search("^(?:post-?info|post-?meta|meta|entry-meta|entry-info|entry-utility)")


def post_meta_box(el: etree._Element) -> bool:
    """A `div` of post information or meta classes, or an id starting with `postpath`."""
    return bool(_POST_META(el.get("class") or "")) or (el.get("id") or "").startswith("postpath")


def category_item(el: etree._Element) -> bool:
    """An `li` or `span` classed as the post's category."""
    cls = el.get("class")
    return cls is not None and (
        cls in ("post-category", "postcategory", "entry-category") or "cat-links" in cls
    )
