"""Compression: the least gross flow that leaves every company's net position unchanged.

D'Errico, M. & Roukny, T. (2017, 2021). "Compressing over-the-counter markets."
ESRB Working Paper 44 / *Operations Research* 69(6):1660-1679.

With edge amounts ``w`` on the network's edges and the net position of company ``i``
``v_i = outflow_i - inflow_i``, a compression is a new set of edge amounts ``x`` with the same
net positions and smaller gross ``Σ x``:

* **conservative** — only existing edges, ``0 <= x_e <= w_e``: a linear programme
  ``min Σ x  s.t.  B x = B w,  0 <= x <= w`` with ``B`` the node-edge incidence matrix
  (+1 at the payer, -1 at the payee), solved with ``scipy.optimize.linprog(method="highs")`` on
  a sparse ``B``. Only edges inside strongly connected components can shrink (the removed part
  ``w - x`` is a circulation), so the LP is set up on those edges only.
* **non-conservative** — any edges: the minimum is the closed form
  ``Σ_i max(v_i, 0)`` (D'Errico & Roukny, Proposition on non-conservative compression); a
  solution is built by matching net payers to net receivers greedily. The same bound is
  reached by the LP over all payer→receiver pairs (:func:`non_conservative_lp`, used to check
  the closed form on small networks).

Headline (:func:`compression_summary`): of ``$X`` announced (gross), ``$Z`` is **circular**
(``X`` minus the conservative minimum: it cancels along existing loops of deals), ``$Y`` is
**net new money** (the non-conservative minimum: what must move on net), and the rest,
``X - Y - Z``, is **intermediated** (money passed along chains that a direct payment would
replace).

Example
-------
>>> from dealweb.circularity.network import build_network, example_deals
>>> s = compression_summary(build_network(example_deals()))
>>> [round(float(s.loc[0, k]) / 1e9, 1) for k in ("announced", "circular", "net_new")]
[16.0, 3.0, 9.0]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from dealweb.circularity.loops import strong_components
from dealweb.circularity.network import FlowNetwork


@dataclass(frozen=True)
class Compression:
    """Result of a compression."""

    method: str
    gross_before: float
    gross_after: float
    src: np.ndarray  # edges after compression (node indices)
    dst: np.ndarray
    amount: np.ndarray

    @property
    def removed(self) -> float:
        return self.gross_before - self.gross_after

    def matrix(self, n: int) -> sp.csr_array:
        return sp.csr_array((self.amount, (self.src, self.dst)), shape=(n, n))


def net_positions(matrix: sp.sparray | np.ndarray) -> np.ndarray:
    """``outflow - inflow`` of every node (positive: net payer)."""
    m = sp.csr_array(matrix, dtype=float)
    return np.asarray(m.sum(axis=1)).ravel() - np.asarray(m.sum(axis=0)).ravel()


def incidence(src: np.ndarray, dst: np.ndarray, n: int) -> sp.csr_array:
    """Node-edge incidence matrix: +1 at the payer row, -1 at the payee row of each edge."""
    m = src.size
    rows = np.concatenate([src, dst])
    cols = np.concatenate([np.arange(m), np.arange(m)])
    vals = np.concatenate([np.ones(m), -np.ones(m)])
    return sp.csr_array((vals, (rows, cols)), shape=(n, m))


def _solve_batch(edges: np.ndarray, src: np.ndarray, dst: np.ndarray, w: np.ndarray,
                 x: np.ndarray, n: int) -> None:
    """Solve the conservative LP on ``edges`` (whole components) and write the result in x."""
    s, d, wi = src[edges], dst[edges], w[edges]
    # Work in units of the largest amount so HiGHS tolerances are relative.
    scale = float(wi.max())
    a_eq = incidence(s, d, n)
    used_rows = np.unique(np.concatenate([s, d]))
    a_eq = sp.csr_array(a_eq[used_rows])
    from scipy.optimize import linprog  # ~0.3 s to import: only when a command compresses

    res = linprog(
        c=np.ones(wi.size),
        A_eq=a_eq,
        b_eq=a_eq @ (wi / scale),
        bounds=np.column_stack([np.zeros(wi.size), wi / scale]),
        method="highs",
    )
    if res.status != 0:
        raise RuntimeError(f"compression LP failed: {res.message}")
    x[edges] = np.clip(res.x * scale, 0.0, wi)


def conservative(matrix: sp.sparray | np.ndarray, *, batch_edges: int = 20_000) -> Compression:
    """Conservative compression (existing edges only, ``0 <= new <= old``) by LP (HiGHS).

    ``batch_edges``: strongly connected components are solved together until a batch holds
    this many edges (a larger component is one LP on its own).
    """
    m = sp.coo_array(sp.csr_array(matrix, dtype=float))
    m.sum_duplicates()
    n = m.shape[0]
    src, dst, w = m.row.astype(np.int64), m.col.astype(np.int64), m.data.astype(float)
    keep = w > 0
    src, dst, w = src[keep], dst[keep], w[keep]
    x = w.copy()
    _, comp = strong_components(sp.csr_array((w, (src, dst)), shape=(n, n)))
    inner = np.flatnonzero(comp[src] == comp[dst])  # only these edges can carry a circulation
    # Components are independent LPs: solve them in batches of whole components, so a web of
    # many small clusters is many small LPs rather than one big one.
    order = inner[np.argsort(comp[src[inner]], kind="stable")]
    comp_of = comp[src[order]]
    bounds_at = np.flatnonzero(np.diff(comp_of)) + 1
    groups = np.split(order, bounds_at) if order.size else []
    batch: list[np.ndarray] = []
    size = 0
    for group in groups:
        batch.append(group)
        size += group.size
        if size >= batch_edges:
            _solve_batch(np.concatenate(batch), src, dst, w, x, n)
            batch, size = [], 0
    if batch:
        _solve_batch(np.concatenate(batch), src, dst, w, x, n)
    keep = x > w.max(initial=0.0) * 1e-12
    return Compression("conservative", float(w.sum()), float(x[keep].sum()),
                       src[keep], dst[keep], x[keep])


def non_conservative(matrix: sp.sparray | np.ndarray) -> Compression:
    """Non-conservative compression: gross ``Σ max(v_i, 0)``, net payers paying net receivers.

    Greedy matching in order of node index (any matching is optimal: every dollar of the gross
    leaves a net payer and reaches a net receiver, so the gross cannot be below the total
    positive net position, and the matching meets it).
    """
    m = sp.csr_array(matrix, dtype=float)
    v = net_positions(m)
    tol = max(float(np.abs(m.data).max(initial=0.0)), 1.0) * 1e-12
    v = np.where(np.abs(v) <= tol, 0.0, v)
    payers = np.flatnonzero(v > 0)
    receivers = np.flatnonzero(v < 0)
    owe = v[payers].copy()
    due = -v[receivers].copy()
    # Two-pointer merge on cumulative sums: vectorised interval intersection.
    cum_owe = np.concatenate([[0.0], np.cumsum(owe)])
    cum_due = np.concatenate([[0.0], np.cumsum(due)])
    cuts = np.unique(np.concatenate([cum_owe, cum_due]))
    cuts = cuts[cuts <= min(cum_owe[-1], cum_due[-1])]
    lo, hi = cuts[:-1], cuts[1:]
    mid = (lo + hi) / 2
    pi = np.searchsorted(cum_owe, mid, side="right") - 1
    ri = np.searchsorted(cum_due, mid, side="right") - 1
    amount = hi - lo
    keep = amount > tol
    frame = pd.DataFrame({"s": payers[pi[keep]], "d": receivers[ri[keep]], "a": amount[keep]})
    frame = frame.groupby(["s", "d"], as_index=False)["a"].sum()
    return Compression("non_conservative", float(m.sum()), float(frame["a"].sum()),
                       frame["s"].to_numpy(np.int64), frame["d"].to_numpy(np.int64),
                       frame["a"].to_numpy(float))


def non_conservative_lp(matrix: sp.sparray | np.ndarray) -> Compression:
    """Non-conservative compression as an LP over every ordered pair of distinct nodes.

    ``O(n²)`` variables: meant for small networks and for checking :func:`non_conservative`.
    """
    m = sp.csr_array(matrix, dtype=float)
    n = m.shape[0]
    src, dst = np.nonzero(~np.eye(n, dtype=bool))
    v = net_positions(m)
    scale = max(float(np.abs(v).max(initial=0.0)), 1.0)
    from scipy.optimize import linprog

    res = linprog(c=np.ones(src.size), A_eq=incidence(src, dst, n), b_eq=v / scale,
                  bounds=(0, None), method="highs")
    if res.status != 0:
        raise RuntimeError(f"compression LP failed: {res.message}")
    x = res.x * scale
    keep = x > scale * 1e-12
    return Compression("non_conservative", float(m.sum()), float(x[keep].sum()),
                       src[keep], dst[keep], x[keep])


def compress(net: FlowNetwork, method: str = "conservative") -> pd.DataFrame:
    """Edges after compression, with the old amount for comparison.

    Returns columns ``payer``, ``payee``, ``payer_id``, ``payee_id``, ``before``, ``after``,
    ``removed``, ``deal_ids``. Non-conservative compression may create edges that had no deal.
    """
    if method not in ("conservative", "non_conservative"):
        raise ValueError(f"method must be conservative or non_conservative, got {method!r}")
    result = conservative(net.matrix) if method == "conservative" else non_conservative(
        net.matrix)
    after = pd.DataFrame({"src": result.src, "dst": result.dst, "after": result.amount})
    before = net.edges[["src", "dst", "amount", "deal_ids"]].rename(columns={"amount": "before"})
    frame = before.merge(after, on=["src", "dst"], how="outer")
    frame["before"] = frame["before"].fillna(0.0)
    frame["after"] = frame["after"].fillna(0.0)
    frame["removed"] = frame["before"] - frame["after"]
    frame["deal_ids"] = [d if isinstance(d, tuple) else () for d in frame["deal_ids"]]
    frame["payer"] = net.names[frame["src"].to_numpy(np.int64)]
    frame["payee"] = net.names[frame["dst"].to_numpy(np.int64)]
    frame["payer_id"] = net.ids[frame["src"].to_numpy(np.int64)]
    frame["payee_id"] = net.ids[frame["dst"].to_numpy(np.int64)]
    frame.attrs["gross_before"] = result.gross_before
    frame.attrs["gross_after"] = result.gross_after
    cols = ["payer", "payee", "payer_id", "payee_id", "before", "after", "removed", "deal_ids"]
    return frame[cols].sort_values(["removed", "before"], ascending=False,
                                   kind="stable").reset_index(drop=True)


def compression_summary(net: FlowNetwork) -> pd.DataFrame:
    """One row: ``announced`` (gross), ``circular``, ``intermediated``, ``net_new``, their
    shares of ``announced``, and the conservative/non-conservative minimum gross."""
    gross = net.gross()
    cons = conservative(net.matrix)
    noncons = non_conservative(net.matrix)
    circular = gross - cons.gross_after
    net_new = noncons.gross_after
    intermediated = max(cons.gross_after - net_new, 0.0)
    share = (lambda x: x / gross) if gross > 0 else (lambda x: float("nan"))
    return pd.DataFrame(
        [
            {
                "as_of": net.params.get("as_of"),
                "basis": net.params.get("basis"),
                "announced": gross,
                "circular": circular,
                "intermediated": intermediated,
                "net_new": net_new,
                "circular_share": share(circular),
                "intermediated_share": share(intermediated),
                "net_new_share": share(net_new),
                "conservative_min": cons.gross_after,
                "non_conservative_min": noncons.gross_after,
            }
        ]
    )
