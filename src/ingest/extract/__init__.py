"""HTML to main text and metadata. `html` is the step: it parses and repairs the page (`page`: mojibake,
content after a premature `</html>`, consent banners), runs trafilatura, keeps the text the learned block
filter judges article text (`block_filter`), adds back article paragraphs the main container left out
(`recall`, over the page's text segments from `segment`), and picks the headline among the page's title
candidates (`title`). Both learned models are tree ensembles walked by `trees`; they are data files in
`models/`, trained by the scripts under training/.

May import: ingest.document, ingest.config, ingest.faults.
"""
