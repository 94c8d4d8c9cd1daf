from hypothesis import given
from hypothesis import strategies as st

from ingest.clean.normalize import normalize_field, normalize_text, normalize_whitespace


def test_mojibake_is_repaired_and_quotes_kept() -> None:
    assert normalize_text("The Timesâ€™ report said â€œnoâ€\x9d.") == "The Times’ report said “no”."


def test_one_paragraph_per_line() -> None:
    raw = "  First   paragraph.  \n\n\n\tSecond\u00a0one.\u200b \n \n"
    assert normalize_whitespace(raw) == "First paragraph.\nSecond one."


def test_cjk_punctuation_is_left_alone() -> None:
    assert normalize_text("北京，今天。") == "北京，今天。"


def test_fields_are_single_line_or_none() -> None:
    assert normalize_field("  Jane \n Roe ") == "Jane Roe"
    assert normalize_field("   ") is None
    assert normalize_field(None) is None


@given(st.text())
def test_normalize_is_idempotent(text: str) -> None:
    once = normalize_text(text)
    assert normalize_text(once) == once
    assert "\n\n" not in once
    assert all(line == line.strip() for line in once.split("\n"))


def test_a_remembered_fixpoint_is_returned_as_computed() -> None:
    from ingest.clean import normalize

    text = "Caf\u00c3\u00a9 menu.\nSecond   line."
    fixed = normalize_text(text)
    assert fixed == "Caf\u00e9 menu.\nSecond line."
    assert normalize_text(fixed) == fixed  # computed, then remembered as a fixpoint
    assert fixed in normalize._FIXPOINTS and text not in normalize._FIXPOINTS
    assert normalize_text(fixed) is fixed
    for i in range(10):  # the memory stays small
        normalize_text(f"line {i}")
    assert len(normalize._FIXPOINTS) <= normalize._FIXPOINTS_KEPT
