"""DebtRank, Furfine and cross-holdings driven by scenarios on horizon totals.

Three companies: a lab owes its cloud 60B and the cloud owes its chip supplier 54B over the
3-year horizon; equity values 100B, 50B and 80B. Every expected number is worked by hand from
the models' definitions (Battiston et al. 2012; Furfine 2003; Elsinger 2009).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from three_company_toy import COMPANIES, DEALS, B, scenario

from dealweb.stress.montecarlo import monte_carlo
from dealweb.stress.multiyear import run_stress
from dealweb.stress.single_period import horizon_inputs
from dealweb.stress.system import prepare, revenue_paths

LAB_FAILS = {"fail": [{"company": "lab"}]}


def by_id(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.set_index("company_id")


def test_furfine_full_loss_takes_the_cloud_down_in_round_one() -> None:
    r = run_stress(DEALS, COMPANIES, None, scenario(model="furfine", shocks=LAB_FAILS))
    # the cloud loses its 60B claim on the lab > 50B capital -> round 1; the chip loses
    # 54B < 80B and survives
    assert r.cascade[["company_id", "round"]].values.tolist() == [["lab", 0], ["cloud", 1]]
    assert by_id(r.cascade).loc["cloud", "missed_receipts_from"] == "Lab $60.0B"
    losses = by_id(r.losses)
    assert losses.loc["chip", "loss_usd"] == pytest.approx(54 * B)
    assert not losses.loc["chip", "defaulted"]


def test_furfine_recovery_stops_the_cascade() -> None:
    r = run_stress(
        DEALS,
        COMPANIES,
        None,
        scenario(model="furfine", shocks=LAB_FAILS, parameters={"recovery": 0.5}),
    )
    # loss given default 0.5: the cloud loses 30B < 50B
    assert r.cascade["company_id"].tolist() == ["lab"]
    assert by_id(r.losses).loc["cloud", "loss_usd"] == pytest.approx(30 * B)


def test_debtrank_distress_follows_the_impact_matrix() -> None:
    r = run_stress(DEALS, COMPANIES, None, scenario(model="debtrank", shocks=LAB_FAILS))
    d = by_id(r.losses)["distress"]
    # W[cloud, lab] = min(1, 60/50) = 1 ; W[chip, cloud] = 54/80 = 0.675
    np.testing.assert_allclose([d["lab"], d["cloud"], d["chip"]], [1.0, 1.0, 0.675])


def test_initial_distress_from_revenue_and_equity_shocks() -> None:
    sc = scenario(
        model="debtrank",
        shocks={
            "revenue": [{"target": "lab", "change": -0.5}],
            "equity": [{"target": "chip", "change": -0.25}],
        },
    )
    system = prepare(DEALS, COMPANIES, None, sc)
    x = horizon_inputs(
        system,
        system.obligations.deals["amount"].to_numpy()[None, :],
        revenue_paths(system, shocked=False),
    )
    # lab loses 3 x 5B = 15B of cash over the horizon against 100B of equity
    np.testing.assert_allclose(x["h0"][0], [0.15, 0.0, 0.25])
    np.testing.assert_allclose(x["assets"][0], [5 * B + 15 * B, 0.0, 0.0])


def test_cross_holdings_clearing_on_horizon_totals() -> None:
    r = run_stress(DEALS, COMPANIES, None, scenario(model="cross-holdings"))
    # lab has 5 + 3 x 10 = 35B for 60B due: pays 35B; the cloud passes 35B on to the chip
    losses = by_id(r.losses)
    assert losses.loc["lab", "unpaid_usd"] == pytest.approx(25 * B)
    assert losses.loc["cloud", "unpaid_usd"] == pytest.approx(19 * B)
    assert losses.loc["chip", "loss_usd"] == pytest.approx(19 * B)
    assert set(r.cascade["company_id"]) == {"lab", "cloud"}


def test_zero_shock_changes_nothing_for_single_period_models() -> None:
    for model in ("debtrank", "furfine", "cross-holdings"):
        plain = run_stress(DEALS, COMPANIES, None, scenario(model=model))
        zero = run_stress(
            DEALS,
            COMPANIES,
            None,
            scenario(
                model=model,
                shocks={
                    "revenue": [{"target": "all", "change": 0.0}],
                    "equity": [{"target": "all", "change": 0.0}],
                },
            ),
        )
        pd.testing.assert_frame_equal(plain.losses, zero.losses)
        pd.testing.assert_frame_equal(plain.cascade, zero.cascade)


@pytest.mark.parametrize("model", ["debtrank", "furfine", "cross-holdings"])
def test_monte_carlo_batches_single_period_models(model: str) -> None:
    sc = scenario(model=model, shocks=LAB_FAILS)
    mc = monte_carlo(DEALS, COMPANIES, None, sc, runs=40, seed=2, progress=False)
    p = by_id(mc.companies)["default_probability"]
    point = by_id(run_stress(DEALS, COMPANIES, None, sc).losses)["defaulted"]
    # fixed amounts and no growth uncertainty: every run is the point run
    assert (p == point.astype(float).reindex(p.index)).all()
