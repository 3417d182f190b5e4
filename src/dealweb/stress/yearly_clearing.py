"""Year-by-year clearing of the deal network's obligations, for many runs at once.

Each calendar year of the horizon is one clearing (Eisenberg & Noe 2001, "Systemic Risk in
Financial Systems", Management Science 47(2); or Rogers & Veraart 2013, "Failure and Rescue in an
Interbank Network", Management Science 59(4), with default costs) of that year's obligations:

* a company's **external assets** are the cash it carries in plus ``cash_margin x external
  revenue`` of the year (after shocks and growth) plus any money the scenario has it raise
  outside the network that year (``funding``);
* its **liabilities** are the obligations falling due that year (:mod:`.obligations`) plus debt
  service to creditors outside the network, modelled as one extra sink node;
* clearing pays every obligation in full or pro rata, so an unpaid commitment reduces the payee's
  receipts — its revenue from the network — in the same year;
* what is left (external assets + receipts - payments) is the cash carried into the next year; a
  company that defaults ends the year with none (under Rogers-Veraart the part lost to default
  costs is reported as ``default_costs``).

A company that defaults keeps operating in later years (as in a court-supervised restructuring)
and keeps paying pro rata. A company the scenario makes **fail** instead stops paying and its
counterparties' commitments to it lapse.

The clearing is batched: ``S`` runs are cleared at once as one block-diagonal sparse system of
``S x (n + 1)`` nodes (runs cannot interact, so the blocks clear independently), which is how
Monte Carlo (:mod:`.montecarlo`) calls it with one sampled set of amounts and revenues per run.

Example
-------
>>> from dealweb.stress.examples import lab_and_cloud
>>> from dealweb.stress.scenario import Scenario
>>> from dealweb.stress.system import prepare
>>> deals, companies = lab_and_cloud()
>>> system = prepare(deals, companies, None, Scenario(horizon=3))
>>> outcome = clear_years(system)
>>> outcome.first_default[0].tolist()  # year index per company (lab, cloud); -1 = never
[0, -1]
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from dealweb.stress.obligations import ObligationSet
from dealweb.stress.system import StressSystem, revenue_paths

#: Models that clear payments year by year; the others run once on horizon totals.
CLEARING_MODELS = frozenset({"eisenberg-noe", "rogers-veraart"})

#: Arrays (runs x companies) that one year's clearing gives and :class:`YearlyOutcome` stacks.
_PER_COMPANY = (
    "external_assets",
    "due_in",
    "received",
    "due_out",
    "paid",
    "cash_end",
    "default_costs",
    "defaulted",
    "default_round",
    "failed_by_scenario",
)


def clearing_function(
    model: str, parameters: dict[str, float], method: str = "auto"
) -> Callable[..., object]:
    """The clearing routine of a model, as ``f(L, e) -> ClearingResult``.

    ``method`` is passed to the model: ``auto``/``fda`` (exact, reports default rounds) or
    ``picard`` (vectorised fixed-point sweeps; faster on large batches, no rounds).
    """
    if model == "eisenberg-noe":
        from dealweb.stress import eisenberg_noe

        return lambda L, e: eisenberg_noe.clearing_vector(L, e, method=method)
    if model == "rogers-veraart":
        from dealweb.stress import rogers_veraart

        alpha, beta = parameters["alpha"], parameters["beta"]
        return lambda L, e: rogers_veraart.clearing_vector(L, e, alpha, beta, method=method)
    raise ValueError(
        f"model {model!r} does not clear payments year by year; use eisenberg-noe "
        "or rogers-veraart for the multi-year cascade"
    )


@dataclass
class YearlyOutcome:
    """Arrays (runs x companies x years) from :func:`clear_years`, plus per-deal detail."""

    external_assets: np.ndarray
    due_in: np.ndarray
    received: np.ndarray
    due_out: np.ndarray
    paid: np.ndarray
    cash_end: np.ndarray
    default_costs: np.ndarray
    defaulted: np.ndarray  # bool
    default_round: np.ndarray  # int, round of the year's clearing (-1 when not defaulted)
    failed_by_scenario: np.ndarray  # bool
    paid_external: np.ndarray  # (runs x years) debt service actually paid
    deal_due: np.ndarray | None = None  # (deals x years), one run only
    deal_paid: np.ndarray | None = None
    first_default: np.ndarray = field(init=False)  # (runs x companies) year index, -1 = never
    first_round: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        ever = self.defaulted.any(axis=2)
        first = np.argmax(self.defaulted, axis=2)
        self.first_default = np.where(ever, first, -1)
        rounds = np.take_along_axis(self.default_round, first[:, :, None], axis=2)[:, :, 0]
        self.first_round = np.where(ever, rounds, -1)

    @property
    def unpaid(self) -> np.ndarray:
        return np.maximum(self.due_out - self.paid, 0.0)  # no round-off "negative" shortfall


@dataclass(frozen=True)
class _BatchEdges:
    """The edges of one run's network laid out for ``runs`` runs as one block-diagonal matrix.

    One block has ``n + 1`` nodes (the companies, then the external creditors) and its edges are
    the deals (payer -> payee), then one debt edge per company to the external creditors.
    """

    n: int
    runs: int
    payer: np.ndarray  # (D,) company index of each deal's payer
    payee: np.ndarray  # (D,)
    rows: np.ndarray  # (E,) paying node of each edge of one block, E = D + n
    cols: np.ndarray  # (E,) paid node
    rows_all: np.ndarray  # (runs * E,) paying node in the batched matrix
    cols_all: np.ndarray
    incidence_out: sp.csr_matrix  # (E x nodes): sums per-edge amounts per paying node
    incidence_in: sp.csr_matrix  # (E x nodes): per paid node

    @property
    def nodes(self) -> int:
        return self.n + 1

    @property
    def deal_count(self) -> int:
        return len(self.payer)


def _batch_edges(obligations: ObligationSet, n: int, runs: int) -> _BatchEdges:
    """Lay out the deals and debt edges of ``n`` companies for ``runs`` runs (block-diagonal)."""
    nodes = n + 1  # + external creditors
    payer = obligations.deals["payer"].to_numpy(int)
    payee = obligations.deals["payee"].to_numpy(int)
    d_count = len(payer)
    rows = np.concatenate([payer, np.arange(n)])
    cols = np.concatenate([payee, np.full(n, n)])
    offsets = (np.arange(runs) * nodes)[:, None]

    def incidence(node: np.ndarray) -> sp.csr_matrix:
        edges = np.arange(d_count + n)
        return sp.csr_matrix((np.ones(d_count + n), (edges, node)), shape=(d_count + n, nodes))

    return _BatchEdges(
        n=n,
        runs=runs,
        payer=payer,
        payee=payee,
        rows=rows,
        cols=cols,
        rows_all=(offsets + rows[None, :]).ravel(),
        cols_all=(offsets + cols[None, :]).ravel(),
        incidence_out=incidence(rows),
        incidence_in=incidence(cols),
    )


@dataclass
class _ClearedYear:
    """One year's clearing of every run: (runs x companies) arrays unless noted."""

    external_assets: np.ndarray
    due_in: np.ndarray
    received: np.ndarray
    due_out: np.ndarray
    paid: np.ndarray
    cash_end: np.ndarray  # cash carried into the next year
    default_costs: np.ndarray
    defaulted: np.ndarray
    default_round: np.ndarray
    failed_by_scenario: np.ndarray
    paid_external: np.ndarray  # (runs,) debt service the external creditors received
    edge_due: np.ndarray  # (runs x edges)
    edge_paid: np.ndarray  # (runs x edges)


