"""Compression (D'Errico & Roukny 2017) against brute force and its invariants."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from dealweb.circularity.compression import (
    compress,
    compression_summary,
    conservative,
    net_positions,
    non_conservative,
    non_conservative_lp,
)
from dealweb.circularity.network import FlowNetwork, build_network, example_deals


def brute_force_conservative(m: np.ndarray) -> float:
    """Minimum gross by enumerating every integer reduction ``0 <= y_e <= w_e`` that is a
    circulation (keeps net positions). The constraint matrix is a network matrix (totally
    unimodular), so with integer amounts an integer optimum exists and this search is exact."""
    src, dst = np.nonzero(m)
    w = m[src, dst].astype(int)
    n = m.shape[0]
    best = 0
    for y in itertools.product(*[range(k + 1) for k in w]):
        y = np.array(y)
        balance = np.bincount(src, y, minlength=n) - np.bincount(dst, y, minlength=n)
        if not balance.any():
            best = max(best, int(y.sum()))
    return float(w.sum() - best)


@st.composite
def integer_networks(draw: st.DrawFn, max_nodes: int = 4, max_edges: int = 7) -> np.ndarray:
    n = draw(st.integers(2, max_nodes))
    pairs = [(i, j) for i in range(n) for j in range(n) if i != j]
    chosen = draw(st.lists(st.sampled_from(pairs), min_size=1, max_size=max_edges, unique=True))
    m = np.zeros((n, n))
    for i, j in chosen:
        m[i, j] = draw(st.integers(1, 3))
    return m


@settings(max_examples=120, deadline=None)
@given(integer_networks())
def test_conservative_matches_brute_force(m: np.ndarray) -> None:
    assert conservative(m).gross_after == pytest.approx(brute_force_conservative(m), abs=1e-7)


def test_conservative_brute_force_on_seeded_random_networks() -> None:
    rng = np.random.default_rng(2017)
    for _ in range(40):
        n = int(rng.integers(3, 6))
        m = rng.integers(0, 3, (n, n)) * (rng.random((n, n)) < 0.45)
        np.fill_diagonal(m, 0)
        if m.sum() == 0 or np.count_nonzero(m) > 8:
            continue
        assert conservative(m).gross_after == pytest.approx(brute_force_conservative(m))


@settings(max_examples=80, deadline=None)
@given(integer_networks(max_nodes=6, max_edges=14))
def test_non_conservative_equals_closed_form_and_lp(m: np.ndarray) -> None:
    v = net_positions(m)
    closed = float(v[v > 0].sum())
    assert non_conservative(m).gross_after == pytest.approx(closed)
    assert non_conservative_lp(m).gross_after == pytest.approx(closed, abs=1e-7)


@st.composite
def real_networks(draw: st.DrawFn) -> np.ndarray:
    n = draw(st.integers(2, 8))
    vals = draw(st.lists(st.one_of(st.just(0.0), st.floats(0.01, 1e3)), min_size=n * n,
                         max_size=n * n))
    m = np.array(vals).reshape(n, n)
    np.fill_diagonal(m, 0)
    return m


@settings(max_examples=120, deadline=None)
@given(real_networks())
def test_compression_keeps_net_positions_and_never_increases_gross(m: np.ndarray) -> None:
    v = net_positions(m)
    scale = max(m.max(), 1.0)
    for result in (conservative(m), non_conservative(m)):
        after = result.matrix(m.shape[0])
        np.testing.assert_allclose(net_positions(after), v, atol=1e-7 * scale)
        assert result.gross_after <= m.sum() + 1e-9 * scale
        assert (result.amount >= 0).all()
    cons = conservative(m)
    # Conservative: only existing edges, never above their old amount.
    assert all(m[s, d] > 0 and a <= m[s, d] + 1e-9 * scale
               for s, d, a in zip(cons.src, cons.dst, cons.amount, strict=True))
    assert non_conservative(m).gross_after <= cons.gross_after + 1e-7 * scale


@settings(max_examples=40, deadline=None)
@given(real_networks(), st.randoms(use_true_random=False))
def test_compression_invariant_to_relabelling(m: np.ndarray, rnd) -> None:  # noqa: ANN001
    src, dst = np.nonzero(m)
    net = FlowNetwork.from_edges(src, dst, m[src, dst])
    order = list(range(net.n_nodes))
    rnd.shuffle(order)
    a = compression_summary(net).iloc[0]
    b = compression_summary(net.relabel(order)).iloc[0]
    for key in ("circular", "net_new", "intermediated"):
        assert a[key] == pytest.approx(b[key], rel=1e-6, abs=1e-6 * max(m.max(), 1))


def test_toy_summary_and_edges() -> None:
    net = build_network(example_deals())
    s = compression_summary(net).iloc[0]
    # The A→B→C→A loop has bottleneck $1B on 3 edges: $3B circular.
    assert s["announced"] == 16e9 and s["circular"] == pytest.approx(3e9)
    assert s["net_new"] == pytest.approx(9e9)  # A +4B, B +5B net payers
    assert s["intermediated"] == pytest.approx(4e9)
    edges = compress(net)
    assert edges.attrs["gross_after"] == pytest.approx(13e9)
    assert set(edges.loc[edges["after"] == 0, "payer"]) == {"C"}


def test_sparse_large_conservative_runs() -> None:
    rng = np.random.default_rng(1)
    n, k = 2000, 12000
    src, dst = rng.integers(0, n, k), rng.integers(0, n, k)
    keep = src != dst
    m = sp.csr_array((rng.random(keep.sum()), (src[keep], dst[keep])), shape=(n, n))
    res = conservative(m)
    np.testing.assert_allclose(net_positions(res.matrix(n)), net_positions(m), atol=1e-8)
    assert res.gross_after < m.sum()


def test_batches_of_components_give_the_same_optimum() -> None:
    rng = np.random.default_rng(5)
    blocks = []
    for _ in range(12):  # twelve separate clusters with loops, chained by one-way deals
        b = rng.random((6, 6)) * (rng.random((6, 6)) < 0.5)
        np.fill_diagonal(b, 0)
        blocks.append(b)
    m = sp.block_diag(blocks).toarray()
    for k in range(11):
        m[6 * k, 6 * (k + 1)] = 1.0
    one = conservative(m, batch_edges=10**9)
    many = conservative(m, batch_edges=1)
    assert many.gross_after == pytest.approx(one.gross_after, rel=1e-9)
    np.testing.assert_allclose(net_positions(many.matrix(72)), net_positions(m), atol=1e-9)
