"""Circularity of the deal web: loops, round-tripped revenue, cycling, compression, dependence.

Every function takes a :class:`~dealweb.circularity.network.FlowNetwork` built from a deals
frame (``Ledger.deals_frame()`` or any frame with ``DEAL_COLUMNS``) and returns a DataFrame::

    import dealweb
    from dealweb.circularity import build_network, find_loops
    net = build_network(dealweb.open().deals_frame(), as_of="2025-12-31", basis="mid")
    find_loops(net, company="Anthropic")
"""

from dealweb.circularity.compression import compress, compression_summary
from dealweb.circularity.concentration import concentration, counterparty_share
from dealweb.circularity.finn import cycling, finn_cycling_index, network_cycling
from dealweb.circularity.loops import find_loops
from dealweb.circularity.network import FlowNetwork, build_network
from dealweb.circularity.roundtrip import round_tripped
from dealweb.circularity.timeline import timeline

__all__ = [
    "FlowNetwork",
    "build_network",
    "compress",
    "compression_summary",
    "concentration",
    "counterparty_share",
    "cycling",
    "finn_cycling_index",
    "find_loops",
    "network_cycling",
    "round_tripped",
    "timeline",
]
