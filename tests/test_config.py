from pathlib import Path

import pytest

from ingest.config import ConfigError, IngestConfig, load_config


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
        ("[languag]\nseed = 1\n", "unknown setting languag"),
        ("[language]\nseeds = 1\n", "unknown setting language.seeds"),
        ('[language]\nseed = "one"\n', "language.seed: expected int"),
        ("[language]\nallowed = 'en'\n", "expected a list"),
        ("[run\n", "cannot read config"),
    ],
)
def test_bad_config_is_a_clear_error(tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "c.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_config(path)


def test_missing_config_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nope.toml")
