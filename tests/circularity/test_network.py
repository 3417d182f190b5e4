"""Building the flow network from a hand-made deals frame."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dealweb.circularity.network import (
    FlowNetwork,
    build_network,
    example_deals,
    make_deals_frame,
    parse_date,
)

ROWS = [
    ("ms-oai-1", "2019-07-22", "Microsoft", "OpenAI", "equity_investment", 1e9, 1e9, False),
    ("ms-oai-2", "2023-01-23", "Microsoft", "OpenAI", "equity_investment", 10e9, 10e9, False),
    ("oai-azure", "2025-10-28", "OpenAI", "Microsoft", "cloud_commitment", 250e9, 250e9, False),
    ("ms-ant", "2025-11-18", "Microsoft", "Anthropic", "equity_investment", None, 5e9, True),
    ("ant-ms-dist", "2025-11-18", "Anthropic", "Microsoft", "distribution", None, None, False),
    ("x-y-cancel", "2024-01-01", "X", "Y", "loan", 7e9, 7e9, False),
    ("oai-none", "2025-01-01", "OpenAI", None, "compute_capacity", 1.4e12, 1.4e12, False),
]


def deals() -> pd.DataFrame:
    frame = make_deals_frame(ROWS)
    frame.loc[frame["id"] == "x-y-cancel", "status"] = "cancelled"
    return frame


def test_parallel_deals_are_summed_and_remember_their_ids() -> None:
    net = build_network(deals())
    i, j = net.index("Microsoft"), net.index("openai")
    assert net.matrix[i, j] == pytest.approx(11e9)
    assert net.edge_deals()[(i, j)] == ("ms-oai-1", "ms-oai-2")


def test_defaults_exclude_distribution_cancelled_and_no_counterparty() -> None:
    net = build_network(deals())
    reasons = dict(zip(net.excluded["id"], net.excluded["reason"], strict=True))
    assert reasons["ant-ms-dist"] == "kind not counted as a money flow"
    assert reasons["x-y-cancel"] == "status not counted"
    assert reasons["oai-none"] == "no single counterparty"
    assert "X" not in set(net.names)


def test_amount_basis_low_mid_high_on_up_to_deal() -> None:
    values = {b: build_network(deals(), basis=b) for b in ("low", "mid", "high")}
    ms, ant = "Microsoft", "Anthropic"
    # "up to $5B": nothing promised at the low end, so no edge at all.
    with pytest.raises(KeyError):
        values["low"].index(ant)
    assert values["mid"].matrix[values["mid"].index(ms), values["mid"].index(ant)] == 2.5e9
    assert values["high"].matrix[values["high"].index(ms), values["high"].index(ant)] == 5e9


def test_as_of_keeps_deals_announced_by_the_end_of_the_period() -> None:
    assert build_network(deals(), as_of="2019").gross() == pytest.approx(1e9)
    assert build_network(deals(), as_of="2023-01").gross() == pytest.approx(11e9)
    assert parse_date("2023-02") == pd.Timestamp("2023-02-28")
    with pytest.raises(ValueError, match="YYYY"):
        build_network(deals(), as_of="last tuesday")


def test_gigawatt_deals_priced_and_user_override() -> None:
    frame = make_deals_frame(
        [("ant-nv-1gw", "2025-11-18", "Anthropic", "Nvidia", "compute_capacity", None, 25e9,
          True)])
    frame["usd_basis"] = "gw_estimate"
    frame["gigawatts"] = 1.0
    assert build_network(frame, basis="high").gross() == 25e9
    net = build_network(frame, basis="high", usd_per_gw=(30e9, 35e9))
    assert net.gross() == 35e9
    assert build_network(frame, basis="low", usd_per_gw=(30e9, 35e9)).gross() == 30e9


def test_annualize_divides_by_term_and_drops_finished_terms() -> None:
    frame = make_deals_frame(
        [("a-b", "2020-01-01", "A", "B", "cloud_commitment", 10e9, 10e9, False),
         ("c-d", "2024-01-01", "C", "D", "cloud_commitment", 6e9, 6e9, False)])
    frame["term_years"] = [2.0, 3.0]
    net = build_network(frame, annualize=True, as_of="2025-06-30")
    assert net.gross() == pytest.approx(2e9)  # a-b ended in 2022
    assert build_network(frame, annualize=True).gross() == pytest.approx(7e9)


def test_missing_column_and_unknown_kind_are_clear_errors() -> None:
    with pytest.raises(ValueError, match="missing column.*payer_id"):
        build_network(deals().drop(columns=["payer_id"]))
    with pytest.raises(ValueError, match="unknown deal kind"):
        build_network(deals(), kinds=["equity", "loan"])


def test_conversions_keep_labels_and_weights() -> None:
    net = build_network(example_deals())
    adj = net.to_pandas()
    assert adj.loc["A", "B"] == 5e9
    graph = net.to_networkx()
    assert graph["B"]["C"]["weight"] == 10e9
    assert graph["B"]["C"]["deal_ids"] == ("b-c-cloud",)


def test_from_edges_and_relabel() -> None:
    net = FlowNetwork.from_edges([0, 1, 1], [1, 0, 0], [1.0, 2.0, 3.0])
    assert net.matrix[1, 0] == 5.0
    swapped = net.relabel([1, 0])
    assert swapped.matrix[0, 1] == 5.0 and list(swapped.ids) == ["1", "0"]
    np.testing.assert_array_equal(swapped.edges["src"].to_numpy(), [1, 0])
