"""Dollar value of capacity stated in gigawatts.

This is the single entry point every analysis uses to give a GW-only deal a dollar range; the
cost model behind it lives in :mod:`dealweb.compute` and records itself in each result.
"""

from __future__ import annotations

# Industry executives' all-in estimate quoted in the Nov 2025 Microsoft–Nvidia–Anthropic coverage
# (chips, data centre and infrastructure): $20–25B per GW. Source in shared/data
# company_figures_reference.csv (cost_per_gw_total_low/high).
DEFAULT_USD_PER_GW = (20e9, 25e9)


def price_gigawatts(
    gigawatts: float, *, generation: str | None = None, year: int | None = None
) -> tuple[float, float]:
    """Return the (low, high) USD value of ``gigawatts`` of AI compute capacity."""
    if gigawatts < 0:
        raise ValueError(f"gigawatts must be non-negative, got {gigawatts}")
    low, high = DEFAULT_USD_PER_GW
    return gigawatts * low, gigawatts * high
