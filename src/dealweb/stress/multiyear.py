"""Multi-year clearing of the deal network: who fails, when, why, and for how much.

Each calendar year of the horizon is one clearing (Eisenberg & Noe 2001, Management Science 47(2);
or Rogers & Veraart 2013, Management Science 59(4) with default costs) of that year's obligations:

* a company's **external assets** are the cash it carries in plus ``cash_margin x external
  revenue`` of the year (after shocks and growth);
* its **liabilities** are the obligations falling due that year (:mod:`.obligations`) plus debt
  service to creditors outside the network, modelled as one extra sink node;
* clearing pays every obligation in full or pro rata, so an unpaid commitment reduces the payee's
  receipts — its revenue from the network — in the same year;
* what is left (external assets + receipts - payments) is the cash carried into the next year; a
  company that defaults ends the year with none (under Rogers-Veraart the part lost to default
  costs is reported as ``default_costs``).

Equity stakes (:mod:`.obligations` holdings) are illiquid: an investor's loss when an investee's
equity falls or fails is reported (``equity_loss_usd``, and ``equity_wiped_out`` when all losses
exceed the company's own equity value) but does not reduce the cash it pays with; the
cross-holdings model feeds equity values back into solvency.

A company that defaults keeps operating in later years (as in a court-supervised restructuring)
and keeps paying pro rata; its *first* default year and round are reported. This keeps the
system monotone: a larger shock never yields fewer defaults. A company the scenario makes
**fail** instead stops paying and its counterparties' commitments to it lapse.

The clearing is batched: ``S`` runs are cleared at once as one block-diagonal sparse system of
``S x (n + 1)`` nodes (runs cannot interact, so the blocks clear independently), which is how
Monte Carlo (:mod:`.montecarlo`) calls it with one sampled set of amounts and revenues per run.

Example
-------
>>> import pandas as pd
>>> companies = pd.DataFrame({"id": ["lab", "cloud"], "name": ["Lab", "Cloud"],
...                           "role": ["ai_lab", "cloud"]})
>>> deals = pd.DataFrame({"id": ["c1"], "payer_id": ["lab"], "payee_id": ["cloud"],
...     "kind": ["cloud_commitment"], "amount_usd_low": [30e9], "amount_usd_high": [30e9],
...     "up_to": [False], "usd_basis": ["stated"], "status": ["announced"],
...     "announced": [pd.Timestamp("2026-01-01")], "term_start": [pd.NaT], "term_years": [3.0],
...     "stake_pct": [float("nan")]})
>>> result = run_stress(deals, companies, None, Scenario(horizon=3))
>>> result.cascade[["company_id", "year"]].to_dict("records")
[{'company_id': 'lab', 'year': 2026}]
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp

from dealweb.stress.balance_sheets import build_balance_sheets, defaults_report
from dealweb.stress.obligations import ObligationSet, build_obligations
from dealweb.stress.scenario import Scenario

#: Models that clear payments year by year; the others run once on horizon totals.
CLEARING_MODELS = frozenset({"eisenberg-noe", "rogers-veraart"})
#: Label of the sink node standing for creditors outside the network.
EXTERNAL = "(external creditors)"
NEVER = np.iinfo(np.int64).max // 4


@dataclass
class StressSystem:
    """Everything a clearing run needs, as arrays in company order (see :func:`prepare`)."""

    scenario: Scenario
    sheets: pd.DataFrame
    obligations: ObligationSet
    companies: list[str]
    names: list[str]
    revenue0: np.ndarray  # (n,) external revenue of the first year, before shocks
    cash0: np.ndarray  # (n,)
    margin: np.ndarray  # (n,) cash margin on external revenue
    equity_value: np.ndarray  # (n,) before shocks
    equity_factor: np.ndarray  # (n,) 1 + equity shock
    revenue_factor: np.ndarray  # (n, T) product of revenue shocks per year
    growth_mean: np.ndarray  # (n,)
    growth_sd: np.ndarray  # (n,)
    deal_factor: np.ndarray  # (D, T) compute-price factor on each deal's yearly amount
    debt_service: np.ndarray  # (n, T) owed to external creditors
    fail_year: np.ndarray  # (n,) index of the year a company is made to fail, NEVER if not

    @property
    def n(self) -> int:
        return len(self.companies)

    @property
    def years(self) -> list[int]:
        return self.obligations.years


def _targets(target: str, companies: list[str], roles: np.ndarray) -> np.ndarray:
    """Boolean mask of the companies a shock target (id, role or 'all') hits."""
    if target == "all":
        return np.ones(len(companies), bool)
    by_id = np.asarray(companies) == target
    return by_id if by_id.any() else roles == target


def _per_company(
    values: dict[str, float], companies: list[str], roles: np.ndarray, default: float
) -> np.ndarray:
    """Resolve {id|role|'all': value} to one value per company (id beats role beats 'all')."""
    out = np.full(len(companies), values.get("all", default), float)
    for key, v in values.items():
        if key in set(roles):
            out[roles == key] = v
    for key, v in values.items():
        out[np.asarray(companies) == key] = v
    return out


def prepare(
    deals: pd.DataFrame,
    companies: pd.DataFrame,
    figures: pd.DataFrame | None,
    scenario: Scenario | None = None,
) -> StressSystem:
    """Balance sheets, obligations and shocks of a scenario, as arrays ready for clearing.

    ``scenario`` must name companies by id (see :func:`.scenario.resolve_companies`); ``None``
    means the default, shock-free scenario.
    """
    sc = scenario or Scenario()
    bs = sc.balance_sheets
    sheets = build_balance_sheets(companies, figures, overrides=bs.overrides, defaults=bs.defaults)
    ids = list(sheets.index)
    roles = sheets["role"].to_numpy(str)
    years = sc.years
    obligations = build_obligations(
        deals,
        ids,
        start_year=sc.start_year,
        horizon=sc.horizon,
        basis=sc.amount_basis,
        up_to_floor=sc.uncertainty.up_to_floor,
        statuses=sc.statuses,
        funding_commitments=sc.funding_commitments,
        default_terms=sc.default_terms,
        equity_values=dict(sheets["equity_value"]),
        figures=figures,
    )
    yr = np.asarray(years)
    n, t = len(ids), len(years)

    revenue_factor = np.ones((n, t))
    for s in sc.shocks.revenue:
        active = (yr >= (s.from_year or years[0])) & (yr <= (s.until_year or years[-1]))
        revenue_factor[np.ix_(_targets(s.target, ids, roles), active)] *= 1.0 + s.change
    deal_factor = np.ones((len(obligations.deals), t))
    cp = sc.shocks.compute_price
    if cp is not None:
        active = yr >= (cp.from_year or years[0])
        sellers = np.isin(roles, cp.sellers) | np.isin(np.asarray(ids), cp.sellers)
        revenue_factor[np.ix_(sellers, active)] *= 1.0 + cp.change * cp.pass_through
        gw = obligations.deals["gw_estimate"].to_numpy(bool)
        deal_factor[np.ix_(gw, active)] *= 1.0 + cp.change
    equity_factor = np.ones(n)
    for s in sc.shocks.equity:
        equity_factor[_targets(s.target, ids, roles)] *= 1.0 + s.change
    fail_year = np.full(n, NEVER, np.int64)
    for f in sc.shocks.fail:
        k = years.index(f.year) if f.year in years else (0 if f.year is None else NEVER)
        i = ids.index(f.company)
        fail_year[i] = min(fail_year[i], k)

    debt = sheets["debt"].to_numpy(float)
    term = bs.debt_term_years
    # principal repaid evenly over the debt term (nothing after it), first year of the horizon on
    k = np.arange(t)[None, :]
    debt_service = np.where(k < term, debt[:, None] * np.minimum(1.0, term - k) / term, 0.0)

    return StressSystem(
        scenario=sc,
        sheets=sheets,
        obligations=obligations,
        companies=ids,
        names=list(sheets["name"]),
        revenue0=sheets["revenue"].to_numpy(float),
        cash0=sheets["cash"].to_numpy(float),
        margin=sheets["cash_margin"].to_numpy(float),
        equity_value=sheets["equity_value"].to_numpy(float),
        equity_factor=equity_factor,
        revenue_factor=revenue_factor,
        growth_mean=_per_company(sc.revenue_growth, ids, roles, 0.0),
        growth_sd=_per_company(sc.uncertainty.revenue_growth_sd, ids, roles, 0.0),
        deal_factor=deal_factor,
        debt_service=debt_service,
        fail_year=fail_year,
    )


def revenue_paths(
    system: StressSystem, growth: np.ndarray | None = None, *, shocked: bool = True
) -> np.ndarray:
    """External revenue (runs x companies x years) after growth and (unless ``shocked=False``)
    the scenario's revenue shocks.

    ``growth`` is (runs x companies x years) annual growth; the first year's value is the
    balance-sheet revenue, later years compound growth. Default: the mean growth, one run.
    """
    t = len(system.years)
    if growth is None:
        growth = np.broadcast_to(system.growth_mean[None, :, None], (1, system.n, t))
    factors = np.cumprod(1.0 + np.clip(growth, -0.99, None), axis=2) / (
        1.0 + np.clip(growth[:, :, :1], -0.99, None)
    )
    shock = system.revenue_factor[None] if shocked else 1.0
    return system.revenue0[None, :, None] * factors * shock


# ---------------------------------------------------------------------------------------------
# Clearing


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
    revenue: (S x companies x years) external revenue; default: :func:`revenue_paths`.
    keep_deals: also return per-deal due/paid amounts (one run only).
    on_year: called after each year (progress reporting).
    method: clearing algorithm, see :func:`clearing_function`.
    """
    ob = system.obligations
    point = ob.deals["amount"].to_numpy(float)
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
    nodes = n + 1  # + external creditors
    payer = ob.deals["payer"].to_numpy(int)
    payee = ob.deals["payee"].to_numpy(int)
    d_count = len(payer)
    # edges of one block: the deals, then one debt edge per company to the sink
    e_rows = np.concatenate([payer, np.arange(n)])
    e_cols = np.concatenate([payee, np.full(n, n)])
    offsets = (np.arange(runs) * nodes)[:, None]
    rows_all = (offsets + e_rows[None, :]).ravel()
    cols_all = (offsets + e_cols[None, :]).ravel()
    # node -> edge incidence, to sum per-edge amounts into per-node totals
    incidence_out = sp.csr_matrix(
        (np.ones(d_count + n), (np.arange(d_count + n), e_rows)), shape=(d_count + n, nodes)
    )
    incidence_in = sp.csr_matrix(
        (np.ones(d_count + n), (np.arange(d_count + n), e_cols)), shape=(d_count + n, nodes)
    )

    shape = (runs, n, t_count)
    out = {
        k: np.zeros(shape)
        for k in (
            "external_assets",
            "due_in",
            "received",
            "due_out",
            "paid",
            "cash_end",
            "default_costs",
        )
    }
    defaulted = np.zeros(shape, bool)
    default_round = np.full(shape, -1, np.int64)
    failed_exo = np.zeros(shape, bool)
    paid_external = np.zeros((runs, t_count))
    deal_due = np.zeros((d_count, t_count)) if keep_deals else None
    deal_paid = np.zeros((d_count, t_count)) if keep_deals else None

    cash = np.broadcast_to(system.cash0, (runs, n)).astype(float)
    for t in range(t_count):
        gone = system.fail_year <= t  # made to fail by the scenario
        # a failed company's own obligations stay due (and unpaid); those owed to it lapse
        due = amounts * (ob.shares[:, t] * system.deal_factor[:, t] * ~gone[payee])[None, :]
        debt_due = np.broadcast_to(system.debt_service[:, t], (runs, n))
        edge_due = np.concatenate([due, debt_due], axis=1)  # (S, E)
        clears = np.concatenate([~gone[payer], ~gone]).astype(float)  # edges cleared
        assets = np.where(gone[None, :], 0.0, cash + system.margin * revenue[:, :, t])
        e_full = np.concatenate([assets, np.zeros((runs, 1))], axis=1)

        L = sp.csr_matrix(
            ((edge_due * clears).ravel(), (rows_all, cols_all)), shape=(runs * nodes, runs * nodes)
        )
        pbar = np.asarray(L.sum(axis=1)).ravel().reshape(runs, nodes)
        # a copy: the clearing routine may canonicalise (prune) the matrix it is given in place
        res = clear(L.copy(), e_full.ravel())
        p = np.asarray(res.payments, float).reshape(runs, nodes)
        ratio = np.divide(p, pbar, out=np.ones_like(p), where=pbar > 0)
        edge_paid = edge_due * clears * ratio[:, e_rows]  # pro rata per obligation
        received = edge_paid @ incidence_in
        paid = edge_paid @ incidence_out
        due_out = edge_due @ incidence_out
        due_in = edge_due @ incidence_in
        left = e_full + received - paid
        dflt = np.asarray(res.defaulted, bool).reshape(runs, nodes)[:, :n]
        rounds = np.asarray(res.default_round).reshape(runs, nodes)[:, :n]

        out["external_assets"][:, :, t] = assets
        out["due_in"][:, :, t] = due_in[:, :n]
        out["received"][:, :, t] = received[:, :n]
        out["due_out"][:, :, t] = due_out[:, :n]
        out["paid"][:, :, t] = paid[:, :n]
        out["default_costs"][:, :, t] = np.where(dflt, np.maximum(left[:, :n], 0.0), 0.0)
        cash = np.where(dflt | gone[None, :], 0.0, np.maximum(left[:, :n], 0.0))
        out["cash_end"][:, :, t] = cash
        defaulted[:, :, t] = dflt | gone[None, :]
        default_round[:, :, t] = np.where(gone[None, :], 0, np.where(dflt, rounds, -1))
        failed_exo[:, :, t] = gone[None, :]
        paid_external[:, t] = received[:, n]
        if keep_deals:
            deal_due[:, t] = edge_due[0, :d_count]
            deal_paid[:, t] = edge_paid[0, :d_count]
        if on_year is not None:
            on_year()
    return YearlyOutcome(
        defaulted=defaulted,
        default_round=default_round,
        failed_by_scenario=failed_exo,
        paid_external=paid_external,
        deal_due=deal_due,
        deal_paid=deal_paid,
        **out,
    )


