"""How a circularity measure moved over time.

Every measure is computed on the network as of a date (deals announced on or before it, see
:func:`dealweb.circularity.network.build_network`), at yearly or quarterly points. Deal status
is the status recorded now: a deal cancelled later is left out of earlier points too (use the
ledger's revision history, ``Ledger.deals_frame(as_of=…)``, for the ledger as it was recorded).

Measures (:data:`MEASURES`):

=====================  =====================================================================
``fci``                Finn cycling index of the whole network
``circular-share``     share of announced dollars that is circular (conservative compression)
``net-new-share``      share of announced dollars that is net new money
``gross``              total announced dollars in the network
``roundtrip-share``    company: round-tripped share of its inflow
``roundtrip``          company: round-tripped dollars
``hhi-in``/``hhi-out`` company: Herfindahl index of its inflows / outflows
``top-share-in/out``   company: largest counterparty's share of its inflows / outflows
``counterparty-share`` company's outflows to ``counterparty`` as a share of its outflows
                       (of those to companies of role ``among_role`` when given, e.g. the
                       share of Microsoft's AI-lab exposure that is OpenAI)
``revenue-multiple``   company: outflows / latest revenue figure
=====================  =====================================================================

Example
-------
>>> from dealweb.circularity.network import example_deals
>>> t = timeline(example_deals(), "gross", start="2024-01", end="2024-12", freq="quarter")
>>> [round(v / 1e9, 1) for v in t["value"]]
[15.0, 16.0, 16.0, 16.0]
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from dealweb.circularity.compression import compression_summary
from dealweb.circularity.concentration import concentration, counterparty_share
from dealweb.circularity.finn import network_cycling
from dealweb.circularity.network import FlowNetwork, build_network, parse_date
from dealweb.circularity.roundtrip import round_tripped

NETWORK_MEASURES = ("fci", "circular-share", "net-new-share", "gross")
COMPANY_MEASURES = (
    "roundtrip-share",
    "roundtrip",
    "hhi-in",
    "hhi-out",
    "top-share-in",
    "top-share-out",
    "counterparty-share",
    "revenue-multiple",
)
MEASURES = NETWORK_MEASURES + COMPANY_MEASURES


def time_points(start: Any, end: Any, freq: str = "year") -> list[pd.Timestamp]:
    """Period ends from ``start`` to ``end`` (inclusive; ``end`` itself closes the list).

    >>> [d.date().isoformat() for d in time_points("2023", "2025-03-10")]
    ['2023-12-31', '2024-12-31', '2025-03-10']
    """
    if freq not in ("year", "quarter"):
        raise ValueError(f"freq must be year or quarter, got {freq!r}")
    lo = parse_date(start)
    hi = parse_date(end) or pd.Timestamp.today().normalize()
    if lo is None or lo > hi:
        shown = f"{end!r}" if parse_date(end) is not None else f"today ({hi.date().isoformat()})"
        raise ValueError(f"timeline start {start!r} must be a date before the end {shown}")
    rule = "YE" if freq == "year" else "QE"
    points = list(pd.date_range(lo, hi, freq=rule))
    if not points or points[-1] < hi:
        points.append(hi)
    return points


def _network_value(measure: str) -> Callable[[FlowNetwork], float]:
    if measure == "fci":
        return lambda net: network_cycling(net).fci
    if measure == "gross":
        return lambda net: net.gross()
    key = "circular_share" if measure == "circular-share" else "net_new_share"
    return lambda net: float(compression_summary(net).loc[0, key])


def _company_value(
    net: FlowNetwork,
    measure: str,
    company: str,
    counterparty: str | None,
    among: set[str] | None,
    figures: pd.DataFrame | None,
) -> float:
    try:
        net.index(company)
    except KeyError:
        return float("nan")  # no flows yet at this date
    if measure in ("roundtrip-share", "roundtrip"):
        row = round_tripped(net, company=company).iloc[0]
        return float(row["share_of_inflow" if measure == "roundtrip-share" else "round_tripped"])
    if measure == "counterparty-share":
        return counterparty_share(net, company, counterparty or "", among=among)[0]
    row = concentration(net, figures, company=company).iloc[0]
    column = {
        "hhi-in": "hhi_in",
        "hhi-out": "hhi_out",
        "top-share-in": "top_payer_share",
        "top-share-out": "top_payee_share",
        "revenue-multiple": "commitments_to_revenue",
    }[measure]
    return float(row[column])


def timeline(
    deals: pd.DataFrame,
    measure: str,
    *,
    company: str | None = None,
    counterparty: str | None = None,
    among_role: str | None = None,
    companies: pd.DataFrame | None = None,
    figures: pd.DataFrame | None = None,
    start: Any = None,
    end: Any = None,
    freq: str = "year",
    progress: bool = False,
    **network_options: Any,
) -> pd.DataFrame:
    """A measure at yearly or quarterly points: columns ``date``, ``measure``, ``company``,
    ``value``.

    Parameters
    ----------
    deals:
        Deals frame (``DEAL_COLUMNS``).
    measure:
        One of :data:`MEASURES`.
    company, counterparty:
        Needed by company measures / ``counterparty-share``.
    among_role, companies:
        For ``counterparty-share``: only counterparties with this role in ``companies``
        (``Ledger.companies_frame()``).
    figures:
        ``Ledger.figures_frame()``, for ``revenue-multiple``.
    start, end, freq:
        First and last date (default: the year of the first deal to today), ``year`` or
        ``quarter``.
    progress:
        Show a progress bar over the dates (only on a terminal).
    network_options:
        Passed to :func:`~dealweb.circularity.network.build_network` (basis, annualize, …).
    """
    if measure not in MEASURES:
        raise ValueError(f"unknown measure {measure!r}; expected one of {', '.join(MEASURES)}")
    if measure in COMPANY_MEASURES and not company:
        raise ValueError(f"measure {measure!r} needs a company (--company)")
    if measure == "counterparty-share" and not counterparty:
        raise ValueError("measure 'counterparty-share' needs a counterparty (--counterparty)")
    among: set[str] | None = None
    if among_role is not None:
        if companies is None:
            raise ValueError("among_role needs the companies frame (roles)")
        roles = set(companies["role"].astype(str))
        if among_role not in roles:
            raise ValueError(f"unknown role {among_role!r}; roles in the ledger: {sorted(roles)}")
        among = set(companies.loc[companies["role"].astype(str) == among_role, "id"].astype(str))
    if start is None:
        first = pd.to_datetime(deals["announced"]).min()
        if pd.isna(first):
            raise ValueError("no deals to draw a timeline from")
        start = str(first.year)
    rows = []
    points = time_points(start, end, freq)
    if progress:
        from rich.console import Console
        from rich.progress import track

        points = track(points, description=f"{measure} over time",
                       disable=not Console(stderr=True).is_terminal,
                       console=Console(stderr=True), transient=True)
    for when in points:
        net = build_network(deals, as_of=when, **network_options)
        if measure in NETWORK_MEASURES:
            value = _network_value(measure)(net) if net.n_edges else float("nan")
        else:
            value = _company_value(net, measure, company or "", counterparty, among, figures)
        rows.append({"date": when.date().isoformat(), "measure": measure,
                     "company": company, "value": value})
    frame = pd.DataFrame(rows, columns=["date", "measure", "company", "value"])
    frame["value"] = frame["value"].astype(float)
    if measure == "gross":
        frame.loc[frame["value"].isna(), "value"] = 0.0
    frame.attrs["params"] = {"measure": measure, "company": company,
                             "counterparty": counterparty, "among_role": among_role,
                             "freq": freq, **network_options}
    return frame


__all__ = ["MEASURES", "timeline", "time_points"]
