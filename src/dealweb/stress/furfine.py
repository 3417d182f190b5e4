"""Furfine's sequential default algorithm: counterparty-loss contagion in rounds.

Furfine, C. H. (2003). "Interbank Exposures: Quantifying the Risk of Contagion". *Journal of
Money, Credit and Banking* 35(1), 111–128.

Some companies fail for exogenous reasons (round 0). Every creditor of a failed company loses
``loss_given_default`` times what the failed company owed it. A creditor whose accumulated
losses exceed its capital fails in the next round and in turn imposes losses on its own
creditors. The process stops when a round adds no failure. Unlike Eisenberg–Noe clearing there is
no netting and no partial recovery through the network: a failure costs its creditors a fixed
share of their claims, which makes the model a fast, transparent upper-bound style screen.

Example
-------
A owes B 5 and C 2; B owes C 4. Capital: A 1, B 3, C 5. A fails exogenously.

>>> import numpy as np
>>> L = np.array([[0, 5, 2], [0, 0, 4], [0, 0, 0]], dtype=float)
>>> r = sequential_defaults(L, capital=[1.0, 3.0, 5.0], initial_failures=[0])
>>> [w.tolist() for w in r.rounds], r.losses.tolist()
([[0], [1], [2]], [0.0, 5.0, 6.0])
"""

from __future__ import annotations

import numpy as np

from dealweb.stress._kernels import as_liabilities, as_scenarios
from dealweb.stress.results import FurfineResult


def sequential_defaults(
    liabilities, capital, initial_failures, loss_given_default: float = 1.0
) -> FurfineResult:
    """Run Furfine's sequential default algorithm (one scenario or a batch).

    Parameters
    ----------
    liabilities:
        ``(n, n)`` matrix, ``L[i, j]`` = amount ``i`` owes ``j`` (so ``j`` loses ``lgd * L[i, j]``
        when ``i`` fails). Sparse or dense; non-negative with zero diagonal.
    capital:
        ``(n,)`` or ``(S, n)`` loss-absorbing capital; a company fails when its losses exceed it.
    initial_failures:
        Indices of the companies failing exogenously, or a boolean mask ``(n,)``/``(S, n)``.
    loss_given_default:
        Share of a claim on a failed company that is lost, in ``[0, 1]`` (Furfine uses 1 and 0.4).

    Returns
    -------
    FurfineResult
        ``failure_round`` (``-1`` = survived), ``failed``, ``losses``, ``capital_remaining`` shaped
        like ``capital``; ``rounds`` lists the failures of each round (per scenario for a batch).
    """
    if not 0.0 <= loss_given_default <= 1.0:
        raise ValueError(f"loss_given_default must lie in [0, 1], got {loss_given_default!r}")
    matrix = as_liabilities(liabilities)
    n = matrix.shape[0]
    cap, single = as_scenarios(capital, n, "capital", nonnegative=False)
    failing = _initial_mask(initial_failures, n, cap.shape[0])
    creditor_view = sp_transpose(matrix)  # row i: what each debtor owes i
    failure_round = np.where(failing, 0, -1)
    failed = failing.copy()
    losses = np.zeros_like(cap)
    rounds = 0
    while failing.any():
        # losses from this round's failures only: earlier ones were counted already
        losses += loss_given_default * (creditor_view @ failing.T.astype(np.float64)).T
        new = (losses > cap) & ~failed
        rounds += 1
        failure_round[new] = rounds
        failed |= new
        failing = new
    out = (lambda a: a[0]) if single else (lambda a: a)
    return FurfineResult(
        failed=out(failed),
        failure_round=out(failure_round),
        losses=out(losses),
        capital_remaining=out(cap - losses),
    )


def sp_transpose(matrix):
    """CSR copy of ``matrix.T`` (so products with failure masks are row-wise and fast)."""
    return matrix.T.tocsr()


def _initial_mask(initial_failures, n: int, scenarios: int) -> np.ndarray:
    given = np.asarray(initial_failures)
    if given.dtype == bool:
        mask = np.broadcast_to(given, (scenarios, n)) if given.ndim == 1 else given
        if mask.shape != (scenarios, n):
            raise ValueError(
                f"initial_failures mask must have shape ({n},) or ({scenarios}, {n}), got "
                f"{given.shape}"
            )
        return mask.copy()
    index = given.astype(np.int64).ravel()
    if index.size and (index.min() < 0 or index.max() >= n):
        bad = index[(index < 0) | (index >= n)][0]
        raise ValueError(f"initial_failures: company index {int(bad)} is outside 0..{n - 1}")
    mask = np.zeros((scenarios, n), dtype=bool)
    mask[:, index] = True
    return mask