def equity_losses(system: StressSystem, first_default: np.ndarray) -> np.ndarray:
    """(runs x companies) loss on equity holdings: stake x fall in each investee's equity value.

    An investee's value falls by the scenario's equity shock, and to zero if it defaults.
    """
    value = system.equity_value[None, :]
    after = value * system.equity_factor[None, :] * (first_default < 0)
    fall = value - after  # (S, n)
    return np.asarray(sp.csr_matrix(system.obligations.holdings).dot(fall.T)).T


# ---------------------------------------------------------------------------------------------
# One deterministic run, reported as DataFrames


#: Columns of :attr:`StressResult.cascade`: who fails, when, why, and what went unpaid.
CASCADE_COLUMNS = [
    "company_id",
    "company",
    "year",
    "round",
    "cause",
    "due_usd",
    "unpaid_usd",
    "unpaid_total_usd",
    "unpaid_to",
    "missed_receipts_from",
]


@dataclass
class StressResult:
    """Frames describing one deterministic stress run (see :func:`run_stress`)."""

    scenario: Scenario
    cascade: pd.DataFrame  # who fails, when (year, round), why, shortfall
    years: pd.DataFrame  # per company and year: assets, receipts, payments, cash
    losses: pd.DataFrame  # per company: unpaid, credit loss, equity loss, loss/equity
    unpaid: pd.DataFrame  # per deal and year with an unpaid amount
    balance_sheets: pd.DataFrame
    defaults_used: pd.DataFrame
    skipped_deals: pd.DataFrame
    system: StressSystem = field(repr=False)
    outcome: YearlyOutcome | None = field(repr=False)
    network: NetworkOutcome | None = field(default=None, repr=False)


