"""Benchmark the circularity measures on synthetic deal networks.

Run: ``.venv/bin/python benchmarks/circularity_bench.py [--quick]``; writes
``benchmarks/results/circularity.md``.

Networks (seeded, lognormal amounts):

* ``random`` — uniform random directed graph: one giant strongly connected component, the
  worst case for loop search and for the exact Finn diagonal (dense ``n × n`` inverse).
* ``clustered`` — communities of 100 companies; 90 % of deals inside a community, the rest
  from a lower- to a higher-numbered community (a supply chain of clusters), so strongly
  connected components are community-sized, as in the real deal web (a few tight groups).

Each operation runs in its own subprocess so that its peak memory is its own, measured with
``resource.getrusage`` (maximum resident set size, which includes BLAS/LAPACK and HiGHS
workspace): the peak during the operation minus the resident size before it. ``tracemalloc`` is
not used for timing runs: it slows the pure-Python loop search about five-fold.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "circularity.md"

FULL_CASES = [
    ("random", 10_000, 100_000, ["loops-all", "loops-company", "fci", "compress"]),
    ("random", 50_000, 500_000, ["loops-all", "loops-company", "compress"]),
    ("clustered", 10_000, 100_000, ["loops-all", "loops-company", "fci", "compress"]),
    ("clustered", 100_000, 1_000_000, ["loops-all", "loops-company", "fci", "compress",
                                       "roundtrip"]),
]
QUICK_CASES = [
    ("random", 2_000, 20_000, ["loops-all", "loops-company", "fci", "compress", "roundtrip"]),
    ("clustered", 10_000, 100_000, ["loops-all", "fci", "compress"]),
]


def make_network(kind: str, n: int, m: int, seed: int = 7):  # noqa: ANN201
    """A synthetic :class:`FlowNetwork` with ``n`` companies and about ``m`` deals."""
    from dealweb.circularity.network import FlowNetwork

    rng = np.random.default_rng(seed)
    if kind == "random":
        src = rng.integers(0, n, m)
        dst = rng.integers(0, n, m)
    elif kind == "clustered":
        size = 100
        n_comm = max(n // size, 1)
        inside = rng.random(m) < 0.9
        comm = rng.integers(0, n_comm, m)
        src = comm * size + rng.integers(0, size, m)
        dst_comm = np.where(inside, comm, np.minimum(comm + 1 + rng.integers(0, 5, m),
                                                     n_comm - 1))
        dst = dst_comm * size + rng.integers(0, size, m)
    else:
        raise ValueError(kind)
    keep = src != dst
    amount = np.exp(rng.normal(np.log(1e9), 1.5, keep.sum()))
    return FlowNetwork.from_edges(src[keep], dst[keep], amount,
                                  deal_ids=[("d",)] * int(keep.sum()))


def run_operation(kind: str, n: int, m: int, op: str) -> dict:
    """Build the network, then time one operation and measure its peak memory."""
    from dealweb.circularity.compression import compression_summary
    from dealweb.circularity.finn import network_cycling
    from dealweb.circularity.loops import find_loops, strong_components
    from dealweb.circularity.roundtrip import round_tripped

    t0 = time.perf_counter()
    net = make_network(kind, n, m)
    build_s = time.perf_counter() - t0
    _, comp = strong_components(net.matrix)
    largest_scc = int(np.bincount(comp).max())
    top = str(net.ids[int(np.argmax(net.outflow() + net.inflow()))])

    rss_before_kb = _current_rss_kb()
    t0 = time.perf_counter()
    if op == "loops-all":
        frame = find_loops(net, max_length=6, max_cycles=10_000)
        result = f"{len(frame)} loops, capped={frame.attrs['capped']}"
    elif op == "loops-company":
        frame = find_loops(net, company=top, max_length=6, max_cycles=10_000)
        result = f"{len(frame)} loops through the busiest node, capped={frame.attrs['capped']}"
    elif op == "fci":
        result = f"FCI {network_cycling(net).fci:.6f}"
    elif op == "compress":
        s = compression_summary(net).iloc[0]
        result = (f"circular {s['circular_share']:.1%}, net new {s['net_new_share']:.1%} "
                  f"(conservative LP + closed form)")
    elif op == "roundtrip":
        frame = round_tripped(net)
        result = f"max round-tripped share {frame['share_of_inflow'].max():.3f}"
    else:
        raise ValueError(op)
    seconds = time.perf_counter() - t0
    rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "network": kind, "nodes": net.n_nodes, "edges": net.n_edges,
        "largest_scc": largest_scc, "operation": op, "seconds": round(seconds, 3),
        "build_seconds": round(build_s, 3),
        "op_peak_mb": round(max(rss_kb - rss_before_kb, 0) / 1024, 1),
        "max_rss_mb": round(rss_kb / 1024, 1), "result": result,
    }


def _current_rss_kb() -> int:
    """Resident set size now (Linux /proc; falls back to the peak so far)."""
    try:
        with open("/proc/self/statm") as fh:
            pages = int(fh.read().split()[1])
        return pages * resource.getpagesize() // 1024
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _child(args: argparse.Namespace) -> int:
    print(json.dumps(run_operation(args.kind, args.n, args.m, args.op)))
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="Small networks only.")
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--kind", help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--m", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--op", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return _child(args)

    cases = QUICK_CASES if args.quick else FULL_CASES
    rows = []
    for kind, n, m, ops in cases:
        for op in ops:
            print(f"{kind} n={n} m={m} {op} ...", end=" ", flush=True)
            proc = subprocess.run(
                [sys.executable, __file__, "--child", "--kind", kind, "--n", str(n),
                 "--m", str(m), "--op", op],
                capture_output=True, text=True, check=False,
            )
            if proc.returncode:
                print("FAILED")
                sys.stderr.write(proc.stderr)
                return proc.returncode
            row = json.loads(proc.stdout.strip().splitlines()[-1])
            print(f"{row['seconds']} s, +{row['op_peak_mb']} MB", flush=True)
            rows.append(row)
    write_report(rows, args.output, quick=args.quick)
    print(f"wrote {args.output}")
    return 0


def write_report(rows: list[dict], path: Path, *, quick: bool) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [
        "# Circularity benchmarks",
        "",
        f"Command: `.venv/bin/python benchmarks/circularity_bench.py{' --quick' if quick else ''}`"
        f" — {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, Python "
        f"{platform.python_version()}, {platform.machine()}, "
        f"{_cpu_count()} CPU(s).",
        "",
        "Each operation runs in a fresh subprocess after building the network; *seconds* is the "
        "operation alone; *op peak MB* is the peak resident memory during the operation minus "
        "the resident memory before it (`resource.getrusage` ru_maxrss and /proc/self/statm); "
        "*max RSS* is the whole process (Python, network, BLAS/HiGHS workspace).",
        "Loops: length ≤ 6, capped at 10,000 loops (the cap is reported, never silent).",
        "",
        "| network | nodes | edges | largest SCC | operation | seconds | op peak MB "
        "| max RSS MB | result |",
        "|---|---:|---:|---:|---|---:|---:|---:|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['network']} | {r['nodes']:,} | {r['edges']:,} | {r['largest_scc']:,} | "
            f"{r['operation']} | {r['seconds']:.2f} | {r['op_peak_mb']:.1f} | "
            f"{r['max_rss_mb']:.1f} | {r['result']} |"
        )
    lines += [
        "",
        "Not run: the exact Finn index on the 50k-node random network — its giant strongly "
        "connected component needs the diagonal of a dense 50k × 50k inverse (20 GB); sparse "
        "LU fills in on random graphs (measured: 5k nodes took ~117 s with SuperLU vs ~7 s "
        "dense). Components up to 16,000 nodes use the dense inverse.",
        "",
    ]
    path.write_text("\n".join(lines))


def _cpu_count() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
