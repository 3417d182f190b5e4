"""Clearing with equity cross-holdings and debt (Suzuki 2002; Elsinger 2009).

Suzuki, T. (2002). "Valuing corporate debt: the effect of cross-holdings of stock and debt".
*Journal of the Operations Research Society of Japan* 45(2), 123–144.
Elsinger, H. (2009). "Financial Networks, Cross Holdings, and Limited Liability". Oesterreichische
Nationalbank Working Paper 156.

Companies owe each other debt (``L[i, j]``, shared pro rata as in Eisenberg–Noe) **and** own
shares of each other's equity (``theta[i, j]`` = fraction of ``j``'s equity held by ``i``; the
rest of each column belongs to outside shareholders). The value of company ``i``'s assets is

    a_i = e_i + sum_j Pi[j, i] p_j + sum_j theta[i, j] V_j,

and limited liability with absolute priority of debt gives

    p_i = min(pbar_i, a_i)        (debt payments),
    V_i = max(0, a_i - pbar_i)    (equity value).

The map is monotone, so by Tarski there is a greatest solution; with every column of ``theta``
summing to less than one it is unique (Elsinger 2009, Suzuki 2002). We compute it exactly: monotone
fixed-point sweeps from the top element (everyone pays in full, equity at its no-debt value) give
an upper bound whose defaulters are certain defaulters; the linear system of that default set is
then solved with a sparse LU factorisation, and the answer is accepted only if it is a fixed point
with the same default set — which makes it the greatest one (any fixed point lies below it and so
defaults at least as often). Otherwise the sweeps continue and the check is repeated.

Example
-------
Two companies each own half of the other's equity, no debt, external assets 1 each: each firm is
"worth" 2 on its books (1 + half of 2), yet outside shareholders own only 1 each — cross-holdings
double count (Elsinger 2009, section 2).

>>> import numpy as np
>>> r = clearing(np.zeros((2, 2)), np.array([[0, .5], [.5, 0]]), [1.0, 1.0])
>>> r.equity_values.tolist()
[2.0, 2.0]
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from dealweb.stress._kernels import EPS, Network, as_liabilities, as_scenarios
from dealweb.stress.results import CrossHoldingResult


def clearing(liabilities, cross_holdings, external_assets, *, max_sweeps: int = 100_000):
    """Debt payments and equity values at the greatest fixed point.

    Parameters
    ----------
    liabilities:
        ``(n, n)``: ``L[i, j]`` = debt ``i`` owes ``j`` (non-negative, zero diagonal).
    cross_holdings:
        ``(n, n)``: ``theta[i, j]`` = fraction of ``j``'s equity owned by ``i``; entries in
        ``[0, 1]``, zero diagonal, every column summing to less than 1.
    external_assets:
        ``(n,)`` or ``(S, n)`` assets outside the network (``>= 0``).

    Returns
    -------
    CrossHoldingResult
        ``debt_payments``, ``equity_values``, ``firm_values``, ``defaulted`` shaped like
        ``external_assets``; ``residual`` = max fixed-point residual; ``iterations`` = sweeps.
    """
    net = Network(as_liabilities(liabilities))
    theta = _as_cross_holdings(cross_holdings, net.n)
    e, single = as_scenarios(external_assets, net.n, "external_assets")
    results = [_clear_one(net, theta, row, max_sweeps) for row in e]
    stack = (lambda k: results[0][k]) if single else (lambda k: np.stack([r[k] for r in results]))
    return CrossHoldingResult(
        debt_payments=stack("p"),
        equity_values=stack("v"),
        firm_values=stack("a"),
        total_obligations=net.pbar,
        defaulted=stack("d"),
        residual=max(r["residual"] for r in results),
        iterations=max(r["sweeps"] for r in results),
    )


def _as_cross_holdings(cross_holdings, n: int) -> sp.csr_array:
    # same checks as debts: square, finite, >= 0, zero diagonal
    theta = as_liabilities(cross_holdings, "cross_holdings")
    if theta.shape != (n, n):
        raise ValueError(f"cross_holdings must be ({n}, {n}) like liabilities, got {theta.shape}")
    if theta.data.size and theta.data.max() > 1:
        raise ValueError("cross_holdings entries are ownership fractions and must be <= 1")
    owned = np.asarray(theta.sum(axis=0)).ravel()
    if owned.size and owned.max() >= 1:
        j = int(np.argmax(owned))
        raise ValueError(
            f"cross_holdings: company {j} is {owned[j]:.6g} owned by others; each column must sum "
            "to less than 1 (outside shareholders hold the rest)"
        )
    return theta


def _assets(net: Network, theta, e, p, v):
    return e + net.received(p) + theta @ v


def _clear_one(net: Network, theta, e, max_sweeps: int) -> dict:
    n = net.n
    pbar = net.pbar
    identity = sp.eye_array(n, format="csc")
    # top element: everyone pays in full, equity valued as if there were no debt
    p = pbar.copy()
    v = spla.spsolve((identity - theta).tocsc(), e + net.received(pbar))
    v = np.atleast_1d(v)
    scale = max(float(np.max(np.abs(e), initial=0.0)), float(np.max(pbar, initial=0.0)), 1e-300)
    sweeps = 0
    check_every = 1
    while True:
        for _ in range(check_every):
            a = _assets(net, theta, e, p, v)
            p, v = np.minimum(pbar, a), np.maximum(0.0, a - pbar)
            sweeps += 1
        a = _assets(net, theta, e, p, v)
        default = _defaulting(a, pbar)
        exact = _solve_partition(net, theta, e, default, identity)
        if exact is not None and _consistent(exact[2], default, pbar, scale):
            p, v, a = exact
            break
        if sweeps >= max_sweeps:
            break
        check_every = min(2 * check_every, 64)
    a = _assets(net, theta, e, p, v)
    residual = max(
        float(np.max(np.abs(np.minimum(pbar, a) - p), initial=0.0)),
        float(np.max(np.abs(np.maximum(0.0, a - pbar) - v), initial=0.0)),
    )
    if residual > 1e-10 * scale:
        raise RuntimeError(
            f"cross-holdings clearing did not converge (residual {residual:.3g} after {sweeps} "
            "sweeps)"
        )
    return {"p": p, "v": v, "a": a, "d": _defaulting(a, pbar),
            "residual": residual, "sweeps": sweeps}


def _defaulting(a, pbar):
    """Firms whose assets fall short of their debt beyond rounding; a firm without debt never
    defaults (its assets can only be a rounding error below zero)."""
    return (pbar > 0) & (a < pbar - 64 * EPS * (pbar + np.abs(a)))


def _consistent(a, default, pbar, scale: float) -> bool:
    """Whether the asset values ``a`` solved for a default set agree with that set.

    A firm must default exactly when ``a < pbar``. A firm whose assets equal its debt up to
    rounding at the scale of the whole problem (``|a - pbar| <= 1e-13 * scale``) pays the same
    to every digit that matters either way, so it may sit on either side: without that slack,
    debts far below the problem's scale (1e-219 next to debts of 1) flip sides from one exact
    solve to the next and the check never passes.
    """
    mismatch = _defaulting(a, pbar) != default
    return bool(np.all(np.abs(a[mismatch] - pbar[mismatch]) <= 1e-13 * scale))


def _solve_partition(net: Network, theta, e, default, identity):
    """Solve the linear system of a given default set for the asset values ``a``.

    Defaulters pay ``a`` and have no equity; the others pay ``pbar`` and are worth ``a - pbar``:
    ``(I - Pi^T D - theta S) a = e + Pi^T (S pbar) - theta (S pbar)``.
    """
    solvent = ~default
    paid_in_full = np.where(solvent, net.pbar, 0.0)
    weights = np.where(default, net.inverse, 0.0)
    pit_d = net.matrix.T @ sp.diags_array(weights)
    theta_s = theta @ sp.diags_array(solvent.astype(np.float64))
    system = (identity - pit_d - theta_s).tocsc()
    rhs = e + net.received(paid_in_full) - theta @ paid_in_full
    try:
        a = np.atleast_1d(spla.spsolve(system, rhs))
    except RuntimeError:  # singular factor
        return None
    if not np.all(np.isfinite(a)):
        return None
    # clip: an LU solve may leave a defaulter's assets a rounding error below zero
    p = np.where(default, np.clip(a, 0.0, net.pbar), net.pbar)
    v = np.where(solvent, np.maximum(a - net.pbar, 0.0), 0.0)
    return p, v, a
