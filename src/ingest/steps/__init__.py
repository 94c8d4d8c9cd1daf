"""The per-document steps, composed: `document` turns one raw document into a kept or rejected one
(decode, extract, clean, normalize, length, language, signature) within a time limit, and never raises for
bad input. `language` (deterministic langdetect) is the small step that belongs to no other package;
`language_profiles` and `language_detector` make langdetect cheaper without changing its answers.

May import: ingest.read, ingest.extract, ingest.clean, ingest.dedup, and the layers below.
"""
