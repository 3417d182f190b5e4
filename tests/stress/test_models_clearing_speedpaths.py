"""The fast paths of the clearing kernel agree with the plain algorithm.

The batch solver (all scenarios swept together on the union of their default sets, slow ones
handed to the single-scenario Krylov solver, chunks of scenarios) and the 32-bit index copy of
the liabilities must give the same greatest clearing vectors and the same default rounds as a
straightforward dense fictitious default algorithm run scenario by scenario.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from dealweb.stress import _kernels, rogers_veraart


def dense_rounds(liabilities, e, alpha=1.0, beta=1.0):
    """Independent dense fictitious default algorithm (numpy.linalg.solve each round): the
    greatest clearing vector and the round in which each company first defaults."""
    matrix = liabilities.toarray()
    pbar = matrix.sum(axis=1)
    pi = np.divide(matrix, pbar[:, None], out=np.zeros_like(matrix), where=pbar[:, None] > 0)
    p = pbar.copy()
    rounds = np.full(len(pbar), -1)
    k = 0
    while True:
        new = (e + pi.T @ p < pbar * (1 - 1e-12)) & (rounds < 0)
        if not new.any():
            return p, rounds
        rounds[new] = k
        k += 1
        d, solvent = np.flatnonzero(rounds >= 0), rounds < 0
        system = np.eye(d.size) - beta * pi[np.ix_(d, d)].T
        rhs = alpha * e[d] + beta * pi[np.ix_(solvent, d)].T @ pbar[solvent]
        p = pbar.copy()
        p[d] = np.linalg.solve(system, rhs)


def random_network(n, degree, seed):
    rng = np.random.default_rng(seed)
    m = n * degree
    src = rng.integers(0, n, m)
    dst = rng.integers(0, n - 1, m)
    dst = dst + (dst >= src)
    matrix = sp.csr_array((rng.lognormal(0, 1, m), (src, dst)), shape=(n, n))
    pbar = np.asarray(matrix.sum(axis=1)).ravel()
    owed = np.asarray(matrix.sum(axis=0)).ravel()
    return matrix, np.maximum(pbar - owed + rng.normal(0.05, 0.3, n) * pbar, 0.0)


@pytest.mark.parametrize(("alpha", "beta"), [(1.0, 1.0), (0.6, 0.9)])
def test_mixed_batch_matches_dense_rounds(alpha, beta):
    """One batch mixing mild, severe (slow sweeps: handed to the Krylov solver mid-batch) and
    shock-free scenarios; scenarios finish in different rounds, so the batch also runs with a
    subset of its scenarios still active."""
    matrix, e = random_network(400, 8, seed=5)
    rng = np.random.default_rng(6)
    factors = np.concatenate([rng.uniform(0.5, 1.5, 5), [0.02, 0.05], [1.0]])
    batch = e[None, :] * factors[:, None] * rng.lognormal(0, 0.2, size=(factors.size, 400))
    batch[-1] = np.asarray(matrix.sum(axis=1)).ravel()  # everyone can pay from outside assets
    result = rogers_veraart.clearing_vector(matrix, batch, alpha, beta)
    scale = result.total_obligations.max()
    assert result.residual <= 1e-14 * scale
    for s in range(factors.size):
        p, rounds = dense_rounds(matrix, batch[s], alpha, beta)
        np.testing.assert_allclose(result.payments[s], p, rtol=0, atol=1e-12 * scale)
        np.testing.assert_array_equal(result.default_round[s], rounds)
    assert not result.defaulted[-1].any()  # the shock-free scenario
    assert len(set(result.default_round.max(axis=1).tolist())) > 2  # rounds differ


def test_chunked_batch_equals_one_chunk(monkeypatch):
    """Chunks of scenarios (bounded memory) give what one chunk gives: the same rounds, and
    payments equal to round-off (a chunk's union of default sets, hence the order of the sums,
    depends on which scenarios share it)."""
    matrix, e = random_network(300, 6, seed=9)
    rng = np.random.default_rng(10)
    batch = e[None, :] * rng.lognormal(0, 0.4, size=(7, 300))
    whole = rogers_veraart.clearing_vector(matrix, batch, 0.8, 0.9)
    monkeypatch.setattr(_kernels, "BATCH_VALUES", 2 * 300)  # two scenarios a chunk
    chunked = rogers_veraart.clearing_vector(matrix, batch, 0.8, 0.9)
    scale = whole.total_obligations.max()
    np.testing.assert_allclose(chunked.payments, whole.payments, rtol=0, atol=1e-14 * scale)
    np.testing.assert_array_equal(chunked.default_round, whole.default_round)


def test_32_bit_index_copy_shares_the_amounts():
    """A matrix built from 64-bit coordinates is used through 32-bit index arrays; the amounts
    are shared, not copied, and the caller's matrix keeps its own index arrays."""
    matrix, e = random_network(200, 5, seed=2)
    wide = sp.csr_array(
        (matrix.data, matrix.indices.astype(np.int64), matrix.indptr.astype(np.int64)),
        shape=matrix.shape,
    )
    net = _kernels.Network(wide)
    assert net.matrix.indices.dtype == np.int32 and net.matrix.indptr.dtype == np.int32
    assert np.shares_memory(net.matrix.data, wide.data)
    assert wide.indices.dtype == np.int64
    p, rounds = dense_rounds(matrix, e)
    result = rogers_veraart.clearing_vector(wide, e)
    np.testing.assert_allclose(result.payments, p, rtol=0, atol=1e-12 * p.max())
    np.testing.assert_array_equal(result.default_round, rounds)


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(2, 25),
    seed=st.integers(0, 10_000),
    stress=st.sampled_from([0.02, 0.3, 1.0]),
    costs=st.sampled_from([(1.0, 1.0), (0.5, 0.8)]),
)
def test_batch_equals_scenario_by_scenario(n, seed, stress, costs):
    """Property: clearing a batch in one call is clearing each scenario on its own."""
    matrix, e = random_network(n, 3, seed)
    rng = np.random.default_rng(seed + 1)
    batch = e[None, :] * stress * rng.uniform(0.2, 2.0, size=(4, n))
    together = rogers_veraart.clearing_vector(matrix, batch, *costs)
    scale = max(together.total_obligations.max(), 1.0)
    for s in range(4):
        alone = rogers_veraart.clearing_vector(matrix, batch[s], *costs)
        np.testing.assert_allclose(together.payments[s], alone.payments, rtol=0,
                                   atol=1e-12 * scale)
        np.testing.assert_array_equal(together.default_round[s], alone.default_round)
