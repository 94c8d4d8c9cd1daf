"""Cross-document boilerplate (`ingest.clean.corpus`) on synthetic runs of several sources."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.clean.corpus import (
    CORPUS_RULE,
    CorpusConfig,
    LineCounts,
    find_boilerplate,
    line_key,
    normalize_line,
    remove_boilerplate,
    source_of,
)
from ingest.document import Document, Removal

QUOTE = (
    "“We will rebuild every harbour wall that the storm took, and we will do it before the next winter "
    "comes,” the prime minister told reporters on Tuesday."
)
DISCLAIMER = (
    "The views expressed in this article are those of the author and do not necessarily reflect the "
    "editorial position of the publication or of its owners and advertisers."
)


_TOWNS = [
    "Arden",
    "Bexley",
    "Corby",
    "Dunmore",
    "Elgin",
    "Fenwick",
    "Garston",
    "Hollis",
    "Ilford",
    "Jarrow",
    "Kelso",
    "Ludlow",
]
_TOPICS = [
    "bridge",
    "school",
    "harbour",
    "library",
    "tramway",
    "clinic",
    "market",
    "stadium",
    "museum",
    "park",
    "depot",
    "pier",
]


def story(site: str, n: int, *extra: str) -> str:
    town, topic = _TOWNS[n % 12] + "ton" * (n // 12), _TOPICS[(n * 5) % 12]
    body = [
        f"The council of {town} met on Monday and agreed a plan for the new {topic}.",
        f"Residents of {town} said the {topic} decision was long overdue and welcomed the funding.",
    ]
    return "\n".join(["Home", "Sign up for the daily briefing", *body, *extra, f"© 20{n:02d} {site}"])


def doc(site: str, n: int, *extra: str, url: bool = True) -> Document:
    return Document(
        source_path=f"{site}/{n}.txt",
        url=f"https://www.{site}/news/{n}" if url else None,
        site=None if url else site,
        text=story(site, n, *extra),
    )


def run_of(site: str, count: int, *extra: str) -> list[Document]:
    return [doc(site, n, *extra) for n in range(count)]


def test_source_is_host_else_site() -> None:
    assert source_of(Document("a", url="https://www.Example.com/x")) == "example.com"
    assert source_of(Document("a", url="https://news.example.com/x", site="Other")) == "news.example.com"
    assert source_of(Document("a", site=" Example News ")) == "example news"
    assert source_of(Document("a")) is None


def test_normalization_merges_numbers_case_and_punctuation() -> None:
    assert normalize_line("© 2024 Example Media.") == normalize_line("© 2025 example media")
    assert line_key("12 Comments") == line_key("3 comments")
    assert line_key("—") is None


def test_recurring_lines_of_one_source_go_with_their_rule() -> None:
    docs = run_of("example.com", 10)
    index = find_boilerplate(docs)
    cleaned = remove_boilerplate(docs[3], index)
    assert cleaned.text.split("\n") == [
        "The council of Dunmore met on Monday and agreed a plan for the new library.",
        "Residents of Dunmore said the library decision was long overdue and welcomed the funding.",
    ]
    assert cleaned.removed == [
        Removal("Home", CORPUS_RULE),
        Removal("Sign up for the daily briefing", CORPUS_RULE),
        Removal("© 2003 example.com", CORPUS_RULE),
    ]


def test_a_quote_several_outlets_print_is_not_boilerplate() -> None:
    """Each outlet prints the quote once: one line in each of many sources is nobody's boilerplate."""
    sites = [f"outlet{k}.com" for k in range(8)]
    docs = [doc(site, n, QUOTE if n == 0 else "") for site in sites for n in range(6)]
    index = find_boilerplate(docs)
    for d in docs:
        if QUOTE in (d.text or ""):
            remove_boilerplate(d, index)
            assert QUOTE in d.text.split("\n")
            assert all(r.text != QUOTE for r in d.removed)


def test_a_quote_one_outlet_repeats_in_a_few_stories_stays() -> None:
    """Running text recurring in a handful of one source's stories (a statement quoted in each follow-up)
    stays; only very wide recurrence makes prose boilerplate."""
    docs = [doc("example.com", n, QUOTE if n < 8 else "") for n in range(30)]
    index = find_boilerplate(docs)
    cleaned = remove_boilerplate(docs[0], index)
    assert QUOTE in cleaned.text.split("\n")
    assert "Home" not in cleaned.text.split("\n")


