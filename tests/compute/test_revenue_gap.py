"""Revenue gap: worked examples (Sequoia's $600B, a $300B five-year cloud deal) and directions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml
from compute_frames import make_deals
from hypothesis import given, settings
from hypothesis import strategies as st

from dealweb.compute.costmodel import DEFAULT_COST_MODEL_PATH, load_cost_model, parse_cost_model
from dealweb.compute.revenue_gap import (
    ALL,
    GapAssumptions,
    capital_recovery_factor,
    revenue_gap,
    revenue_in_data,
)

MODEL = load_cost_model()


def _model(**energy_price: float):
    """The shipped model with another electricity price range (e.g. 0 to isolate capex)."""
    data = yaml.safe_load(DEFAULT_COST_MODEL_PATH.read_text())
    data["energy"]["electricity_usd_per_mwh"].update(energy_price)
    return parse_cost_model(yaml.safe_dump(data), source="test")


def _one(kind="hardware_purchase", low=10e9, high=10e9, **extra):
    row = {"id": "d1", "announced": "2025-06-01", "payer": "Lab", "payer_id": "lab",
           "payee": "Vendor", "payee_id": "vendor", "kind": kind,
           "amount_usd_low": low, "amount_usd_high": high}
    return make_deals([{**row, **extra}])


def _figures(rows):
    base = {"company": "Lab", "label": None, "period": None, "counterparty": None,
            "source_url": "https://example.org/f", "note": None}
    return pd.DataFrame([{**base, **r} for r in rows])


def test_sequoia_600_billion_question():
    # Sequoia (D. Cahn, Jun 2024, https://sequoiacap.com/article/ais-600b-question): Nvidia
    # run-rate ~$150B x2 (GPUs are half of data-centre cost) = $300B, x2 for a 50% gross
    # margin = $600B of revenue needed per year of capex.
    deals = _one(low=300e9, high=300e9)
    model = _model(low=0.0, high=0.0)  # Sequoia's 2x already holds energy
    a = GapAssumptions.from_model(
        model, useful_life_accelerators_years=1, useful_life_facility_years=1,
        gross_margin=0.5, deployment_years=1,
    )
    res = revenue_gap(deals, None, assumptions=a, model=model)
    row = res.summary.set_index("company_id").loc["lab"]
    assert row["required_low"] == pytest.approx(600e9)
    assert row["required_high"] == pytest.approx(600e9)
    year = res.by_year.set_index(["company_id", "year"])["required_low"]
    assert year[("lab", 2026)] == pytest.approx(600e9)  # in service the year after announcement
    assert year[("lab", 2027)] == pytest.approx(0.0)  # a one-year life is fully recovered


def test_oracle_style_cloud_commitment_is_rent_over_the_term():
    # OpenAI-Oracle: "$300 billion over about five years" -> $60B a year to the landlord.
    deals = _one(kind="cloud_commitment", low=300e9, high=300e9, term_years=5)
    a = GapAssumptions.from_model(MODEL, gross_margin=0.0)
    res = revenue_gap(deals, None, assumptions=a, years=(2025, 2032))
    req = res.by_year.set_index(["company_id", "year"])["required_low"]["lab"]
    assert list(req.round(-6)) == [0, 60e9, 60e9, 60e9, 60e9, 60e9, 0, 0]
    a50 = GapAssumptions.from_model(MODEL, gross_margin=0.5)
    res50 = revenue_gap(deals, None, assumptions=a50)
    assert res50.summary["required_high"].iloc[0] == pytest.approx(120e9)


def test_straight_line_capex_by_component_plus_energy():
    gw = 1.0
    deals = _one(low=35e9, high=35e9, gigawatts=gw)
    a = GapAssumptions.from_model(MODEL, gross_margin=0.0, generation="blackwell")
    res = revenue_gap(deals, None, assumptions=a)
    row = res.summary.iloc[0]
    share = 0.576  # Bernstein GB200: systems 3.4M of 5.9M per rack
    capital = 35e9 * (share / 5 + (1 - share) / 15)
    e_lo, e_hi = MODEL.energy_per_gw_year()
    assert row["required_low"] == pytest.approx(capital + gw * e_lo, rel=1e-3)
    assert row["required_high"] == pytest.approx(capital + gw * e_hi, rel=1e-3)


def test_tranches_ramp_up_then_retire():
    deals = _one(low=40e9, high=40e9, gigawatts=1.0)
    model = _model(low=0.0, high=0.0)
    a = GapAssumptions.from_model(
        model, gross_margin=0.0, useful_life_accelerators_years=2, useful_life_facility_years=2,
        deployment_years=4,
    )
    res = revenue_gap(deals, None, assumptions=a, years=(2025, 2031), model=model)
    req = res.by_year.set_index(["company_id", "year"])["required_low"]["lab"].to_numpy()
    # $10B a year enters service 2026-2029, each recovered at $5B/yr over two years
    np.testing.assert_allclose(req, [0, 5e9, 10e9, 10e9, 10e9, 5e9, 0], atol=1)


def test_annuity_at_cost_of_capital():
    assert capital_recovery_factor(0.0, 4) == 0.25
    # textbook: $1 over 5 years at 8% -> 0.25046 per year
    assert capital_recovery_factor(0.08, 5) == pytest.approx(0.250456, rel=1e-5)


def _required(deals, **overrides):
    a = GapAssumptions.from_model(MODEL, **overrides)
    row = revenue_gap(deals, None, assumptions=a).summary.iloc[0]
    return row["required_low"], row["required_high"]


@settings(max_examples=40, deadline=None)
@given(st.floats(1, 10), st.floats(0.1, 5))
def test_longer_useful_life_lowers_required_revenue(life, extra):
    deals = _one(low=20e9, high=30e9)
    short = _required(deals, useful_life_accelerators_years=life)
    long = _required(deals, useful_life_accelerators_years=life + extra)
    assert long[0] < short[0] and long[1] < short[1]


@settings(max_examples=40, deadline=None)
@given(st.floats(0, 0.9), st.floats(0.01, 0.09))
def test_higher_margin_raises_required_revenue(margin, extra):
    deals = _one(low=20e9, high=30e9)
    lo = _required(deals, gross_margin=margin)
    hi = _required(deals, gross_margin=margin + extra)
    assert hi[0] > lo[0] and hi[1] > lo[1]
    assert hi[0] / lo[0] == pytest.approx((1 - margin) / (1 - margin - extra))


def test_cost_of_capital_and_opex_raise_required_revenue():
    deals = _one(low=20e9, high=30e9)
    base = _required(deals)
    assert _required(deals, cost_of_capital=0.08)[0] > base[0]
    assert _required(deals, other_opex_share_of_capex=0.02)[1] > base[1]


def test_revenue_prefers_ai_run_rate_annualizes_quarters_and_keeps_the_spread():
    figures = _figures([
        {"company_id": "lab", "name": "revenue", "value_usd": 13e9, "as_of": "2025"},
        {"company_id": "lab", "name": "revenue", "value_usd": 10e9, "as_of": "2025"},
        {"company_id": "lab", "name": "revenue", "value_usd": 4e9, "as_of": "2024"},
        {"company_id": "cloud", "company": "Cloud", "name": "revenue", "value_usd": 13.6e9,
         "as_of": "2025-06-30", "label": "google_cloud_revenue_q2_2025"},
        {"company_id": "ai", "company": "AI", "name": "revenue", "value_usd": 50e9,
         "as_of": "2025"},
        {"company_id": "ai", "company": "AI", "name": "ai_revenue_run_rate", "value_usd": 7e9,
         "as_of": "2025"},
    ])
    rev = revenue_in_data(figures).set_index("company_id")
    assert (rev.loc["lab", "revenue_low"], rev.loc["lab", "revenue_high"]) == (10e9, 13e9)
    assert rev.loc["cloud", "revenue_low"] == pytest.approx(54.4e9)
    assert rev.loc["ai", "revenue_basis"] == "ai_revenue_run_rate"
    assert rev.loc["ai", "revenue_high"] == 7e9


def test_gap_is_required_minus_revenue_with_crossed_ends():
    deals = _one(low=20e9, high=30e9)
    figures = _figures([
        {"company_id": "lab", "name": "revenue", "value_usd": 1e9, "as_of": "2025"},
        {"company_id": "lab", "name": "revenue", "value_usd": 2e9, "as_of": "2025"},
    ])
    row = revenue_gap(deals, figures).summary.iloc[0]
    assert row["gap_low"] == pytest.approx(row["required_low"] - 2e9)
    assert row["gap_high"] == pytest.approx(row["required_high"] - 1e9)


def test_revenue_growth_shrinks_later_gaps():
    deals = _one(kind="cloud_commitment", low=50e9, high=50e9, term_years=5)
    figures = _figures([{"company_id": "lab", "name": "revenue", "value_usd": 5e9,
                         "as_of": "2025"}])
    a = GapAssumptions.from_model(MODEL, revenue_growth_per_year=1.0)
    by = revenue_gap(deals, figures, assumptions=a).by_year.set_index(["company_id", "year"])
    assert by.loc[("lab", 2026), "revenue_low"] == pytest.approx(10e9)
    assert by.loc[("lab", 2028), "revenue_low"] == pytest.approx(40e9)


def test_reference_data_per_company_and_total(ref_deals, ref_figures):
    res = revenue_gap(ref_deals, ref_figures, exclude=["openai-1.4t-30gw-2025"])
    summary = res.summary.set_index("company_id")
    # the total row is the sum of the companies, for every year
    by = res.by_year
    for col in ("required_low", "required_high", "revenue_low", "gap_high"):
        per_year = by[by.company_id != ALL].groupby("year")[col].sum()
        total = by[by.company_id == ALL].set_index("year")[col]
        np.testing.assert_allclose(per_year.to_numpy(), total.to_numpy(), rtol=1e-9)
    openai = summary.loc["openai"]
    assert openai["revenue_low"] == 13e9  # revenue_2025_projected in the shared figures
    assert openai["committed_low"] < openai["committed_high"]
    assert openai["required_low"] > openai["revenue_high"]
    assert (res.summary["cost_model"] == "dealweb-default " + MODEL.version).all()
    assert "openai-1.4t-30gw-2025" not in set(res.deals["id"])


def test_aggregate_deal_is_flagged_as_possible_double_counting(ref_deals, ref_figures):
    res = revenue_gap(ref_deals, ref_figures, companies=["OpenAI"])
    assert any("openai-1.4t-30gw-2025" in n and "double counting" in n for n in res.notes)
    assert set(res.summary["company_id"]) == {"openai", ALL}


def test_gw_only_deals_are_priced_and_counted(ref_deals):
    gw_only = ref_deals[ref_deals["usd_basis"] == "gw_estimate"]
    assert {"openai-nvidia-10gw-2025", "openai-amd-6gw-2025"} <= set(gw_only["id"])
    res = revenue_gap(ref_deals, None, companies=["openai"])
    used = res.deals.set_index("id")
    assert used.loc["openai-nvidia-10gw-2025", "amount_low"] == pytest.approx(200e9)
    assert used.loc["openai-nvidia-10gw-2025", "amount_high"] == pytest.approx(350e9)


def test_selection_errors_are_specific(ref_deals):
    with pytest.raises(KeyError, match="no deals paid by nobody"):
        revenue_gap(ref_deals, None, companies=["nobody"])
    with pytest.raises(KeyError, match="no deal with id nope"):
        revenue_gap(ref_deals, None, exclude=["nope"])
    with pytest.raises(ValueError, match="no deals to price"):
        revenue_gap(ref_deals, None, companies=["openai"], assumptions=GapAssumptions.from_model(
            MODEL, kinds=("revenue_share",)))
    with pytest.raises(ValueError, match="last .* before first"):
        revenue_gap(ref_deals, None, years=(2030, 2026))


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [("gross_margin", 1.0, "gross_margin must be in"),
     ("useful_life_accelerators_years", 0, "useful_life_accelerators_years must be"),
     ("deployment_years", 2.5, "deployment_years must be a whole number"),
     ("kinds", ("equity_investment",), "carry no capacity cost")],
)
def test_bad_assumptions_are_rejected(field, value, message):
    with pytest.raises(ValueError, match=message):
        GapAssumptions.from_model(MODEL, **{field: value})


def test_generation_comes_from_the_option_else_the_deal_text_else_the_default():
    deals = make_deals([
        {"id": "a", "announced": "2025-06-01", "payer": "Lab", "payer_id": "lab",
         "kind": "hardware_purchase", "amount_usd_low": 40e9, "amount_usd_high": 40e9,
         "amount_stated": "about $40 billion for ~400,000 GB200 chips"},
        {"id": "b", "announced": "2025-06-01", "payer": "Lab", "payer_id": "lab",
         "kind": "compute_capacity", "amount_usd_low": 30e9, "amount_usd_high": 30e9,
         "amount_stated": "capacity of some kind"},
    ])
    used = revenue_gap(deals, None).deals.set_index("id")
    assert used.loc["a", "generation"] == "blackwell"
    assert used.loc["b", "generation"] == MODEL.default_generation
    # dollars-only deal: GW implied from its generation's $/GW range (Blackwell $35-50B)
    assert used.loc["a", "gw_low"] == pytest.approx(40 / 50)
    assert used.loc["a", "gw_high"] == pytest.approx(40 / 35)
    forced = revenue_gap(deals, None, assumptions=GapAssumptions.from_model(
        MODEL, generation="tpu")).deals
    assert set(forced["generation"]) == {"tpu"}


_deal = st.fixed_dictionaries({
    "kind": st.sampled_from(["hardware_purchase", "compute_capacity", "cloud_commitment"]),
    "low": st.floats(0, 5e11),
    "extra": st.floats(0, 5e11),
    "gw": st.one_of(st.none(), st.floats(0.01, 20)),
    "term": st.one_of(st.none(), st.integers(1, 10)),
    "payer": st.sampled_from(["a", "b", "c"]),
    "year": st.integers(2023, 2027),
})


@settings(max_examples=40, deadline=None)
@given(st.lists(_deal, min_size=1, max_size=8))
def test_ranges_are_ordered_non_negative_and_bounded_by_the_steady_state(specs):
    deals = make_deals([
        {"id": f"d{i}", "announced": f"{s['year']}-03-01", "payer": s["payer"].upper(),
         "payer_id": s["payer"], "payee": "V", "payee_id": "v", "kind": s["kind"],
         "amount_usd_low": s["low"], "amount_usd_high": s["low"] + s["extra"] + 1.0,
         "gigawatts": s["gw"], "term_years": s["term"]}
        for i, s in enumerate(specs)
    ])
    res = revenue_gap(deals, None, years=(2023, 2040))
    by = res.by_year
    assert (by["required_low"] >= -1e-3).all()
    assert (by["required_low"] <= by["required_high"] * (1 + 1e-12) + 1e-3).all()
    peak = by.groupby("company_id")["required_high"].max()
    steady = res.summary.set_index("company_id")["required_high"]
    assert (peak <= steady.reindex(peak.index) * (1 + 1e-9) + 1e-3).all()


def test_up_to_gigawatts_without_floor_cost_nothing_in_the_low_case():
    # "up to one gigawatt" (Anthropic-Nvidia): the ledger prices only the upper end
    deals = _one(kind="compute_capacity", low=np.nan, high=35e9, gigawatts=1.0, up_to=True,
                 usd_basis="gw_estimate")
    row = revenue_gap(deals, None).summary.iloc[0]
    assert row["committed_low"] == 0 and row["required_low"] == 0
    assert row["required_high"] > 0
    floor = revenue_gap(deals, None, assumptions=GapAssumptions.from_model(
        MODEL, up_to_floor=0.5)).deals.iloc[0]
    assert floor["amount_low"] == 17.5e9 and floor["gw_low"] == pytest.approx(0.5)
