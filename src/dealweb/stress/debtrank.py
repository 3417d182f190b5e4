"""DebtRank: distress propagation through balance-sheet exposures.

Battiston, S., Puliga, M., Kaushik, R., Tasca, P. & Caldarelli, G. (2012). "DebtRank: Too
Central to Fail? Financial Networks, the FED and Systemic Risk". *Scientific Reports* 2, 541.

Distress ``h_i`` in ``[0, 1]`` is the relative loss of company ``i``'s equity (1 = default). A
company exposed to ``j`` for ``A[i, j]`` (its claims on ``j``) with equity ``E_i`` feels the impact
``W[i, j] = min(1, A[i, j] / E_i)`` of ``j``'s distress. Every company is Undistressed,
Distressed or Inactive. Starting from the initial distress, at each step

    h_i(t) = min(1, h_i(t-1) + sum over j Distressed at t-1 of W[i, j] h_j(t-1)),

Distressed companies become Inactive (each propagates its distress *once*, so the walk cannot
reverberate round cycles), and undistressed ones with ``h > 0`` become Distressed. The DebtRank
of the shock is the value-weighted distress it *adds* beyond the initial one,
``R = sum_i v_i h_i(T) - sum_i v_i h_i(1)``, with ``v`` the relative economic values.

Example
-------
B holds claims of 6 on A and has equity 10; C holds claims of 4 on B and has equity 8.
A is wiped out: B loses 6/10 of its equity, C then 4/8 of 0.6.

>>> import numpy as np
>>> exposures = np.array([[0, 0, 0], [6, 0, 0], [0, 4, 0]], dtype=float)
>>> r = debtrank(exposures, equity=[5.0, 10.0, 8.0], initial_distress=[1.0, 0, 0])
>>> r.distress.tolist(), r.rounds
([1.0, 0.6, 0.3], 3)
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from dealweb.stress._kernels import as_liabilities, as_scenarios
from dealweb.stress.results import DebtRankResult


def impact_matrix(exposures, equity) -> sp.csr_array:
    """``W[i, j] = min(1, A[i, j] / E_i)``; a company with no equity left feels every loss fully."""
    matrix = as_liabilities(exposures, "exposures")
    equity = np.asarray(equity, dtype=np.float64)
    if equity.shape != (matrix.shape[0],):
        raise ValueError(f"equity must have shape ({matrix.shape[0]},), got {equity.shape}")
    if not np.all(np.isfinite(equity)):
        raise ValueError("equity contains NaN or infinite values")
    rows = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
    holder_equity = equity[rows]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(holder_equity > 0, matrix.data / holder_equity, 1.0)
    return sp.csr_array(
        (np.minimum(ratio, 1.0), matrix.indices.copy(), matrix.indptr.copy()), shape=matrix.shape
    )


def debtrank(exposures, equity, initial_distress, value=None) -> DebtRankResult:
    """DebtRank of one or a batch of initial shocks (Battiston et al. 2012).

    Parameters
    ----------
    exposures:
        ``(n, n)``: ``A[i, j]`` = value of ``i``'s claims on ``j`` (``i`` loses if ``j`` is
        distressed). In liabilities terms ``A = L.T``. Sparse or dense, non-negative.
    equity:
        ``(n,)`` equity (capital) of each company.
    initial_distress:
        ``(n,)`` or ``(S, n)`` initial relative equity loss in ``[0, 1]`` (1 = default).
    value:
        ``(n,)`` economic value weights ``v``; normalised to sum 1. Default: each company's share
        of total exposures held (its interbank-style assets), as in Battiston et al.; equal
        weights if there are no exposures.

    Returns
    -------
    DebtRankResult
        final ``distress`` (shape of ``initial_distress``), ``debtrank`` ``R`` and
        ``total_distress`` (float, or ``(S,)``), ``rounds``.
    """
    impact = impact_matrix(exposures, equity)
    n = impact.shape[0]
    h, single = as_scenarios(initial_distress, n, "initial_distress")
    if h.size and h.max() > 1:
        raise ValueError("initial_distress must lie in [0, 1] (relative equity loss)")
    weights = _value_weights(exposures, value, n)
    start = h.copy()
    distressed = h > 0
    inactive = np.zeros_like(distressed)
    rounds = 0
    while distressed.any():
        # columns = scenarios, so the sparse product handles the whole batch at once
        spread = (impact @ np.where(distressed, h, 0.0).T).T
        h = np.minimum(1.0, h + spread)
        inactive |= distressed
        distressed = (h > 0) & ~inactive
        rounds += 1
    total = h @ weights
    gain = total - start @ weights
    out = (lambda a: a[0]) if single else (lambda a: a)
    scalar = (lambda a: float(a[0])) if single else (lambda a: a)
    return DebtRankResult(
        distress=out(h), debtrank=scalar(gain), total_distress=scalar(total), rounds=rounds
    )


def _value_weights(exposures, value, n: int) -> np.ndarray:
    if value is None:
        held = np.asarray(as_liabilities(exposures, "exposures").sum(axis=1)).ravel()
        weights = held if held.sum() > 0 else np.ones(n)
    else:
        weights = np.asarray(value, dtype=np.float64)
        if weights.shape != (n,) or not np.all(np.isfinite(weights)) or weights.min() < 0:
            raise ValueError(f"value must be {n} finite non-negative weights")
        if weights.sum() == 0:
            raise ValueError("value weights must not all be zero")
    return weights / weights.sum()
