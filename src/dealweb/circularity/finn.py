"""Finn cycling index and cycled throughflow per node.

Finn, J. T. (1976). "Measures of ecosystem structure and function derived from analysis of
flows." *Journal of Theoretical Biology* 56:363-380; Finn (1980) *Ecology* 61:562-571.

With flows ``F`` (``F[i, j]`` from ``i`` to ``j``), boundary inputs ``z`` and outputs ``y``, the
throughflow of node ``i`` is ``T_i = z_i + Σ_k F[k, i]`` (= ``y_i + Σ_j F[i, j]`` at steady
state). The output-oriented flow intensities are ``G = diag(T)^-1 F`` and the integral
(fundamental) matrix is ``N = (I - G)^-1 = I + G + G² + …``: ``N[i, j]`` is the throughflow
at ``j`` generated per unit entering ``i`` along paths of every length. Finn's **cycling
efficiency** of node ``i`` is ``(n_ii - 1) / n_ii`` — the probability that a unit passing
through ``i`` returns to ``i`` — its **cycled throughflow** is ``T_i (n_ii - 1) / n_ii``, and the
**Finn cycling index** is ``FCI = Σ_i T_i (n_ii - 1)/n_ii / Σ_i T_i`` (the enaR and NEA.m
convention; ``TST = Σ T_i``).

For a deal network there are no stated boundary flows: a company's outflow beyond its inflow is
funded from outside the network (an input ``z``) and inflow beyond outflow is kept (an output
``y``), so ``T_i = max(inflow_i, outflow_i)`` and the network is at "steady state" by
construction.

Computation. Only nodes in strongly connected components with two or more members can have
``n_ii > 1``, and ``n_ii`` depends only on the flows inside its component, so the diagonal of
``(I - G_SS)^-1`` is computed component by component: dense inverse for components up to
``dense_limit`` nodes, else a sparse LU (``scipy.sparse.linalg.splu``) solved against blocks of
unit vectors.

Example
-------
>>> import numpy as np
>>> F = np.array([[0.0, 1.0], [0.5, 0.0]])   # 1 unit enters node 0; half of node 1 goes back
>>> round(finn_cycling_index(F, inputs=[1.0, 0.0], outputs=[0.0, 0.5]), 4)
0.3333
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.linalg as sla
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from dealweb.circularity.loops import strong_components
from dealweb.circularity.network import FlowNetwork

DENSE_LIMIT = 16_000


@dataclass(frozen=True)
class Cycling:
    """Finn's measures for one network."""

    fci: float  # Finn cycling index, TSTc / TST
    tst: float  # total system throughflow Σ T_i
    tst_cycled: float  # cycled throughflow Σ T_i (n_ii - 1)/n_ii
    nodes: pd.DataFrame  # per node: throughflow, n_ii, cycling_efficiency, cycled_throughflow


def throughflow(
    flows: sp.sparray | np.ndarray,
    inputs: np.ndarray | None = None,
    outputs: np.ndarray | None = None,
) -> np.ndarray:
    """Node throughflows ``T``.

    With boundary ``inputs`` given: ``T = z + Σ_k F[k, i]`` (input-side throughflow, the
    convention of enaR's ``enaFlow`` and NEA.m; a published model balanced to rounding gives the
    published TST). With only ``outputs``: ``T = y + Σ_j F[i, j]``. With neither (a deal network):
    ``T = max(inflow, outflow)``.
    """
    m = sp.csr_array(flows, dtype=float)
    inflow = np.asarray(m.sum(axis=0)).ravel()
    outflow = np.asarray(m.sum(axis=1)).ravel()
    if inputs is not None:
        return inflow + np.asarray(inputs, dtype=float)
    if outputs is not None:
        return outflow + np.asarray(outputs, dtype=float)
    return np.maximum(inflow, outflow)


