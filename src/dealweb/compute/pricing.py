"""Dollar value of capacity stated in gigawatts, and gigawatts bought by a dollar amount.

This is the single entry point every analysis uses to give a GW-only deal a dollar range
(``Ledger.deals_frame`` calls :func:`price_gigawatts`); the numbers come from the sourced cost
model in :mod:`dealweb.compute.costmodel`, whose identity (:func:`cost_model_info`) each result
records.

Example
-------
>>> low, high = price_gigawatts(1.0)
>>> low <= 20e9 <= 25e9 <= high
True
>>> gw_low, gw_high = gigawatts_for_usd(1.4e12, generation="vera-rubin")
>>> round(gw_low, 1), round(gw_high, 1)
(23.3, 29.8)
"""

from __future__ import annotations

import math
import re

import pandas as pd

from dealweb.compute.costmodel import (
    COMPONENTS,
    CostModel,
    cost_model_info,
    get_cost_model,
)

__all__ = [
    "price_gigawatts",
    "gigawatts_for_usd",
    "generation_for_text",
    "parse_quantity",
    "gigawatt_conversion",
    "usd_conversion",
    "cost_model_info",
]

_SCALE = {
    "": 1.0, "K": 1e3, "THOUSAND": 1e3, "M": 1e6, "MN": 1e6, "MILLION": 1e6, "B": 1e9,
    "BN": 1e9, "BILLION": 1e9, "T": 1e12, "TN": 1e12, "TRILLION": 1e12,
}
_POWER = {
    "W": 1e-9, "KW": 1e-6, "MW": 1e-3, "GW": 1.0, "TW": 1e3, "MEGAWATT": 1e-3,
    "MEGAWATTS": 1e-3, "GIGAWATT": 1.0, "GIGAWATTS": 1.0,
}


def _check_amount(value: float, what: str) -> float:
    value = float(value)
    if math.isnan(value) or math.isinf(value) or value < 0:
        raise ValueError(f"{what} must be a finite non-negative number, got {value}")
    return value


def price_gigawatts(
    gigawatts: float,
    *,
    generation: str | None = None,
    year: int | None = None,
    model: CostModel | None = None,
) -> tuple[float, float]:
    """Return the (low, high) USD capex of ``gigawatts`` of AI compute capacity.

    Parameters
    ----------
    gigawatts: capacity as stated by the deal (read as IT load).
    generation: a generation key or alias of the cost model (``vera-rubin``, ``gb200``, ``tpu``…),
        or several joined by ``+`` for the envelope; None = the model's default (all-in 2025).
    year: deployment year, used only through the model's ``year_defaults``.
    model: a cost model; default the one in use (:func:`~dealweb.compute.costmodel.get_cost_model`).

    >>> price_gigawatts(2.0, generation="blackwell")
    (70000000000.0, 100000000000.0)
    """
    gigawatts = _check_amount(gigawatts, "gigawatts")
    low, high = (model or get_cost_model()).capex_per_gw(generation, year).total
    return gigawatts * low, gigawatts * high


def gigawatts_for_usd(
    usd: float,
    *,
    generation: str | None = None,
    year: int | None = None,
    model: CostModel | None = None,
) -> tuple[float, float]:
    """Gigawatts (low, high) that ``usd`` of all-in capex buys: usd / high cost, usd / low cost."""
    usd = _check_amount(usd, "usd")
    low, high = (model or get_cost_model()).capex_per_gw(generation, year).total
    return usd / high, usd / low


def generation_for_text(text: str | None, model: CostModel | None = None) -> str | None:
    """Hardware generations named in a deal's text, for :func:`price_gigawatts` (or None)."""
    return (model or get_cost_model()).generation_for_text(text)


