"""Hand-made frames in the ledger's DataFrame contract, built from the shared reference CSVs.

The ledger (``dealweb.open``) is another area; these fixtures let the compute tests run on the
published contract (:mod:`dealweb.ledger.frames`) without it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from dealweb.compute.pricing import price_gigawatts
from dealweb.ledger.frames import DEAL_COLUMNS, FIGURE_COLUMNS

# shared/ lies beside the repository (in CI too).
SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"


def make_deals(rows: list[dict]) -> pd.DataFrame:
    """A deals_frame from partial rows (missing columns get neutral values)."""
    defaults = {
        "date_precision": "day", "payee": None, "payee_id": None, "amount_usd_low": np.nan,
        "amount_usd_high": np.nan, "up_to": False, "usd_basis": "stated", "gigawatts": np.nan,
        "currency": "USD", "amount_stated": None, "term_start": pd.NaT, "term_years": np.nan,
        "stake_pct": np.nan, "status": "announced", "source_url": "https://example.org/x",
        "n_sources": 1, "tags": "",
    }
    frame = pd.DataFrame([{**defaults, **r} for r in rows])
    frame["announced"] = pd.to_datetime(frame["announced"], format="mixed")
    frame["term_start"] = pd.to_datetime(frame["term_start"], format="mixed")
    for col in ("amount_usd_low", "amount_usd_high", "gigawatts", "term_years"):
        frame[col] = frame[col].astype(float)
    return frame[DEAL_COLUMNS]


def reference_deals() -> pd.DataFrame:
    """The shared ai_deals_reference.csv as a deals_frame, GW-only deals priced like the ledger."""
    ref = pd.read_csv(SHARED / "ai_deals_reference.csv").drop_duplicates("id")
    rows = []
    for r in ref.itertuples(index=False):
        low, high, basis = r.amount_usd_low, r.amount_usd_high, "stated"
        if pd.isna(low) and pd.isna(high) and not pd.isna(r.gigawatts):
            low, high = price_gigawatts(r.gigawatts)
            basis = "gw_estimate"
        rows.append({
            "id": r.id, "announced": str(r.announced), "payer": r.payer,
            "payer_id": r.payer.lower(),
            "payee": None if pd.isna(r.payee) else r.payee,
            "payee_id": None if pd.isna(r.payee) else r.payee.lower(),
            "kind": r.kind, "amount_usd_low": low, "amount_usd_high": high,
            "up_to": bool(r.up_to), "usd_basis": basis, "gigawatts": r.gigawatts,
            "term_years": r.term_years, "status": r.status, "source_url": r.source_url,
        })
    return make_deals(rows)


def reference_figures() -> pd.DataFrame:
    ref = pd.read_csv(SHARED / "company_figures_reference.csv")
    name = np.where(ref["figure"].str.startswith("revenue"), "revenue", "other")
    frame = pd.DataFrame({
        "company_id": ref["company"].str.lower(), "company": ref["company"], "name": name,
        "label": ref["figure"], "value_usd": ref["value_usd"].astype(float),
        "as_of": ref["as_of"].astype(str), "period": None, "counterparty": None,
        "source_url": ref["source_url"], "note": ref["note"],
    })
    return frame[FIGURE_COLUMNS]