def test_site_wide_prose_disclaimer_goes_when_it_recurs_very_widely() -> None:
    docs = run_of("example.com", 30, DISCLAIMER)
    index = find_boilerplate(docs)
    cleaned = remove_boilerplate(docs[5], index)
    assert DISCLAIMER not in cleaned.text
    assert Removal(DISCLAIMER, CORPUS_RULE) in cleaned.removed


def test_small_sources_and_sourceless_documents_are_not_judged() -> None:
    small = run_of("tiny.org", 3)
    sourceless = [doc("x", n, url=False) for n in range(10)]
    for d in sourceless:
        d.site = None
    index = find_boilerplate(small + sourceless)
    assert index.common == {}
    before = small[0].text
    assert remove_boilerplate(small[0], index).text == before
    assert remove_boilerplate(sourceless[0], index).removed == []


def test_exact_copies_count_once() -> None:
    """Ten copies of one page (a syndicated article fetched ten times) are one document of evidence."""
    copies = [doc("example.com", 1) for _ in range(10)]
    index = find_boilerplate(copies)
    assert index.common == {}


def test_site_field_is_the_source_without_url() -> None:
    docs = [doc("Example News", n, url=False) for n in range(6)]
    index = find_boilerplate(docs)
    assert "Home" not in remove_boilerplate(docs[0], index).text.split("\n")


def test_a_document_is_never_emptied() -> None:
    docs = run_of("example.com", 10)
    stub = Document("stub.txt", url="https://example.com/stub", text="Home\nSign up for the daily briefing")
    index = find_boilerplate(docs)
    assert remove_boilerplate(stub, index).text == "Home\nSign up for the daily briefing"
    assert stub.removed == []


def test_rejected_documents_are_neither_counted_nor_changed() -> None:
    docs = run_of("example.com", 10)
    for d in docs:
        d.reason = "too_short"
    index = find_boilerplate(docs)
    assert index.common == {}


def test_counts_merge_like_one_pass() -> None:
    docs = run_of("example.com", 12) + run_of("other.net", 7)
    whole = LineCounts()
    for d in docs:
        whole.add(d)
    left, right = LineCounts(), LineCounts()
    for k, d in enumerate(docs):
        (left if k % 2 else right).add(d)
    left.add(docs[0])  # a document both workers saw counts once
    merged = left.merge(right)
    assert merged.docs == whole.docs
    assert merged.boilerplate().common.keys() == whole.boilerplate().common.keys()


def test_thresholds_are_configurable() -> None:
    docs = run_of("example.com", 4)
    assert find_boilerplate(docs).common == {}
    index = find_boilerplate(docs, CorpusConfig(min_docs=2, min_source_docs=2))
    assert "Home" not in remove_boilerplate(docs[0], index).text.split("\n")


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(max_size=200), min_size=1, max_size=12))
def test_never_raises_and_keeps_every_line_accounted(texts: list[str]) -> None:
    docs = [Document(f"{k}.txt", url="https://example.com/a", text=t) for k, t in enumerate(texts)]
    index = find_boilerplate(docs, CorpusConfig(min_docs=1, min_source_docs=1, min_share=0.0))
    for d, original in zip(docs, texts, strict=True):
        remove_boilerplate(d, index)
        lines = [line for line in original.split("\n")]
        assert sorted((d.text or "").split("\n") + [r.text for r in d.removed]) == sorted(lines) or (
            d.text == original
        )


def _reference_normalize_line(line: str) -> str:
    """cc_net's normalization written the plain way: what `normalize_line` computes in one translate."""
    import re
    import unicodedata

    text = unicodedata.normalize("NFD", line.lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"\d+", "0", re.sub(r"[^\w\s]+", " ", text))
    return re.sub(r"\s+", " ", text).strip()


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        st.one_of(
            st.sampled_from("0123456789 ,.-_\u00e9\u0301\u00a0\u2009\u0660\u00b2\u00bd"), st.characters()
        )
    )
)
def test_normalize_line_equals_the_plain_regex_version(line: str) -> None:
    assert normalize_line(line) == _reference_normalize_line(line)


def test_normalize_line_examples() -> None:
    assert normalize_line("  Café – 1,000 €  (12 Comments)__x ") == "cafe 0 0 0 comments __x"
    assert normalize_line("٣٤ Ångström\u0301 ½") == "0 angstrom ½"
