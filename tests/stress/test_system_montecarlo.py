"""Monte Carlo over uncertain amounts and revenue paths."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dealweb.stress.montecarlo import (
    expected_shortfall,
    monte_carlo,
    sample_amounts,
    value_at_risk,
)
from dealweb.stress.multiyear import run_stress
from dealweb.stress.scenario import Scenario
from dealweb.stress.system import prepare

B = 1e9
COMPANIES = pd.DataFrame(
    {"id": ["lab", "cloud"], "name": ["Lab", "Cloud"], "role": ["ai_lab", "cloud"]}
)
SHEETS = {
    "lab": {"revenue": 0.0, "cash": 6 * B, "debt": 0.0, "equity_value": 50 * B, "cash_margin": 1.0},
    "cloud": {
        "revenue": 100 * B,
        "cash": 10 * B,
        "debt": 0.0,
        "equity_value": 500 * B,
        "cash_margin": 0.5,
    },
}


def up_to_deal(cap: float, years: float = 1.0) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "id": "d",
                "payer_id": "lab",
                "payee_id": "cloud",
                "kind": "cloud_commitment",
                "amount_usd_low": float("nan"),
                "amount_usd_high": cap,
                "up_to": True,
                "usd_basis": "stated",
                "status": "announced",
                "announced": pd.Timestamp("2026-01-01"),
                "term_start": pd.Timestamp("2026-01-01"),
                "term_years": years,
                "stake_pct": float("nan"),
            }
        ]
    )


def scenario(**kw: object) -> Scenario:
    return Scenario.model_validate({"horizon": 1, "balance_sheets": {"overrides": SHEETS}, **kw})


def test_expected_shortfall_worked_example() -> None:
    # 100 equally likely losses 0..99: the worst 5 % are 95..99, mean 97 (Acerbi & Tasche 2002)
    assert float(expected_shortfall(np.arange(100.0), 0.95)) == 97.0
    assert float(value_at_risk(np.arange(101.0), 0.95)) == pytest.approx(95.0)
    cols = expected_shortfall(np.stack([np.arange(100.0), np.zeros(100)], axis=1), 0.95)
    np.testing.assert_allclose(cols, [97.0, 0.0])


@pytest.mark.parametrize(("floor", "probability"), [(0.0, 0.5), (0.25, 6 / 9)])
def test_default_probability_matches_the_analytic_value(floor: float, probability: float) -> None:
    # The lab has 6B and owes an "up to 12B" amount drawn uniformly from [floor x 12B, 12B]:
    # it defaults when the amount exceeds 6B.
    runs = 4000
    mc = monte_carlo(
        up_to_deal(12 * B),
        COMPANIES,
        None,
        scenario(uncertainty={"up_to_floor": floor}),
        runs=runs,
        seed=7,
        progress=False,
    )
    p = mc.companies.set_index("company_id").loc["lab", "default_probability"]
    assert abs(p - probability) < 4 * np.sqrt(probability * (1 - probability) / runs)
    # the cloud's loss is what the lab does not pay: max(0, amount - 6B)
    loss = mc.loss[:, 1]
    assert loss.max() <= 6 * B + 1e-3 and loss.min() >= 0


def test_seeded_runs_repeat_and_differ_across_seeds() -> None:
    sc = scenario(
        uncertainty={"up_to_floor": 0.1, "revenue_growth_sd": {"all": 0.3}},
        horizon=3,
        revenue_growth={"all": 0.1},
    )
    deals = up_to_deal(30 * B, 3)
    a = monte_carlo(deals, COMPANIES, None, sc, runs=300, seed=11, progress=False)
    b = monte_carlo(deals, COMPANIES, None, sc, runs=300, seed=11, progress=False)
    c = monte_carlo(deals, COMPANIES, None, sc, runs=300, seed=12, progress=False)
    np.testing.assert_array_equal(a.loss, b.loss)
    pd.testing.assert_frame_equal(a.companies, b.companies)
    assert not np.array_equal(a.loss, c.loss)


def test_without_uncertainty_every_run_is_the_point_run() -> None:
    deals = up_to_deal(20 * B, 2)
    deals["amount_usd_low"] = 20 * B  # a firm amount: nothing to sample
    sc = scenario(horizon=2)
    point = run_stress(deals, COMPANIES, None, sc)
    mc = monte_carlo(deals, COMPANIES, None, sc, runs=50, seed=0, progress=False)
    lab = mc.companies.set_index("company_id").loc["lab"]
    assert lab["default_probability"] == 1.0
    assert lab["expected_unpaid_usd"] == pytest.approx(
        point.losses.set_index("company_id").loc["lab", "unpaid_usd"]
    )


def test_batches_give_the_same_answer_as_one_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    import dealweb.stress.montecarlo as mcmod

    sc = scenario(uncertainty={"revenue_growth_sd": {"all": 0.2}}, horizon=2)
    one = monte_carlo(up_to_deal(15 * B, 2), COMPANIES, None, sc, runs=200, seed=5, progress=False)
    monkeypatch.setattr(mcmod, "BATCH_NODES", 21)  # 7 runs per batch
    many = monte_carlo(up_to_deal(15 * B, 2), COMPANIES, None, sc, runs=200, seed=5, progress=False)
    np.testing.assert_allclose(one.loss, many.loss, rtol=1e-9)


@pytest.mark.parametrize("dist", ["uniform", "triangular"])
def test_sampled_amounts_stay_in_their_range(dist: str) -> None:
    deals = pd.concat([up_to_deal(10 * B), up_to_deal(10 * B)], ignore_index=True)
    deals.loc[1, ["amount_usd_low", "up_to"]] = [4 * B, False]
    system = prepare(
        deals,
        COMPANIES,
        None,
        scenario(uncertainty={"up_to_floor": 0.5, "amount_distribution": dist}),
    )
    x = sample_amounts(system, 20000, np.random.default_rng(1))
    assert x[:, 0].min() >= 5 * B and x[:, 0].max() <= 10 * B
    assert x[:, 1].min() >= 4 * B and x[:, 1].max() <= 10 * B
    # triangular with mode at the mid point is symmetric: same mean as uniform
    np.testing.assert_allclose(x.mean(axis=0), [7.5 * B, 7 * B], rtol=0.01)


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="runs must be at least 1"):
        monte_carlo(up_to_deal(1 * B), COMPANIES, None, scenario(), runs=0)
    with pytest.raises(ValueError, match="level"):
        monte_carlo(up_to_deal(1 * B), COMPANIES, None, scenario(), runs=5, level=1.0)
