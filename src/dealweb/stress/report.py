"""One deterministic stress run as DataFrames: :class:`StressResult`.

The frames are what ``dealweb stress`` prints: the cascade (:mod:`.cascade`), each company's
year (assets, receipts, payments, cash; yearly clearing only), each company's losses — credit
losses on what it was not paid and equity losses on its stakes, against its equity value — and
every deal-year left (partly) unpaid.

An investor's equity loss is its stake times the fall in the investee's equity value (by the
scenario's equity shock, to zero if the investee defaults). Equity stakes are illiquid: the loss
is reported (``equity_loss_usd``, and ``equity_wiped_out`` when all losses reach the company's
own equity value) but does not reduce the cash it pays with.

Example
-------
>>> from dealweb.stress.examples import lab_and_cloud
>>> from dealweb.stress.scenario import Scenario
>>> from dealweb.stress.system import prepare
>>> from dealweb.stress.yearly_clearing import clear_years
>>> deals, companies = lab_and_cloud()
>>> system = prepare(deals, companies, None, Scenario(horizon=3))
>>> result = report(system, clear_years(system, keep_deals=True))
>>> result.unpaid[["deal_id", "year"]].to_dict("records")[0]
{'deal_id': 'c1', 'year': 2026}
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from dealweb.stress.balance_sheets import defaults_report
from dealweb.stress.cascade import network_cascade, yearly_cascade
from dealweb.stress.scenario import Scenario
from dealweb.stress.single_period import NetworkOutcome
from dealweb.stress.system import StressSystem
from dealweb.stress.yearly_clearing import YearlyOutcome, equity_losses

#: Columns of :attr:`StressResult.years`.
YEAR_COLUMNS = [
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
#: Columns of :attr:`StressResult.unpaid`.
UNPAID_COLUMNS = ["deal_id", "payer", "payee", "year", "due_usd", "paid_usd", "unpaid_usd"]


@dataclass
class StressResult:
    """Frames describing one deterministic stress run (see :func:`.multiyear.run_stress`)."""

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


def report(system: StressSystem, outcome: YearlyOutcome) -> StressResult:
    """Turn a single-run :class:`.yearly_clearing.YearlyOutcome` (kept with per-deal detail,
    ``keep_deals=True``) into DataFrames."""
    return StressResult(
        scenario=system.scenario,
        cascade=yearly_cascade(system, outcome),
        years=_year_frame(system, outcome),
        losses=_yearly_losses(system, outcome),
        unpaid=_unpaid_deals(system, outcome),
        balance_sheets=system.sheets.reset_index(),
        defaults_used=defaults_report(system.sheets),
        skipped_deals=system.obligations.skipped,
        system=system,
        outcome=outcome,
    )


def report_network(system: StressSystem, out: NetworkOutcome) -> StressResult:
    """DataFrames of a single-run single-period model (same frames as :func:`report`; the
    per-year and per-deal frames are empty: these models have no calendar)."""
    return StressResult(
        scenario=system.scenario,
        cascade=network_cascade(system, out),
        years=pd.DataFrame(columns=YEAR_COLUMNS),
        losses=_network_losses(system, out),
        unpaid=pd.DataFrame(columns=UNPAID_COLUMNS),
        balance_sheets=system.sheets.reset_index(),
        defaults_used=defaults_report(system.sheets),
        skipped_deals=system.obligations.skipped,
        system=system,
        outcome=None,
        network=out,
    )


def _year_frame(system: StressSystem, outcome: YearlyOutcome) -> pd.DataFrame:
    """One row per year and company, sorted by year then company id."""
    years = system.years
    n, t_count = system.n, len(years)
    return pd.DataFrame(
        {
            "year": np.tile(years, n),
            "company_id": np.repeat(system.companies, t_count),
            "company": np.repeat(system.names, t_count),
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


def _yearly_losses(system: StressSystem, outcome: YearlyOutcome) -> pd.DataFrame:
    """Credit and equity losses per company over the horizon, largest loss first."""
    equity_loss = equity_losses(system, outcome.first_default)[0]
    credit_loss = (outcome.due_in - outcome.received)[0].sum(axis=1)
    losses = pd.DataFrame(
        {
            "company_id": system.companies,
            "company": system.names,
            "defaulted": outcome.first_default[0] >= 0,
            "unpaid_usd": outcome.unpaid[0].sum(axis=1),
            "credit_loss_usd": credit_loss,
            "equity_loss_usd": equity_loss,
            "loss_usd": credit_loss + equity_loss,
            "equity_value_usd": system.equity_value,
        }
    )
    _add_loss_to_equity(losses)
    losses["equity_wiped_out"] = losses["loss_usd"] >= losses["equity_value_usd"]
    return losses.sort_values("loss_usd", ascending=False, ignore_index=True)


def _network_losses(system: StressSystem, out: NetworkOutcome) -> pd.DataFrame:
    """Distress and losses per company of a single-period model, largest loss first."""
    losses = pd.DataFrame(
        {
            "company_id": system.companies,
            "company": system.names,
            "defaulted": out.failed[0],
            "unpaid_usd": out.unpaid[0],
            "initial_distress": out.initial_distress[0],
            "distress": out.distress[0],
            "loss_usd": out.loss[0],
            "equity_value_usd": system.equity_value,
        }
    )
    _add_loss_to_equity(losses)
    return losses.sort_values("loss_usd", ascending=False, ignore_index=True)


def _add_loss_to_equity(losses: pd.DataFrame) -> None:
    """Loss as a share of equity value (NaN where the company has no positive equity value)."""
    losses["loss_to_equity"] = losses["loss_usd"] / losses["equity_value_usd"].where(
        losses["equity_value_usd"] > 0
    )


def _unpaid_deals(system: StressSystem, outcome: YearlyOutcome) -> pd.DataFrame:
    """Every deal and year with more than 50 cents unpaid, by year then largest unpaid first."""
    deals, names = system.obligations.deals, np.asarray(system.names)
    unpaid_deal = np.maximum(outcome.deal_due - outcome.deal_paid, 0.0)  # (D, T)
    d_idx, t_idx = np.nonzero(unpaid_deal > 0.5)
    return pd.DataFrame(
        {
            "deal_id": deals["deal_id"].to_numpy()[d_idx],
            "payer": names[deals["payer"].to_numpy()[d_idx]],
            "payee": names[deals["payee"].to_numpy()[d_idx]],
            "year": np.asarray(system.years)[t_idx],
            "due_usd": outcome.deal_due[d_idx, t_idx],
            "paid_usd": outcome.deal_paid[d_idx, t_idx],
            "unpaid_usd": unpaid_deal[d_idx, t_idx],
        },
        columns=UNPAID_COLUMNS,
    ).sort_values(["year", "unpaid_usd"], ascending=[True, False], ignore_index=True)
