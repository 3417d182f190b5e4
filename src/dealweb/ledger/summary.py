"""Headline numbers of a ledger: how many companies and deals, how much money, over what time.

Money is summed as a range: the low end counts each deal's stated floor (an "up to" deal with
no floor counts 0, see :func:`dealweb.ledger.frames.deal_amounts`), the high end its stated
ceiling. Cancelled deals are left out. Deals stated only in gigawatts are summed separately
with the GW cost estimate (:func:`dealweb.compute.price_gigawatts`), never mixed silently into
stated dollars.

Example
-------
>>> s = summarize(dealweb.open())       # doctest: +SKIP
>>> s.stated_low, s.stated_high
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

import pandas as pd

from dealweb.ledger.frames import deal_amounts, double_counted
from dealweb.ledger.store import Ledger


@dataclass
class LedgerSummary:
    companies: int
    deals: int
    by_status: dict[str, int]
    counted_deals: int  # not cancelled
    stated_low: float
    stated_high: float
    n_stated: int
    gw_low: float
    gw_high: float
    n_gw: int
    gigawatts: float
    n_no_amount: int
    n_double_counted: int  # umbrella totals / stake values left out of the totals
    first: dt.date | None
    last: dt.date | None
    by_kind: pd.DataFrame  # kind, deals, with_amount, usd_low, usd_high (stated + GW estimate)

    def as_dict(self) -> dict[str, object]:
        out = asdict(self)
        out["by_kind"] = self.by_kind.to_dict(orient="records")
        out["first"] = self.first.isoformat() if self.first else None
        out["last"] = self.last.isoformat() if self.last else None
        return out


def summarize(ledger: Ledger) -> LedgerSummary:
    """Compute the :class:`LedgerSummary` of ``ledger`` (live deals only)."""
    frame = ledger.deals_frame()
    live = frame[frame["status"] != "cancelled"]
    repeats = double_counted(live)
    live = live[~repeats]
    low = deal_amounts(live, "low").fillna(0.0)
    high = deal_amounts(live, "high").fillna(0.0)
    stated = live["usd_basis"] == "stated"
    gw = live["usd_basis"] == "gw_estimate"
    by_kind = (
        pd.DataFrame({"kind": live["kind"], "usd_low": low, "usd_high": high})
        # deals with no amount add $0 to a kind's sum: say how many carried one
        .assign(deals=1, with_amount=(live["usd_basis"] != "none").astype(int))
        .groupby("kind", as_index=False)[["deals", "with_amount", "usd_low", "usd_high"]]
        .sum()
        .sort_values(["usd_high", "kind"], ascending=[False, True], ignore_index=True)
    )
    dates = frame["announced"]
    return LedgerSummary(
        companies=len(ledger.companies()),
        deals=len(frame),
        by_status=frame["status"].value_counts().sort_index().to_dict(),
        counted_deals=len(live),
        stated_low=float(low[stated].sum()),
        stated_high=float(high[stated].sum()),
        n_stated=int(stated.sum()),
        gw_low=float(low[gw].sum()),
        gw_high=float(high[gw].sum()),
        n_gw=int(gw.sum()),
        gigawatts=float(live.loc[gw, "gigawatts"].sum()),
        n_no_amount=int((live["usd_basis"] == "none").sum()),
        n_double_counted=int(repeats.sum()),
        first=dates.min().date() if len(dates) else None,
        last=dates.max().date() if len(dates) else None,
        by_kind=by_kind,
    )
