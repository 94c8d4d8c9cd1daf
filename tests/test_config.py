"""The configuration: TOML over defaults, every value validated before any work, a leaf, a stable hash."""

import json
import os
import subprocess
import sys
import tomllib
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import ROOT

from ingest.config import (
    CleanConfig,
    ConfigError,
    CorpusConfig,
    DedupConfig,
    ExtractConfig,
    FilterConfig,
    IngestConfig,
    LanguageConfig,
    ReadConfig,
    RunConfig,
    config_from_dict,
    config_hash,
    config_to_dict,
    config_to_toml,
    load_config,
)
from ingest.config_check import settings_table, walk

SECTIONS = {
    "read": ReadConfig,
    "extract": ExtractConfig,
    "clean": CleanConfig,
    "corpus": CorpusConfig,
    "language": LanguageConfig,
    "filter": FilterConfig,
    "dedup": DedupConfig,
    "run": RunConfig,
}


def test_defaults_without_a_file() -> None:
    config = load_config(None)
    assert config == IngestConfig()
    assert config.language.allowed == ()
    assert config.language.seed == 0


def test_toml_overrides_only_what_it_names(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[language]\nallowed = ["en", "de"]\n[run]\nworkers = 1\n', encoding="utf-8")
    config = load_config(path)
    assert config.language.allowed == ("en", "de")
    assert config.run.workers == 1
    assert config.run.batch_files == IngestConfig().run.batch_files


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("[languag]\nseed = 1\n", "unknown setting languag (known: "),
        ("[language]\nseeds = 1\n", "unknown setting language.seeds (known: "),
        ("[run\n", "cannot read config"),
        ("dedup = 3\n", "dedup = 3: must be a table"),
    ],
)
def test_unreadable_or_unknown_is_a_clear_error(tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "c.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError, match="^" + message.replace("(", r"\(")):
        load_config(path)


BAD = [
    # the examples of the issue
    ("[run]\nrows_per_file = 0", "run.rows_per_file = 0: must be an integer >= 1"),
    ("[dedup]\nbands = 0", "dedup.bands = 0: must be an integer >= 1"),
    ("[dedup]\nbands = 50", "dedup.bands = 50: num_perm (144) must be a multiple of bands"),
    ("[dedup]\nnum_perm = 0", "dedup.num_perm = 0: must be an integer in [1, 4096]"),
    ("[dedup]\nnum_perm = 100\nbands = 48", "dedup.bands = 48: num_perm (100) must be a multiple of bands"),
    ("[dedup]\nthreshold = 7", "dedup.threshold = 7: must be a number in [0, 1]"),
    ("[run]\nworkers = -3", "run.workers = -3: must be an integer >= 0 (0 means one per CPU core)"),
    (
        "[read]\njson_text_fields = [1, 2]",
        "read.json_text_fields = [1, 2]: must be a list of strings each a key or a dotted path of keys "
        "(`a.b`), no empty part (1 is not a string)",
    ),
    ("[read]\nmax_file_bytes = -1", "read.max_file_bytes = -1: must be an integer in [1, 1073741824]"),
    (
        "[read]\nmax_document_bytes = -5",
        "read.max_document_bytes = -5: must be an integer in [1, 1073741824]",
    ),
    (
        "[read]\nmax_document_seconds = -1",
        "read.max_document_seconds = -1: must be a number in [0, 86400] (0 turns the limit off)",
    ),
    ('[language]\nallowed = ["english", 3]', 'language.allowed = ["english", 3]: must be a list of strings'),
    ('[language]\nallowed = ["english"]', '"english" is not one'),
    ('[clean]\nthreshold = "high"', 'clean.threshold = "high": must be a number in [0, 1]'),
    # types: bools are not integers, integers are not bools, numbers are finite
    ("[run]\nworkers = true", "run.workers = true: must be an integer >= 0"),
    ("[dedup]\nnear = 1", "dedup.near = 1: must be true or false"),
    ("[dedup]\nthreshold = nan", "dedup.threshold = nan: must be a number in [0, 1] (not a finite number)"),
    ("[read]\nmax_document_seconds = inf", "read.max_document_seconds = inf: must be a number in [0, 86400]"),
    ('[language]\nseed = "one"', 'language.seed = "one": must be an integer'),
    ("[language]\nallowed = 'en'", 'language.allowed = "en": must be a list of strings'),
    ("[corpus]\nmin_share = 1.5", "corpus.min_share = 1.5: must be a number in [0, 1]"),
    ("[clean]\nmax_passes = 0", "clean.max_passes = 0: must be an integer >= 1"),
    ("[filter]\nmin_words = 0", "filter.min_words = 0: must be an integer >= 1"),
    ('[read]\njson_url_fields = ["a..b"]', 'read.json_url_fields = ["a..b"]: must be a list of strings'),
    # cross-field rules
    (
        "[extract]\nfavor_precision = true\nfavor_recall = true",
        "extract.favor_recall = true: favor_precision and favor_recall are mutually exclusive",
    ),
    (
        "[language]\nsample_chars = 10",
        "language.min_chars = 20: must be at most sample_chars (10): every document would be labelled und",
    ),
    (
        "[read]\njson_html_fields = []\njson_text_fields = []",
        "read.json_text_fields = []: json_html_fields and json_text_fields are both empty",
    ),
]


@pytest.mark.parametrize(("body", "message"), BAD, ids=[b.replace("\n", " ") for b, _ in BAD])
def test_bad_value_is_one_line_naming_key_value_and_what_is_allowed(
    tmp_path: Path, body: str, message: str
) -> None:
    path = tmp_path / "c.toml"
    path.write_text(body + "\n", encoding="utf-8")
    with pytest.raises(ConfigError) as from_file:
        load_config(path)
    text = str(from_file.value)
    assert message in text
    assert "\n" not in text
    # Python code constructing the section gets the very same error
    ((section, table),) = tomllib.loads(body).items()
    with pytest.raises(ConfigError) as from_code:
        SECTIONS[section](**table)
    assert str(from_code.value) == text


def test_values_are_normalized_so_equal_configs_are_equal() -> None:
    a, b = DedupConfig(threshold=1), DedupConfig(threshold=1.0)
    assert a == b and type(a.threshold) is float
    fields = ReadConfig(json_text_fields=["a", "b.c"]).json_text_fields  # type: ignore[arg-type]
    assert fields == ("a", "b.c")
    assert config_hash(IngestConfig(dedup=a)) == config_hash(IngestConfig(dedup=b))


def test_replace_validates_too() -> None:
    with pytest.raises(ConfigError, match=r"^dedup\.bands = 7: num_perm \(144\)"):
        replace(DedupConfig(), bands=7)
    with pytest.raises(ConfigError, match=r"^run = "):
        IngestConfig(run={"workers": 1})  # type: ignore[arg-type]


def test_language_codes_are_the_labels_the_detector_gives() -> None:
    from langdetect.detector_factory import PROFILES_DIRECTORY

    from ingest.config import LANGUAGE_CODES

    labels = {name.split("-")[0] for name in os.listdir(PROFILES_DIRECTORY)}
    assert labels | {"und"} == LANGUAGE_CODES


def test_config_is_a_leaf_and_imports_fast() -> None:
    code = "import ingest.config, sys, json; print(json.dumps(sorted(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(json.loads(result.stdout))
    heavy = {"trafilatura", "numpy", "pyarrow", "prefect", "lxml", "langdetect", "ingest.clean.cleaner"}
    assert not heavy & loaded
    ours = {m for m in loaded if m.startswith("ingest")}
    assert ours == {
        "ingest",
        "ingest.config",
        "ingest.config_check",
        "ingest.config_clean",
        "ingest.config_dedup",
        "ingest.config_dump",
    }


def test_cli_bad_config_is_one_line_and_exit_2(tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text("[dedup]\nbands = 50\n", encoding="utf-8")
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    (raw / "a.txt").write_text("A sentence of article text.\n", encoding="utf-8")
    args = ["--raw", str(raw), "--out", str(out), "--config", str(config)]
    result = subprocess.run([sys.executable, "-m", "ingest", *args], capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stderr == "ingest: error: dedup.bands = 50: num_perm (144) must be a multiple of bands\n"
    assert not out.exists()  # no work started


def test_docs_table_matches_the_rules() -> None:
    page = (ROOT / "docs" / "usage" / "configuration-rules.md").read_text(encoding="utf-8")
    assert settings_table(IngestConfig()) in page


# --- the effective config: dict, hash, TOML ---


def _one_change_per_setting() -> list[IngestConfig]:
    """A valid config differing from the defaults in exactly one setting, for every setting."""
    base = IngestConfig()
    out = []
    for section, table in config_to_dict(base).items():
        for key, value in table.items():
            if isinstance(value, bool):
                tries: list = [not value]
            elif isinstance(value, list):
                tries = [
                    [*value, "extra"],
                    ["en"],
                    ["share_strip"],
                    [str(ROOT / "tests" / "rules_zebra.toml")],
                ]
            elif value is None:
                tries = [0.5]
            elif isinstance(value, int):
                tries = [value + 1, value - 1, value * 2, value // 2]
            else:
                tries = [value / 2, value + 0.1]
            for candidate in tries:
                try:
                    out.append(config_from_dict({section: {key: candidate}}))
                    break
                except ConfigError:
                    continue
            else:
                raise AssertionError(f"no valid change found for {section}.{key}")
    return out


def test_hash_changes_with_any_value_and_is_equal_for_equal_configs() -> None:
    changed = _one_change_per_setting()
    hashes = {config_hash(c) for c in changed}
    assert len(hashes) == len(changed) == len(list(walk(IngestConfig())))
    assert config_hash(IngestConfig()) not in hashes
    assert config_hash(IngestConfig()) == config_hash(config_from_dict({}))
    assert len(config_hash(IngestConfig())) == 64


def test_output_only_hash_ignores_how_the_run_executes() -> None:
    fast = IngestConfig(run=RunConfig(workers=3, batch_files=7, rows_per_file=10))
    assert config_hash(fast) != config_hash(IngestConfig())
    assert config_hash(fast, output_only=True) == config_hash(IngestConfig(), output_only=True)
    assert "run" in config_to_dict(IngestConfig(), output_only=True)
    assert config_to_dict(IngestConfig(), output_only=True)["run"] == {}
    smaller = IngestConfig(filter=FilterConfig(min_words=3))
    assert config_hash(smaller, output_only=True) != config_hash(IngestConfig(), output_only=True)


def test_hash_is_stable_across_processes() -> None:
    settings = {"language": {"allowed": ["en", "de"]}, "dedup": {"bands": 36}}
    code = f"from ingest.config import *; print(config_hash(config_from_dict({settings!r})))"
    seen = set()
    for seed in ("0", "1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        result = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
        )
        seen.add(result.stdout.strip())
    here = config_hash(config_from_dict(settings))
    assert seen == {here}


def test_dict_is_json_and_toml_reads_back_to_the_same_config(tmp_path: Path) -> None:
    config = config_from_dict(
        {
            "clean": {"threshold": 0.3},
            "read": {"json_text_fields": ['quo"te', "ünï.cødé"]},
            "dedup": {"near": False},
        }
    )
    data = config_to_dict(config)
    assert json.loads(json.dumps(data)) == data
    assert data["clean"]["threshold"] == 0.3 and data["read"]["json_text_fields"] == ['quo"te', "ünï.cødé"]
    for each in (config, IngestConfig()):
        path = tmp_path / "dump.toml"
        path.write_text(config_to_toml(each), encoding="utf-8")
        assert load_config(path) == each
    assert "# threshold: unset" in config_to_toml(IngestConfig())
