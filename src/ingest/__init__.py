"""ingest: raw scraped news pages in, a clean, deduplicated Parquet dataset out."""

__version__ = "0.1.0"
PIPELINE_VERSION = __version__
