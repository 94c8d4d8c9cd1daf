"""Noise rules as data: the default line rules live in `default.toml` (name, why, pattern, examples and
counterexamples per rule); `engine` loads, checks and applies a rule set, `line` is one rule and its load
checks, `screen` the cheap pre-filters read from the pattern text, `page` the block, section and metadata
rules, and `cli` the `python -m ingest rules` command.

May import: nothing of ingest (the standard library only), so that the config can check a rule file
when it is built.
"""
