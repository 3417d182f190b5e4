"""Multi-year clearing against a hand-computed example, plus scenario mechanics.

The example is the textbook fictitious-default cascade (Eisenberg & Noe 2001, sec. 3): a lab that
cannot pay its cloud provider in full (a *fundamental* default, round 0) pushes the provider into
default on its chip supplier in round 1. Every number below was computed by hand.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from three_company_toy import COMPANIES, DEALS, SHEETS, B, commitment, scenario

from dealweb.stress.cascade import EXTERNAL
from dealweb.stress.multiyear import run_stress
from dealweb.stress.system import prepare
from dealweb.stress.yearly_clearing import clear_years


def test_hand_computed_cascade() -> None:
    r = run_stress(DEALS, COMPANIES, None, scenario())
    c = r.cascade.set_index("company_id")
    # 2026: lab has 5 + 10 = 15B against 20B due -> pays 15B, round 0.
    # Cloud receives 15B against 18B due -> pays 15B, fails in round 1 because of the lab.
    assert list(c.index) == ["lab", "cloud"]
    assert (c.loc["lab", "year"], c.loc["lab", "round"]) == (2026, 0)
    assert (c.loc["cloud", "year"], c.loc["cloud", "round"]) == (2026, 1)
    assert c.loc["lab", "unpaid_usd"] == pytest.approx(5 * B)
    assert c.loc["cloud", "unpaid_usd"] == pytest.approx(3 * B)
    assert c.loc["lab", "unpaid_to"] == "Cloud $5.0B"
    assert c.loc["cloud", "unpaid_to"] == "Chip $3.0B"
    assert c.loc["cloud", "missed_receipts_from"] == "Lab $5.0B"
    # 2027 and 2028: lab has only its 10B revenue (no cash left) -> pays 10B; cloud passes it on.
    y = r.years.set_index(["company_id", "year"])
    assert y.loc[("lab", 2027), "paid"] == pytest.approx(10 * B)
    assert y.loc[("cloud", 2027), "paid"] == pytest.approx(10 * B)
    assert c.loc["lab", "unpaid_total_usd"] == pytest.approx(25 * B)
    losses = r.losses.set_index("company_id")
    assert losses.loc["chip", "credit_loss_usd"] == pytest.approx(3 * B + 8 * B + 8 * B)
    assert r.defaults_used.empty  # every field came from the scenario


def test_cash_is_carried_forward() -> None:
    sheets = {**SHEETS, "lab": {**SHEETS["lab"], "revenue": 30 * B}}
    r = run_stress(DEALS, COMPANIES, None, scenario(balance_sheets={"overrides": sheets}))
    y = r.years.set_index(["company_id", "year"])
    # lab: 5 + 30 - 20 = 15B at the end of 2026; 15 + 30 - 20 = 25B at the end of 2027
    assert y.loc[("lab", 2026), "cash_end"] == pytest.approx(15 * B)
    assert y.loc[("lab", 2027), "external_assets"] == pytest.approx(45 * B)
    assert y.loc[("lab", 2027), "cash_end"] == pytest.approx(25 * B)
    assert r.cascade.empty


def test_named_company_fails_pays_nothing_and_commitments_to_it_lapse() -> None:
    deals = pd.concat(
        [
            DEALS,
            pd.DataFrame([commitment("chip-lab", "chip", "lab", 30 * B, 3, kind="revenue_share")]),
        ]
    )
    r = run_stress(deals, COMPANIES, None, scenario(shocks={"fail": [{"company": "lab"}]}))
    c = r.cascade.set_index("company_id")
    assert c.loc["lab", "cause"] == "fails (scenario)" and c.loc["lab", "round"] == 0
    assert c.loc["lab", "unpaid_usd"] == pytest.approx(20 * B)
    y = r.years.set_index(["company_id", "year"])
    assert y.loc[("chip", 2026), "due_out"] == 0  # its commitment to the failed lab lapsed
    assert y.loc[("lab", 2026), "paid"] == 0


def test_revenue_shock_window_and_debt_service() -> None:
    sheets = {**SHEETS, "chip": {**SHEETS["chip"], "debt": 10 * B, "revenue": 5 * B}}
    sc = scenario(
        balance_sheets={"overrides": sheets, "debt_term_years": 5},
        shocks={
            "revenue": [{"target": "chip", "change": -1.0, "from_year": 2027, "until_year": 2027}]
        },
    )
    system = prepare(DEALS, COMPANIES, None, sc)
    np.testing.assert_allclose(system.revenue_factor[2], [1.0, 0.0, 1.0])
    np.testing.assert_allclose(system.debt_service[2], [2 * B, 2 * B, 2 * B])
    r = run_stress(DEALS, COMPANIES, None, sc)
    assert r.years.query("company_id == 'chip'")["due_out"].tolist() == [2 * B] * 3


def test_compute_price_shock_scales_gigawatt_priced_deals_and_seller_revenue() -> None:
    deals = pd.DataFrame(
        [
            commitment("gw", "lab", "chip", 30 * B, 3, "hardware_purchase", basis="gw_estimate"),
            commitment("st", "lab", "cloud", 30 * B, 3),
        ]
    )
    sc = scenario(
        shocks={"compute_price": {"change": -0.5, "from_year": 2027, "pass_through": 0.5}}
    )
    system = prepare(deals, COMPANIES, None, sc)
    np.testing.assert_allclose(system.deal_factor, [[1, 0.5, 0.5], [1, 1, 1]])
    np.testing.assert_allclose(system.revenue_factor[1:], [[1, 0.75, 0.75]] * 2)
    np.testing.assert_allclose(system.revenue_factor[0], [1, 1, 1])  # a lab buys compute


def test_equity_shock_and_default_reach_investors() -> None:
    invest = {
        "id": "inv",
        "payer_id": "cloud",
        "payee_id": "lab",
        "kind": "equity_investment",
        "amount_usd_low": 10 * B,
        "amount_usd_high": 10 * B,
        "up_to": False,
        "usd_basis": "stated",
        "status": "completed",
        "announced": pd.Timestamp("2025-01-01"),
        "term_start": pd.NaT,
        "term_years": float("nan"),
        "stake_pct": float("nan"),
    }
    deals = pd.concat([DEALS, pd.DataFrame([invest])], ignore_index=True)
    r = run_stress(deals, COMPANIES, None, scenario())
    # cloud owns 10B / 100B = 10 % of the lab, which defaults: the stake's 10B is lost
    assert r.losses.set_index("company_id").loc["cloud", "equity_loss_usd"] == pytest.approx(10 * B)
    rich = {**SHEETS, "lab": {**SHEETS["lab"], "revenue": 100 * B}}
    r = run_stress(
        deals,
        COMPANIES,
        None,
        scenario(
            balance_sheets={"overrides": rich},
            shocks={"equity": [{"target": "lab", "change": -0.3}]},
        ),
    )
    assert r.losses.set_index("company_id").loc["cloud", "equity_loss_usd"] == pytest.approx(3 * B)


def test_debt_shortfall_shows_external_creditors() -> None:
    sheets = {**SHEETS, "chip": {**SHEETS["chip"], "debt": 100 * B}}
    r = run_stress(DEALS, COMPANIES, None, scenario(balance_sheets={"overrides": sheets}))
    chip = r.cascade.set_index("company_id").loc["chip"]
    assert EXTERNAL in chip["unpaid_to"]


def test_batched_runs_clear_independently() -> None:
    """Clearing S runs as one block-diagonal system equals clearing each run alone."""
    system = prepare(DEALS, COMPANIES, None, scenario())
    rng = np.random.default_rng(3)
    amounts = rng.uniform(10 * B, 80 * B, size=(5, 2))
    revenue = rng.uniform(0, 30 * B, size=(5, 3, 3))
    together = clear_years(system, amounts, revenue)
    for s in range(5):
        alone = clear_years(system, amounts[s : s + 1], revenue[s : s + 1])
        np.testing.assert_allclose(together.paid[s], alone.paid[0], rtol=1e-10, atol=1.0)
        np.testing.assert_array_equal(together.first_default[s], alone.first_default[0])
        np.testing.assert_array_equal(together.first_round[s], alone.first_round[0])


def test_rogers_veraart_default_costs_are_reported() -> None:
    r = run_stress(
        DEALS,
        COMPANIES,
        None,
        scenario(model="rogers-veraart", parameters={"alpha": 0.5, "beta": 0.5}),
    )
    y = r.years.set_index(["company_id", "year"])
    # lab in default realises 0.5 x 15B; the rest is lost to default costs
    assert y.loc[("lab", 2026), "paid"] == pytest.approx(7.5 * B)
    assert y.loc[("lab", 2026), "default_costs"] == pytest.approx(7.5 * B)


def test_models_without_yearly_clearing_are_refused_clearly() -> None:
    system = prepare(DEALS, COMPANIES, None, scenario(model="debtrank"))
    with pytest.raises(ValueError, match="does not clear payments year by year"):
        clear_years(system)
    # run_stress sends them to the single-period path instead
    assert run_stress(DEALS, COMPANIES, None, scenario(model="debtrank")).outcome is None


def test_losses_beyond_equity_are_flagged() -> None:
    sheets = {**SHEETS, "cloud": {**SHEETS["cloud"], "equity_value": 20 * B}}
    r = run_stress(DEALS, COMPANIES, None, scenario(balance_sheets={"overrides": sheets}))
    losses = r.losses.set_index("company_id")
    # the cloud is owed 60B by the lab and receives 35B: a 25B loss against 20B of equity
    assert losses.loc["cloud", "credit_loss_usd"] == pytest.approx(25 * B)
    assert losses.loc["cloud", "equity_wiped_out"]
    assert not losses.loc["chip", "equity_wiped_out"]  # 19B against 80B


def test_outside_funding_closes_the_gap_in_the_years_given() -> None:
    # The hand-computed cascade above: the lab is 5B short in 2026 and 10B short in 2027 and 2028.
    # Raising 5B outside the network in 2026 only saves 2026 (cloud and chip are paid in full that
    # year); 10B a year from 2026 saves every year and nobody fails.
    r = run_stress(
        DEALS,
        COMPANIES,
        None,
        scenario(funding=[{"target": "lab", "usd_per_year": 5 * B, "until_year": 2026}]),
    )
    y = r.years.set_index(["company_id", "year"])
    assert y.loc[("lab", 2026), "external_assets"] == pytest.approx(20 * B)
    assert y.loc[("lab", 2026), "unpaid"] == pytest.approx(0)
    assert y.loc[("lab", 2027), "unpaid"] == pytest.approx(10 * B)
    assert list(r.cascade["company_id"]) == ["lab", "cloud"]
    assert set(r.cascade["year"]) == {2027}
    r = run_stress(
        DEALS, COMPANIES, None, scenario(funding=[{"target": "ai_lab", "usd_per_year": 10 * B}])
    )
    assert r.cascade.empty