def _money_list(pairs: list[tuple[str, float]], limit: int = 3) -> str:
    from dealweb.clikit import format_usd

    pairs = sorted((p for p in pairs if p[1] > 0.5), key=lambda p: -p[1])
    text = "; ".join(f"{who} {format_usd(v)}" for who, v in pairs[:limit])
    return text + (f"; +{len(pairs) - limit} more" if len(pairs) > limit else "")


def run_stress(
    deals: pd.DataFrame,
    companies: pd.DataFrame,
    figures: pd.DataFrame | None,
    scenario: Scenario | None = None,
) -> StressResult:
    """Run a scenario once on point amounts and mean revenue paths; return the report frames."""
    system = prepare(deals, companies, figures, scenario)
    if system.scenario.model not in CLEARING_MODELS:
        return report_network(system, network_outcome(system))
    outcome = clear_years(system, keep_deals=True)
    return report(system, outcome)


def report(system: StressSystem, outcome: YearlyOutcome) -> StressResult:
    """Turn a single-run :class:`YearlyOutcome` into DataFrames."""
    ob, years, names = system.obligations, system.years, system.names
    node_names = names + [EXTERNAL]
    deals = ob.deals
    unpaid_deal = np.maximum(outcome.deal_due - outcome.deal_paid, 0.0)  # (D, T)

    rows = []
    for i in np.nonzero(outcome.first_default[0] >= 0)[0]:
        t = int(outcome.first_default[0, i])
        from_i = deals["payer"].to_numpy() == i
        to_i = deals["payee"].to_numpy() == i
        owed = [
            (node_names[j], v)
            for j, v in zip(deals["payee"][from_i], unpaid_deal[from_i, t], strict=True)
        ]
        debt_unpaid = system.debt_service[i, t] - (
            outcome.paid[0, i, t] - outcome.deal_paid[from_i, t].sum()
        )
        owed.append((EXTERNAL, debt_unpaid))
        missed = [
            (node_names[j], v)
            for j, v in zip(deals["payer"][to_i], unpaid_deal[to_i, t], strict=True)
        ]
        exo = bool(outcome.failed_by_scenario[0, i, t])
        rows.append(
            {
                "company_id": system.companies[i],
                "company": names[i],
                "year": years[t],
                "round": int(outcome.first_round[0, i]),
                "cause": "fails (scenario)" if exo else "cannot pay obligations",
                "due_usd": outcome.due_out[0, i, t],
                "unpaid_usd": outcome.unpaid[0, i, t],
                "unpaid_total_usd": outcome.unpaid[0, i].sum(),
                "unpaid_to": _money_list(_merge(owed)),
                "missed_receipts_from": _money_list(_merge(missed)),
            }
        )
    cascade = pd.DataFrame(rows, columns=CASCADE_COLUMNS)
    cascade = cascade.sort_values(
        ["year", "round", "unpaid_usd"], ascending=[True, True, False], ignore_index=True
    )

    n, t_count = system.n, len(years)
    year_frame = pd.DataFrame(
        {
            "year": np.tile(years, n),
            "company_id": np.repeat(system.companies, t_count),
            "company": np.repeat(names, t_count),
            **{
                col: getattr(outcome, col)[0].ravel()
                for col in ("external_assets", "due_in", "received", "due_out", "paid")
            },
            "unpaid": outcome.unpaid[0].ravel(),
            "cash_end": outcome.cash_end[0].ravel(),
            "default_costs": outcome.default_costs[0].ravel(),
            "defaulted": outcome.defaulted[0].ravel(),
        }
    ).sort_values(["year", "company_id"], ignore_index=True)

    equity_loss = equity_losses(system, outcome.first_default)[0]
    credit_loss = (outcome.due_in - outcome.received)[0].sum(axis=1)
    losses = pd.DataFrame(
        {
            "company_id": system.companies,
            "company": names,
            "defaulted": outcome.first_default[0] >= 0,
            "unpaid_usd": outcome.unpaid[0].sum(axis=1),
            "credit_loss_usd": credit_loss,
            "equity_loss_usd": equity_loss,
            "loss_usd": credit_loss + equity_loss,
            "equity_value_usd": system.equity_value,
        }
    )
    losses["loss_to_equity"] = losses["loss_usd"] / losses["equity_value_usd"].where(
        losses["equity_value_usd"] > 0
    )
    losses["equity_wiped_out"] = losses["loss_usd"] >= losses["equity_value_usd"]
    losses = losses.sort_values("loss_usd", ascending=False, ignore_index=True)

    d_idx, t_idx = np.nonzero(unpaid_deal > 0.5)
    unpaid = pd.DataFrame(
        {
            "deal_id": deals["deal_id"].to_numpy()[d_idx],
            "payer": np.asarray(names)[deals["payer"].to_numpy()[d_idx]],
            "payee": np.asarray(names)[deals["payee"].to_numpy()[d_idx]],
            "year": np.asarray(years)[t_idx],
            "due_usd": outcome.deal_due[d_idx, t_idx],
            "paid_usd": outcome.deal_paid[d_idx, t_idx],
            "unpaid_usd": unpaid_deal[d_idx, t_idx],
        }
    ).sort_values(["year", "unpaid_usd"], ascending=[True, False], ignore_index=True)

    return StressResult(
        scenario=system.scenario,
        cascade=cascade,
        years=year_frame,
        losses=losses,
        unpaid=unpaid,
        balance_sheets=system.sheets.reset_index(),
        defaults_used=defaults_report(system.sheets),
        skipped_deals=ob.skipped,
        system=system,
        outcome=outcome,
    )


