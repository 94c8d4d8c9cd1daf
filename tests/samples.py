"""Inputs and helpers several test folders share: a small HTML news page, deterministic plain-text
articles, and a process that holds an output folder's run lock."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

PARAGRAPHS = [
    "The city council voted on Tuesday to expand the tram network by twelve kilometres, ending a debate "
    "that had lasted more than three years.",
    "Supporters said the new line would cut commuting times for thousands of residents in the eastern "
    "districts, while opponents warned about the cost overruns seen on earlier projects.",
    "Construction is expected to begin next spring and to finish before the end of the decade, the mayor's "
    "office said in a statement.",
]
PAGE = f"""<!DOCTYPE html><html><head>
<title>Council backs tram extension</title>
<meta property="og:site_name" content="Harbour Gazette">
<meta name="author" content="Jane Roe">
<meta property="article:published_time" content="2024-03-05T10:00:00Z">
<link rel="canonical" href="https://gazette.example/news/tram">
</head><body>
<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>
<article><h1>Council backs tram extension</h1>
{"".join(f"<p>{p}</p>" for p in PARAGRAPHS)}
</article>
<footer>Copyright 2024 Harbour Gazette. All rights reserved.</footer>
</body></html>"""


WORDS = (
    "council",
    "minister",
    "river",
    "market",
    "school",
    "harbour",
    "station",
    "report",
    "budget",
    "winter",
    "police",
    "museum",
    "hospital",
    "railway",
    "festival",
    "farmer",
    "court",
    "bridge",
    "election",
    "storm",
    "factory",
    "village",
    "teacher",
    "library",
    "airport",
)


def article(seed: int) -> str:
    """A deterministic, unique plain-text article of about 2 KB."""
    rng = random.Random(seed)
    paragraphs = []
    for _ in range(6):
        sentences = []
        for _ in range(3):
            words = [rng.choice(WORDS) for _ in range(rng.randint(12, 20))]
            sentences.append(f"The {' '.join(words)} said on {rng.choice(['Monday', 'Friday'])} {seed}.")
        paragraphs.append(" ".join(sentences))
    return f"Story number {seed} about the {rng.choice(WORDS)}\n\n" + "\n\n".join(paragraphs) + "\n"


HOLD = """
import sys, time
from pathlib import Path
from ingest.store.lock import run_lock
with run_lock(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def hold_lock(out: Path, seconds: float) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(out), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout.readline().strip() == "held"
    return proc