def parse_quantity(text: str) -> tuple[float, str]:
    """Parse '1GW', '500 MW', '1.4T', '$20B', '350M', '3e9' into (value, 'GW' | 'USD').

    Power is returned in GW, money in USD. A bare number is USD.

    >>> parse_quantity("500MW")
    (0.5, 'GW')
    >>> parse_quantity("$1.4T")
    (1400000000000.0, 'USD')
    """
    raw = str(text).strip()
    m = re.fullmatch(
        r"\$?\s*([0-9][0-9,_]*(?:\.[0-9]+)?(?:e[+-]?[0-9]+)?)\s*([A-Za-z]*)(?:\s+dollars)?",
        raw,
        re.IGNORECASE,
    )
    if not m and re.fullmatch(r"-\s*\$?\s*[0-9.,_]+(?:e[+-]?[0-9]+)?\s*[A-Za-z]*", raw, re.I):
        raise ValueError(f"a quantity cannot be negative, got {raw!r}")
    if not m:
        raise ValueError(
            f"cannot read quantity {raw!r}: expected a number with a unit, e.g. 1GW, 500MW, "
            f"1.4T, $20B, 350M"
        )
    number = float(m.group(1).replace(",", "").replace("_", ""))
    unit = m.group(2).upper()
    if unit in _POWER:
        return number * _POWER[unit], "GW"
    if unit in _SCALE:
        return number * _SCALE[unit], "USD"
    raise ValueError(
        f"unknown unit {m.group(2)!r} in {raw!r}: expected W, kW, MW, GW, TW or K, M, B, T"
    )


def gigawatt_conversion(
    gigawatts: float,
    *,
    generation: str | None = None,
    year: int | None = None,
    model: CostModel | None = None,
) -> pd.DataFrame:
    """Capex of ``gigawatts`` per component plus the energy bill per year, as a table.

    Columns: item, low, high (USD).
    """
    gigawatts = _check_amount(gigawatts, "gigawatts")
    model = model or get_cost_model()
    b = model.capex_per_gw(generation, year)
    e_lo, e_hi = model.energy_per_gw_year()
    rows = [
        {"item": name.replace("_", " "), "low": gigawatts * b.component(name)[0],
         "high": gigawatts * b.component(name)[1]}
        for name in COMPONENTS
    ]
    rows.append(
        {"item": "total capex", "low": gigawatts * b.total[0], "high": gigawatts * b.total[1]}
    )
    rows.append({"item": "energy per year", "low": gigawatts * e_lo, "high": gigawatts * e_hi})
    return pd.DataFrame(rows, columns=["item", "low", "high"])


def usd_conversion(
    usd: float,
    *,
    against_gigawatts: float | None = None,
    generation: str | None = None,
    year: int | None = None,
    model: CostModel | None = None,
) -> pd.DataFrame:
    """What ``usd`` buys under each generation (or the chosen one): GW range and $/GW range.

    ``year`` narrows to the generation of that year only if the model's ``year_defaults`` has it.

    With ``against_gigawatts`` (e.g. OpenAI's $1.4T for 30 GW) each row also shows the implied
    $/GW and whether it lies inside the model's range.
    """
    usd = _check_amount(usd, "usd")
    model = model or get_cost_model()
    chosen = generation or (year is not None and int(year) in model.year_defaults)
    keys = model.resolve(generation, year) if chosen else list(model.generations)
    implied = None
    if against_gigawatts is not None:
        if _check_amount(against_gigawatts, "gigawatts") == 0:
            raise ValueError("--against gigawatts must be greater than 0")
        implied = usd / against_gigawatts
    rows = []
    for key in keys:
        lo, hi = model.breakdown(key).total
        row = {
            "generation": key,
            "usd_per_gw_low": lo,
            "usd_per_gw_high": hi,
            "gigawatts_low": usd / hi,
            "gigawatts_high": usd / lo,
        }
        if implied is not None:
            row["implied_usd_per_gw"] = implied
            row["implied_vs_model"] = (
                "inside" if lo <= implied <= hi else ("above" if implied > hi else "below")
            )
        rows.append(row)
    return pd.DataFrame(rows)
