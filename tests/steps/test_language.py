import pytest

from ingest.config import LanguageConfig
from ingest.steps.language import detect_language

SAMPLES = {
    "en": "The committee published its report on Thursday and said the government should act quickly.",
    "de": "Der Ausschuss hat am Donnerstag seinen Bericht veröffentlicht und die Regierung gedrängt.",
    "fr": "Le comité a publié son rapport jeudi et a déclaré que le gouvernement devait agir rapidement.",
    "es": "El comité publicó su informe el jueves y dijo que el gobierno debería actuar con rapidez.",
}


@pytest.mark.parametrize(("code", "text"), SAMPLES.items())
def test_detects_iso_639_1(code: str, text: str) -> None:
    language, score = detect_language(text, LanguageConfig())
    assert language == code
    assert 0.5 < score <= 1.0


def test_same_text_same_answer_every_time() -> None:
    ambiguous = "Hotel Restaurant Bar Pizza Taxi Radio Video Internet Film Musik"
    results = {detect_language(ambiguous, LanguageConfig(seed=7)) for _ in range(20)}
    assert len(results) == 1


@pytest.mark.parametrize(
    "text", ["", "   ", "12345 678 90", "https://example.com/a/b?c=1", "🎉🔥👍" * 20, "Hi."]
)
def test_undeterminable_text_is_und(text: str) -> None:
    assert detect_language(text, LanguageConfig()) == ("und", 0.0)


def test_threads_get_the_same_labels() -> None:
    from concurrent.futures import ThreadPoolExecutor

    from ingest.steps import language

    language._factory.cache_clear()
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda t: detect_language(t, LanguageConfig()), list(SAMPLES.values()) * 8))
    assert [code for code, _ in results] == list(SAMPLES) * 8
