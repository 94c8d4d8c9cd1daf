"""Look at a run report the way a person does: render `OUT/_runs/<run_id>.html` in headless Chromium and
save a PNG screenshot, to check the charts draw, their labels are readable and nothing overlaps.

    uv run --locked python benchmarks/report_screenshot.py [REPORT.html | OUT] [--png PATH]

With an output folder, the newest report under OUT/_runs/ is used; with nothing, a fresh run of the sample
inputs in raw/ (twice, so the trend has two runs) into a temporary folder. Chromium runs with networking
off (`--host-resolver-rules` maps every host nowhere), so a report that needed the network would show it.
Needs Chromium (`apt-get install -y chromium` on Debian/Ubuntu); without it, says so and exits with 2.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_browser() -> str | None:
    """The first Chromium-like browser on PATH."""
    return next((found for name in BROWSERS if (found := shutil.which(name))), None)


def sample_report(folder: Path) -> Path:
    """Run the sample inputs twice (the second time with one more file) and return the newest report."""
    from ingest.config import IngestConfig
    from ingest.runner.pipeline import run

    raw, out = folder / "raw", folder / "out"
    raw.mkdir()
    samples = sorted(p for p in (ROOT / "raw").iterdir() if p.is_file())
    for path in samples[:-1]:
        shutil.copy(path, raw / path.name)
    run(raw, out, IngestConfig())
    shutil.copy(samples[-1], raw / samples[-1].name)
    run(raw, out, IngestConfig())
    return newest_report(out)


def newest_report(out: Path) -> Path:
    reports = sorted((out / "_runs").glob("*.html"))
    if not reports:
        raise SystemExit(f"no report under {out / '_runs'}")
    return reports[-1]


def screenshot(browser: str, report: Path, png: Path, size: str = "1200,2000") -> None:
    """Render `report` with headless `browser` into `png` (offline: every host resolves nowhere)."""
    with tempfile.TemporaryDirectory(prefix="report-profile-") as profile:
        command = [
            browser,
            "--headless",
            "--no-sandbox",  # running as root in a container
            "--disable-gpu",
            "--hide-scrollbars",
            f"--user-data-dir={profile}",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            f"--window-size={size}",
            f"--screenshot={png}",
            report.resolve().as_uri(),
        ]
        subprocess.run(command, check=True, capture_output=True, timeout=120)
    if not png.is_file() or png.stat().st_size == 0:
        raise SystemExit(f"{browser} wrote no screenshot to {png}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("target", nargs="?", type=Path, help="a report .html file or an output folder")
    parser.add_argument("--png", type=Path, default=Path("report.png"), help="screenshot to write")
    parser.add_argument("--size", default="1200,2000", help="window size WIDTH,HEIGHT in pixels")
    args = parser.parse_args(argv)
    browser = find_browser()
    if browser is None:
        print(
            "report_screenshot: Chromium not found; install it with `apt-get install -y chromium` "
            "(Debian/Ubuntu) and run again",
            file=sys.stderr,
        )
        return 2
    with tempfile.TemporaryDirectory(prefix="report-sample-") as tmp:
        if args.target is None:
            report = sample_report(Path(tmp))
        elif args.target.is_dir():
            report = newest_report(args.target)
        else:
            report = args.target
        screenshot(browser, report, args.png, args.size)
    print(f"{report} -> {args.png} ({args.png.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
