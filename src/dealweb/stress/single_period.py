"""Single-period network models (DebtRank, Furfine, cross-holdings) on horizon totals.

These models have no calendar: they take one matrix of claims and one buffer per company. The
horizon is collapsed into one period — every obligation due within it, every dollar of revenue
earned in it — and the scenario's shocks become the models' inputs:

* initial distress (DebtRank; Battiston et al. 2012, "DebtRank: Too Central to Fail?",
  Scientific Reports 2, 541) = relative equity loss from the shock: the equity shock plus the
  cash lost to revenue shocks (and to lower compute prices, for sellers) over the horizon,
  divided by the pre-shock equity value; 1 for a company the scenario makes fail;
* claims of i on j = what j owes i over the horizon + i's stake in j at j's equity value, so
  a failing investee costs its investors their stake as well;
* Furfine (2003, "Interbank Exposures: Quantifying the Risk of Contagion", Journal of Money,
  Credit and Banking 35(1)): capital = equity after the initial shock, loss given default =
  1 - recovery;
* cross-holdings (Elsinger 2009, "Financial Networks, Cross Holdings, and Limited Liability",
  OeNB Working Paper 156): external assets = cash + horizon revenue x cash margin,
  liabilities = horizon obligations + outside debt, stakes as the cross-holding matrix.

Like the yearly clearing, ``S`` runs are computed at once as one block-diagonal sparse system.

Example
-------
>>> from dealweb.stress.examples import lab_and_cloud
>>> from dealweb.stress.scenario import Scenario
>>> from dealweb.stress.system import prepare
>>> deals, companies = lab_and_cloud()
>>> system = prepare(deals, companies, None, Scenario(horizon=3, model="furfine"))
>>> out = network_outcome(system)
>>> float(out.claims[0, 1, 0]) / 1e9  # cloud's claim on lab (lab, cloud order), USD bn
30.0
>>> out.failed[0].tolist()  # no shock, so no initial failure for Furfine to spread
[False, False]
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from dealweb.stress.system import NEVER, StressSystem, revenue_paths


@dataclass
class NetworkOutcome:
    """(runs x companies) results of a single-period model, see :func:`network_outcome`."""

    failed: np.ndarray  # bool
    failure_round: np.ndarray  # int, -1 = survived or not tracked by the model
    initial_distress: np.ndarray
    distress: np.ndarray  # relative equity loss in [0, 1] (NaN when the model has none)
    loss: np.ndarray  # USD: credit and equity-stake losses
    unpaid: np.ndarray  # USD the company leaves unpaid (NaN when the model has none)
    claims: np.ndarray  # (runs x companies x companies) claims[s, i, j] of i on j, one run only
    first_default: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.first_default = np.where(self.failed, 0, -1)  # one period: index 0


def _block_diag(data: np.ndarray, rows: np.ndarray, cols: np.ndarray, nodes: int) -> sp.csr_array:
    """Block-diagonal sparse matrix of S runs from per-run edge values ``data`` (S x E)."""
    runs = data.shape[0]
    off = (np.arange(runs) * nodes)[:, None]
    return sp.csr_array(
        (data.ravel(), ((off + rows).ravel(), (off + cols).ravel())),
        shape=(runs * nodes, runs * nodes),
    )


def horizon_inputs(
    system: StressSystem, amounts: np.ndarray, revenue_base: np.ndarray
) -> dict[str, np.ndarray]:
    """Horizon totals per run: obligations per deal, external assets, shock losses, distress."""
    ob = system.obligations
    payee = ob.deals["payee"].to_numpy(int)
    t_count = len(system.years)
    gone_by_t = system.fail_year[:, None] <= np.arange(t_count)[None, :]  # (n, T)
    # commitments to a company the scenario makes fail lapse from its failure year
    live = ob.shares * system.deal_factor * ~gone_by_t[payee]
    due = amounts * live.sum(axis=1)[None, :]  # (S, D)
    # what sellers lose to lower compute prices (buyers pay the lower price)
    price_loss = (
        amounts * (ob.shares * (1.0 - system.deal_factor) * ~gone_by_t[payee]).sum(axis=1)[None, :]
    )
    n = system.n
    lost_receipts = np.zeros((amounts.shape[0], n))
    np.add.at(lost_receipts.T, payee, price_loss.T)
    shocked = revenue_base * system.revenue_factor[None]
    revenue_loss = (system.margin[None, :, None] * (revenue_base - shocked)).sum(axis=2)
    e0 = system.equity_value
    loss0 = (1.0 - system.equity_factor)[None, :] * e0[None, :] + revenue_loss + lost_receipts
    with np.errstate(divide="ignore", invalid="ignore"):
        h0 = np.where(e0 > 0, loss0 / e0, (loss0 > 0).astype(float))
    failed0 = np.broadcast_to(system.fail_year < NEVER, h0.shape)
    h0 = np.where(failed0, 1.0, np.clip(h0, 0.0, 1.0))
    assets = (
        system.cash0[None, :]
        + (system.margin[None, :, None] * shocked).sum(axis=2)
        + system.new_funding.sum(axis=1)[None, :]
    )
    return {
        "due": due,
        "h0": h0,
        "failed0": failed0 | (h0 >= 1.0),
        "assets": assets,
        "debt": system.debt_service.sum(axis=1),
    }


@dataclass
class _Batch:
    """What every single-period model is given: horizon totals of ``runs`` runs."""

    system: StressSystem
    runs: int
    x: dict[str, np.ndarray]  # see :func:`horizon_inputs`
    claims: sp.csr_array  # block-diagonal (runs * n) claims of i on j
    due_out: np.ndarray  # (runs x n) obligations each company owes over the horizon
    payer: np.ndarray  # (D,) company index of each deal's payer
    payee: np.ndarray  # (D,)

    @property
    def n(self) -> int:
        return self.system.n

    @property
    def params(self) -> dict[str, float]:
        return self.system.scenario.model_parameters()


def network_outcome(
    system: StressSystem, amounts: np.ndarray | None = None, revenue_base: np.ndarray | None = None
) -> NetworkOutcome:
    """Run the scenario's single-period model for S runs at once (block-diagonal batch).

    ``amounts`` (S x deals) and ``revenue_base`` (S x companies x years, before shocks) default
    to the point amounts and the mean revenue path.
    """
    ob = system.obligations
    point = ob.deals["amount"].to_numpy(float)
    amounts = point[None, :] if amounts is None else np.atleast_2d(amounts)
    revenue_base = revenue_paths(system, shocked=False) if revenue_base is None else revenue_base
    runs, n = amounts.shape[0], system.n
    x = horizon_inputs(system, amounts, revenue_base)
    payer = ob.deals["payer"].to_numpy(int)
    payee = ob.deals["payee"].to_numpy(int)
    holdings = sp.coo_array(ob.holdings)
    # claims of i on j: j's obligations to i, and i's stake in j at j's equity value
    c_rows = np.concatenate([payee, holdings.row])
    c_cols = np.concatenate([payer, holdings.col])
    stake_value = np.broadcast_to(
        holdings.data * system.equity_value[holdings.col], (runs, holdings.nnz)
    )
    claims = _block_diag(np.concatenate([x["due"], stake_value], axis=1), c_rows, c_cols, n)
    claims.sum_duplicates()
    due_out = np.zeros((runs, n))
    np.add.at(due_out.T, payer, x["due"].T)

    model = system.scenario.model
    if model not in _MODELS:
        raise ValueError(f"unknown model {model!r}")
    batch = _Batch(system, runs, x, claims, due_out, payer, payee)
    failed, rounds, loss, distress, unpaid = _MODELS[model](batch)
    keep = claims if runs == 1 else None
    dense = np.asarray(keep.toarray())[None] if keep is not None else np.zeros((0, n, n))
    return NetworkOutcome(
        failed=np.asarray(failed, bool),
        failure_round=np.asarray(rounds),
        initial_distress=x["h0"],
        distress=distress,
        loss=loss,
        unpaid=unpaid,
        claims=dense,
    )


#: What a model returns per run and company: failed, failure round, loss, distress, unpaid.
_ModelResult = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def _debtrank(b: _Batch) -> _ModelResult:
    """DebtRank distress from the initial shock; a company fails at distress 1."""
    from dealweb.stress import debtrank

    e0 = b.system.equity_value
    res = debtrank.debtrank(b.claims.copy(), np.tile(e0, b.runs), b.x["h0"].ravel())
    h = np.asarray(res.distress).reshape(b.runs, b.n)
    failed = h >= 1.0 - 1e-12
    rounds = np.full((b.runs, b.n), -1)
    return failed, rounds, h * e0[None, :], h, np.full((b.runs, b.n), np.nan)


def _furfine(b: _Batch) -> _ModelResult:
    """Furfine's sequential defaults on the capital left after the initial shock."""
    from dealweb.stress import furfine

    e0, x = b.system.equity_value, b.x
    recovery = b.params.get("recovery", 0.0)
    capital = np.maximum(e0[None, :] * (1.0 - x["h0"]), 0.0)
    res = furfine.sequential_defaults(
        b.claims.T.tocsr(),
        capital.ravel(),
        x["failed0"].ravel(),
        loss_given_default=1.0 - recovery,
    )
    failed = np.asarray(res.failed).reshape(b.runs, b.n)
    rounds = np.asarray(res.failure_round).reshape(b.runs, b.n)
    loss = np.asarray(res.losses).reshape(b.runs, b.n) + x["h0"] * e0[None, :]
    distress = np.clip(loss / np.where(e0 > 0, e0, np.inf)[None, :], 0.0, 1.0)
    unpaid = np.where(failed, b.due_out * (1.0 - recovery), 0.0)
    return failed, rounds, loss, distress, unpaid


