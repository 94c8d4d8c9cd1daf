"""Label every paragraph of the dev pages as article or not, by matching it against the gold article text.

Provenance: `../shared/eval/dev` (WCXB development split, CC-BY-4.0): the three whole-page text renderings
(html-text, inscriptis, html2text) and `gold.jsonl`. Only the dev set is used.

Labelling: a paragraph of four or more words is article text when at least half of its word 4-shingles occur
in the gold text; a shorter one (a heading, a list item) when its words are exactly a line of the gold text.
The paragraphs are those the cleaner itself builds (`clean_lines.paragraphs`), so training sees what inference
sees. Each row also carries the document id and the site (URL host) so cross-validation can hold out whole
sites.
"""

from __future__ import annotations

import argparse
import json
import re
import textwrap
from pathlib import Path
from urllib.parse import urlparse

from ingest.clean.cleaner import CleanConfig, clean_text
from ingest.clean.features import FEATURES, page_features
from ingest.clean.lines import paragraphs
from ingest.clean.reasons import rule_reasons

DEV = Path(__file__).resolve().parents[1] / ".." / "shared" / "eval" / "dev"
RENDERINGS = ("raw-html-text", "raw-inscriptis", "raw-html2text", "gold")
VARIANTS = {
    "raw-html-text": ("", "noblank", "pass1"),
    "raw-inscriptis": ("", "pass1"),
    "raw-html2text": ("", "wrap76"),
    "gold": ("",),
}
"""Layout variants, so the model does not learn one converter's habits: the same page with no blank lines
(scrapers that join paragraphs with single newlines, like the seeds) and hard-wrapped at 76 columns. Two more
teach the model what the cleaner's own output and already-clean text look like, so that a second pass (the
cleaner re-reads its output until nothing more goes; trafilatura's text is cleaned again) keeps the article:
`pass1` is the cleaner's output on the page (with the model of the previous training round), and the `gold`
rendering is the gold article text itself."""
CONVERTED = ("lynx", "lynx-refs", "w3m", "html2text-78", "soup")
"""Other converters' whole-page renderings of the same dev pages (`benchmarks/quality/converters.py`: text
browsers, html2text's default wrapping, a text-node dump), used when `--converted` names their folder, so
the model meets converter habits beyond the three dev renderings."""
WORD = re.compile(r"\w+")


def shingle_set(tokens: list[str], n: int = 4) -> set[tuple[str, ...]]:
    return {tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


def label(
    text: str, gold_shingles: set[tuple[str, ...]], gold_lines: set[tuple[str, ...]]
) -> tuple[int, int]:
    """(label, token count) of one paragraph."""
    tokens = WORD.findall(text)
    if len(tokens) >= 4:
        sh = shingle_set(tokens)
        return int(sum(1 for s in sh if s in gold_shingles) >= 0.5 * len(sh)), len(tokens)
    return int(tuple(tokens) in gold_lines), len(tokens)


def variant(text: str, name: str) -> str:
    if name == "pass1":
        return clean_text(text, CleanConfig(max_passes=1)).text
    if name == "noblank":
        return "\n".join(line for line in text.split("\n") if line.strip())
    if name == "wrap76":
        return "\n".join(textwrap.fill(line, 76) if len(line) > 76 else line for line in text.split("\n"))
    return text


def rows_for(rendering: str, case: dict, variant_name: str = "", converted: Path | None = None) -> list[dict]:
    if rendering == "gold":
        source = case["text"]
    else:
        conv = rendering.startswith("conv-") and converted is not None
        folder = converted / rendering.removeprefix("conv-") if conv else DEV / rendering
        path = folder / f"{case['id']}.txt"
        if not path.exists():
            return []
        source = path.read_text(encoding="utf-8")
    paras = paragraphs(variant(source, variant_name))
    hits = [r is not None for r in rule_reasons(paras)]
    feats = page_features(paras, hits)
    gold_tokens = WORD.findall(case["text"])
    gold_shingles = shingle_set(gold_tokens)
    gold_lines = {tuple(WORD.findall(line)) for line in case["text"].split("\n") if line.strip()}
    site = urlparse(case.get("url") or "").netloc.removeprefix("www.") or case["id"]
    out = []
    for i, (p, f) in enumerate(zip(paras, feats, strict=True)):
        y, n_tokens = label(p.text, gold_shingles, gold_lines)
        out.append(
            {
                "doc": case["id"],
                "site": site,
                "rendering": rendering + (f"+{variant_name}" if variant_name else ""),
                "i": i,
                "y": y,
                "n_tokens": n_tokens,
                "rule": hits[i],
                "x": [f[k] for k in FEATURES],
            }
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, nargs="?", default=Path("/tmp/clean_dataset.jsonl"))
    parser.add_argument(
        "--converted",
        type=Path,
        default=None,
        help="folder of other converters' renderings of the dev HTML (benchmarks/quality/converters.py "
        "--cache); each subfolder becomes a rendering `conv-NAME`",
    )
    parser.add_argument("--converters", nargs="*", default=list(CONVERTED), help="subfolders to use")
    parser.add_argument("--only", nargs="*", default=None, help="renderings to write (default all)")
    args = parser.parse_args()
    cases = [
        json.loads(line)
        for line in (DEV / "gold.jsonl").read_text(encoding="utf-8").split("\n")
        if line.strip()
    ]
    renderings = list(RENDERINGS)
    if args.converted is not None:
        renderings += [f"conv-{name}" for name in args.converters]
    n = 0
    with args.out.open("w", encoding="utf-8") as f:
        for rendering in renderings:
            if args.only is not None and rendering not in args.only:
                continue
            for case in cases:
                for name in VARIANTS.get(rendering, ("",)):
                    for row in rows_for(rendering, case, name, args.converted):
                        f.write(json.dumps(row) + "\n")
                        n += 1
    print(f"{n} rows -> {args.out}")


if __name__ == "__main__":
    main()
