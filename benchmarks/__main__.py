"""Run every benchmark: ``python -m benchmarks [--quick]`` (``make bench``).

Each ``benchmarks/*_bench.py`` is a standalone script that writes its own results file under
``benchmarks/results/``; this runner only calls them in turn and stops at the first failure.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    here = Path(__file__).resolve().parent
    scripts = sorted(here.glob("*_bench.py"))
    if not scripts:
        print("no benchmarks found", file=sys.stderr)
        return 1
    for script in scripts:
        print(f"== {script.name}", flush=True)
        code = subprocess.call([sys.executable, str(script), *argv])
        if code:
            print(f"{script.name} failed with exit status {code}", file=sys.stderr)
            return code
    print(f"results in {here / 'results'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