def fundamental_diagonal(
    flows: sp.sparray | np.ndarray,
    through: np.ndarray,
    *,
    dense_limit: int = DENSE_LIMIT,
    block: int = 256,
) -> np.ndarray:
    """Diagonal of ``N = (I - G)^-1`` with ``G = diag(through)^-1 flows``, component-wise.

    Nodes outside any cycle get exactly 1; nodes of a closed loop (no flow ever leaves the
    component) get ``inf``. Raises ``ValueError`` when ``G`` has a row sum above 1
    (throughflow smaller than outflow: the series would not converge).
    """
    m = sp.csr_array(flows, dtype=float)
    n = m.shape[0]
    t = np.asarray(through, dtype=float)
    out = np.asarray(m.sum(axis=1)).ravel()
    if np.any(out > t * (1 + 1e-9) + 1e-300):
        bad = int(np.argmax(out - t))
        raise ValueError(
            f"node {bad}: outflow {out[bad]:g} exceeds throughflow {t[bad]:g}; "
            "the flow model must be balanced"
        )
    diag = np.ones(n)
    if n == 0 or m.nnz == 0:
        return diag
    safe_t = np.where(t > 0, t, 1.0)
    g = sp.csr_array(sp.diags_array(1.0 / safe_t) @ m)
    n_comp, comp = strong_components(m)
    sizes = np.bincount(comp, minlength=n_comp)
    for c in np.flatnonzero(sizes > 1):
        idx = np.flatnonzero(comp == c)
        sub = g[idx][:, idx]
        k = idx.size
        leak = 1.0 - np.asarray(sub.sum(axis=1)).ravel()
        if leak.max() <= 1e-12:
            # A closed loop: nothing ever leaves, every dollar comes back forever (N diverges).
            diag[idx] = np.inf
            continue
        if k <= dense_limit:
            # I - G built in one array and inverted in place (LAPACK getrf/getri).
            a = sub.toarray()
            np.negative(a, out=a)
            a[np.diag_indices(k)] += 1.0
            diag[idx] = np.diag(sla.inv(a, overwrite_a=True, check_finite=False)).copy()
            continue
        lu = spla.splu(sp.csc_matrix(sp.eye(k) - sub))
        for start in range(0, k, block):
            stop = min(start + block, k)
            rhs = np.zeros((k, stop - start))
            rhs[np.arange(start, stop), np.arange(stop - start)] = 1.0
            sol = lu.solve(rhs)
            diag[idx[start:stop]] = sol[np.arange(start, stop), np.arange(stop - start)]
    return diag


def cycling(
    flows: sp.sparray | np.ndarray,
    inputs: np.ndarray | None = None,
    outputs: np.ndarray | None = None,
    *,
    labels: np.ndarray | list[str] | None = None,
    dense_limit: int = DENSE_LIMIT,
) -> Cycling:
    """Finn cycling index, total and per-node cycled throughflow of a flow matrix.

    Parameters
    ----------
    flows:
        ``F[i, j]`` = flow from ``i`` to ``j`` (dense or sparse, non-negative).
    inputs, outputs:
        Boundary flows ``z`` and ``y`` of an ecological model; omit both for a deal network
        (see the module docstring).
    labels:
        Node names for the per-node table.
    """
    m = sp.csr_array(flows, dtype=float)
    if m.shape[0] != m.shape[1]:
        raise ValueError(f"flow matrix must be square, got shape {m.shape}")
    if m.nnz and m.data.min() < 0:
        raise ValueError("flows must be non-negative")
    t = throughflow(m, inputs, outputs)
    n_ii = fundamental_diagonal(m, t, dense_limit=dense_limit)
    efficiency = 1.0 - 1.0 / n_ii  # (n_ii - 1) / n_ii, and 1 for a closed loop (n_ii = inf)
    cycled = t * efficiency
    tst = float(t.sum())
    tst_c = float(cycled.sum())
    nodes = pd.DataFrame(
        {
            "node": list(labels) if labels is not None else np.arange(m.shape[0]),
            "throughflow": t,
            "n_ii": n_ii,
            "cycling_efficiency": efficiency,
            "cycled_throughflow": cycled,
        }
    )
    return Cycling(fci=tst_c / tst if tst > 0 else 0.0, tst=tst, tst_cycled=tst_c, nodes=nodes)


def finn_cycling_index(
    flows: sp.sparray | np.ndarray,
    inputs: np.ndarray | list[float] | None = None,
    outputs: np.ndarray | list[float] | None = None,
) -> float:
    """Finn cycling index ``TSTc / TST`` (see :func:`cycling`)."""
    z = None if inputs is None else np.asarray(inputs, dtype=float)
    y = None if outputs is None else np.asarray(outputs, dtype=float)
    return cycling(flows, z, y).fci


def network_cycling(net: FlowNetwork) -> Cycling:
    """Finn's measures for a deal network (throughflow ``max(inflow, outflow)``)."""
    return cycling(net.matrix, labels=list(net.names))
