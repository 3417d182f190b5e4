"""A stress scenario applied to the deal network, as arrays in company order.

Every stress model (the yearly clearing of :mod:`.yearly_clearing`, the single-period models of
:mod:`.single_period`, Monte Carlo) starts from the same :class:`StressSystem`, built once by
:func:`prepare`:

* balance sheets (:mod:`.balance_sheets`) give each company's first-year external revenue, cash,
  cash margin, equity value and outside debt;
* obligations (:mod:`.obligations`) give each deal's yearly share of its amount and the equity
  holdings between companies;
* the scenario's shocks become multiplicative factors: on a company's external revenue per year
  (revenue shocks, and lower compute prices for the sellers that pass them through), on each
  gigawatt-priced deal's yearly amount (compute price), and on equity values; a company the
  scenario makes fail gets the index of its failure year.

Outside debt is repaid evenly over the balance sheets' ``debt_term_years`` from the first year of
the horizon on; money the scenario says a company raises outside the network (``funding``) adds
to its external assets in the years given. External revenue grows by the scenario's mean growth
(:func:`revenue_paths`); Monte Carlo passes sampled growth instead.

Example
-------
>>> from dealweb.stress.examples import lab_and_cloud
>>> from dealweb.stress.scenario import Scenario, YearRange
>>> deals, companies = lab_and_cloud()
>>> system = prepare(deals, companies, None, Scenario(horizon=3))
>>> system.companies, system.years
(['lab', 'cloud'], [2026, 2027, 2028])
>>> revenue_paths(system).shape  # runs x companies x years
(1, 2, 3)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from dealweb.stress.balance_sheets import build_balance_sheets
from dealweb.stress.obligations import ObligationSet, build_obligations
from dealweb.stress.scenario import Scenario, YearRange

#: ``fail_year`` of a company the scenario does not make fail (later than any year index).
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
    new_funding: np.ndarray  # (n, T) money raised outside the network (scenario ``funding``)
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

    Parameters
    ----------
    deals, companies, figures: the ledger's ``deals_frame``, ``companies_frame`` and
        ``figures_frame`` (``figures`` may be ``None``: balance-sheet defaults by role).
    scenario: must name companies by id (see :func:`.scenario.resolve_companies`); ``None``
        means the default, shock-free scenario.
    """
    sc = scenario or Scenario()
    bs = sc.balance_sheets
    sheets = build_balance_sheets(companies, figures, overrides=bs.overrides, defaults=bs.defaults)
    ids = list(sheets.index)
    years = sc.years
    roles = sheets["role"].to_numpy(str)
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
    revenue_factor, deal_factor = _revenue_and_deal_factors(sc, ids, roles, obligations)
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
        equity_factor=_equity_factor(sc, ids, roles),
        revenue_factor=revenue_factor,
        growth_mean=_per_company(sc.revenue_growth, ids, roles, 0.0),
        growth_sd=_per_company(sc.uncertainty.revenue_growth_sd, ids, roles, 0.0),
        deal_factor=deal_factor,
        debt_service=_debt_service(sheets["debt"].to_numpy(float), bs.debt_term_years, len(years)),
        new_funding=_new_funding(sc, ids, roles),
        fail_year=_fail_year(sc, ids),
    )


def _revenue_and_deal_factors(
    sc: Scenario, ids: list[str], roles: np.ndarray, obligations: ObligationSet
) -> tuple[np.ndarray, np.ndarray]:
    """(companies x years) revenue factor and (deals x years) deal-amount factor of the shocks.

    A compute-price shock lowers the yearly amount of every deal priced from gigawatts, and the
    external revenue of the sellers by ``change x pass_through``.
    """
    years = sc.years
    yr = np.asarray(years)
    revenue_factor = np.ones((len(ids), len(years)))
    for s in sc.shocks.revenue:
        active = _in_years(s, yr)
        revenue_factor[np.ix_(_targets(s.target, ids, roles), active)] *= 1.0 + s.change
    deal_factor = np.ones((len(obligations.deals), len(years)))
    cp = sc.shocks.compute_price
    if cp is not None:
        active = yr >= (cp.from_year or years[0])
        sellers = np.isin(roles, cp.sellers) | np.isin(np.asarray(ids), cp.sellers)
        revenue_factor[np.ix_(sellers, active)] *= 1.0 + cp.change * cp.pass_through
        gw = obligations.deals["gw_estimate"].to_numpy(bool)
        deal_factor[np.ix_(gw, active)] *= 1.0 + cp.change
    return revenue_factor, deal_factor


def _in_years(span: YearRange, yr: np.ndarray) -> np.ndarray:
    """Mask of the horizon years ``yr`` inside a shock's or funding's from/until years (open
    ends reach the horizon's ends)."""
    return (yr >= (span.from_year or yr[0])) & (yr <= (span.until_year or yr[-1]))


def _new_funding(sc: Scenario, ids: list[str], roles: np.ndarray) -> np.ndarray:
    """(companies x years) money raised outside the network, summed over the scenario's
    ``funding`` entries (a role or 'all' gives every company it names the full amount)."""
    years = sc.years
    yr = np.asarray(years)
    funding = np.zeros((len(ids), len(years)))
    for f in sc.funding:
        active = _in_years(f, yr)
        funding[np.ix_(_targets(f.target, ids, roles), active)] += f.usd_per_year
    return funding


def _equity_factor(sc: Scenario, ids: list[str], roles: np.ndarray) -> np.ndarray:
    """(companies,) product of ``1 + change`` of the equity shocks hitting each company."""
    factor = np.ones(len(ids))
    for s in sc.shocks.equity:
        factor[_targets(s.target, ids, roles)] *= 1.0 + s.change
    return factor


def _fail_year(sc: Scenario, ids: list[str]) -> np.ndarray:
    """(companies,) index of the first year the scenario makes a company fail, else NEVER.

    A failure without a year fails the company from the first year; one after the horizon never.
    """
    years = sc.years
    fail_year = np.full(len(ids), NEVER, np.int64)
    for f in sc.shocks.fail:
        k = years.index(f.year) if f.year in years else (0 if f.year is None else NEVER)
        i = ids.index(f.company)
        fail_year[i] = min(fail_year[i], k)
    return fail_year


def _debt_service(debt: np.ndarray, term: float, t: int) -> np.ndarray:
    """(companies x years) principal repaid evenly over the debt term (nothing after it)."""
    k = np.arange(t)[None, :]
    return np.where(k < term, debt[:, None] * np.minimum(1.0, term - k) / term, 0.0)


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
