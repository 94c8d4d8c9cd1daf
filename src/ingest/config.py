"""One typed configuration object, loaded from a TOML file over documented defaults.

Every setting has a default, so `python -m ingest` works without a file. Unknown keys are an error: a typo
in a scheduled run's config should fail loudly, not be silently ignored.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, is_dataclass, replace
from pathlib import Path
from typing import Any

from ingest.clean import CleanConfig
from ingest.clean_corpus import CorpusConfig


class ConfigError(ValueError):
    """The configuration file is missing, unreadable or holds an unknown or ill-typed setting."""


@dataclass(frozen=True, slots=True)
class ReadConfig:
    max_file_bytes: int = 50_000_000
    """Single-document files (and JSON arrays, parsed whole) larger than this, on disk or decompressed, are
    rejected (`too_large`) instead of read into memory. JSON Lines and WARC files stream and have no limit."""
    max_document_bytes: int = 10_000_000
    """One document (a page, a JSON record's content, a WARC payload) larger than this is rejected as
    `too_large`: bounds the memory and time one document can take."""
    max_document_seconds: float = 30.0
    """Wall-clock limit for one document through decode, extract, clean, normalize and language; over it the
    document is rejected as `timeout`. Enforced with a timer signal, so only in a process's main thread
    (the CLI and its worker processes); in other threads (the Prefect flow) only the size limit applies.
    0 disables it."""
    json_html_fields: tuple[str, ...] = ("html", "raw_html", "content_html", "body_html", "page_html")
    """JSON record keys holding the page's HTML, first non-empty wins; `a.b` reaches into nested objects."""
    json_text_fields: tuple[str, ...] = ("text", "content", "body", "maintext", "article", "markdown")
    """JSON record keys holding the text, used when no HTML field is present (markup in them is sniffed)."""
    json_url_fields: tuple[str, ...] = ("url", "link", "source_url", "metadata.url", "loadedUrl")
    json_title_fields: tuple[str, ...] = ("title", "headline", "metadata.title")
    json_author_fields: tuple[str, ...] = ("author", "authors", "byline", "metadata.author")
    json_date_fields: tuple[str, ...] = (
        "date",
        "published",
        "date_publish",
        "published_at",
        "datePublished",
        "metadata.date",
    )
    """Date of publication; the first `YYYY-MM-DD` found in the value is kept."""


@dataclass(frozen=True, slots=True)
class ExtractConfig:
    favor_precision: bool = False
    """Passed to trafilatura; the default balances precision and recall."""
    favor_recall: bool = False
    """Passed to trafilatura: keep more of the page where the article container is unclear."""
    clean_html: bool = True
    """Run the plain-text cleaner over the main text extracted from HTML (a second pass for newsletter boxes
    and share prompts inside the article container). See README, 'HTML quality', for what it scores."""
    recall_pass: bool = True
    """Also run a fast recall-oriented trafilatura pass and keep the longer main text: +0.0065 shingle F1
    on the dev pages (recall 0.938 -> 0.953) for about 1.5x the extraction time. Off for speed."""
    filter_blocks: bool = True
    """Drop the blocks of the main text that the learned block filter (`extract_filter`: a small tree model
    over link density, position and page structure, no class names or words) calls boilerplate: related
    lists, author boxes, consent text inside the article container. +0.0017 shingle F1 on the dev pages
    (5-fold cross-validated by site) for about 1.24x the extraction time."""
    recover_blocks: bool = True
    """Add back paragraphs of the page that trafilatura's container left out (`extract_recall`: a small
    tree model over each page segment's length, punctuation, link density, page ancestors and distance from
    the text trafilatura kept; no class names or words), in page order. +0.0034 to +0.0037 shingle F1 on the
    dev pages through the pipeline (5-fold cross-validated by site, recall 0.946 -> 0.957, precision 0.939
    -> 0.935) for 1.15-1.20x the extraction CPU time."""
    date_extensive_search: bool = False
    """htmldate's extensive search also parses dates out of the page's free text. Off: the date comes from
    metadata, JSON-LD, <time> elements and the URL. On, it costs about 40% of extraction time on news pages
    (dateparser compiles regexes per page) and picks up dates that are not the publication date."""
    include_tables: bool = True
    include_comments: bool = False
    """Reader comments are not the article."""


@dataclass(frozen=True, slots=True)
class LanguageConfig:
    seed: int = 0
    """langdetect is random unless seeded; a fixed seed makes labels reproducible."""
    sample_chars: int = 2000
    """Detect on a bounded prefix: cost stays flat for long documents."""
    min_chars: int = 20
    """Shorter text is labelled `und` rather than guessed."""
    allowed: tuple[str, ...] = ()
    """ISO 639-1 codes to keep; empty keeps all (label only). Others are rejected as `language`."""


@dataclass(frozen=True, slots=True)
class FilterConfig:
    min_words: int = 1
    """Documents with fewer words after cleaning are rejected as `too_short`."""


@dataclass(frozen=True, slots=True)
class DedupConfig:
    """Exact and near-duplicate detection; see src/ingest/dedup.py and README, 'Duplicates'."""

    near: bool = True
    """Detect near-duplicates (MinHash + LSH); false keeps exact-duplicate detection only."""
    threshold: float = 0.5
    """A candidate pair is a near-duplicate when its estimated Jaccard similarity of word shingles is at
    least this. Copies with other chrome, a dropped paragraph or retouched words score 0.5-1.0; different
    articles about the same story mostly below 0.3."""
    containment: float = 0.8
    """A candidate pair is also a near-duplicate when at least this share of the shorter text's shingles is
    estimated to be in the longer one (and their Jaccard similarity is at least `containment_min_jaccard`):
    a copy kept inside much more page chrome, or a trimmed copy. Above 1.0 turns it off."""
    containment_min_jaccard: float = 0.2
    """Floor on the Jaccard similarity for a containment link: below it the estimate is too noisy."""
    shingle_words: int = 5
    """Words per shingle. Longer shingles make two rewrites of one story look less alike."""
    num_perm: int = 144
    """MinHash hash functions (signature length). More: a finer similarity estimate, slower signatures."""
    bands: int = 48
    """LSH bands; `num_perm` must be a multiple. Pairs sharing one whole band (num_perm/bands values) become
    candidates: with 48 bands of 3, a pair at similarity 0.5 is a candidate with probability 0.998, at 0.4
    with 0.96, at 0.2 with 0.32, at 0.05 with 0.006 (every candidate is then verified)."""
    max_bucket: int = 200
    """A band bucket with more documents than this compares each member with the first `max_bucket`
    only (bounds the pairs a degenerate bucket, such as many near-empty texts, can produce)."""
    index: bool = True
    """Keep the cross-run index under OUT/_index/ and catch copies of documents kept by earlier runs."""


@dataclass(frozen=True, slots=True)
class RunConfig:
    workers: int = 0
    """Processes for the per-document steps; 0 means one per CPU core."""
    parallel_min_files: int = 64
    """Below this many files, run in-process: starting workers costs more than it saves."""
    batch_files: int = 256
    """Files per batch (per worker task, and per Prefect task in the flow)."""
    stream_file_bytes: int = 4_000_000
    """With worker processes, a file larger than this on disk (a WARC, a JSON Lines export) is read in the
    main process and its records go to the workers in chunks of `task_bytes` (and at most
    `records_per_task` records): one huge archive is spread over every core and never held in memory
    whole."""
    task_bytes: int = 4_000_000
    """Content bytes per worker task when a large file is split: about 40 news pages of 100 KB. Sizing tasks
    by bytes keeps them worth their cost whatever the record size (a WARC of pages, a JSON export of
    one-line posts)."""
    records_per_task: int = 4096
    """Most records per worker task when a large file is split: bounds a task of tiny records (a JSON
    array of a million short posts goes out in a few hundred tasks, not tens of thousands)."""
    rows_per_file: int = 50_000
    """Maximum rows per Parquet part file."""


@dataclass(frozen=True, slots=True)
class IngestConfig:
    read: ReadConfig = field(default_factory=ReadConfig)
    extract: ExtractConfig = field(default_factory=ExtractConfig)
    clean: CleanConfig = field(default_factory=CleanConfig)
    corpus: CorpusConfig = field(default_factory=CorpusConfig)
    """Cross-document boilerplate: lines a source repeats across its documents of one run."""
    language: LanguageConfig = field(default_factory=LanguageConfig)
    filter: FilterConfig = field(default_factory=FilterConfig)
    dedup: DedupConfig = field(default_factory=DedupConfig)
    run: RunConfig = field(default_factory=RunConfig)

    def effective_workers(self) -> int:
        return self.run.workers or os.cpu_count() or 1


def _coerce(value: Any, current: Any, where: str) -> Any:
    if isinstance(current, tuple):
        if not isinstance(value, list):
            raise ConfigError(f"{where}: expected a list, got {type(value).__name__}")
        return tuple(value)
    if isinstance(current, bool) or current is None:
        if current is not None and not isinstance(value, bool):
            raise ConfigError(f"{where}: expected true or false, got {value!r}")
        return value
    if isinstance(current, int | float | str) and not isinstance(value, type(current)):
        if isinstance(current, float) and isinstance(value, int):
            return float(value)
        raise ConfigError(f"{where}: expected {type(current).__name__}, got {value!r}")
    return value


def _apply(obj: Any, table: dict[str, Any], where: str) -> Any:
    known = {f.name: f for f in fields(obj)}
    changes: dict[str, Any] = {}
    for key, value in table.items():
        if key not in known:
            raise ConfigError(f"unknown setting {where}{key} (known: {', '.join(sorted(known))})")
        current = getattr(obj, key)
        if is_dataclass(current):
            if not isinstance(value, dict):
                raise ConfigError(f"{where}{key}: expected a table")
            changes[key] = _apply(current, value, f"{where}{key}.")
        else:
            changes[key] = _coerce(value, current, f"{where}{key}")
    return replace(obj, **changes)


def config_from_dict(data: dict[str, Any]) -> IngestConfig:
    return _apply(IngestConfig(), data, "")


def load_config(path: Path | str | None) -> IngestConfig:
    """Defaults when `path` is None; otherwise the TOML file's settings over the defaults."""
    if path is None:
        return IngestConfig()
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"config file not found: {path}") from exc
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read config {path}: {exc}") from exc
    return config_from_dict(data)
