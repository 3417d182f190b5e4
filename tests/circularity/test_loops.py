"""Loops: exact enumeration (checked against networkx), caps, and properties."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from dealweb.circularity.loops import cycle_search, find_loops
from dealweb.circularity.network import FlowNetwork, build_network, example_deals


def _canon(cycle: list) -> tuple:  # rotation starting at the smallest label
    k = cycle.index(min(cycle))
    return tuple(cycle[k:] + cycle[:k])


@st.composite
def networks(draw: st.DrawFn, max_nodes: int = 7) -> np.ndarray:
    n = draw(st.integers(2, max_nodes))
    cells = draw(st.lists(st.sampled_from([0.0, 0.0, 1.0, 2.5, 7.0, 40.0]),
                          min_size=n * n, max_size=n * n))
    m = np.array(cells).reshape(n, n)
    np.fill_diagonal(m, 0.0)
    return m


@settings(max_examples=150, deadline=None)
@given(networks(), st.integers(2, 7))
def test_cycles_match_networkx_simple_cycles(m: np.ndarray, bound: int) -> None:
    got = [_canon(c) for c in cycle_search(sp.csr_array(m), max_length=bound)[0]]
    expected = {_canon(c) for c in nx.simple_cycles(nx.DiGraph(m), length_bound=bound)}
    assert len(got) == len(set(got))  # each cycle once
    assert set(got) == expected


@settings(max_examples=100, deadline=None)
@given(networks())
def test_circular_amount_never_exceeds_an_edge(m: np.ndarray) -> None:
    src, dst = np.nonzero(m)
    net = FlowNetwork.from_edges(src, dst, m[src, dst])
    loops = find_loops(net)
    for row in loops.itertuples():
        assert row.circular_amount <= min(row.edge_amounts) + 1e-12
        assert row.circular_amount == pytest.approx(min(row.edge_amounts))
        assert 0 < row.circular_share <= 1 + 1e-12


@settings(max_examples=60, deadline=None)
@given(networks(), st.randoms(use_true_random=False))
def test_loops_invariant_to_relabelling(m: np.ndarray, rnd) -> None:  # noqa: ANN001
    src, dst = np.nonzero(m)
    net = FlowNetwork.from_edges([f"c{i}" for i in src], [f"c{j}" for j in dst], m[src, dst])
    order = list(range(net.n_nodes))
    rnd.shuffle(order)
    a, b = find_loops(net), find_loops(net.relabel(order))

    def key(frame):  # noqa: ANN001, ANN202
        return sorted((_canon(c.split(",")), round(x, 9)) for c, x in
                      zip(frame["companies"], frame["circular_amount"], strict=True))

    assert key(a) == key(b)


def test_toy_loop_with_deals() -> None:
    loops = find_loops(build_network(example_deals()), company="A")
    assert list(loops["loop"]) == ["A → B → C → A"]
    row = loops.iloc[0]
    assert row["circular_amount"] == 1e9  # bottleneck: up to $2B at mid = $1B
    assert row["deals"] == "a-b-equity | b-c-cloud | c-a-chips"
    assert row["circular_share"] == pytest.approx(3 * 1e9 / 16e9)


def test_cap_stops_the_search_with_a_note() -> None:
    rng = np.random.default_rng(0)
    n, m = 400, 4000
    src, dst = rng.integers(0, n, m), rng.integers(0, n, m)
    keep = src != dst
    net = FlowNetwork.from_edges(src[keep], dst[keep], rng.random(keep.sum()) + 0.1)
    loops = find_loops(net, max_cycles=50)
    assert len(loops) == 50
    assert loops.attrs["capped"] and "capped" in loops.attrs["note"]
    assert not find_loops(build_network(example_deals())).attrs["capped"]


def test_max_length_and_unknown_company() -> None:
    net = build_network(example_deals())
    assert find_loops(net, max_length=2).empty
    with pytest.raises(KeyError, match="no money flows"):
        find_loops(net, company="Nobody")
    with pytest.raises(ValueError):
        find_loops(net, max_length=1)