def _cross_holdings(b: _Batch) -> _ModelResult:
    """Clearing with debt (obligations and outside debt) and equity cross-holdings."""
    from dealweb.stress import cross_holdings

    system, x, runs, n = b.system, b.x, b.runs, b.n
    ob = system.obligations
    nodes = n + 1  # + external creditors
    gone = np.broadcast_to(system.fail_year < NEVER, (runs, n))
    l_rows = np.concatenate([b.payer, np.arange(n)])
    l_cols = np.concatenate([b.payee, np.full(n, n)])
    l_due = np.concatenate([x["due"], np.broadcast_to(x["debt"], (runs, n))], axis=1)
    pays = ~np.concatenate([gone[:, b.payer], gone], axis=1)  # a failed company pays nothing
    liabilities = _block_diag(l_due * pays, l_rows, l_cols, nodes)
    owned = np.asarray(ob.holdings.sum(axis=0)).ravel()
    # the model needs outside shareholders: cap the network's share of a company at 99.9 %
    theta = sp.coo_array(
        ob.holdings @ sp.diags(np.where(owned > 0.999, 0.999 / np.maximum(owned, 1e-300), 1.0))
    )
    t_data = np.broadcast_to(theta.data, (runs, theta.nnz))
    theta_b = _block_diag(t_data, theta.row, theta.col, nodes)
    assets = np.concatenate([np.where(gone, 0.0, x["assets"]), np.zeros((runs, 1))], axis=1)
    pbar = np.asarray(liabilities.sum(axis=1)).reshape(runs, nodes)
    # copies: the model may canonicalise (prune) the matrices it is given in place
    res = cross_holdings.clearing(liabilities.copy(), theta_b.copy(), assets.ravel())
    p = np.asarray(res.debt_payments).reshape(runs, nodes)
    failed = np.asarray(res.defaulted).reshape(runs, nodes)[:, :n] | gone
    rounds = np.where(gone, 0, -1)
    ratio = np.divide(p, pbar, out=np.ones_like(p), where=pbar > 0)
    paid_edges = l_due * pays * ratio[:, l_rows]
    received = np.zeros((runs, nodes))
    np.add.at(received.T, l_cols, paid_edges.T)
    due_in = np.zeros((runs, nodes))
    lapsed = np.concatenate([gone[:, b.payee], np.zeros((runs, n), bool)], axis=1)
    np.add.at(due_in.T, l_cols, (l_due * ~lapsed).T)
    loss = (due_in - received)[:, :n]
    unpaid = np.maximum(b.due_out + x["debt"][None, :] - p[:, :n], 0.0)
    return failed, rounds, loss, np.full((runs, n), np.nan), unpaid


_MODELS = {"debtrank": _debtrank, "furfine": _furfine, "cross-holdings": _cross_holdings}