def _merge(pairs: list[tuple[str, float]]) -> list[tuple[str, float]]:
    total: dict[str, float] = {}
    for who, v in pairs:
        total[who] = total.get(who, 0.0) + float(v)
    return list(total.items())


# ---------------------------------------------------------------------------------------------
# Single-period network models (DebtRank, Furfine, cross-holdings) on horizon totals
#
# These models have no calendar: they take one matrix of claims and one buffer per company. The
# horizon is collapsed into one period — every obligation due within it, every dollar of revenue
# earned in it — and the scenario's shocks become the models' inputs:
#
# * initial distress (DebtRank) = relative equity loss from the shock: the equity shock plus
#   the cash lost to revenue shocks (and to lower compute prices, for sellers) over the horizon,
#   divided by the pre-shock equity value; 1 for a company the scenario makes fail;
# * claims of i on j = what j owes i over the horizon + i's stake in j at j's equity value, so
#   a failing investee costs its investors their stake as well;
# * Furfine: capital = equity after the initial shock, loss given default = 1 - recovery;
# * cross-holdings (Elsinger 2009): external assets = cash + horizon revenue x cash margin,
#   liabilities = horizon obligations + outside debt, stakes as the cross-holding matrix.


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
    assets = system.cash0[None, :] + (system.margin[None, :, None] * shocked).sum(axis=2)
    return {
        "due": due,
        "h0": h0,
        "failed0": failed0 | (h0 >= 1.0),
        "assets": assets,
        "debt": system.debt_service.sum(axis=1),
    }


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
    e0 = system.equity_value
    # claims of i on j: j's obligations to i, and i's stake in j at j's equity value
    c_rows = np.concatenate([payee, holdings.row])
    c_cols = np.concatenate([payer, holdings.col])
    stake_value = np.broadcast_to(holdings.data * e0[holdings.col], (runs, holdings.nnz))
    c_data = np.concatenate([x["due"], stake_value], axis=1)
    claims = _block_diag(c_data, c_rows, c_cols, n)
    claims.sum_duplicates()
    model, params = system.scenario.model, system.scenario.model_parameters()
    nan = np.full((runs, n), np.nan)
    due_out = np.zeros((runs, n))
    np.add.at(due_out.T, payer, x["due"].T)

    if model == "debtrank":
        from dealweb.stress import debtrank

        equity = np.tile(e0, runs)
        res = debtrank.debtrank(claims.copy(), equity, x["h0"].ravel())
        h = np.asarray(res.distress).reshape(runs, n)
        failed = h >= 1.0 - 1e-12
        rounds = np.full((runs, n), -1)
        loss, distress, unpaid = h * e0[None, :], h, nan
    elif model == "furfine":
        from dealweb.stress import furfine

        capital = np.maximum(e0[None, :] * (1.0 - x["h0"]), 0.0)
        res = furfine.sequential_defaults(
            claims.T.tocsr(),
            capital.ravel(),
            x["failed0"].ravel(),
            loss_given_default=1.0 - params.get("recovery", 0.0),
        )
        failed = np.asarray(res.failed).reshape(runs, n)
        rounds = np.asarray(res.failure_round).reshape(runs, n)
        loss = np.asarray(res.losses).reshape(runs, n) + x["h0"] * e0[None, :]
        distress = np.clip(loss / np.where(e0 > 0, e0, np.inf)[None, :], 0.0, 1.0)
        unpaid = np.where(failed, due_out * (1.0 - params.get("recovery", 0.0)), 0.0)
    elif model == "cross-holdings":
        from dealweb.stress import cross_holdings

        nodes = n + 1  # + external creditors
        gone = np.broadcast_to(system.fail_year < NEVER, (runs, n))
        l_rows = np.concatenate([payer, np.arange(n)])
        l_cols = np.concatenate([payee, np.full(n, n)])
        l_due = np.concatenate([x["due"], np.broadcast_to(x["debt"], (runs, n))], axis=1)
        pays = ~np.concatenate([gone[:, payer], gone], axis=1)  # a failed company pays nothing
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
        np.add.at(
            due_in.T,
            l_cols,
            (l_due * ~np.concatenate([gone[:, payee], np.zeros((runs, n), bool)], axis=1)).T,
        )
        loss = (due_in - received)[:, :n]
        unpaid = (
            np.concatenate([due_out, np.zeros((runs, 0))], axis=1) + x["debt"][None, :] - (p[:, :n])
        )
        unpaid = np.maximum(unpaid, 0.0)
        distress = nan
    else:
        raise ValueError(f"unknown model {model!r}")
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


