"""HTML to main text and metadata: trafilatura's extraction and the page screens around it (`html`), the
learned block filter that drops boilerplate blocks from the main text (`block_filter`), and the recall step
that adds back article paragraphs the main container left out (`recall`). The models are data files in
`models/`, trained by the scripts under training/.

May import: ingest.document, ingest.config, ingest.faults.
"""
