from hypothesis import given
from hypothesis import strategies as st

from ingest.dedup.keys import _FOLDS, content_hash, dedup_key, fold_marks, make_doc_id

# The folding as one translation table: the plain definition `fold_marks` must agree with.
_TABLE = str.maketrans(_FOLDS)
_MARKS = "".join(_FOLDS)


def test_fold_marks_folds_every_mark_to_ascii() -> None:
    assert fold_marks(_MARKS) == "'" * 6 + '"' * 7 + "-" * 6
    assert (
        fold_marks("plain ASCII, 'already' \"folded\" - text") == "plain ASCII, 'already' \"folded\" - text"
    )


@given(
    st.text(alphabet=st.sampled_from(_MARKS + "ab \n\t\u00a0é'\"-\u2015\u201d\U0001f600"), max_size=60)
    | st.text()
)
def test_fold_marks_equals_one_translation_table(text: str) -> None:
    """One `str.replace` per mark gives what `str.translate` with the whole table gives."""
    assert fold_marks(text) == text.translate(_TABLE)
    assert dedup_key(text) == " ".join(text.translate(_TABLE).split())


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
