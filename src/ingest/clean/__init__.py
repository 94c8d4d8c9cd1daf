"""Plain-text cleaning: what is not the article, line by line, with the rule that removed each line.

`cleaner.clean_text` is the entry point; it returns a `result.CleanResult`. Modules, in the order a page
meets them:
- layout: `lines.paragraphs` splits the text into paragraphs, after `marks` (markdown syntax, link numbers,
  image placeholders), `fragments` (text-node and source-line breaks), `columns` (layouts side by side) and
  `wrap` (hard wrapping);
- rules: `reasons` applies the named line rules (`rules/`: an engine and the default rule file, extendable
  from the config), markup and widget runs;
- classifier: `features` (page context, over `linestats`, the per-line statistics, and `tokens`, the
  character and word tables) feeds the learned line model in `classifier`; `rescue` gives back running text
  it dropped, and `comments` drops reader comment threads as a whole;
- `metadata` (title, author, site from the text), `repeats` (repeated blocks), `cut` (overlong text cut
  at a paragraph boundary) and `normalize` (the stored form: ftfy's repair, NFC, whitespace), of which
  cleaning is a fixpoint.
`corpus` finds lines one source repeats across its documents of a run (cross-document boilerplate;
`runner.recurring` applies it to a run).

May import: ingest.document, ingest.config, ingest.faults.
"""
