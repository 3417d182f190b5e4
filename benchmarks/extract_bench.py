"""Extraction speed and memory on long articles.

``python benchmarks/extract_bench.py [--quick]`` writes ``benchmarks/results/extract.md``. The
"article" is the development set's excerpts (``tests/data/extraction``: real news prose, dense with
company names and amounts) joined as paragraphs and repeated up to the size asked for, so it has
as many company pairs per kilobyte as real coverage of AI deals. Each size runs
``dealweb extract FILE --format json`` in its own process; peak memory is that process's maximum
resident set size.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
DATA = HERE.parent / "tests" / "data" / "extraction"


def article(size: int) -> str:
    """News prose of about ``size`` characters from the development set's excerpts."""
    texts = [yaml.safe_load(p.read_text())["text"] for p in sorted(DATA.glob("[!_]*.yaml"))]
    corpus = "\n\n".join(texts)
    copies = -(-size // len(corpus))
    return ("\n\n".join([corpus] * copies))[:size]


def run(path: Path) -> tuple[float, float, int]:
    """(seconds, peak MB, candidates) of one ``dealweb extract`` run on ``path``."""
    cli = "from dealweb.cli import main; main()"
    cmd = [sys.executable, "-c", cli, "extract", str(path), "--format", "json",
           "--db", f"sqlite:///{path.with_suffix('.db')}"]  # fmt: skip
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode:
        raise SystemExit(f"dealweb extract failed on {path}:\n{proc.stderr[-2000:]}")
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # largest child so far
    return seconds, peak_kb / 1024, len(json.loads(proc.stdout))


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="small sizes only")
    args = ap.parse_args(argv)
    sizes = [50_000, 200_000] if args.quick else [50_000, 200_000, 1_000_000, 3_000_000]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:  # increasing, so the children's peak is this size's
            path = Path(tmp) / f"article-{size}.txt"
            path.write_text(article(size), encoding="utf-8")
            seconds, peak_mb, found = run(path)
            rows.append((size, seconds, peak_mb, found))
            print(f"{size / 1e6:.2f} MB: {seconds:.1f} s, peak {peak_mb:.0f} MB, "
                  f"{found} candidates", flush=True)  # fmt: skip
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Extraction benchmark",
        "",
        f"`python benchmarks/extract_bench.py{' --quick' if args.quick else ''}`, {stamp}: "
        "`dealweb extract --format json` (rules, pair model, candidate filter) on the development "
        "set's excerpts joined into one long article.",
        "",
        "| article | seconds | peak memory | candidates |",
        "|---:|---:|---:|---:|",
        *[f"| {s / 1e6:.2f} MB | {t:.1f} | {m:.0f} MB | {n} |" for s, t, m, n in rows],
        "",
    ]
    out = HERE / "results" / "extract.md"
    out.write_text("\n".join(lines), encoding="utf-8")
    print(f"written {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
