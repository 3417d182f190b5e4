"""Benchmark the system side of the stress test: multi-year Monte Carlo clearing.

Run: ``.venv/bin/python benchmarks/stress_system_bench.py [--quick]``; writes
``benchmarks/results/stress_system.md``.

Cases:

* ``shipped`` — the shipped dataset (loaded into an in-memory SQLite ledger) under each shipped
  scenario: 10,000 and 100,000 Monte Carlo runs of the 5-year Eisenberg-Noe cascade;
* ``synthetic`` — seeded random networks of 100 and 500 companies (4 deals per company,
  half of them "up to" amounts), 5 years, revenue growth sd 30 %.

Times are wall-clock for :func:`dealweb.stress.montecarlo.monte_carlo` (sampling + batched
block-diagonal clearing + statistics), excluding the ledger load; peak RSS is the process's.
"""

from __future__ import annotations

import argparse
import platform
import resource
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "stress_system.md"


def synthetic(n: int, seed: int = 7) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Companies and deals frames of a random network with ``4 n`` commitments."""
    rng = np.random.default_rng(seed)
    roles = rng.choice(["ai_lab", "cloud", "chipmaker", "neocloud"], n)
    ids = np.array([f"c{i}" for i in range(n)])
    companies = pd.DataFrame({"id": ids, "name": [f"C{i}" for i in range(n)], "role": roles})
    m = 4 * n
    payer = rng.integers(0, n, m)
    payee = (payer + rng.integers(1, n, m)) % n
    high = rng.lognormal(np.log(5e9), 1.0, m)
    up_to = rng.random(m) < 0.5
    deals = pd.DataFrame(
        {
            "id": [f"d{k}" for k in range(m)],
            "payer_id": ids[payer],
            "payee_id": ids[payee],
            "kind": "cloud_commitment",
            "amount_usd_low": np.where(up_to, np.nan, high * 0.8),
            "amount_usd_high": high,
            "up_to": up_to,
            "usd_basis": "stated",
            "status": "announced",
            "announced": pd.Timestamp("2026-01-01"),
            "term_start": pd.NaT,
            "term_years": 5.0,
            "stake_pct": np.nan,
        }
    )
    return companies, deals


def timed(fn) -> tuple[float, object]:  # noqa: ANN001
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs, smaller networks")
    args = parser.parse_args(argv)

    import dealweb
    from dealweb.ledger.dataset import load_dataset
    from dealweb.stress.montecarlo import monte_carlo
    from dealweb.stress.scenario import Scenario, load_scenario, resolve_companies, shipped_names

    rows = []
    ledger = dealweb.open("sqlite://")
    load_dataset(ledger)
    deals, companies, figures = (
        ledger.deals_frame(),
        ledger.companies_frame(),
        ledger.figures_frame(),
    )
    run_counts = [10_000] if args.quick else [10_000, 100_000]
    for name in shipped_names():
        sc = resolve_companies(load_scenario(name), companies)
        for runs in run_counts:
            t, mc = timed(
                lambda sc=sc, runs=runs: monte_carlo(
                    deals, companies, figures, sc, runs=runs, seed=1, progress=False
                )
            )
            rows.append(
                (
                    "shipped",
                    name,
                    len(companies),
                    len(deals),
                    runs,
                    t,
                    float(mc.system_losses["value"][4]),
                )
            )
            print(f"shipped {name} runs={runs}: {t:.2f}s", flush=True)
    sc = Scenario(
        horizon=5, revenue_growth={"all": 0.1}, uncertainty={"revenue_growth_sd": {"all": 0.3}}
    )
    for n in [100] if args.quick else [100, 500]:
        comp, dl = synthetic(n)
        for runs in run_counts[:1] if n > 100 else run_counts:
            t, mc = timed(
                lambda comp=comp, dl=dl, runs=runs: monte_carlo(
                    dl, comp, None, sc, runs=runs, seed=1, progress=False
                )
            )
            rows.append(
                (
                    "synthetic",
                    "growth sd 30%",
                    n,
                    len(dl),
                    runs,
                    t,
                    float(mc.system_losses["value"][4]),
                )
            )
            print(f"synthetic n={n} runs={runs}: {t:.2f}s", flush=True)

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    lines = [
        "# Stress system: multi-year Monte Carlo",
        "",
        f"`python benchmarks/stress_system_bench.py{' --quick' if args.quick else ''}` on "
        f"{platform.processor() or platform.machine()}, Python {platform.python_version()}; "
        f"5-year horizon, Eisenberg-Noe, seed 1. Peak RSS of the whole run: {peak_mb:.0f} MB.",
        "",
        "| case | scenario | companies | deals | runs | seconds | runs/s | E[defaults] |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for case, name, n, m, runs, t, defaults in rows:
        lines.append(
            f"| {case} | {name} | {n} | {m} | {runs:,} | {t:.2f} | "
            f"{runs / t:,.0f} | {defaults:.2f} |"
        )
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
