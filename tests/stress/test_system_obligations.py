"""Deals as dated obligations and investments as equity holdings."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dealweb.stress.obligations import (
    DEFAULT_TERM_YEARS,
    build_obligations,
    equity_holdings,
    year_shares,
)

NAN = float("nan")


def deal(
    id_: str,
    payer: str,
    payee: str | None,
    kind: str = "cloud_commitment",
    *,
    low: float = NAN,
    high: float = NAN,
    up_to: bool = False,
    start: str | None = None,
    announced: str = "2026-01-01",
    term: float = NAN,
    stake: float = NAN,
    status: str = "announced",
    basis: str = "stated",
) -> dict:
    return {
        "id": id_,
        "payer_id": payer,
        "payee_id": payee,
        "kind": kind,
        "amount_usd_low": low,
        "amount_usd_high": high,
        "up_to": up_to,
        "usd_basis": basis,
        "status": status,
        "announced": pd.Timestamp(announced),
        "term_start": pd.Timestamp(start) if start else pd.NaT,
        "term_years": term,
        "stake_pct": stake,
    }


def frame(*rows: dict) -> pd.DataFrame:
    return pd.DataFrame(list(rows))


def test_mid_year_start_spreads_over_calendar_years() -> None:
    # $12B over 2 years starting 1 July 2026: a quarter, a half and a quarter of the amount.
    d = frame(deal("c", "a", "b", low=12e9, high=12e9, start="2026-07-02", term=2.0))
    ob = build_obligations(d, ["a", "b"], start_year=2026, horizon=3)
    # 2 July is day 183: 182/365.25 of 2026 has passed, so "half a year" up to a day
    np.testing.assert_allclose(ob.yearly_liabilities()[0], [3e9, 6e9, 3e9], rtol=5e-3)
    assert ob.deals.loc[0, "term_source"] == "stated"


def test_missing_term_uses_documented_default_and_says_so() -> None:
    d = frame(deal("h", "a", "b", "hardware_purchase", low=8e9, high=8e9))
    ob = build_obligations(d, ["a", "b"], start_year=2026, horizon=6)
    assert ob.deals.loc[0, "term_source"] == "default"
    yearly = ob.yearly_liabilities()[0]
    assert np.count_nonzero(yearly > 1) == DEFAULT_TERM_YEARS["hardware_purchase"]
    assert yearly.sum() == pytest.approx(8e9)


def test_payments_before_the_horizon_are_treated_as_made() -> None:
    d = frame(deal("c", "a", "b", low=10e9, high=10e9, start="2024-01-01", term=5.0))
    ob = build_obligations(d, ["a", "b"], start_year=2026, horizon=5)
    np.testing.assert_allclose(ob.yearly_liabilities()[0], [2e9, 2e9, 2e9, 0, 0])


def test_schedule_overrides_even_spreading() -> None:
    d = frame(deal("c", "a", "b", low=10e9, high=10e9, term=5.0))
    d["schedule"] = [{2026: 0.7, 2027: 0.3}]
    ob = build_obligations(d, ["a", "b"], start_year=2026, horizon=3)
    np.testing.assert_allclose(ob.yearly_liabilities()[0], [7e9, 3e9, 0.0])
    assert ob.deals.loc[0, "term_source"] == "schedule"


def test_skipped_deals_carry_a_reason() -> None:
    d = frame(
        deal("w", "a", "b", "warrant", high=1e9),
        deal("n", "a", None, "compute_capacity", low=1e12, high=1e12),
        deal("x", "a", "b", "cloud_commitment"),
        deal("t", "a", "b", low=1e9, high=1e9, status="in_talks"),
        deal("o", "a", "zz", low=1e9, high=1e9),
        deal("done", "a", "b", "equity_investment", low=1e9, high=1e9, status="completed"),
    )
    ob = build_obligations(d, ["a", "b"], start_year=2026, horizon=3)
    reasons = dict(zip(ob.skipped["id"], ob.skipped["reason"], strict=True))
    assert reasons == {
        "w": "kind is not a payment commitment",
        "n": "no single counterparty",
        "x": "no dollar amount",
        "t": "status not counted",
        "o": "party not in the company set",
        "done": "completed investment (a holding)",
    }
    assert ob.deals.empty


def test_unpaid_equity_investment_is_a_funding_obligation_and_a_holding() -> None:
    d = frame(deal("f", "inv", "lab", "equity_investment", high=10e9, up_to=True))
    ob = build_obligations(
        d, ["inv", "lab"], start_year=2026, horizon=3, up_to_floor=0.2, equity_values={"lab": 100e9}
    )
    row = ob.deals.iloc[0]
    assert row["kind"] == "funding" and row["low"] == 2e9 and row["high"] == 10e9
    assert row["amount"] == pytest.approx(6e9)  # mid of [2B, 10B]
    assert ob.holdings[0, 1] == pytest.approx(0.06)  # 6B / 100B
    off = build_obligations(
        d, ["inv", "lab"], start_year=2026, horizon=3, funding_commitments=False
    )
    assert off.deals.empty


def test_stake_pct_beats_amount_and_stake_figure_beats_both() -> None:
    d = frame(
        deal(
            "e1", "a", "c", "equity_investment", low=1e9, high=1e9, stake=20.0, status="completed"
        ),
        deal("e2", "b", "c", "equity_investment", low=5e9, high=5e9, status="completed"),
    )
    h = equity_holdings(d, ["a", "b", "c"], {"c": 50e9}).toarray()
    assert h[0, 2] == pytest.approx(0.20) and h[1, 2] == pytest.approx(0.10)
    figs = pd.DataFrame(
        {
            "company_id": ["b"],
            "name": ["stake"],
            "counterparty": ["c"],
            "value_usd": [0.27],
            "as_of": ["2025-10"],
        }
    )
    h = equity_holdings(d, ["a", "b", "c"], {"c": 50e9}, figures=figs).toarray()
    assert h[1, 2] == pytest.approx(0.27)


def test_stakes_above_whole_company_are_scaled_to_one() -> None:
    d = frame(
        deal("e1", "a", "c", "equity_investment", low=80e9, high=80e9, status="completed"),
        deal("e2", "b", "c", "equity_investment", low=80e9, high=80e9, status="completed"),
    )
    h = equity_holdings(d, ["a", "b", "c"], {"c": 100e9}).toarray()
    assert h[:, 2].sum() == pytest.approx(1.0)


def test_year_shares_sum_to_one_over_a_covering_horizon() -> None:
    rng = np.random.default_rng(0)
    start = 2026 + rng.random(50) * 3
    term = 0.5 + rng.random(50) * 5
    shares = year_shares(start, term, range(2026, 2036))
    np.testing.assert_allclose(shares.sum(axis=1), 1.0)