def _clear_year(
    system: StressSystem,
    edges: _BatchEdges,
    clear: Callable[..., object],
    amounts: np.ndarray,
    revenue: np.ndarray,
    cash: np.ndarray,
    t: int,
) -> _ClearedYear:
    """Clear year ``t`` for every run: ``amounts`` (runs x deals) of the whole deals,
    ``revenue`` (runs x companies) external revenue of the year, ``cash`` carried in."""
    ob = system.obligations
    n, runs, nodes = edges.n, edges.runs, edges.nodes
    gone = system.fail_year <= t  # made to fail by the scenario
    # a failed company's own obligations stay due (and unpaid); those owed to it lapse
    due = amounts * (ob.shares[:, t] * system.deal_factor[:, t] * ~gone[edges.payee])[None, :]
    debt_due = np.broadcast_to(system.debt_service[:, t], (runs, n))
    edge_due = np.concatenate([due, debt_due], axis=1)  # (S, E)
    clears = np.concatenate([~gone[edges.payer], ~gone]).astype(float)  # edges cleared
    assets = np.where(
        gone[None, :], 0.0, cash + system.margin * revenue + system.new_funding[:, t]
    )
    e_full = np.concatenate([assets, np.zeros((runs, 1))], axis=1)

    L = sp.csr_matrix(
        ((edge_due * clears).ravel(), (edges.rows_all, edges.cols_all)),
        shape=(runs * nodes, runs * nodes),
    )
    pbar = np.asarray(L.sum(axis=1)).ravel().reshape(runs, nodes)
    # a copy: the clearing routine may canonicalise (prune) the matrix it is given in place
    res = clear(L.copy(), e_full.ravel())
    p = np.asarray(res.payments, float).reshape(runs, nodes)
    ratio = np.divide(p, pbar, out=np.ones_like(p), where=pbar > 0)
    edge_paid = edge_due * clears * ratio[:, edges.rows]  # pro rata per obligation
    received = edge_paid @ edges.incidence_in
    paid = edge_paid @ edges.incidence_out
    left = e_full + received - paid
    dflt = np.asarray(res.defaulted, bool).reshape(runs, nodes)[:, :n]
    rounds = np.asarray(res.default_round).reshape(runs, nodes)[:, :n]
    return _ClearedYear(
        external_assets=assets,
        due_in=(edge_due @ edges.incidence_in)[:, :n],
        received=received[:, :n],
        due_out=(edge_due @ edges.incidence_out)[:, :n],
        paid=paid[:, :n],
        cash_end=np.where(dflt | gone[None, :], 0.0, np.maximum(left[:, :n], 0.0)),
        default_costs=np.where(dflt, np.maximum(left[:, :n], 0.0), 0.0),
        defaulted=dflt | gone[None, :],
        default_round=np.where(gone[None, :], 0, np.where(dflt, rounds, -1)),
        failed_by_scenario=np.broadcast_to(gone[None, :], (runs, n)),
        paid_external=received[:, n],
        edge_due=edge_due,
        edge_paid=edge_paid,
    )


