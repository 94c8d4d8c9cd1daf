"""Speed of `clean_text` (ingest.clean.cleaner) against a reference commit, side by side, and output identity.

The machine is shared, so absolute times are noise: this runs two worker processes, one importing the
reference code (a `git worktree` of the old commit, `--old`) and one importing this tree's `src/`, and
alternates rounds between them over the same pages, timing each round with `time.process_time` inside the
worker (CPU time of that process only). The report is the ratio of old to new CPU seconds per round and the
new code's docs/s per core.

    uv run --locked python benchmarks/clean_speed.py bench --old /tmp/old-speed --rounds 5
    uv run --locked python benchmarks/clean_speed.py dump --old /tmp/old-speed --out /tmp/clean_ref.json
    uv run --locked python benchmarks/clean_speed.py check --ref /tmp/clean_ref.json

`dump` writes the reference code's full results (text, removed lines with rules, title, author, site,
published) for every dev rendering; `check` compares this tree's results with them, page by page.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT.parent / "shared" / "eval" / "dev"
RENDERINGS = ("raw-html-text", "raw-inscriptis", "raw-html2text")


def load_pages(renderings: tuple[str, ...]) -> dict[str, str]:
    """`rendering/id` -> page text, in a fixed order."""
    pages: dict[str, str] = {}
    for rendering in renderings:
        for path in sorted((DEV / rendering).glob("*.txt")):
            pages[f"{rendering}/{path.stem}"] = path.read_text(encoding="utf-8")
    return pages


def results(pages: dict[str, str]) -> dict[str, dict]:
    """Every field of every page's `CleanResult`, as JSON-able data."""
    from ingest.clean.cleaner import clean_text

    out = {}
    for key, text in pages.items():
        r = clean_text(text)
        out[key] = {
            "text": r.text,
            "removed": [[x.text, x.rule] for x in r.removed],
            "title": r.title,
            "author": r.author,
            "site": r.site,
            "published": r.published,
        }
    return out


def worker() -> None:
    """Read commands from stdin: `round` cleans every page once and prints the CPU seconds."""
    import ingest.clean.cleaner

    pages = load_pages(tuple(os.environ["CLEAN_SPEED_RENDERINGS"].split(",")))
    texts = list(pages.values())
    print(json.dumps({"module": ingest.clean.cleaner.__file__, "pages": len(texts)}), flush=True)
    for command in sys.stdin:
        if command.strip() != "round":
            break
        start = time.process_time()
        for text in texts:
            ingest.clean.cleaner.clean_text(text)
        print(json.dumps({"cpu": time.process_time() - start}), flush=True)


def _spawn(src: Path, renderings: tuple[str, ...]) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(src), CLEAN_SPEED_RENDERINGS=",".join(renderings))
    return subprocess.Popen(
        [sys.executable, __file__, "worker"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )


def _ask(proc: subprocess.Popen, command: str) -> dict:
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write(command + "\n")
    proc.stdin.flush()
    return json.loads(proc.stdout.readline())


def bench(old: Path, rounds: int, renderings: tuple[str, ...]) -> None:
    """Alternate old and new rounds (old first in odd rounds, new first in even ones); print the ratios."""
    procs = {"old": _spawn(old / "src", renderings), "new": _spawn(ROOT / "src", renderings)}
    try:
        info = {}
        for name, proc in procs.items():
            assert proc.stdout is not None
            info[name] = json.loads(proc.stdout.readline())
            print(f"{name}: {info[name]['module']} ({info[name]['pages']} pages)")
        n = info["new"]["pages"]
        for name in procs:  # warm-up round: model load, lookup tables, imports
            _ask(procs[name], "round")
        cpu: dict[str, list[float]] = {"old": [], "new": []}
        for k in range(rounds):
            order = ("old", "new") if k % 2 == 0 else ("new", "old")
            for name in order:
                cpu[name].append(_ask(procs[name], "round")["cpu"])
            ratio = cpu["old"][-1] / cpu["new"][-1]
            print(
                f"round {k + 1}: old {cpu['old'][-1]:.2f} s ({n / cpu['old'][-1]:.0f} docs/s), "
                f"new {cpu['new'][-1]:.2f} s ({n / cpu['new'][-1]:.0f} docs/s), ratio {ratio:.2f}x",
                flush=True,
            )
        ratios = sorted(o / w for o, w in zip(cpu["old"], cpu["new"], strict=True))
        print(
            f"median ratio {ratios[len(ratios) // 2]:.2f}x (range {ratios[0]:.2f}-{ratios[-1]:.2f}); "
            f"new best {n / min(cpu['new']):.0f} docs/s, median {n / sorted(cpu['new'])[rounds // 2]:.0f} "
            f"docs/s per core; old best {n / min(cpu['old']):.0f} docs/s"
        )
    finally:
        for proc in procs.values():
            if proc.stdin is not None:
                proc.stdin.close()
            proc.wait()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("command", choices=("bench", "dump", "check", "worker"))
    parser.add_argument("--old", type=Path, help="worktree of the reference commit")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--renderings", default="raw-html-text", help="comma-separated, for bench")
    parser.add_argument("--out", type=Path, help="dump: file to write")
    parser.add_argument("--ref", type=Path, help="check: file written by dump")
    args = parser.parse_args()
    if args.command == "worker":
        worker()
    elif args.command == "bench":
        bench(args.old, args.rounds, tuple(args.renderings.split(",")))
    elif args.command == "dump":
        env = dict(os.environ, PYTHONPATH=str(args.old / "src"))
        code = (
            "import json, sys; sys.path.insert(0, sys.argv[1]); import clean_speed as c; "
            "json.dump(c.results(c.load_pages(c.RENDERINGS)), open(sys.argv[2], 'w', encoding='utf-8'))"
        )
        subprocess.run(
            [sys.executable, "-c", code, str(ROOT / "benchmarks"), str(args.out)], env=env, check=True
        )
    else:
        ref = json.loads(args.ref.read_text(encoding="utf-8"))
        mine = results(load_pages(RENDERINGS))
        fields = ("text", "removed", "title", "author", "site", "published")
        differ = [key for key in ref if any(ref[key][f] != mine[key][f] for f in fields)]
        for key in differ[:20]:
            print("differs:", key, [f for f in fields if ref[key][f] != mine[key][f]])
        print(f"{len(ref) - len(differ)}/{len(ref)} identical")
        sys.exit(1 if differ or len(ref) != len(mine) else 0)


if __name__ == "__main__":
    main()
