"""What is written and how: the Parquet schemas and rows (`schema`), spill parts and part writer
(`write`), the crash-safe commit protocol with its versioned dataset (`commit`), the manifest of ingested
files (`manifest`), the run lock (`lock`), and the file-system primitives they rely on: durable writes,
atomic swaps, crash-safe deletion (`fs`).

May import: ingest.document, ingest.config, ingest.faults. Never a step: the store does not know how rows
were made.
"""
