"""Quality gates for the company figures that feed the stress tests' balance sheets.

`dealweb stress` builds each company's revenue, cash, debt and equity value from the ledger's
figures (:data:`dealweb.stress.balance_sheets.FIGURE_PREFERENCE`) and falls back to documented
role defaults otherwise. These tests pin which balance-sheet fields of the largest companies now
rest on sourced figures (the company-figures pass of 2026-11-25), check that every currency
conversion states its rate and date and adds up, and that the figures the stress test actually
picks are plausible for what they claim to be. They read the shipped dataset through the real
pipeline (``dealweb init`` -> ledger -> ``figures_frame``), so they fail when the data regresses.
"""

from __future__ import annotations

import re
from importlib.resources import files

import pandas as pd
import pytest
import yaml

from dealweb.ledger.models import Company
from dealweb.ledger.store import open_ledger
from dealweb.stress.balance_sheets import FIGURE_PREFERENCE, build_balance_sheets

#: (company id, balance-sheet field) pairs that must come from a sourced figure, not a role
#: default. Each was a default before the 2026-11-25 pass (see data/NOTES.md).
MUST_BE_SOURCED = [
    ("softbank", "revenue"),
    ("softbank", "cash"),
    ("softbank", "equity_value"),
    ("broadcom", "cash"),
    ("broadcom", "debt"),
    ("broadcom", "equity_value"),
    ("oracle", "equity_value"),
    ("amd", "equity_value"),
    ("meta", "equity_value"),
    ("intel", "debt"),
    ("intel", "equity_value"),
    ("alphabet", "cash"),
    ("dell", "cash"),
    ("dell", "debt"),
    ("dell", "equity_value"),
    ("nebius", "equity_value"),
    ("iren", "equity_value"),
    ("openai", "debt"),
    ("spacex", "cash"),
    ("spacex", "debt"),
    ("asml", "revenue"),
    ("asml", "cash"),
    ("asml", "debt"),
    ("asml", "equity_value"),
    ("disney", "revenue"),
    ("disney", "cash"),
    ("disney", "debt"),
    ("disney", "equity_value"),
    ("lambda", "equity_value"),
    ("cerebras", "revenue"),
    # operating cash flow / revenue of the same fiscal year (cash-margin pass of 2026-11-25)
    ("microsoft", "cash_margin"),
    ("alphabet", "cash_margin"),
    ("amazon", "cash_margin"),
    ("meta", "cash_margin"),
    ("oracle", "cash_margin"),
    ("nvidia", "cash_margin"),
    ("broadcom", "cash_margin"),
    ("amd", "cash_margin"),
    ("intel", "cash_margin"),
    ("dell", "cash_margin"),
    ("disney", "cash_margin"),
]

#: Order-of-magnitude bounds (USD) a listed company's balance-sheet field must fall in: wide
#: enough for any real large-cap, narrow enough to catch a unit slip (yen or millions read as
#: dollars, a market cap typed as thousands).
PLAUSIBLE = {
    "revenue": (1e8, 1e12),
    "cash": (1e8, 5e11),
    "debt": (0.0, 5e11),
    "equity_value": (1e9, 1e13),
}

#: A conversion note: "<CUR> <amount> <unit> ... converted at USD 1 = <CUR> <rate>" (or
#: "EUR 1 = USD <rate>"), with an ISO date somewhere after it.
_AMOUNT = re.compile(r"\b(JPY|EUR|GBP|NOK)\s+([\d,]+(?:\.\d+)?)\s*(trillion|billion|million|T|B)?")
_RATE_USD_FIRST = re.compile(r"USD 1 = (JPY|EUR|GBP|NOK) ([\d.]+)")
_RATE_FOREIGN_FIRST = re.compile(r"(JPY|EUR|GBP|NOK) 1 = USD ([\d.]+)")
_ISO_DATE = re.compile(r"\b20\d\d-\d\d-\d\d\b")
_SCALE = {"trillion": 1e12, "T": 1e12, "billion": 1e9, "B": 1e9, "million": 1e6, None: 1.0}


def _companies() -> list[Company]:
    rows = yaml.safe_load((files("dealweb") / "data" / "companies.yaml").read_text("utf-8"))
    return [Company.model_validate(row) for row in rows]


@pytest.fixture(scope="module")
def sheets(shipped_db: str) -> pd.DataFrame:
    ledger = open_ledger(shipped_db)
    return build_balance_sheets(ledger.companies_frame(), ledger.figures_frame())


@pytest.mark.parametrize(("company", "field"), MUST_BE_SOURCED)
def test_big_companies_balance_sheet_fields_are_sourced(
    sheets: pd.DataFrame, company: str, field: str
) -> None:
    assert sheets.loc[company, f"{field}_source"] == "figure", (
        f"{company}.{field} fell back to the role default; a sourced figure named one of "
        f"{FIGURE_PREFERENCE.get(field)} is missing from data/companies.yaml"
    )


@pytest.mark.parametrize("field", sorted(PLAUSIBLE))
def test_figures_used_by_the_stress_test_are_of_plausible_size(
    sheets: pd.DataFrame, field: str
) -> None:
    low, high = PLAUSIBLE[field]
    listed = {c.id for c in _companies() if c.ticker}
    used = sheets.loc[sheets.index.isin(listed) & (sheets[f"{field}_source"] == "figure"), field]
    bad = used[(used < low) | (used > high)]
    assert bad.empty, f"{field} outside [{low:.0e}, {high:.0e}] USD: {bad.to_dict()}"


