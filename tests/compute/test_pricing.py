"""GW <-> $ conversions against independent published numbers, plus invariants."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from dealweb.compute import (
    cost_model_info,
    generation_for_text,
    gigawatts_for_usd,
    price_gigawatts,
    use_cost_model,
)
from dealweb.compute.costmodel import COMPONENTS, DEFAULT_COST_MODEL_PATH, load_cost_model
from dealweb.compute.pricing import gigawatt_conversion, parse_quantity, usd_conversion

# shared/ lies beside the repository (in CI too).
SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"
ARTICLE = SHARED / "articles" / "microsoft-nvidia-anthropic-2025-11.txt"
MODEL = load_cost_model()


def test_default_gigawatt_contains_the_articles_20_to_25_billion():
    # "1 gigawatt of AI computing is estimated to cost $20 billion to $25 billion." (Nov 2025)
    m = re.search(r"1 gigawatt of AI computing is estimated to cost \$(\d+) billion to \$(\d+) "
                  r"billion", ARTICLE.read_text())
    assert m, "worked example not found in the shared article"
    low, high = price_gigawatts(1.0)
    assert low <= float(m.group(1)) * 1e9 and float(m.group(2)) * 1e9 <= high


def test_openai_1_4_trillion_for_30_gigawatts_implies_46_7_billion_per_gw():
    # "OpenAI has committed to $1.4 trillion for 30 gigawatts" (same article): $46.7B per GW.
    text = ARTICLE.read_text()
    assert "$1.4 trillion for 30 gigawatts" in text
    table = usd_conversion(1.4e12, against_gigawatts=30)
    assert table["implied_usd_per_gw"].iloc[0] == pytest.approx(46.67e9, rel=1e-3)
    status = dict(zip(table["generation"], table["implied_vs_model"], strict=True))
    # above the 2025 all-in range, inside Blackwell and TPU ranges, just under Foxconn's Rubin $47B
    assert status["industry-2025"] == "above"
    assert status["blackwell"] == "inside"
    assert status["vera-rubin"] == "below"
    assert table["usd_per_gw_low"].min() < 46.67e9 < table["usd_per_gw_high"].max()


@pytest.mark.parametrize(
    ("generation", "usd_per_gw", "who"),
    [
        ("blackwell", 35e9, "Bernstein GB200 all-in"),
        ("vera-rubin", 47e9, "Foxconn Vera Rubin"),
        ("vera-rubin", 50e9, "Nvidia FQ2'26 low"),
        ("vera-rubin", 60e9, "Nvidia FQ2'26 high"),
        ("tpu", 50e9, "industry estimate for the Anthropic TPU deal"),
    ],
)
def test_published_estimates_fall_in_their_generation(generation, usd_per_gw, who):
    low, high = price_gigawatts(1.0, generation=generation)
    assert low <= usd_per_gw <= high, who


def test_amd_systems_match_the_analyst_90_billion_for_6_gw():
    # nasdaq.com (OpenAI-AMD, Oct 2025): "one analyst put potential value near $90B" for 6 GW.
    lo, hi = MODEL.capex_per_gw("amd-mi").systems
    assert lo <= 90e9 / 6 <= hi


def test_energy_bill_contains_the_1_3_billion_per_gw_year_estimate():
    # Business Insider/Bernstein and Foxconn: ~$1.3B of electricity per year for 1 GW.
    lo, hi = MODEL.energy_per_gw_year()
    assert lo < 1.3e9 < hi


def test_energy_is_hours_times_load_pue_and_price():
    lo, hi = MODEL.energy_per_gw_year()
    assert lo == pytest.approx(8760 * 1000 * 0.8 * 1.1 * 60.4)
    assert hi == pytest.approx(8760 * 1000 * 1.0 * 1.58 * 130.1)


@pytest.mark.parametrize("generation", list(MODEL.generations))
def test_components_add_up_to_the_total(generation):
    b = MODEL.breakdown(generation)
    assert sum(b.component(c)[0] for c in COMPONENTS) == pytest.approx(b.total[0])
    assert sum(b.component(c)[1] for c in COMPONENTS) == pytest.approx(b.total[1])
    assert all(b.component(c)[0] <= b.component(c)[1] for c in COMPONENTS)


def test_combined_generations_give_the_envelope():
    both = MODEL.capex_per_gw("blackwell+vera-rubin").total
    assert both == (35e9, 60e9)
    assert MODEL.resolve("GB200, rubin") == ["blackwell", "vera-rubin"]


def test_generation_from_deal_text():
    stated = "up to one gigawatt of Grace Blackwell and Vera Rubin systems"
    assert generation_for_text(stated) == "blackwell+vera-rubin"
    assert generation_for_text("6 gigawatts of AMD Instinct GPUs") == "amd-mi"
    assert generation_for_text("$30 billion of Azure compute capacity") is None
    assert generation_for_text(None) is None


def test_year_picks_a_generation_only_through_year_defaults(tmp_path):
    assert price_gigawatts(1, year=2024) == price_gigawatts(1)
    data = yaml.safe_load(DEFAULT_COST_MODEL_PATH.read_text())
    data["year_defaults"] = {2024: "hopper"}
    path = tmp_path / "m.yaml"
    path.write_text(yaml.safe_dump(data))
    with use_cost_model(path):
        assert price_gigawatts(1, year=2024) == price_gigawatts(1, generation="hopper")


def test_user_cost_model_changes_prices_and_is_recorded(tmp_path, monkeypatch):
    data = yaml.safe_load(DEFAULT_COST_MODEL_PATH.read_text())
    data["name"], data["version"] = "my-model", "9"
    data["generations"]["industry-2025"]["capex_usd_per_gw"].update(low=10e9, high=12e9)
    path = tmp_path / "mine.yaml"
    path.write_text(yaml.safe_dump(data))
    with use_cost_model(path):
        assert price_gigawatts(2) == (20e9, 24e9)
        assert cost_model_info()["cost_model"] == "my-model"
    assert cost_model_info()["cost_model"] == "dealweb-default"
    monkeypatch.setenv("DEALWEB_COST_MODEL", str(path))
    assert price_gigawatts(1) == (10e9, 12e9)
    assert cost_model_info()["cost_model_version"] == "9"


def test_gigawatt_conversion_table_lists_components_and_energy():
    table = gigawatt_conversion(2.0, generation="blackwell")
    assert list(table["item"]) == ["systems", "power equipment", "shell", "total capex",
                                   "energy per year"]
    assert table.set_index("item").loc["total capex", "low"] == pytest.approx(70e9)


@given(st.floats(min_value=0.0, max_value=1e4, allow_nan=False),
       st.sampled_from(list(MODEL.generations)))
def test_price_is_linear_and_round_trips(gw, generation):
    low, high = price_gigawatts(gw, generation=generation)
    unit_low, unit_high = price_gigawatts(1.0, generation=generation)
    assert low == pytest.approx(gw * unit_low) and high == pytest.approx(gw * unit_high)
    if gw > 0:
        # the GW that the low dollar figure buys include the original capacity
        g_lo, g_hi = gigawatts_for_usd(low, generation=generation)
        assert g_lo <= gw * (1 + 1e-9) and g_hi == pytest.approx(gw)


@given(st.floats(min_value=1e6, max_value=1e13), st.floats(min_value=1e6, max_value=1e13))
def test_more_dollars_buy_more_gigawatts(a, b):
    lo_a, hi_a = gigawatts_for_usd(min(a, b))
    lo_b, hi_b = gigawatts_for_usd(max(a, b))
    assert lo_a <= lo_b and hi_a <= hi_b and lo_a <= hi_a


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1GW", (1.0, "GW")), ("500 MW", (0.5, "GW")), ("1.4T", (1.4e12, "USD")),
     ("$20B", (20e9, "USD")), ("350m", (350e6, "USD")), ("3e9", (3e9, "USD")),
     ("1,400B", (1.4e12, "USD")), ("2.5gw", (2.5, "GW")),
     ("1.4 trillion dollars", (1.4e12, "USD")), ("30 gigawatts", (30.0, "GW"))],
)
def test_parse_quantity(text, expected):
    value, unit = parse_quantity(text)
    assert unit == expected[1] and value == pytest.approx(expected[0])


@pytest.mark.parametrize("bad", ["", "GW", "1XW", "-1GW", "1.4 trillion euros", "1 2GW"])
def test_parse_quantity_rejects(bad):
    with pytest.raises(ValueError):
        parse_quantity(bad)


def test_bad_input_is_a_clear_error():
    with pytest.raises(ValueError, match="non-negative"):
        price_gigawatts(-1)
    with pytest.raises(ValueError, match="non-negative"):
        price_gigawatts(float("nan"))
    with pytest.raises(KeyError, match="unknown hardware generation 'pascal'"):
        price_gigawatts(1, generation="pascal")


@pytest.mark.parametrize("bad", ["-3GW", "-$1.4T", "- 500 MW"])
def test_negative_quantity_says_negative(bad):
    # QA 2026-11-25: "-3GW" used to get "cannot read quantity … expected a number with a unit"
    with pytest.raises(ValueError, match="cannot be negative"):
        parse_quantity(bad)
