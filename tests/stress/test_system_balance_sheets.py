"""Balance sheets from ledger figures, scenario overrides and documented role defaults."""

from __future__ import annotations

import pandas as pd
import pytest

from dealweb.stress.balance_sheets import (
    ROLE_DEFAULTS,
    annualisation_factor,
    build_balance_sheets,
    defaults_report,
)

COMPANIES = pd.DataFrame(
    {"id": ["lab", "cloud"], "name": ["Lab", "Cloud"], "role": ["ai_lab", "cloud"]}
)


def figures(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(
        rows, columns=["company_id", "name", "label", "value_usd", "as_of", "period"]
    )


def test_latest_figure_wins_and_quarters_are_annualised() -> None:
    f = figures(
        [
            ("cloud", "revenue", None, 100e9, "2024", "FY2024"),
            ("cloud", "revenue", "revenue_q2_2025", 30e9, "2025-06-30", "2025-Q2"),
            ("cloud", "cash", None, 10e9, "2025-06-30", None),
        ]
    )
    sheets = build_balance_sheets(COMPANIES, f)
    assert sheets.loc["cloud", "revenue"] == pytest.approx(120e9)  # 4 x 30B
    assert sheets.loc["cloud", "revenue_source"] == "figure"
    assert sheets.loc["cloud", "cash"] == 10e9


def test_later_and_larger_run_rate_replaces_old_annual_revenue() -> None:
    f = figures(
        [
            ("lab", "revenue", "revenue_2025", 13e9, "2025", "2025"),
            ("lab", "ai_revenue_run_rate", None, 25e9, "2026-02", "annualized"),
        ]
    )
    assert build_balance_sheets(COMPANIES, f).loc["lab", "revenue"] == 25e9
    # an older run rate does not replace a newer annual figure
    f.loc[1, "as_of"] = "2024-12"
    assert build_balance_sheets(COMPANIES, f).loc["lab", "revenue"] == 13e9


def test_defaults_are_listed_never_silent() -> None:
    f = figures([("lab", "revenue", None, 4e9, "2025", None)])
    sheets = build_balance_sheets(COMPANIES, f)
    assert sheets.loc["cloud", "cash"] == ROLE_DEFAULTS["cloud"]["cash"]
    report = defaults_report(sheets).set_index("company_id")
    assert "revenue" not in report.loc["lab", "defaults_used"]
    assert report.loc["cloud", "defaults_used"] == "revenue, cash, debt, equity_value, cash_margin"


def test_scenario_overrides_and_defaults() -> None:
    f = figures([("lab", "cash", None, 1e9, "2025", None)])
    sheets = build_balance_sheets(
        COMPANIES, f, overrides={"lab": {"cash": 7e9}}, defaults={"cloud": {"revenue": 1.0}}
    )
    assert sheets.loc["lab", "cash"] == 7e9 and sheets.loc["lab", "cash_source"] == "scenario"
    assert sheets.loc["cloud", "revenue"] == 1.0


def test_override_of_unknown_company_is_an_error() -> None:
    with pytest.raises(KeyError, match="ghost"):
        build_balance_sheets(COMPANIES, None, overrides={"ghost": {"cash": 1.0}})


@pytest.mark.parametrize(
    ("period", "label", "factor"),
    [
        ("2025-Q3", None, 4.0),
        ("FY2025", None, 1.0),
        (None, "revenue_h2_2025", 2.0),
        ("annualized", "arr_2026_02", 1.0),
    ],
)
def test_annualisation(period: str | None, label: str | None, factor: float) -> None:
    assert annualisation_factor(period, label) == factor


def test_cash_margin_is_operating_cash_flow_over_revenue_of_the_same_year():
    companies = pd.DataFrame({"id": ["a", "b", "c"], "name": ["A", "B", "C"],
                              "role": ["chipmaker"] * 3})
    figures = pd.DataFrame({
        "company_id": ["a", "a", "b", "b", "c"],
        "name": ["revenue", "operating_cash_flow", "revenue", "operating_cash_flow", "revenue"],
        "label": [None] * 5,
        "value_usd": [63.9e9, 27.5e9, 10e9, 3e9, 5e9],
        "as_of": ["2025", "2025", "2025", "2024", "2025"],
        "period": ["FY2025", "FY2025", "FY2025", "FY2024", "FY2025"],
    })
    sheets = build_balance_sheets(companies, figures)
    assert sheets.loc["a", "cash_margin"] == pytest.approx(27.5 / 63.9)
    assert sheets.loc["a", "cash_margin_source"] == "figure"
    # a year apart, or no cash flow at all: the documented default, and it says so
    for cid in ("b", "c"):
        assert sheets.loc[cid, "cash_margin_source"] == "default"
        assert "cash_margin" in sheets.loc[cid, "defaults_used"]
