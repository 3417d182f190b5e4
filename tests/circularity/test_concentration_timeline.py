"""Concentration measures (hand-computed) and timelines."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dealweb.circularity.concentration import concentration, counterparty_share, latest_revenue
from dealweb.circularity.network import build_network, make_deals_frame
from dealweb.circularity.timeline import time_points, timeline

ROWS = [
    ("ms-oai-2019", "2019-07-22", "Microsoft", "OpenAI", "equity_investment", 1e9, 1e9, False),
    ("ms-oai-2023", "2023-01-23", "Microsoft", "OpenAI", "equity_investment", 10e9, 10e9, False),
    ("ms-ant-2025", "2025-11-18", "Microsoft", "Anthropic", "equity_investment", 5e9, 5e9, False),
    ("ms-nv-2025", "2025-03-01", "Microsoft", "Nvidia", "hardware_purchase", 4e9, 4e9, False),
    ("oai-ms-2025", "2025-10-28", "OpenAI", "Microsoft", "cloud_commitment", 250e9, 250e9, False),
]
COMPANIES = pd.DataFrame({
    "id": ["Microsoft", "OpenAI", "Anthropic", "Nvidia"],
    "name": ["Microsoft", "OpenAI", "Anthropic", "Nvidia"],
    "role": ["cloud", "ai_lab", "ai_lab", "chipmaker"],
})
FIGURES = pd.DataFrame({
    "company_id": ["OpenAI", "OpenAI"], "company": ["OpenAI", "OpenAI"],
    "name": ["revenue", "revenue"], "label": [None, None], "value_usd": [3.7e9, 13e9],
    "as_of": ["2024", "2025"], "period": [None, None], "counterparty": [None, None],
    "source_url": ["https://example.org/a", "https://example.org/b"], "note": [None, None],
})


def deals() -> pd.DataFrame:
    return make_deals_frame(ROWS)


def test_herfindahl_and_top_shares_by_hand() -> None:
    frame = concentration(build_network(deals())).set_index("company")
    ms = frame.loc["Microsoft"]
    # Outflows 11, 5, 4 ($B): shares 0.55, 0.25, 0.20 -> HHI 0.3025 + 0.0625 + 0.04.
    assert ms["hhi_out"] == pytest.approx(0.405)
    assert ms["top_payee"] == "OpenAI" and ms["top_payee_share"] == pytest.approx(0.55)
    assert ms["hhi_in"] == pytest.approx(1.0) and ms["n_payers"] == 1
    assert np.isnan(frame.loc["Nvidia", "hhi_out"])


def test_commitments_as_multiple_of_latest_revenue_as_of() -> None:
    now = concentration(build_network(deals()), FIGURES).set_index("company")
    assert now.loc["OpenAI", "commitments_to_revenue"] == pytest.approx(250 / 13)
    then = concentration(build_network(deals(), as_of="2024-12-31"), FIGURES)
    assert "OpenAI" not in set(then["company"][then["outflow"] > 0])
    assert latest_revenue(FIGURES, "2024").iloc[0]["revenue"] == 3.7e9


def test_counterparty_share_among_ai_labs() -> None:
    labs = {"OpenAI", "Anthropic"}
    share, amount, total = counterparty_share(build_network(deals()), "Microsoft", "OpenAI",
                                              among=labs)
    assert (amount, total) == (11e9, 16e9) and share == pytest.approx(11 / 16)


def test_timeline_of_openai_share_of_microsoft_ai_lab_exposure() -> None:
    t = timeline(deals(), "counterparty-share", company="Microsoft", counterparty="OpenAI",
                 among_role="ai_lab", companies=COMPANIES, start="2019", end="2025-12-31")
    values = dict(zip(t["date"], t["value"], strict=True))
    assert values["2019-12-31"] == 1.0 and values["2024-12-31"] == 1.0
    assert values["2025-12-31"] == pytest.approx(11 / 16)
    assert len(t) == 7


def test_network_measures_over_quarters_and_errors() -> None:
    t = timeline(deals(), "circular-share", start="2025-01", end="2025-12", freq="quarter")
    assert list(t["date"]) == ["2025-03-31", "2025-06-30", "2025-09-30", "2025-12-31"]
    # Until OpenAI's Azure commitment (Q4) there is no loop.
    assert t["value"].iloc[0] == 0 and t["value"].iloc[-1] > 0
    assert time_points("2024", "2024-12-31") == [pd.Timestamp("2024-12-31")]
    with pytest.raises(ValueError, match="unknown measure"):
        timeline(deals(), "vibes")
    with pytest.raises(ValueError, match="needs a company"):
        timeline(deals(), "hhi-in")
    with pytest.raises(ValueError, match="unknown role"):
        timeline(deals(), "counterparty-share", company="Microsoft", counterparty="OpenAI",
                 among_role="bank", companies=COMPANIES)


def test_start_after_an_open_end_names_today_not_none() -> None:
    # QA 2026-11-25: `timeline --start 2099` said "... before the end None"
    with pytest.raises(ValueError, match=r"before the end today \(\d{4}-\d\d-\d\d\)"):
        time_points("2099", None)
    with pytest.raises(ValueError, match=r"before the end '2024'"):
        time_points("2025", "2024")
