"""`FastDetector` gives exactly the probabilities langdetect's own Detector gives."""

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
from langdetect.lang_detect_exception import LangDetectException

from ingest.steps import language
from ingest.steps.language_detector import FastDetector
from ingest.steps.language_profiles import load_factory

_GOLD = Path(__file__).resolve().parents[2].parent / "shared" / "eval" / "dev" / "gold.jsonl"

TEXTS = [
    "The committee published its report on Thursday and said the government should act quickly.",
    "Der Ausschuss hat am Donnerstag seinen Bericht veröffentlicht und die Regierung gedrängt.",
    "Комитет опубликовал свой доклад в четверг и призвал правительство действовать быстро.",
    "委员会周四发表了报告，并表示政府应迅速采取行动。 OK Google",
    "委員会は木曜日に報告書を発表し、政府は迅速に行動すべきだと述べた。カタカナ ひらがな",
    "اللجنة نشرت تقريرها يوم الخميس وقالت إن الحكومة يجب أن تتحرك بسرعة. یک",
    "Ủy ban đã công bố báo cáo vào thứ Năm và nói rằng chính phủ nên hành động nhanh chóng.",
    "Comisia a publicat raportul joi și a spus că guvernul trebuie să acționeze rapid, ţară ș ț",
    "위원회는 목요일에 보고서를 발표했다",
    "NASA AND THE FBI SAID SO    in   capitals,   and   spaces   ",
    "Mail me at jane.roe@example.com or see https://example.com/a/b?c=1 — “quoted” … ‘single’",
    "Hotel Restaurant Bar Pizza Taxi Radio Video Internet Film Musik",
]


@pytest.fixture(scope="module")
def factories() -> tuple[DetectorFactory, DetectorFactory]:
    langdetect_own = DetectorFactory()
    langdetect_own.load_profile(PROFILES_DIRECTORY)
    return load_factory(), langdetect_own


def _answers(factory: DetectorFactory, text: str, seed: int = 0) -> list[tuple[str, float]] | str:
    detector = factory.create()
    detector.seed = seed
    detector.append(text)
    try:
        return [(p.lang, p.prob) for p in detector.get_probabilities()]
    except LangDetectException as exc:
        return f"raises {exc}"


def test_ours_is_the_fast_detector(factories: tuple[DetectorFactory, DetectorFactory]) -> None:
    assert isinstance(factories[0].create(), FastDetector)


@pytest.mark.parametrize("seed", [0, 7])
@pytest.mark.parametrize("text", TEXTS)
def test_same_probabilities_as_langdetect(
    factories: tuple[DetectorFactory, DetectorFactory], text: str, seed: int
) -> None:
    ours, theirs = factories
    assert _answers(ours, text, seed) == _answers(theirs, text, seed)


def test_same_ngrams_and_cleaning_as_langdetect(factories: tuple[DetectorFactory, DetectorFactory]) -> None:
    ours, theirs = factories
    for text in TEXTS:
        fast, plain = ours.create(), theirs.create()
        fast.append(text)
        plain.append(text)
        assert fast.text == plain.text
        fast.cleaning_text()
        plain.cleaning_text()
        assert fast.text == plain.text
        assert fast._extract_ngrams() == plain._extract_ngrams()


@settings(max_examples=100, deadline=None)
@given(
    st.text(
        st.one_of(
            st.sampled_from(" \u00a0AaZz.é\u00dfÆ\u0219\u021bŞ\u06cc\u1ea0\u1ec3ー\u3042\u30a2\u3105가中文"),
            st.characters(codec="utf-8"),
        ),
        max_size=80,
    )
)
def test_same_answers_on_generated_text(text: str) -> None:
    ours = language._factory()  # the process's own, loaded once
    theirs = _langdetect_own()
    assert _answers(ours, text) == _answers(theirs, text)


_OWN: list[DetectorFactory] = []


def _langdetect_own() -> DetectorFactory:
    if not _OWN:
        factory = DetectorFactory()
        factory.load_profile(PROFILES_DIRECTORY)
        _OWN.append(factory)
    return _OWN[0]


@pytest.mark.slow
@pytest.mark.skipif(not _GOLD.exists(), reason="../shared/eval not beside the repo")
def test_same_answers_on_every_dev_text(factories: tuple[DetectorFactory, DetectorFactory]) -> None:
    ours, theirs = factories
    with _GOLD.open(encoding="utf-8") as lines:
        texts = [json.loads(line)["text"][:1000] for line in lines]
    assert len(texts) > 700
    for text in texts:
        assert _answers(ours, text) == _answers(theirs, text)
