"""The run summary: what a run did, written to OUT/_runs/<run_id>.json and printed by the CLI."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass
class RunSummary:
    run_id: str
    raw: str
    out: str
    pipeline_version: str
    started_at: str
    files_read: int = 0
    """Raw files processed by this run (new and changed ones)."""
    files_new: int = 0
    files_changed: int = 0
    files_unchanged: int = 0
    """Already ingested with the same content: skipped."""
    files_missing: int = 0
    """In the manifest but gone from the raw folder: their rows stay."""
    files_retried: int = 0
    """Files an earlier run could not finish (unreadable, internal_error, timeout), processed again."""
    config_hash: str = ""
    """Hash of the effective configuration (`config.config_hash`): which settings produced this run's rows."""
    config: dict = field(default_factory=dict)
    """The effective configuration, every value."""
    warnings: list[str] = field(default_factory=list)
    """Run-level notes an operator should read (files ingested under another config or version, ...)."""
    rows_superseded: int = 0
    """Rows of earlier versions of changed files, removed by this run."""
    documents_kept: int = 0
    documents_rejected: int = 0
    rejected_by_reason: dict[str, int] = field(default_factory=dict)
    lines_removed_by_rule: dict[str, int] = field(default_factory=dict)
    dedup: dict[str, float] = field(default_factory=dict)
    """Duplicate stage: earlier-run documents matched in the index, duplicates of them, seconds."""
    kept_by_host: dict[str, int] = field(default_factory=dict)
    """This run's kept documents per host (from `url`, without `www.`; else `site`): the 20 largest, the
    rest under `(other hosts)` (`runner.profile`)."""
    kept_by_language: dict[str, int] = field(default_factory=dict)
    """This run's kept documents per language code (`(none)`: no language)."""
    kept_words_histogram: list[dict] = field(default_factory=list)
    """This run's kept documents per length bucket: `min_words`, `max_words` (None: open), `documents`."""
    report: str = ""
    """The run's HTML report, relative to OUT (`_runs/<run_id>.html`); empty when none was written."""
    report_seconds: float = 0.0
    """CPU seconds spent profiling the kept documents and drawing the report."""
    recovered_runs: list[str] = field(default_factory=list)
    """Runs that had committed but were cut off before finishing; this run completed them first."""
    committed: bool = False
    """False when there was nothing new to ingest and nothing was written."""
    seconds: float = 0.0

    def to_dict(self) -> dict:
        return asdict(self)

    def format(self) -> str:
        notes = [f"warning: {w}" for w in self.warnings]
        if not self.committed:
            return "\n".join(
                [
                    f"nothing to do: {self.files_unchanged} files already ingested, none new or changed; "
                    f"{self.out} left as it was ({self.seconds:.2f} s)",
                    *notes,
                ]
            )
        lines = [
            f"run {self.run_id}: {self.files_read} files read, {self.documents_kept} documents kept, "
            f"{self.documents_rejected} rejected, {self.seconds:.2f} s",
            f"files: {self.files_new} new, {self.files_changed} changed ({self.rows_superseded} old rows "
            f"superseded), {self.files_retried} retried, {self.files_unchanged} unchanged, "
            f"{self.files_missing} missing",
            f"output: {self.out}",
            *([f"report: {Path(self.out) / self.report}"] if self.report else []),
            *notes,
        ]
        for title, counts in (
            ("rejected by reason", self.rejected_by_reason),
            ("lines removed by rule", self.lines_removed_by_rule),
        ):
            if counts:
                lines.append(f"{title}:")
                lines += [f"  {name:<28} {n:>8}" for name, n in sorted(counts.items(), key=lambda kv: -kv[1])]
        return "\n".join(lines)
