"""Stylised balance sheets of the companies in the deal network, read from the ledger's figures.

A stress test needs, for every company, the money it can use to pay what it owes:

* ``revenue`` — external (outside-the-network) revenue per year, annualised;
* ``cash`` — cash and liquid securities at the start of the horizon;
* ``debt`` — debt owed to creditors outside the network, serviced over ``debt_term_years``;
* ``equity_value`` — market capitalisation (listed) or last private valuation: the equity buffer
  that absorbs losses, and what an investor's stake is worth;
* ``cash_margin`` — the share of external revenue left to pay network obligations and debt after
  the company's other operating costs (staff, power, capex outside the deal network). From the
  ledger it is ``operating_cash_flow / revenue`` of the same year: cash from operations before
  capex, which is where a chipmaker's or cloud's purchases in the deal network are paid from.

Each value comes from the ledger's figures (:data:`dealweb.ledger.frames.FIGURE_COLUMNS`) when
one exists, from a scenario override when the scenario gives one, and otherwise from the
**documented defaults by role** in :data:`ROLE_DEFAULTS`. Defaults are never silent: every
balance sheet records which of its fields came from them (``defaults_used``) and the CLI prints
the list.

Example
-------
>>> import pandas as pd
>>> companies = pd.DataFrame({"id": ["lab"], "name": ["Lab"], "role": ["ai_lab"]})
>>> figures = pd.DataFrame({"company_id": ["lab"], "name": ["revenue"], "label": [None],
...     "value_usd": [4e9], "as_of": ["2025"], "period": ["FY2025"]})
>>> sheets = build_balance_sheets(companies, figures)
>>> float(sheets.loc["lab", "revenue"]), sheets.loc["lab", "revenue_source"]
(4000000000.0, 'figure')
>>> sheets.loc["lab", "defaults_used"]
'cash, debt, equity_value, cash_margin'
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import numpy as np
import pandas as pd

#: Balance-sheet fields, in output order.
FIELDS: tuple[str, ...] = ("revenue", "cash", "debt", "equity_value", "cash_margin")

#: Documented defaults by company role, used only when neither the ledger nor the scenario gives a
#: value. They are order-of-magnitude placeholders for a *typical* company of that role in
#: 2025 (hyperscalers and chipmakers earn tens to hundreds of billions a year; labs and neoclouds a
#: few billion), chosen so a missing figure neither makes a company fail nor makes it
#: invulnerable. ``cash_margin`` is an operating-cash-flow margin: the share of external revenue
#: left after costs that are not deals in the network. Override any of them in a scenario
#: (``balance_sheets.defaults`` or per company in ``balance_sheets.overrides``).
ROLE_DEFAULTS: dict[str, dict[str, float]] = {
    "ai_lab": {"revenue": 1e9, "cash": 5e9, "debt": 0.0, "equity_value": 20e9, "cash_margin": 0.6},
    "cloud": {
        "revenue": 100e9,
        "cash": 50e9,
        "debt": 50e9,
        "equity_value": 1e12,
        "cash_margin": 0.35,
    },
    "chipmaker": {
        "revenue": 50e9,
        "cash": 20e9,
        "debt": 10e9,
        "equity_value": 300e9,
        "cash_margin": 0.4,
    },
    "neocloud": {
        "revenue": 2e9,
        "cash": 1e9,
        "debt": 5e9,
        "equity_value": 20e9,
        "cash_margin": 0.6,
    },
    "investor": {
        "revenue": 5e9,
        "cash": 30e9,
        "debt": 20e9,
        "equity_value": 100e9,
        "cash_margin": 1.0,
    },
    "other": {"revenue": 10e9, "cash": 5e9, "debt": 5e9, "equity_value": 50e9, "cash_margin": 0.3},
}

#: Which ledger figures feed which field, in order of preference. ``revenue`` prefers a reported
#: total revenue (all of it is available to pay obligations) over an AI-only run rate.
FIGURE_PREFERENCE: dict[str, tuple[str, ...]] = {
    "revenue": ("revenue", "ai_revenue_run_rate"),
    "cash": ("cash",),
    "debt": ("debt",),
    "equity_value": ("market_value", "valuation"),
}
# ``cash_margin`` has no figure of its own: it is ``operating_cash_flow / revenue`` of the same
# year (:func:`_cash_margin`).

_QUARTER_RE = re.compile(r"(^|[^a-z])(q[1-4])([^a-z0-9]|$)", re.IGNORECASE)
_HALF_RE = re.compile(r"(^|[^a-z])(h[12])([^a-z0-9]|$)", re.IGNORECASE)


def annualisation_factor(period: object, label: object) -> float:
    """Factor turning a figure for ``period`` into a yearly one (4 for a quarter, 2 for a half).

    >>> annualisation_factor("2025-Q2", None), annualisation_factor(None, "revenue_h1_2025")
    (4.0, 2.0)
    >>> annualisation_factor("FY2025", "annualized run rate")
    1.0
    """
    text = " ".join(str(x) for x in (period, label) if isinstance(x, str))
    if _QUARTER_RE.search(text):
        return 4.0
    if _HALF_RE.search(text):
        return 2.0
    return 1.0


def _latest_figures(figures: pd.DataFrame) -> pd.DataFrame:
    """One row per (company_id, figure name): the latest reported ``as_of`` (a projection only
    when nothing was reported), annualised where needed."""
    if figures is None or figures.empty:
        return pd.DataFrame(columns=["company_id", "name", "value", "as_of_key"])
    f = figures.loc[figures["value_usd"].notna() & figures["company_id"].notna()].copy()
    f["as_of_key"] = f["as_of"].astype(str).str.pad(10, side="right", fillchar="0")
    label = f["label"] if "label" in f else pd.Series(None, index=f.index)
    period = f["period"] if "period" in f else pd.Series(None, index=f.index)
    f["projected"] = label.fillna("").astype(str).str.contains("project|expect|forecast|guid")
    factors = [annualisation_factor(p, lab) for p, lab in zip(period, label, strict=True)]
    is_flow = f["name"].isin(["revenue", "ai_revenue_run_rate", "operating_cash_flow"]).to_numpy()
    f["value"] = f["value_usd"].astype(float) * np.where(is_flow, factors, 1.0)
    # reported figures beat projections (guidance, expectations) whatever their dates; among
    # equals the latest wins
    f = f.sort_values(
        ["company_id", "name", "projected", "as_of_key"], ascending=[True, True, False, True]
    )
    last = f.groupby(["company_id", "name"], as_index=False).last()
    return last[["company_id", "name", "value", "as_of_key"]]


def _cash_margin(known: Mapping[str, float], dates: Mapping[str, str]) -> float | None:
    """Operating cash flow / revenue when the ledger has both for the same year, else None.

    The margin is only meaningful when both come from the same reporting year (they are the two
    ends of one cash-flow statement); figures a year apart would mix a growth phase into it.
    It is bounded to ``[0, 1]``: a negative operating cash flow leaves nothing to pay with.
    """
    if "operating_cash_flow" not in known or known.get("revenue", 0.0) <= 0:
        return None
    if dates["operating_cash_flow"][:4] != dates["revenue"][:4]:
        return None
    return float(np.clip(known["operating_cash_flow"] / known["revenue"], 0.0, 1.0))


def _figure_value(field: str, known: Mapping[str, float], dates: Mapping[str, str]) -> float | None:
    """The ledger's value for a balance-sheet field, or None.

    Fields take the first figure name of :data:`FIGURE_PREFERENCE` present — except that a run
    rate that is both *later and larger* than the last annual revenue replaces it: for a
    fast-growing lab the annualised current revenue is the better estimate of a year's revenue.
    """
    if field == "cash_margin":
        return _cash_margin(known, dates)
    names = [n for n in FIGURE_PREFERENCE.get(field, ()) if n in known]
    if not names:
        return None
    if field == "revenue" and len(names) == 2:
        rev, run = names
        if dates[run] > dates[rev] and known[run] > known[rev]:
            return known[run]
    return known[names[0]]


def build_balance_sheets(
    companies: pd.DataFrame,
    figures: pd.DataFrame | None,
    *,
    overrides: Mapping[str, Mapping[str, float]] | None = None,
    defaults: Mapping[str, Mapping[str, float]] | None = None,
) -> pd.DataFrame:
    """Balance sheet of every company, indexed by company id.

    Parameters
    ----------
    companies:
        Frame with at least ``id``, ``name`` and ``role`` (:data:`COMPANY_COLUMNS`).
    figures:
        Frame with ``company_id``, ``name``, ``value_usd``, ``as_of`` and optionally ``period`` and
        ``label`` (:data:`FIGURE_COLUMNS`); may be empty.
    overrides:
        ``{company_id: {field: value}}`` from a scenario; wins over figures.
    defaults:
        ``{role: {field: value}}`` replacing entries of :data:`ROLE_DEFAULTS`.

    Returns
    -------
    DataFrame with columns ``name``, ``role``, then for each field in :data:`FIELDS` the value and
    ``<field>_source`` (``figure`` | ``scenario`` | ``default``), then ``defaults_used`` (comma-
    separated field names, empty when none).
    """
    role_defaults = {role: dict(values) for role, values in ROLE_DEFAULTS.items()}
    for role, values in (defaults or {}).items():
        role_defaults.setdefault(role, dict(ROLE_DEFAULTS["other"])).update(values)
    overrides = overrides or {}
    unknown = sorted(set(overrides) - set(companies["id"]))
    if unknown:
        raise KeyError(f"balance sheet overrides name unknown companies: {', '.join(unknown)}")

    latest = _latest_figures(figures if figures is not None else pd.DataFrame())
    by_company: dict[str, dict[str, float]] = {}
    dates: dict[str, dict[str, str]] = {}
    for cid, name, value, as_of in latest.itertuples(index=False):
        by_company.setdefault(cid, {})[name] = value
        dates.setdefault(cid, {})[name] = as_of

    rows = []
    for cid, name, role in companies[["id", "name", "role"]].itertuples(index=False):
        role_key = str(role) if str(role) in role_defaults else "other"
        known = by_company.get(cid, {})
        row: dict[str, object] = {"company_id": cid, "name": name, "role": str(role)}
        used = []
        for field in FIELDS:
            figure_value = _figure_value(field, known, dates.get(cid, {}))
            if field in overrides.get(cid, {}):
                value, source = float(overrides[cid][field]), "scenario"
            elif figure_value is not None:
                value, source = float(figure_value), "figure"
            else:
                value, source = float(role_defaults[role_key][field]), "default"
                used.append(field)
            row[field], row[f"{field}_source"] = value, source
        row["defaults_used"] = ", ".join(used)
        rows.append(row)
    columns = ["company_id", "name", "role"]
    for field in FIELDS:
        columns += [field, f"{field}_source"]
    sheets = pd.DataFrame(rows, columns=[*columns, "defaults_used"]).set_index("company_id")
    return sheets


def defaults_report(sheets: pd.DataFrame) -> pd.DataFrame:
    """Companies whose balance sheet used documented defaults, and for which fields."""
    used = sheets.loc[sheets["defaults_used"] != "", ["name", "role", "defaults_used"]]
    return used.reset_index()