def report_network(system: StressSystem, out: NetworkOutcome) -> StressResult:
    """DataFrames of a single-run single-period model (same frames as :func:`report`).

    In the cascade, ``year`` is the whole horizon, ``due_usd``/``unpaid_to`` list the *claims*
    others hold on the failed company (obligations and stakes) and ``missed_receipts_from`` its
    claims on other failed companies; ``round`` is -1 where the model does not order failures.
    """
    names = system.names
    period = f"{system.years[0]}-{system.years[-1]}"
    claims = out.claims[0]
    rows = []
    for i in np.nonzero(out.failed[0])[0]:
        failed_debtors = [
            (names[j], claims[i, j])
            for j in np.nonzero(out.failed[0])[0]
            if j != i and claims[i, j] > 0
        ]
        owed = [(names[k], claims[k, i]) for k in range(system.n) if claims[k, i] > 0]
        initial = out.initial_distress[0, i] >= 1.0
        rows.append(
            {
                "company_id": system.companies[i],
                "company": names[i],
                "year": period,
                "round": int(out.failure_round[0, i]),
                "cause": (
                    "fails (scenario)"
                    if system.fail_year[i] < NEVER
                    else "initial shock exceeds equity"
                    if initial
                    else "losses on claims"
                ),
                "due_usd": float(sum(v for _, v in owed)),
                "unpaid_usd": float(out.unpaid[0, i]),
                "unpaid_total_usd": float(out.unpaid[0, i]),
                "unpaid_to": _money_list(owed),
                "missed_receipts_from": _money_list(failed_debtors),
            }
        )
    cascade = pd.DataFrame(rows, columns=CASCADE_COLUMNS)
    # rounds where the model has them (Furfine), failures it does not order (-1) last
    order = cascade["round"].where(cascade["round"] >= 0, np.iinfo(np.int64).max)
    cascade = cascade.iloc[np.lexsort((-cascade["due_usd"].to_numpy(float), order.to_numpy()))]
    cascade = cascade.reset_index(drop=True)
    losses = pd.DataFrame(
        {
            "company_id": system.companies,
            "company": names,
            "defaulted": out.failed[0],
            "unpaid_usd": out.unpaid[0],
            "initial_distress": out.initial_distress[0],
            "distress": out.distress[0],
            "loss_usd": out.loss[0],
            "equity_value_usd": system.equity_value,
        }
    )
    losses["loss_to_equity"] = losses["loss_usd"] / losses["equity_value_usd"].where(
        losses["equity_value_usd"] > 0
    )
    losses = losses.sort_values("loss_usd", ascending=False, ignore_index=True)
    empty_years = pd.DataFrame(
        columns=[
            "year",
            "company_id",
            "company",
            "external_assets",
            "due_in",
            "received",
            "due_out",
            "paid",
            "unpaid",
            "cash_end",
            "default_costs",
            "defaulted",
        ]
    )
    return StressResult(
        scenario=system.scenario,
        cascade=cascade,
        years=empty_years,
        losses=losses,
        unpaid=pd.DataFrame(
            columns=["deal_id", "payer", "payee", "year", "due_usd", "paid_usd", "unpaid_usd"]
        ),
        balance_sheets=system.sheets.reset_index(),
        defaults_used=defaults_report(system.sheets),
        skipped_deals=system.obligations.skipped,
        system=system,
        outcome=None,
        network=out,
    )
