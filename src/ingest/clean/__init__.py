"""Plain-text cleaning: what is not the article, line by line, with the rule that removed each line.

`cleaner.clean_text` is the entry point. It splits the text into lines (`lines`), applies the named rules
(`rules/`: an engine and the default rule file, extendable from the config), the layout screens and the
learned line classifier (`features`, `classifier`), drops repeated blocks (`repeats`), cuts overlong text
at a paragraph boundary (`cut`), and returns the text in its stored form (`normalize`: ftfy's repair,
NFC, whitespace), of which cleaning is a fixpoint. `corpus` finds lines one source repeats across its
documents of a run (cross-document boilerplate; `runner.recurring` applies it to a run).

May import: ingest.document, ingest.config, ingest.faults.
"""
