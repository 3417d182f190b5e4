"""System-level invariants of the multi-year stress test, checked with hypothesis.

* payments never exceed obligations (per deal and per company);
* money is conserved year by year (what comes in equals what is held, paid out or lost);
* a zero shock changes nothing against no scenario;
* more shock never means fewer defaults (monotonicity, Eisenberg & Noe 2001, Lemma 5, carried
  through the years because carried cash is monotone in the clearing payments).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dealweb.stress.multiyear import run_stress
from dealweb.stress.scenario import Scenario, load_scenario
from dealweb.stress.system import revenue_paths

B = 1e9
ROLES = ["ai_lab", "cloud", "chipmaker", "neocloud"]
KINDS = ["cloud_commitment", "hardware_purchase", "compute_capacity", "loan", "equity_investment"]


def billions(lo: float, hi: float) -> st.SearchStrategy[float]:
    """Amounts in $B to the nearest $1M (no subnormal floats: they are not money)."""
    return st.floats(lo, hi).map(lambda x: round(x, 3) * B)


@st.composite
def networks(draw: st.DrawFn) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    n = draw(st.integers(2, 6))
    ids = [f"c{i}" for i in range(n)]
    companies = pd.DataFrame(
        {
            "id": ids,
            "name": [f"C{i}" for i in range(n)],
            "role": [draw(st.sampled_from(ROLES)) for _ in ids],
        }
    )
    rows = []
    for k in range(draw(st.integers(1, 10))):
        payer = draw(st.integers(0, n - 1))
        payee = (payer + draw(st.integers(1, n - 1))) % n
        high = draw(billions(0.1, 100.0))
        up_to = draw(st.booleans())
        rows.append(
            {
                "id": f"d{k}",
                "payer_id": ids[payer],
                "payee_id": ids[payee],
                "kind": draw(st.sampled_from(KINDS)),
                "amount_usd_low": float("nan") if up_to else high * draw(st.floats(0.3, 1.0)),
                "amount_usd_high": high,
                "up_to": up_to,
                "usd_basis": draw(st.sampled_from(["stated", "gw_estimate"])),
                "status": "announced",
                "announced": pd.Timestamp(
                    2025 + draw(st.integers(0, 2)), draw(st.integers(1, 12)), 1
                ),
                "term_start": pd.NaT,
                "term_years": draw(st.sampled_from([float("nan"), 1.0, 2.5, 5.0])),
                "stake_pct": float("nan"),
            }
        )
    sheets = {
        cid: {
            "revenue": draw(billions(0, 50)),
            "cash": draw(billions(0, 30)),
            "debt": draw(billions(0, 20)),
            "equity_value": draw(billions(1, 500)),
            "cash_margin": draw(st.floats(0, 1).map(lambda x: round(x, 3))),
        }
        for cid in ids
    }
    return companies, pd.DataFrame(rows), sheets


def base(sheets: dict, horizon: int, **kw: object) -> Scenario:
    return Scenario.model_validate(
        {
            "horizon": horizon,
            "revenue_growth": {"ai_lab": 0.3, "all": 0.02},
            "balance_sheets": {"overrides": sheets},
            **kw,
        }
    )


SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(networks(), st.integers(1, 4))
def test_payments_never_exceed_obligations(net, horizon) -> None:
    companies, deals, sheets = net
    r = run_stress(deals, companies, None, base(sheets, horizon))
    o = r.outcome
    assert np.all(o.paid <= o.due_out * (1 + 1e-9) + 1e-3)
    assert np.all(o.paid >= -1e-3)
    assert np.all(o.deal_paid <= o.deal_due * (1 + 1e-9) + 1e-3)
    assert np.all(o.received <= o.due_in * (1 + 1e-9) + 1e-3)


@SETTINGS
@given(networks(), st.integers(1, 4), st.sampled_from(["eisenberg-noe", "rogers-veraart"]))
def test_money_is_conserved_year_by_year(net, horizon, model) -> None:
    companies, deals, sheets = net
    r = run_stress(deals, companies, None, base(sheets, horizon, model=model))
    o, system = r.outcome, r.system
    revenue = revenue_paths(system)
    scale = 1e-9 * max(1.0, float(o.external_assets.sum() + o.due_out.sum()))
    for t in range(horizon):
        inflow = o.external_assets[0, :, t].sum()
        # every dollar a company had is now held, paid to an outside creditor or lost to
        # default costs; payments between companies cancel out
        held = o.cash_end[0, :, t].sum() + o.paid_external[0, t] + o.default_costs[0, :, t].sum()
        assert abs(inflow - held) <= scale * 1e3
        assert (
            abs(o.received[0, :, t].sum() + o.paid_external[0, t] - o.paid[0, :, t].sum())
            <= scale * 1e3
        )
        if t + 1 < horizon:  # next year's assets = this year's cash + its revenue
            expected = o.cash_end[0, :, t] + system.margin * revenue[0, :, t + 1]
            np.testing.assert_allclose(
                o.external_assets[0, :, t + 1], expected, rtol=1e-12, atol=1e-3
            )


@SETTINGS
@given(networks(), st.integers(1, 4))
def test_zero_shock_changes_nothing(net, horizon) -> None:
    companies, deals, sheets = net
    plain = run_stress(deals, companies, None, base(sheets, horizon))
    zero = run_stress(
        deals,
        companies,
        None,
        base(
            sheets,
            horizon,
            shocks={
                "revenue": [{"target": "all", "change": 0.0}],
                "equity": [{"target": "ai_lab", "change": 0.0}],
                "compute_price": {"change": 0.0},
            },
        ),
    )
    pd.testing.assert_frame_equal(plain.cascade, zero.cascade)
    pd.testing.assert_frame_equal(plain.years, zero.years)
    pd.testing.assert_frame_equal(plain.losses, zero.losses)


@SETTINGS
@given(
    networks(),
    st.integers(1, 4),
    st.floats(-1.0, 0.0),
    st.floats(0.0, 1.0),
    st.sampled_from(["all", "ai_lab", "cloud"]),
)
def test_more_shock_never_fewer_defaults(net, horizon, small, extra, target) -> None:
    companies, deals, sheets = net
    large = max(-1.0, small - extra)

    def defaults(change: float) -> np.ndarray:
        sc = base(sheets, horizon, shocks={"revenue": [{"target": target, "change": change}]})
        return run_stress(deals, companies, None, sc).outcome

    mild, severe = defaults(small), defaults(large)
    # every company in default in a year under the mild shock is in default under the severe one
    assert np.all(severe.defaulted[mild.defaulted])
    assert severe.unpaid.sum() >= mild.unpaid.sum() * (1 - 1e-9) - 1e-3


def test_no_scenario_equals_shock_free_default_scenario() -> None:
    companies = pd.DataFrame({"id": ["a", "b"], "name": ["A", "B"], "role": ["ai_lab", "cloud"]})
    deals = pd.DataFrame(
        [
            {
                "id": "d",
                "payer_id": "a",
                "payee_id": "b",
                "kind": "cloud_commitment",
                "amount_usd_low": 30 * B,
                "amount_usd_high": 30 * B,
                "up_to": False,
                "usd_basis": "stated",
                "status": "announced",
                "announced": pd.Timestamp("2026-01-01"),
                "term_start": pd.NaT,
                "term_years": 3.0,
                "stake_pct": float("nan"),
            }
        ]
    )
    a = run_stress(deals, companies, None, None)
    b = run_stress(
        deals, companies, None, Scenario(shocks={"revenue": [{"target": "all", "change": 0.0}]})
    )
    pd.testing.assert_frame_equal(a.years, b.years)
    pd.testing.assert_frame_equal(a.cascade, b.cascade)


@pytest.mark.parametrize("name", ["ai-revenue-shortfall", "compute-price-collapse"])
def test_shipped_scenario_with_zeroed_shocks_is_the_baseline(name: str) -> None:
    """Shipped scenarios differ from the baseline by their shocks only."""
    companies = pd.DataFrame(
        {
            "id": ["lab", "cloud", "chip"],
            "name": ["Lab", "Cloud", "Chip"],
            "role": ["ai_lab", "cloud", "chipmaker"],
        }
    )
    rows = [
        ("lab", "cloud", 90.0, "stated"),
        ("cloud", "chip", 40.0, "gw_estimate"),
        ("lab", "chip", 30.0, "gw_estimate"),
    ]
    deals = pd.DataFrame(
        [
            {
                "id": f"d{k}",
                "payer_id": a,
                "payee_id": b,
                "kind": "hardware_purchase",
                "amount_usd_low": amt * B,
                "amount_usd_high": amt * B,
                "up_to": False,
                "usd_basis": basis,
                "status": "announced",
                "announced": pd.Timestamp("2026-01-01"),
                "term_start": pd.NaT,
                "term_years": 4.0,
                "stake_pct": float("nan"),
            }
            for k, (a, b, amt, basis) in enumerate(rows)
        ]
    )
    shocked = load_scenario(name)
    assert shocked.shocks != load_scenario("baseline").shocks
    data = shocked.model_dump()
    for s in data["shocks"]["revenue"] + data["shocks"]["equity"]:
        s["change"] = 0.0
    if data["shocks"]["compute_price"]:
        data["shocks"]["compute_price"]["change"] = 0.0
    zeroed = Scenario.model_validate(
        {**data, "name": "baseline", "description": load_scenario("baseline").description}
    )
    a = run_stress(deals, companies, None, zeroed)
    b = run_stress(deals, companies, None, load_scenario("baseline"))
    pd.testing.assert_frame_equal(a.years, b.years)
    pd.testing.assert_frame_equal(a.losses, b.losses)
    pd.testing.assert_frame_equal(a.cascade, b.cascade)
    assert not run_stress(deals, companies, None, shocked).years.equals(b.years)
