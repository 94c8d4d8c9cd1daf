from ingest.dedup import assign_ids, content_hash, drop_exact_duplicates, make_doc_id
from ingest.records import Document


def test_copies_differing_in_whitespace_and_quotes_hash_alike() -> None:
    a = "He said “yes” — and left.\nThe end."
    b = 'He  said "yes" - and left. The end.  '
    assert content_hash(a) == content_hash(b)
    assert content_hash(a) != content_hash("He said no.")


def test_doc_id_depends_on_source_and_content() -> None:
    h = content_hash("text")
    assert make_doc_id("a.txt", 0, h) == make_doc_id("a.txt", 0, h)
    assert (
        len(
            {
                make_doc_id("a.txt", 0, h),
                make_doc_id("b.txt", 0, h),
                make_doc_id("a.txt", 1, h),
                make_doc_id("a.txt", 0, content_hash("other")),
            }
        )
        == 4
    )


def test_first_copy_kept_later_copies_point_to_it() -> None:
    docs = [
        assign_ids(Document(source_path=p, text=t))
        for p, t in [("a", "Same story."), ("b", "Other story."), ("c", "Same  story."), ("d", "Same story.")]
    ]
    out = list(drop_exact_duplicates(docs))
    assert [d.reason for d in out] == [None, None, "exact_duplicate", "exact_duplicate"]
    assert out[2].duplicate_of == out[0].doc_id == out[3].duplicate_of
    assert out[2].text == "Same  story."


def test_rejected_documents_are_not_canonical_copies() -> None:
    bad = assign_ids(Document(source_path="a", text="Same story.").reject("language", "xx"))
    good = assign_ids(Document(source_path="b", text="Same story."))
    out = list(drop_exact_duplicates([bad, good]))
    assert [d.reason for d in out] == ["language", None]
