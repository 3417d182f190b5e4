"""The three-company toy network shared by the stress system tests.

A lab owes its cloud 60B and the cloud owes its chip supplier 54B, each over 3 years from 2026;
the lab has 10B of revenue and 5B of cash, the others nothing but their equity (100B, 50B, 80B).
Tests work their expected numbers out by hand from this.
"""

from __future__ import annotations

import pandas as pd

from dealweb.stress.scenario import Scenario

B = 1e9
COMPANIES = pd.DataFrame(
    {
        "id": ["lab", "cloud", "chip"],
        "name": ["Lab", "Cloud", "Chip"],
        "role": ["ai_lab", "cloud", "chipmaker"],
    }
)


def commitment(
    id_: str,
    payer: str,
    payee: str,
    amount: float,
    years: float = 3.0,
    kind: str = "cloud_commitment",
    basis: str = "stated",
) -> dict:
    return {
        "id": id_,
        "payer_id": payer,
        "payee_id": payee,
        "kind": kind,
        "amount_usd_low": amount,
        "amount_usd_high": amount,
        "up_to": False,
        "usd_basis": basis,
        "status": "announced",
        "announced": pd.Timestamp("2026-01-01"),
        "term_start": pd.Timestamp("2026-01-01"),
        "term_years": years,
        "stake_pct": float("nan"),
    }


DEALS = pd.DataFrame(
    [
        commitment("lab-cloud", "lab", "cloud", 60 * B, 3),  # 20B a year
        commitment("cloud-chip", "cloud", "chip", 54 * B, 3),  # 18B a year
    ]
)
SHEETS = {
    "lab": {
        "revenue": 10 * B,
        "cash": 5 * B,
        "debt": 0,
        "equity_value": 100 * B,
        "cash_margin": 1.0,
    },
    "cloud": {"revenue": 0, "cash": 0, "debt": 0, "equity_value": 50 * B, "cash_margin": 1.0},
    "chip": {"revenue": 0, "cash": 0, "debt": 0, "equity_value": 80 * B, "cash_margin": 1.0},
}


def scenario(**kw: object) -> Scenario:
    return Scenario.model_validate({"horizon": 3, "balance_sheets": {"overrides": SHEETS}, **kw})
