"""Reading raw files into `Document`s: which entries of the raw folder are read (`discover`, `entry`), how
they are unpacked (`compression`), what they are and how their bytes decode (`decode`), and the containers
that hold many documents (`jsonl`, `warc`); `files.read_file` ties them together and never raises for bad
input: every file gives at least one document or one rejected row.

May import: ingest.document, ingest.config, ingest.faults.
"""
