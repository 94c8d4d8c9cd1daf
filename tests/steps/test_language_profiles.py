"""The compact profile table gives langdetect exactly the numbers its own loader builds."""

import shutil
from pathlib import Path

import numpy as np
import pytest
from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory

from ingest.steps import language_profiles as lp

REBUILD = "rebuild it: uv run --locked python -m ingest.steps.language_profiles"

TEXTS = [
    "The committee published its report on Thursday and said the government should act quickly.",
    "Der Ausschuss hat am Donnerstag seinen Bericht veröffentlicht und die Regierung gedrängt.",
    "Le comité a publié son rapport jeudi et a déclaré que le gouvernement devait agir rapidement.",
    "El comité publicó su informe el jueves y dijo que el gobierno debería actuar con rapidez.",
    "Il comitato ha pubblicato giovedì la sua relazione e ha chiesto al governo di agire in fretta.",
    "Комитет опубликовал свой доклад в четверг и призвал правительство действовать быстро.",
    "委员会周四发表了报告，并表示政府应迅速采取行动。",
    "委員会は木曜日に報告書を発表し、政府は迅速に行動すべきだと述べた。",
    "اللجنة نشرت تقريرها يوم الخميس وقالت إن الحكومة يجب أن تتحرك بسرعة.",
    "Hotel Restaurant Bar Pizza Taxi Radio Video Internet Film Musik",
    "Komisja opublikowała raport w czwartek. The committee agreed. Der Ausschuss stimmte zu.",
    "ok ok ok 2024 yes no",
]


@pytest.fixture(scope="module")
def langdetect_own() -> DetectorFactory:
    factory = DetectorFactory()
    factory.load_profile(PROFILES_DIRECTORY)
    return factory


def test_the_committed_table_was_built_from_the_installed_profiles() -> None:
    with np.load(lp.TABLE) as npz:
        assert str(npz["digest"]) == lp.profiles_digest(), f"langdetect's profiles changed: {REBUILD}"


def test_every_row_is_the_one_langdetect_builds(langdetect_own: DetectorFactory) -> None:
    ours = lp.load_factory()
    assert isinstance(ours.word_lang_prob_map, lp.ProfileRows), "the table was not used"
    assert ours.langlist == langdetect_own.langlist
    assert len(ours.word_lang_prob_map) == len(langdetect_own.word_lang_prob_map)
    for word, row in langdetect_own.word_lang_prob_map.items():
        assert word in ours.word_lang_prob_map
        assert ours.word_lang_prob_map[word] == row, word  # exact float equality, in the same order
    assert "no such n-gram" not in ours.word_lang_prob_map
    with pytest.raises(KeyError):
        ours.word_lang_prob_map["no such n-gram"]


@pytest.mark.parametrize("seed", [0, 7])
def test_detection_is_the_same_as_with_langdetects_loader(langdetect_own: DetectorFactory, seed: int) -> None:
    ours = lp.load_factory()
    for text in TEXTS:
        answers = []
        for factory in (ours, langdetect_own):
            detector = factory.create()
            detector.seed = seed
            detector.append(text)
            answers.append([(p.lang, p.prob) for p in detector.get_probabilities()])
        assert answers[0] == answers[1], text
        assert answers[0], text


def test_rows_follow_the_language_order_asked_for() -> None:
    with np.load(lp.TABLE) as npz:
        table = {key: npz[key] for key in npz.files}
    order = lp.profile_files()
    forward, backward = lp.ProfileRows(table, order), lp.ProfileRows(table, order[::-1])
    assert backward["the"] == forward["the"][::-1]
    assert forward["the"][order.index("en")] > 0


def _copied_profiles(tmp_path: Path) -> Path:
    folder = tmp_path / "profiles"
    shutil.copytree(PROFILES_DIRECTORY, folder)
    return folder


def test_other_profiles_fall_back_to_langdetects_loader(tmp_path: Path) -> None:
    folder = _copied_profiles(tmp_path)
    english = folder / "en"
    text = english.read_text(encoding="utf-8")
    english.write_text(text.replace('"the":', '"the":1', 1), encoding="utf-8")  # one count changed
    factory = lp.load_factory(lp.TABLE, str(folder))
    assert isinstance(factory.word_lang_prob_map, dict), "a table of other profiles must not be used"
    assert "the" in factory.word_lang_prob_map
    assert factory.word_lang_prob_map["the"] != lp.load_factory().word_lang_prob_map["the"]


def test_a_missing_or_broken_table_falls_back(tmp_path: Path) -> None:
    assert isinstance(lp.load_factory(tmp_path / "absent.npz").word_lang_prob_map, dict)
    broken = tmp_path / "broken.npz"
    broken.write_bytes(b"not a numpy file")
    assert isinstance(lp.load_factory(broken).word_lang_prob_map, dict)


def test_a_table_written_from_a_folder_is_used_for_that_folder(tmp_path: Path) -> None:
    folder = _copied_profiles(tmp_path)
    table = tmp_path / "table.npz"
    lp.write_table(table, str(folder))
    factory = lp.load_factory(table, str(folder))
    assert isinstance(factory.word_lang_prob_map, lp.ProfileRows)
    assert factory.langlist == lp.profile_files(str(folder))
