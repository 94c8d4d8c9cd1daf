"""Duplicates: exact keys and ids (`keys`), MinHash signatures and LSH bands (`minhash`), the run-level
decisions over signatures only (`decide`, on the row columns of `columns` and the candidate pairs and
clusters of `pairs`), the cross-run index under OUT/_index/ (`index`), and the stage
that reads the spilled run, decides and writes the routed rows and the run's index entries (`stage`).

May import: ingest.document, ingest.config, ingest.faults, ingest.store.
"""
