"""The tabular contract between the ledger and every analysis.

:meth:`dealweb.ledger.Ledger.deals_frame` returns one row per deal with exactly
:data:`DEAL_COLUMNS` (in that order). Circularity, stress and reports read only these columns,
so they can also be fed a hand-made or synthetic frame.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

DEAL_COLUMNS: list[str] = [
    "id",
    "announced",  # datetime64[ns], first day of the period
    "date_precision",  # day | month | year
    "payer",  # display name
    "payee",  # display name, or None when there is no single counterparty
    "payer_id",
    "payee_id",
    "kind",
    "amount_usd_low",  # float, NaN when not stated
    "amount_usd_high",  # float, NaN when not stated
    "up_to",  # bool
    "usd_basis",  # stated | gw_estimate | none
    "gigawatts",  # float, NaN when not stated
    "currency",  # as stated
    "amount_stated",  # text as stated
    "term_start",  # datetime64[ns] or NaT
    "term_years",  # float or NaN
    "stake_pct",  # float or NaN
    "status",
    "source_url",  # first source
    "n_sources",
    "tags",  # comma-separated
]

COMPANY_COLUMNS: list[str] = ["id", "name", "role", "ticker", "aliases", "n_deals"]

FIGURE_COLUMNS: list[str] = [
    "company_id",
    "company",
    "name",
    "label",
    "value_usd",
    "as_of",
    "period",
    "counterparty",
    "source_url",
    "note",
]

AmountBasis = Literal["low", "mid", "high"]


def deal_amounts(
    frame: pd.DataFrame, basis: AmountBasis = "mid", up_to_floor: float = 0.0
) -> pd.Series:
    """USD amount of each deal on the chosen basis (NaN where the deal has no dollar value).

    ``low`` is the stated floor; for an "up to X" deal with no stated floor it is
    ``up_to_floor * X`` (0 by default: "up to" promises nothing). A deal with only one figure
    that is not "up to" uses it for both ends. ``mid`` is the average of low and high.
    """
    if basis not in ("low", "mid", "high"):
        raise ValueError(f"amount basis must be low, mid or high, got {basis!r}")
    if not 0.0 <= up_to_floor <= 1.0:
        raise ValueError(f"up_to_floor must be in [0, 1], got {up_to_floor}")
    low = frame["amount_usd_low"].astype(float)
    high = frame["amount_usd_high"].astype(float)
    up_to = frame["up_to"].astype(bool)
    low_filled = np.where(low.notna(), low, np.where(up_to, up_to_floor * high, high))
    high_filled = np.where(high.notna(), high, low)
    low_s = pd.Series(low_filled, index=frame.index, dtype=float)
    high_s = pd.Series(high_filled, index=frame.index, dtype=float)
    if basis == "low":
        return low_s
    if basis == "high":
        return high_s
    return (low_s + high_s) / 2.0


#: Tags that mark a deal whose amount restates money already counted elsewhere.
NOT_NEW_MONEY_TAG = "not-new-money"  # e.g. the value of an existing stake
AGGREGATE_TAG = "aggregate"  # an umbrella total (Stargate, "$1.4T for 30 GW") ...
OVERLAPS_TAG = "overlaps"  # ... whose parts are also in the ledger


def double_counted(frame: pd.DataFrame) -> pd.Series:
    """True for deals that would count money twice if added to the others.

    Those are deals tagged ``not-new-money`` (a stake's value, not a payment) and umbrella totals
    tagged both ``aggregate`` and ``overlaps`` (their parts are separate deals). An ``aggregate``
    row without ``overlaps`` (cumulative tranches recorded only once) is real money and stays.
    Analyses leave these out by default and list them as excluded.
    """
    tags = frame["tags"].fillna("").astype(str).map(lambda t: {s.strip() for s in t.split(",")})
    return tags.map(
        lambda s: NOT_NEW_MONEY_TAG in s or (AGGREGATE_TAG in s and OVERLAPS_TAG in s)
    ).astype(bool)