def test_softbank_is_valued_at_its_market_cap_not_the_investor_default(
    sheets: pd.DataFrame,
) -> None:
    # JPY 23.26T on 2025-12-01 (StockAnalysis) at USD 1 = JPY 154.80 (ECB) -> $150.3B; the
    # investor-role default of $100B made the baseline scenario wipe SoftBank out.
    assert sheets.loc["softbank", "equity_value"] == pytest.approx(23.26e12 / 154.80, rel=1e-3)


def test_every_currency_conversion_states_rate_and_date_and_adds_up() -> None:
    checked = 0
    for company in _companies():
        for fig in company.figures:
            note = fig.note or ""
            if "converted at" not in note:
                continue
            where = f"{company.id} {fig.name} {fig.as_of}"
            amount = _AMOUNT.search(note)
            usd_first = _RATE_USD_FIRST.search(note)
            foreign_first = _RATE_FOREIGN_FIRST.search(note)
            assert amount and (usd_first or foreign_first), f"{where}: amount or rate missing"
            assert _ISO_DATE.search(note[note.index("converted at") :]), f"{where}: no rate date"
            native = float(amount.group(2).replace(",", "")) * _SCALE[amount.group(3)]
            if usd_first:
                assert usd_first.group(1) == amount.group(1), where
                expected = native / float(usd_first.group(2))
            else:
                assert foreign_first.group(1) == amount.group(1), where
                expected = native * float(foreign_first.group(2))
            assert fig.value_usd == pytest.approx(expected, rel=2e-3), where
            checked += 1
    assert checked >= 7  # SoftBank revenue/cash/current debt/market cap, ASML revenue/cash/debt


def test_recorded_as_other_when_only_part_of_the_debt_is_known() -> None:
    # SoftBank's current interest-bearing debt alone must not pose as its total debt.
    softbank = next(c for c in _companies() if c.id == "softbank")
    partial = [f for f in softbank.figures if "current" in (f.label or "") and "debt" in f.label]
    assert partial and all(f.name == "other" for f in partial)


#: Labels the stress test reads as projections, which never beat a reported figure.
_PROJECTED = re.compile("project|expect|forecast|guid")


def _year(as_of: object) -> str:
    return str(as_of)[:4]


def _with_operating_cash_flow() -> list[Company]:
    return [c for c in _companies() if any(f.name == "operating_cash_flow" for f in c.figures)]


def _margins_of_same_year(company: Company) -> list[tuple[str, float]]:
    """(year, operating cash flow / revenue) for each operating_cash_flow figure, oldest year first,
    against the reported revenue of the same fiscal year (the last listed when several are)."""
    revenue_by_year = {
        _year(f.as_of): f.value_usd
        for f in company.figures
        if f.name == "revenue" and not _PROJECTED.search(f.label or "")
    }
    flows = sorted(
        (f for f in company.figures if f.name == "operating_cash_flow"), key=lambda f: str(f.as_of)
    )
    return [
        (_year(f.as_of), f.value_usd / revenue_by_year[_year(f.as_of)])
        for f in flows
        if _year(f.as_of) in revenue_by_year
    ]


def test_every_operating_cash_flow_has_a_revenue_of_the_same_year_and_a_plausible_margin() -> None:
    companies = _with_operating_cash_flow()
    assert len(companies) >= 11  # the cash-margin pass of 2026-11-25 (data/NOTES.md)
    for company in companies:
        flows = [f for f in company.figures if f.name == "operating_cash_flow"]
        margins = _margins_of_same_year(company)
        assert len(margins) == len(flows), (
            f"{company.id}: an operating_cash_flow figure has no reported revenue of the same "
            f"as_of year ({sorted(_year(f.as_of) for f in flows)}); the stress test would ignore it"
        )
        for year, margin in margins:
            # a burn beyond half of revenue, or more cash than revenue, is a unit slip (millions
            # read as dollars, yen as dollars) or a quarter typed as a year
            assert -0.5 <= margin <= 1.0, f"{company.id} {year}: cash flow / revenue = {margin:.3f}"


@pytest.mark.parametrize("company", [c.id for c in _with_operating_cash_flow()])
def test_cash_margin_is_the_companys_own_operating_cash_flow_margin(
    sheets: pd.DataFrame, company: str
) -> None:
    assert sheets.loc[company, "cash_margin_source"] == "figure", (
        f"{company}: the latest operating_cash_flow and revenue in data/companies.yaml are not of "
        f"the same year, so the stress test used the role default"
    )
    _, margin = _margins_of_same_year(next(c for c in _companies() if c.id == company))[-1]
    assert sheets.loc[company, "cash_margin"] == pytest.approx(min(max(margin, 0.0), 1.0))


def test_broadcom_cash_margin_matches_its_fiscal_2025_8k(sheets: pd.DataFrame) -> None:
    # Broadcom 8-K exhibit 99.1 of 2025-12-11 (fiscal year ended 2025-11-02): cash flow from
    # operations $27,537M on net revenue $63,887M -> 43.1 %, where the chipmaker default is 40 %.
    assert sheets.loc["broadcom", "cash_margin"] == pytest.approx(27_537 / 63_887, rel=1e-9)
