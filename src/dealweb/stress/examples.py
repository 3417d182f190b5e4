"""The small deal network of the stress modules' docstring examples.

An AI lab (``lab``) committed to buy cloud capacity from a cloud provider (``cloud``), announced
on 1 January 2026 and spread evenly over its term. Neither company has figures in the ledger, so
their balance sheets are the role defaults of :mod:`.balance_sheets`: under those the lab cannot
pay a $30B, three-year commitment in its first year.

Example
-------
>>> deals, companies = lab_and_cloud()
>>> deals[["payer_id", "payee_id", "amount_usd_high", "term_years"]].to_dict("records")
[{'payer_id': 'lab', 'payee_id': 'cloud', 'amount_usd_high': 30000000000.0, 'term_years': 3.0}]
"""

from __future__ import annotations

import pandas as pd


def lab_and_cloud(
    amount: float = 30e9, term_years: float = 3.0
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(deals, companies)`` frames (the ledger's ``deals_frame``/``companies_frame`` columns a
    stress run reads) of one cloud commitment of ``amount`` USD over ``term_years`` years."""
    companies = pd.DataFrame(
        {"id": ["lab", "cloud"], "name": ["Lab", "Cloud"], "role": ["ai_lab", "cloud"]}
    )
    deals = pd.DataFrame(
        {
            "id": ["c1"],
            "payer_id": ["lab"],
            "payee_id": ["cloud"],
            "kind": ["cloud_commitment"],
            "amount_usd_low": [amount],
            "amount_usd_high": [amount],
            "up_to": [False],
            "usd_basis": ["stated"],
            "status": ["announced"],
            "announced": [pd.Timestamp("2026-01-01")],
            "term_start": [pd.NaT],
            "term_years": [term_years],
            "stake_pct": [float("nan")],
        }
    )
    return deals, companies
