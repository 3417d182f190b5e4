"""Ledger speed: import, query, frame and export of a synthetic ledger.

``python benchmarks/ledger_bench.py [--quick] [--db URL]`` writes
``benchmarks/results/ledger.md``. Synthetic deals (seeded) among synthetic companies, a tenth
stated in EUR (ECB conversion), a tenth stated only in gigawatts.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path

import dealweb
from dealweb.ledger.io import export_file, import_files

KINDS = ["equity_investment", "cloud_commitment", "hardware_purchase", "compute_capacity", "loan"]


def synthetic(dirpath: Path, n_companies: int, n_deals: int, seed: int = 7) -> list[Path]:
    rng = random.Random(seed)
    companies = dirpath / "companies.csv"
    with companies.open("w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["id", "name", "aliases", "role"])
        for i in range(n_companies):
            w.writerow([f"co-{i}", f"Company {i}", f"C{i}", "other"])
    deals = dirpath / "deals.csv"
    with deals.open("w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(
            [
                "id",
                "announced",
                "payer",
                "payee",
                "kind",
                "amount_low",
                "amount_high",
                "currency",
                "gigawatts",
                "source_url",
                "tags",
            ]
        )
        for i in range(n_deals):
            a, b = rng.sample(range(n_companies), 2)
            day = dt.date(2019, 1, 1) + dt.timedelta(days=rng.randrange(2500))
            amount = round(rng.lognormvariate(21, 2))
            r = rng.random()
            currency, gw = ("EUR", "") if r < 0.1 else ("USD", "")
            lo = hi = str(amount)
            if 0.1 <= r < 0.2:
                lo = hi = ""
                gw = f"{rng.uniform(0.1, 10):.2f}"
            w.writerow(
                [
                    f"deal-{i}",
                    day.isoformat(),
                    f"Company {a}",
                    f"C{b}",
                    rng.choice(KINDS),
                    lo,
                    hi,
                    currency,
                    gw,
                    f"https://example.com/deal/{i}",
                    "synthetic",
                ]
            )
    return [companies, deals]


def timed(label: str, fn, rows: list[tuple[str, float]]):  # noqa: ANN001
    t0 = time.perf_counter()
    out = fn()
    rows.append((label, time.perf_counter() - t0))
    print(f"{label:<45} {rows[-1][1]:8.2f} s", flush=True)
    return out


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true", help="500 deals instead of 5000")
    ap.add_argument("--db", default=None, help="SQLAlchemy URL (default: a temp SQLite file)")
    args = ap.parse_args(argv)
    n_deals = 500 if args.quick else 5000
    n_companies = 50 if args.quick else 200
    rows: list[tuple[str, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        files = synthetic(tmpdir, n_companies, n_deals)
        url = args.db or f"sqlite:///{tmpdir / 'bench.sqlite'}"
        ledger = timed("open + migrate", lambda: dealweb.open(url), rows)
        timed(
            f"import {n_companies} companies + {n_deals} deals",
            lambda: import_files(ledger, files),
            rows,
        )
        timed("re-import (idempotent, no writes)", lambda: import_files(ledger, files), rows)
        frame = timed("deals_frame() all deals", ledger.deals_frame, rows)
        timed("deals(company=...) one company", lambda: ledger.deals(company="Company 3"), rows)
        timed(
            "edit_deal x100",
            lambda: [ledger.edit_deal(f"deal-{i}", {"status": "completed"}) for i in range(100)],
            rows,
        )
        timed("export deals CSV", lambda: export_file(ledger, tmpdir / "out.csv"), rows)
        timed("export all YAML", lambda: export_file(ledger, tmpdir / "out.yaml"), rows)
        backend = ledger.engine.dialect.name
        ledger.close()
    out = Path(__file__).resolve().parent / "results" / "ledger.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    lines = [
        "# Ledger benchmark",
        "",
        f"`python benchmarks/ledger_bench.py{' --quick' if args.quick else ''}` on {backend}, "
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, {len(frame)} deals in the frame.",
        "",
        "| step | seconds |",
        "|---|---:|",
        *[f"| {label} | {sec:.2f} |" for label, sec in rows],
        "",
    ]
    out.write_text("\n".join(lines))
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
