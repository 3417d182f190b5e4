"""Shared numerical kernels of the clearing models: input checks and the greatest clearing vector.

The clearing problem of Eisenberg & Noe (2001) and its default-cost extension by Rogers & Veraart
(2013) share one kernel, :func:`greatest_clearing`. With ``Pi`` the relative liabilities matrix
(``Pi[i, j] = L[i, j] / pbar[i]``), external assets ``e`` and default-cost factors ``alpha``
(on external assets) and ``beta`` (on payments received), the clearing vector is the greatest
fixed point of

    Phi(p)_i = pbar_i                                 if e_i + (Pi^T p)_i >= pbar_i  (solvent)
    Phi(p)_i = alpha * e_i + beta * (Pi^T p)_i        otherwise                      (in default)

(``alpha = beta = 1`` gives Eisenberg–Noe's ``min(pbar, e + Pi^T p)``.)

Method ``"fda"`` is the fictitious default algorithm (Eisenberg & Noe 2001, section 3; Rogers &
Veraart 2013, Greatest Clearing Vector Algorithm): start with everyone paying in full; each round
adds the companies whose assets fall short, then solves the *linear* system of the default set D

    (I - beta Pi_DD^T) p_D = alpha e_D + beta Pi_ND^T pbar_N

exactly. The default set only grows, so at most n rounds (a handful in practice); the final
vector is the exact fixed point, verified by recomputing the default set and the residual.
The linear system is solved densely (LAPACK) when the default set is small and otherwise with
GMRES warm-started from the previous round, then polished by Jacobi sweeps — which are monotone
from above, so they also handle the (degenerate) singular case by converging to the greatest
solution.

Method ``"picard"`` is the plain monotone fixed-point iteration from ``pbar`` (the baseline).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

EPS = np.finfo(np.float64).eps
#: Default sets up to this size are solved with a dense LU factorisation.
DENSE_MAX = 1500
#: Relative slack for the solvency test, in units of machine epsilon: a company whose assets
#: equal its obligations up to round-off is treated as solvent (as it is in exact arithmetic).
SOLVENCY_SLACK = 64 * EPS


def as_liabilities(liabilities) -> sp.csr_array:
    """Check and convert a liabilities matrix to CSR float64.

    ``liabilities[i, j]`` is the amount company ``i`` owes company ``j``: square, finite,
    non-negative, with a zero diagonal (nobody owes itself).
    """
    if sp.issparse(liabilities):
        matrix = sp.csr_array(liabilities, dtype=np.float64)
    else:
        dense = np.asarray(liabilities, dtype=np.float64)
        if dense.ndim != 2:
            raise ValueError(f"liabilities must be a 2-D matrix, got shape {dense.shape}")
        matrix = sp.csr_array(dense)
    if matrix.shape[0] != matrix.shape[1]:
        raise ValueError(f"liabilities must be square (n x n), got shape {matrix.shape}")
    matrix.sum_duplicates()
    data = matrix.data
    if not np.all(np.isfinite(data)):
        raise ValueError("liabilities contain NaN or infinite amounts")
    if data.size and data.min() < 0:
        rows = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
        k = int(np.argmin(data))
        raise ValueError(
            f"liabilities must be >= 0; entry [{rows[k]}, {matrix.indices[k]}] = {data[k]!r}"
        )
    diagonal = matrix.diagonal()
    if np.any(diagonal != 0):
        i = int(np.flatnonzero(diagonal)[0])
        raise ValueError(
            f"liabilities must have a zero diagonal (nobody owes itself); entry [{i}, {i}] = "
            f"{diagonal[i]!r}"
        )
    matrix.eliminate_zeros()
    return matrix


def as_scenarios(values, n: int, name: str, *, nonnegative: bool = True) -> tuple[np.ndarray, bool]:
    """Return ``values`` as a ``(S, n)`` float array and whether the input was a single ``(n,)``."""
    array = np.asarray(values, dtype=np.float64)
    single = array.ndim == 1
    if single:
        array = array[None, :]
    if array.ndim != 2 or array.shape[1] != n:
        raise ValueError(
            f"{name} must have shape (n,) or (S, n) with n = {n}, got {np.shape(values)}"
        )
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contain NaN or infinite values")
    if nonnegative and array.size and array.min() < 0:
        s, i = np.unravel_index(int(np.argmin(array)), array.shape)
        where = f"company {i}" if single else f"scenario {s}, company {i}"
        raise ValueError(f"{name} must be >= 0; {where} has {array[s, i]!r}")
    return array, single


def relative_liabilities_t(matrix: sp.csr_array) -> tuple[sp.csr_array, np.ndarray]:
    """Return ``(Pi^T, pbar)``: the transposed relative liabilities matrix (CSR) and row totals.

    ``Pi^T @ p`` is then the vector of payments each company *receives* when debtors pay ``p``.
    """
    pbar = np.asarray(matrix.sum(axis=1)).ravel()
    inverse = np.divide(1.0, pbar, out=np.zeros_like(pbar), where=pbar > 0)
    relative = sp.csr_array(sp.diags_array(inverse) @ matrix)
    return sp.csr_array(relative.T), pbar


def clearing_map(pit, pbar, e, p, alpha: float, beta: float):
    """Evaluate ``Phi(p)`` (see module docstring). Works on ``(n,)`` or ``(n, S)`` columns."""
    received = pit @ p
    assets = e + received
    pbar_col = pbar if p.ndim == 1 else pbar[:, None]
    solvent = assets >= pbar_col - SOLVENCY_SLACK * (pbar_col + np.abs(assets))
    return np.where(solvent, pbar_col, alpha * e + beta * received), ~solvent, assets


def _solve_default_set(pit, pbar, e, idx, alpha, beta, x0) -> tuple[np.ndarray, int]:
    """Solve ``(I - beta Pi_DD^T) x = alpha e_D + beta Pi_ND^T pbar_N`` for the default set ``idx``.

    Returns the solution and the number of matrix-vector products used.
    """
    rows = pit[idx]
    full = pbar.copy()
    full[idx] = 0.0
    rhs = alpha * e[idx] + beta * (rows @ full)
    block = sp.csr_array(rows[:, idx]) * beta
    m = idx.size
    if m <= DENSE_MAX:
        x = np.linalg.solve(np.eye(m) - block.toarray(), rhs)
        if np.all(np.isfinite(x)):
            return _polish(block, rhs, np.minimum(x, pbar[idx]), pbar[idx]), 0
    x = x0[idx]
    operator = sp.eye_array(m, format="csr") - block
    x, info = spla.gmres(operator, rhs, x0=x, rtol=1e-13, atol=0.0, restart=60, maxiter=40)
    if info != 0 or not np.all(np.isfinite(x)):
        x = x0[idx]  # singular or stalled: fall back to the monotone sweeps from above
    x = np.minimum(x, pbar[idx])
    return _polish(block, rhs, x, pbar[idx]), 0


def _polish(block, rhs, x, cap, max_sweeps: int = 100_000) -> np.ndarray:
    """Jacobi sweeps ``x <- rhs + block @ x`` until the iterate stops changing (round-off level).

    From a start above the solution the sweeps decrease monotonically to the greatest solution, so
    this both removes the last digits of Krylov error and solves singular systems.
    """
    scale = max(float(np.max(np.abs(rhs), initial=0.0)), float(np.max(cap, initial=0.0)), 1e-300)
    for _ in range(max_sweeps):
        new = np.minimum(rhs + block @ x, cap)
        change = float(np.max(np.abs(new - x), initial=0.0))
        x = new
        if change <= 4 * EPS * scale:
            break
    return x


def fictitious_default(pit, pbar, e, alpha: float, beta: float):
    """Greatest clearing vector of one scenario by the fictitious default algorithm.

    Returns ``(p, default_round, rounds)``.
    """
    n = pbar.size
    p = pbar.copy()
    default_round = np.full(n, -1, dtype=np.int64)
    in_default = np.zeros(n, dtype=bool)
    rounds = 0
    while True:
        _, short, _ = clearing_map(pit, pbar, e, p, alpha, beta)
        new = short & ~in_default
        if not new.any():
            return p, default_round, rounds
        default_round[new] = rounds
        in_default |= new
        idx = np.flatnonzero(in_default)
        x, _ = _solve_default_set(pit, pbar, e, idx, alpha, beta, p)
        p = pbar.copy()
        p[idx] = x
        rounds += 1


def picard(pit, pbar, e_cols, alpha: float, beta: float, max_sweeps: int = 100_000):
    """Monotone fixed-point iteration from ``pbar`` on ``(n, S)`` columns until it stops moving."""
    p = np.repeat(pbar[:, None], e_cols.shape[1], axis=1)
    scale = max(float(np.max(pbar, initial=0.0)), 1e-300)
    sweeps = 0
    while sweeps < max_sweeps:
        new, _, _ = clearing_map(pit, pbar, e_cols, p, alpha, beta)
        sweeps += 1
        change = float(np.max(np.abs(new - p), initial=0.0))
        p = new
        if change <= 4 * EPS * scale:
            break
    return p, sweeps


def greatest_clearing(liabilities, external_assets, alpha: float, beta: float, method: str):
    """Shared driver of :mod:`eisenberg_noe` and :mod:`rogers_veraart` (returns ClearingResult)."""
    from dealweb.stress.results import ClearingResult

    if method not in ("auto", "fda", "picard"):
        raise ValueError(f"method must be 'auto', 'fda' or 'picard', got {method!r}")
    if not (0.0 <= alpha <= 1.0 and 0.0 <= beta <= 1.0):
        raise ValueError(f"alpha and beta must lie in [0, 1], got alpha={alpha!r}, beta={beta!r}")
    matrix = as_liabilities(liabilities)
    n = matrix.shape[0]
    e, single = as_scenarios(external_assets, n, "external_assets")
    pit, pbar = relative_liabilities_t(matrix)
    e_cols = np.ascontiguousarray(e.T)
    used = "fda" if method == "auto" else method
    if used == "fda":
        p_cols = np.empty_like(e_cols)
        rounds_cols = np.empty(e_cols.shape, dtype=np.int64)
        iterations = 0
        for s in range(e_cols.shape[1]):
            p_s, r_s, k = fictitious_default(pit, pbar, e_cols[:, s], alpha, beta)
            p_cols[:, s], rounds_cols[:, s] = p_s, r_s
            iterations = max(iterations, k)
    else:
        p_cols, iterations = picard(pit, pbar, e_cols, alpha, beta)
        rounds_cols = None
    mapped, short, assets = clearing_map(pit, pbar, e_cols, p_cols, alpha, beta)
    residual = float(np.max(np.abs(mapped - p_cols), initial=0.0))
    if rounds_cols is None:
        rounds_cols = np.where(short, 0, -1)  # picard does not track the rounds of the algorithm
    equity = assets - pbar[:, None]
    shortfall = pbar[:, None] - p_cols
    out = (lambda a: a[:, 0]) if single else (lambda a: np.ascontiguousarray(a.T))
    return ClearingResult(
        payments=out(p_cols),
        total_obligations=pbar,
        defaulted=out(short),
        default_round=out(rounds_cols),
        equity=out(equity),
        shortfall=out(shortfall),
        residual=residual,
        iterations=int(iterations),
        method=used,
        info={"alpha": alpha, "beta": beta},
    )
