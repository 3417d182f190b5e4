"""Round-tripped revenue: hand-worked cases, an independent first-passage solve, bounds."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from dealweb.circularity.finn import network_cycling
from dealweb.circularity.network import FlowNetwork, build_network, example_deals, make_deals_frame
from dealweb.circularity.roundtrip import round_tripped


def first_passage_return(m: np.ndarray, c: int) -> float:
    """Independent formulation: solve for hitting probabilities h of node c with c absorbing,
    ``(I - P_{-c,-c}) h = P_{-c,c}``, then ``R_c = Σ_j F[c, j] h_j``."""
    t = np.maximum(m.sum(0), m.sum(1))
    p = np.divide(m, t[:, None], out=np.zeros_like(m), where=t[:, None] > 0)
    others = [k for k in range(m.shape[0]) if k != c]
    a = np.eye(len(others)) - p[np.ix_(others, others)]
    h = np.linalg.solve(a, p[others, c])
    return float(m[c, others] @ h)


def test_investor_that_is_paid_back_by_its_investee() -> None:
    # Microsoft invests $2.5B (mid of up to $5B) in Anthropic; Anthropic commits $30B to Azure.
    frame = make_deals_frame([
        ("ms-ant", "2025-11-18", "Microsoft", "Anthropic", "equity_investment", None, 5e9, True),
        ("ant-azure", "2025-11-18", "Anthropic", "Microsoft", "cloud_commitment", 30e9, 30e9,
         False)])
    rt = round_tripped(build_network(frame)).set_index("company")
    # Anthropic spends more than it receives, so all $2.5B goes back to Microsoft directly.
    assert rt.loc["Microsoft", "round_tripped"] == pytest.approx(2.5e9)
    assert rt.loc["Microsoft", "direct"] == pytest.approx(2.5e9)
    assert rt.loc["Microsoft", "share_of_inflow"] == pytest.approx(2.5e9 / 30e9)
    # Of Anthropic's $30B, Microsoft passes on 2.5/30 of what it receives: $2.5B comes back.
    assert rt.loc["Anthropic", "round_tripped"] == pytest.approx(2.5e9)
    assert rt.loc["Anthropic", "share_of_inflow"] == pytest.approx(1.0)


def test_three_company_loop_is_indirect() -> None:
    rt = round_tripped(build_network(example_deals())).set_index("company")
    # A $5B -> B (passes all on) -> C (passes 1/10 on) -> A: $0.5B back, none of it direct.
    assert rt.loc["A", "round_tripped"] == pytest.approx(0.5e9)
    assert rt.loc["B", "round_tripped"] == pytest.approx(1e9)
    assert (rt["direct"] == 0).all()


@st.composite
def matrices(draw: st.DrawFn) -> np.ndarray:
    n = draw(st.integers(2, 7))
    vals = draw(st.lists(st.one_of(st.just(0.0), st.floats(0.1, 100.0)), min_size=n * n,
                         max_size=n * n))
    m = np.array(vals).reshape(n, n)
    np.fill_diagonal(m, 0)
    return m


@settings(max_examples=100, deadline=None)
@given(matrices())
def test_matches_first_passage_solve_and_bounds(m: np.ndarray) -> None:
    src, dst = np.nonzero(m)
    net = FlowNetwork.from_edges(src, dst, m[src, dst], names=None)
    rt = round_tripped(net).set_index("company_id")
    dense = net.to_pandas().to_numpy()
    for k, cid in enumerate(net.ids):
        r = rt.loc[cid]
        # Nodes with a zero throughflow loop exactly (no leak) are not possible: T >= flows.
        assert r["round_tripped"] == pytest.approx(first_passage_return(dense, k), rel=1e-7,
                                                   abs=1e-9)
        assert r["round_tripped"] <= min(r["inflow"], r["outflow"]) * (1 + 1e-9) + 1e-9
        assert 0 <= r["direct"] <= r["round_tripped"] + 1e-9
    # Total round-tripped equals Finn's cycled throughflow of the network.
    assert rt["round_tripped"].sum() == pytest.approx(network_cycling(net).tst_cycled,
                                                      rel=1e-9, abs=1e-9)


def test_one_company_filter() -> None:
    net = FlowNetwork.from_edges(["a", "b"], ["b", "a"], [1.0, 1.0])
    assert list(round_tripped(net, company="b")["company"]) == ["b"]
    assert sp.issparse(net.matrix)
