"""Language identification with langdetect, made deterministic.

langdetect samples n-grams at random; each detector is seeded from the config so that the same text gets the
same label in every run and in every worker process. Detection runs on a bounded prefix, and text that is too
short or has no letters (numbers, URLs, emoji) is labelled `und` instead of raising.
"""

from __future__ import annotations

import threading
from functools import cache

from langdetect.detector_factory import DetectorFactory
from langdetect.lang_detect_exception import LangDetectException

from ingest.config import LanguageConfig
from ingest.steps.language_profiles import load_factory

UNDETERMINED = "und"


_FACTORY_LOCK = threading.Lock()


@cache
def _factory() -> DetectorFactory:
    """Our own profile set, loaded once per process (from a compact table, `language_profiles`). The lock
    matters: loading profiles from two threads at once (Prefect runs tasks in threads) corrupted
    langdetect's shared tables and labelled English as Polish."""
    with _FACTORY_LOCK:
        return load_factory()


def detect_language(text: str, config: LanguageConfig) -> tuple[str, float]:
    """Return (ISO 639-1 code, probability); (`und`, 0.0) when there is too little to judge."""
    sample = text[: config.sample_chars]
    if sum(ch.isalpha() for ch in sample) < config.min_chars:
        return UNDETERMINED, 0.0
    detector = _factory().create()
    detector.seed = config.seed
    detector.append(sample)
    try:
        best = detector.get_probabilities()[0]
    except (LangDetectException, IndexError):
        return UNDETERMINED, 0.0
    code = best.lang.split("-")[0]  # zh-cn, zh-tw: ISO 639-1 is the part before the region
    return code, round(float(best.prob), 4)
