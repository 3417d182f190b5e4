"""Finn cycling index against a published worked example.

Reference: the oyster reef model of Dame & Patten (1981, Marine Ecology Progress Series
5:115-124, kcal m^-2 d^-1), as distributed with enaR and analysed in the enaR vignette
(Lau, Borrett et al., "enaR: Ecosystem Network Analysis with R", section "Flow Analysis":
``enaFlow(oyster)$ns`` reports TST = 83.5833 and FCI = 0.1101686; Borrett & Lau 2014,
Methods in Ecology and Evolution 5:1206-1213). The flows, inputs and outputs below are the
``unpack(oyster)`` output printed in the same vignette.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from dealweb.circularity.finn import cycling, finn_cycling_index, fundamental_diagonal

NODES = ["Filter Feeders", "Microbiota", "Meiofauna", "Deposit Feeders", "Predators",
         "Deposited Detritus"]


def oyster_reef() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    f = np.zeros((6, 6))
    f[0, 4], f[0, 5] = 0.5135, 15.7910
    f[1, 2], f[1, 3] = 1.2060, 1.2060
    f[2, 3], f[2, 5] = 0.6609, 4.2403
    f[3, 4], f[3, 5] = 0.1721, 1.9076
    f[4, 5] = 0.3262
    f[5, 1], f[5, 2], f[5, 3] = 8.1721, 7.2745, 0.6431
    z = np.array([41.47, 0, 0, 0, 0, 0])
    y = np.array([25.1650, 5.7600, 3.5794, 0.4303, 0.3594, 6.1759])
    return f, z, y


def test_oyster_reef_fci_matches_enar_published_value() -> None:
    f, z, y = oyster_reef()
    result = cycling(f, z, y, labels=NODES)
    # Published to 7 significant digits (enaR vignette, enaFlow(oyster)$ns).
    assert result.tst == pytest.approx(83.5833, abs=5e-5)
    assert round(result.fci, 7) == 0.1101686
    assert finn_cycling_index(f, z) == pytest.approx(0.1101686, abs=5e-8)


def test_oyster_reef_integral_matrix_diagonal_matches_enar() -> None:
    # enaR vignette, F$NP (input-oriented integral flow matrix): diagonal 1, 1.1018630,
    # 1.2971032, 1.1240688, 1.0051064, 1.3885039 (same diagonal as the output orientation).
    f, z, _ = oyster_reef()
    t = f.sum(axis=0) + z
    diag = fundamental_diagonal(f, t)
    np.testing.assert_allclose(
        diag, [1.0, 1.1018630, 1.2971032, 1.1240688, 1.0051064, 1.3885039], atol=5e-7)


def test_acyclic_network_has_no_cycling_and_loop_gain_sets_the_index() -> None:
    chain = sp.csr_array(([1.0, 1.0], ([0, 1], [1, 2])), shape=(3, 3))
    assert cycling(chain).fci == 0.0
    # Three-node ring fed with 1 unit at node 0, each node passing on a fraction p: the
    # return probability is p**3, so n_ii = 1 / (1 - p**3) at every node of the ring.
    p = 0.5
    t0 = 1 / (1 - p**3)
    t = np.array([t0, p * t0, p * p * t0])
    ring = np.zeros((3, 3))
    ring[0, 1], ring[1, 2], ring[2, 0] = p * t[0], p * t[1], p * t[2]
    res = cycling(ring, inputs=[1.0, 0, 0])
    np.testing.assert_allclose(res.nodes["n_ii"], 1 / (1 - p**3))
    assert res.fci == pytest.approx(p**3)


def test_sparse_path_matches_dense_path() -> None:
    rng = np.random.default_rng(3)
    n = 60
    m = rng.random((n, n)) * (rng.random((n, n)) < 0.1)
    np.fill_diagonal(m, 0)
    dense = cycling(m, dense_limit=10_000)
    sparse = cycling(m, dense_limit=5)
    assert sparse.fci == pytest.approx(dense.fci, rel=1e-10)


def test_unbalanced_model_is_rejected() -> None:
    with pytest.raises(ValueError, match="outflow"):
        fundamental_diagonal(np.array([[0, 2.0], [1.0, 0]]), np.array([1.0, 1.0]))