def clear_years(
    system: StressSystem,
    amounts: np.ndarray | None = None,
    revenue: np.ndarray | None = None,
    *,
    keep_deals: bool = False,
    on_year: Callable[[], None] | None = None,
    method: str = "auto",
) -> YearlyOutcome:
    """Clear every year of the horizon for ``S`` runs at once.

    Parameters
    ----------
    amounts: (S x deals) amount of each obligation-bearing deal per run; default: point amounts.
    revenue: (S x companies x years) external revenue; default: :func:`.system.revenue_paths`.
    keep_deals: also return per-deal due/paid amounts (one run only).
    on_year: called after each year (progress reporting).
    method: clearing algorithm, see :func:`clearing_function`.
    """
    point = system.obligations.deals["amount"].to_numpy(float)
    amounts = point[None, :] if amounts is None else np.atleast_2d(amounts)
    revenue = revenue_paths(system) if revenue is None else revenue
    runs, n, t_count = amounts.shape[0], system.n, len(system.years)
    if revenue.shape != (runs, n, t_count):
        raise ValueError(
            f"revenue must be (runs, companies, years) = {(runs, n, t_count)}, got {revenue.shape}"
        )
    if keep_deals and runs != 1:
        raise ValueError("per-deal detail is kept for a single run only")
    clear = clearing_function(system.scenario.model, system.scenario.model_parameters(), method)
    edges = _batch_edges(system.obligations, n, runs)
    d_count = edges.deal_count

    shape = (runs, n, t_count)
    dtypes = {"defaulted": bool, "default_round": np.int64, "failed_by_scenario": bool}
    per_company = {k: np.zeros(shape, dtypes.get(k, float)) for k in _PER_COMPANY}
    paid_external = np.zeros((runs, t_count))
    deal_due = np.zeros((d_count, t_count)) if keep_deals else None
    deal_paid = np.zeros((d_count, t_count)) if keep_deals else None

    cash = np.broadcast_to(system.cash0, (runs, n)).astype(float)
    for t in range(t_count):
        year = _clear_year(system, edges, clear, amounts, revenue[:, :, t], cash, t)
        for key, values in per_company.items():
            values[:, :, t] = getattr(year, key)
        paid_external[:, t] = year.paid_external
        if deal_due is not None and deal_paid is not None:
            deal_due[:, t] = year.edge_due[0, :d_count]
            deal_paid[:, t] = year.edge_paid[0, :d_count]
        cash = year.cash_end
        if on_year is not None:
            on_year()
    return YearlyOutcome(
        paid_external=paid_external, deal_due=deal_due, deal_paid=deal_paid, **per_company
    )


def equity_losses(system: StressSystem, first_default: np.ndarray) -> np.ndarray:
    """(runs x companies) loss on equity holdings: stake x fall in each investee's equity value.

    An investee's value falls by the scenario's equity shock, and to zero if it defaults.
    """
    value = system.equity_value[None, :]
    after = value * system.equity_factor[None, :] * (first_default < 0)
    fall = value - after  # (S, n)
    return np.asarray(sp.csr_matrix(system.obligations.holdings).dot(fall.T)).T
