"""The `[clean]` and `[corpus]` sections of the configuration: the plain-text cleaner and the cross-document
boilerplate step.

Kept apart from `config` because the cleaner's section is the one with behaviour of its own: building it
loads the rule files it names (`ingest.clean.rules`, standard library only), so a bad rule file or an
unknown rule name is a configuration error before any work. `config` imports both sections from here and
the rest of the code takes them from `config`. A leaf like `config`: nothing heavy is imported.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from ingest.config_check import Between, ConfigError, Section, setting, validate

_COUNT = Between(1)
_SHARE = Between(0, 1)


@dataclass(frozen=True, slots=True)
class CleanConfig(Section):
    """Settings of the cleaner; every field has a default and maps to the `[clean]` table of the TOML config.

    `enabled`: off returns every non-blank line (layout undone) and removes nothing.
    `use_classifier`: off leaves only the keyword, block and repeat rules (precise, lower recall of noise).
    `threshold`: article score below which the classifier drops a line; None uses the model's own threshold
    (chosen on held-out folds); lower keeps more.
    `max_chars`: longer inputs are cut here first, at a paragraph boundary, and the cut recorded in `removed`
    (rule `max_chars`; a guard against pathological pages, far above any article; see `clean_cut`).
    `extract_metadata`: off keeps headline and byline in the body and fills no fields.
    `drop_repeats`: off keeps pull quotes and repeated paragraphs.
    `continuation_floor`: a prose paragraph next to kept prose is kept down to this article score (0.45,
    just under the prose threshold: lower floors give back more boilerplate prose than article).
    `max_passes`: the cleaner re-reads its own output until nothing more goes (at most this many
    passes), which is what makes it idempotent: cleaning cleaned text removes nothing (and layout undoing
    is itself idempotent, see `clean_lines.strip_markdown`).
    """

    section: ClassVar[str] = "clean"

    enabled: bool = True
    use_classifier: bool = True
    threshold: float | None = setting(None, Between(0, 1, "unset: the model's own threshold"))
    max_chars: int = setting(2_000_000, _COUNT)
    extract_metadata: bool = True
    drop_repeats: bool = True
    continuation_floor: float = setting(0.45, _SHARE)
    max_passes: int = setting(30, _COUNT)
    rules_files: tuple[str, ...] = ()
    """TOML files of line rules applied after the defaults, same format (docs/concepts/rules.md); in a
    config file, paths are relative to it."""
    disable_rules: tuple[str, ...] = ()
    """Names of line rules to switch off (docs/concepts/rules.md); a name no rule has is an error."""

    def __post_init__(self) -> None:
        """Validate as every section does, then load the rule set, so a bad rule file or an unknown rule
        name is a one-line config error before any work (rule files made absolute from the current folder,
        so worker processes find them)."""
        validate(self)
        if self.rules_files or self.disable_rules:
            from ingest.clean.rules.engine import RuleError, resolve_rule_files, rules_for

            object.__setattr__(self, "rules_files", resolve_rule_files(self.rules_files, Path.cwd()))
            try:
                rules_for(self)
            except RuleError as exc:
                raise ConfigError(f"clean: {exc}") from None


@dataclass(frozen=True, slots=True)
class CorpusConfig(Section):
    """When a line counts as its source's boilerplate.

    `min_docs`, `min_share`: a line recurring in at least this many of a source's distinct documents and in
    at least this share of them.
    `min_source_docs`: sources with fewer distinct documents are not judged (too little evidence).
    `prose_min_docs`, `prose_min_share`: the stricter bar for running-text paragraphs (15+ words, a
    sentence-final mark, function words): an outlet can quote the same statement in several stories of one
    run, so such a paragraph goes only when it recurs very widely (a site-wide disclaimer or author blurb).
    """

    section: ClassVar[str] = "corpus"

    enabled: bool = True
    """Run the step at all (it only acts on documents with a URL or site name)."""
    min_docs: int = setting(5, _COUNT)
    min_share: float = setting(0.1, _SHARE)
    min_source_docs: int = setting(5, _COUNT)
    prose_min_docs: int = setting(20, _COUNT)
    prose_min_share: float = setting(0.5, _SHARE)
