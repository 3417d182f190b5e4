"""Compute economics: gigawatts to dollars and back, and the revenue the build-out needs.

* :func:`price_gigawatts` / :func:`gigawatts_for_usd` — conversions with the sourced cost model;
* :func:`cost_model_info` — name, version and hash of the cost model in use, for every result;
* :func:`revenue_gap` — annual revenue committed compute needs vs the revenue in the data.
"""

from dealweb.compute.costmodel import (
    CostModel,
    cost_model_info,
    get_cost_model,
    load_cost_model,
    set_cost_model,
    use_cost_model,
)
from dealweb.compute.pricing import generation_for_text, gigawatts_for_usd, price_gigawatts
from dealweb.compute.revenue_gap import GapAssumptions, GapResult, revenue_gap

__all__ = [
    "CostModel",
    "GapAssumptions",
    "GapResult",
    "cost_model_info",
    "generation_for_text",
    "get_cost_model",
    "gigawatts_for_usd",
    "load_cost_model",
    "price_gigawatts",
    "revenue_gap",
    "set_cost_model",
    "use_cost_model",
]
