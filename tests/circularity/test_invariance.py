"""Every measure is invariant to relabelling (renumbering) the companies."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dealweb.circularity import (
    FlowNetwork,
    compression_summary,
    concentration,
    network_cycling,
    round_tripped,
)


@st.composite
def labelled_networks(draw: st.DrawFn) -> tuple[FlowNetwork, list[int]]:
    n = draw(st.integers(2, 8))
    vals = draw(st.lists(st.one_of(st.just(0.0), st.floats(0.5, 500.0)), min_size=n * n,
                         max_size=n * n))
    m = np.array(vals).reshape(n, n)
    np.fill_diagonal(m, 0)
    src, dst = np.nonzero(m)
    net = FlowNetwork.from_edges([f"k{i}" for i in src], [f"k{j}" for j in dst], m[src, dst])
    order = draw(st.permutations(list(range(net.n_nodes))))
    return net, order


def _by_company(frame, cols):  # noqa: ANN001, ANN202
    return frame.set_index("company_id")[cols].sort_index()


@settings(max_examples=80, deadline=None)
@given(labelled_networks())
def test_measures_invariant_to_relabelling(case: tuple[FlowNetwork, list[int]]) -> None:
    net, order = case
    other = net.relabel(order)
    assert network_cycling(other).fci == pytest.approx(network_cycling(net).fci, abs=1e-12)
    cols = ["round_tripped", "direct", "share_of_inflow"]
    a, b = _by_company(round_tripped(net), cols), _by_company(round_tripped(other), cols)
    np.testing.assert_allclose(a.to_numpy(float), b.to_numpy(float), rtol=1e-9, atol=1e-9)
    cols = ["hhi_in", "hhi_out", "top_payer_share", "top_payee_share"]
    a, b = _by_company(concentration(net), cols), _by_company(concentration(other), cols)
    np.testing.assert_allclose(a.to_numpy(float), b.to_numpy(float), rtol=1e-12)
    s, t = compression_summary(net).iloc[0], compression_summary(other).iloc[0]
    assert s["circular"] == pytest.approx(t["circular"], rel=1e-6, abs=1e-6)
