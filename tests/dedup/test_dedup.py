from ingest.dedup.keys import content_hash, make_doc_id


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
