"""Eisenberg–Noe and Rogers–Veraart clearing: worked examples, a dense reference, invariants."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from dealweb.stress import _kernels, eisenberg_noe, rogers_veraart

# --------------------------------------------------------------------------------------------
# Worked examples
# --------------------------------------------------------------------------------------------


def test_barucca_exercise_three_banks():
    """Setup from P. Barucca's "Big Data Finance" exercise 2 (github.com/paolobarucca/eisenbergnoe,
    Exercise2.m): liabilities [[0,4,0],[0,0,3],[2,0,0]], external assets [20,20,10] shocked by
    10% -> [18,18,9], senior external liabilities [17,18,8], so net external assets [1,0,1].

    Hand solution: p1 = min(4, 1 + p3), p2 = min(3, p1), p3 = min(2, 1 + p2) gives
    p = (3, 3, 2): bank 1 defaults in round 0 (assets 1 + 2 = 3 < 4); bank 2 ends exactly at its
    obligations (assets 3 = pbar 3: solvent, the boundary case); bank 3 keeps equity 1 + 3 - 2 = 2.
    """
    liabilities = sp.csr_array(np.array([[0, 4, 0], [0, 0, 3], [2, 0, 0]], dtype=float))
    result = eisenberg_noe.clearing_vector(liabilities, np.array([1.0, 0.0, 1.0]))
    np.testing.assert_allclose(result.payments, [3, 3, 2], rtol=0, atol=1e-15)
    assert result.defaulted.tolist() == [True, False, False]
    assert result.default_round.tolist() == [0, -1, -1]
    np.testing.assert_allclose(result.equity, [-1, 0, 2], atol=1e-15)
    np.testing.assert_allclose(result.shortfall, [1, 0, 0], atol=1e-15)
    assert result.residual <= 1e-15


def _gandy_veraart_network():
    """Setup of the `systemicrisk` R package's documented example (Gandy & Veraart; rdrr.io
    man page `default_clearing`): ea = (1/2, 5/8, 3/4), el = (3/2, 1/2, 1/2), x = 1/2,
    L = matrix(c(0,x,1-x, 1-x,0,x, x,1-x,0), nrow=3) (column-major, so row i is what bank i owes).
    External liabilities rank pari passu with interbank ones: we add node 3, "outside creditors".
    """
    x = 0.5
    owed = np.array([[0, 1 - x, x], [x, 0, 1 - x], [1 - x, x, 0]])
    matrix = np.zeros((4, 4))
    matrix[:3, :3] = owed
    matrix[:3, 3] = [1.5, 0.5, 0.5]
    return sp.csr_array(matrix), np.array([0.5, 0.625, 0.75, 0.0])


def test_gandy_veraart_example_eisenberg_noe():
    """Hand solution (exact fractions): bank 0 (pbar 5/2) fails at once; then bank 1
    (assets 5/8 + p0/5 + 1/2 < 3/2) fails; bank 2 stays solvent. On D = {0, 1}:
    p0 = 1/2 + p1/3 + 1/2, p1 = 5/8 + p0/5 + 1/2  =>  p0 = 165/112, p1 = 159/112, p2 = 3/2,
    bank 2's assets 3/4 + p0/5 + p1/3 = 1.517857... >= 3/2."""
    liabilities, assets = _gandy_veraart_network()
    result = eisenberg_noe.clearing_vector(liabilities, assets)
    np.testing.assert_allclose(result.payments[:3], [165 / 112, 159 / 112, 1.5], rtol=1e-15)
    assert result.defaulted.tolist() == [True, True, False, False]
    assert result.default_round.tolist() == [0, 1, -1, -1]
    np.testing.assert_allclose(result.equity[2], 0.75 + 165 / 112 / 5 + 159 / 112 / 3 - 1.5)


def test_gandy_veraart_example_rogers_veraart_default_costs():
    """Same network with the documented alpha = 0.5, beta = 0.7. Greatest Clearing Vector
    Algorithm by hand: round 0 bank 0 fails and pays 0.5*0.5 + 0.7*(1/2 + 1/2) = 0.95; then
    banks 1 (assets 1.315) and 2 (assets 1.44) fall below 3/2. On D = {0,1,2} the linear system
    p = alpha e + beta Pi^T p has the exact solution below (Fraction arithmetic)."""
    liabilities, assets = _gandy_veraart_network()
    result = rogers_veraart.clearing_vector(liabilities, assets, alpha=0.5, beta=0.7)
    expected = [Fraction(4225, 8416), Fraction(160275, 311392), Fraction(176055, 311392)]
    np.testing.assert_allclose(result.payments[:3], [float(f) for f in expected], rtol=1e-15)
    assert result.default_round.tolist() == [0, 1, 1, -1]
    # default costs make everyone worse off than Eisenberg-Noe
    en = eisenberg_noe.clearing_vector(liabilities, assets)
    assert np.all(result.payments <= en.payments + 1e-15)


def test_rogers_veraart_chain():
    """A owes B 10, B owes C 10; A has 4 and B 2 of external assets; alpha = beta = 1/2.
    A realises 4/2 = 2; B then has 2 + 2 = 4 < 10 and realises 2/2 + 2/2 = 2."""
    liabilities = sp.csr_array(np.array([[0, 10, 0], [0, 0, 10], [0, 0, 0]], dtype=float))
    result = rogers_veraart.clearing_vector(liabilities, [4.0, 2.0, 0.0], alpha=0.5, beta=0.5)
    np.testing.assert_allclose(result.payments, [2, 2, 0])
    assert result.default_round.tolist() == [0, 1, -1]


# --------------------------------------------------------------------------------------------
# Dense reference: a straightforward, independent implementation of the same algorithm
# --------------------------------------------------------------------------------------------


def dense_greatest_clearing(liabilities, e, alpha=1.0, beta=1.0):
    matrix = np.asarray(liabilities.toarray() if sp.issparse(liabilities) else liabilities)
    pbar = matrix.sum(axis=1)
    pi = np.divide(matrix, pbar[:, None], out=np.zeros_like(matrix), where=pbar[:, None] > 0)
    p = pbar.copy()
    default = np.zeros(len(pbar), dtype=bool)
    while True:
        now = e + pi.T @ p < pbar * (1 - 1e-12)
        if not (now & ~default).any():
            return p
        default |= now
        d = np.flatnonzero(default)
        n_ = ~default
        a = np.eye(d.size) - beta * pi[np.ix_(d, d)].T
        b = alpha * e[d] + beta * pi[np.ix_(n_, d)].T @ pbar[n_]
        p = pbar.copy()
        p[d] = np.linalg.solve(a, b)


def random_network(n, degree, seed, stress=1.0):
    rng = np.random.default_rng(seed)
    m = n * degree
    src = rng.integers(0, n, m)
    dst = rng.integers(0, n - 1, m)
    dst = dst + (dst >= src)
    matrix = sp.csr_array((rng.lognormal(0, 1, m), (src, dst)), shape=(n, n))
    pbar = np.asarray(matrix.sum(axis=1)).ravel()
    received = np.asarray(matrix.sum(axis=0)).ravel()
    e = np.maximum(pbar - received + rng.normal(0.05, 0.3, n) * pbar, 0) * stress
    return matrix, e


@pytest.mark.parametrize(
    ("n", "stress", "alpha", "beta"),
    [
        (50, 1.0, 1.0, 1.0),  # dense solves
        (1200, 1.0, 1.0, 1.0),  # sparse block, fast Jacobi
        (1200, 0.02, 1.0, 1.0),  # most default: masked operator + GMRES
        (1200, 0.3, 0.6, 0.9),  # default costs
    ],
)
def test_matches_dense_reference(n, stress, alpha, beta):
    matrix, e = random_network(n, 10, seed=n, stress=stress)
    expected = dense_greatest_clearing(matrix, e, alpha, beta)
    result = rogers_veraart.clearing_vector(matrix, e, alpha, beta)
    scale = expected.max()
    assert np.max(np.abs(result.payments - expected)) <= 1e-12 * scale
    assert result.residual <= 1e-14 * scale
    assert 0 < result.n_defaults < n


@pytest.mark.parametrize(
    ("n", "stress", "alpha", "beta"),
    [
        (1000, 0.5, 1.0, 1.0),  # batch solver (small network), fast sweeps
        (1000, 0.02, 1.0, 1.0),  # batch solver, slow sweeps hand scenarios to the single solver
        (1000, 0.4, 0.7, 0.9),  # batch solver with default costs
        (2000, 0.5, 1.0, 1.0),  # "large" network (limit lowered): scenario-by-scenario solver
    ],
)
def test_batch_equals_single_and_picard(n, stress, alpha, beta, monkeypatch):
    monkeypatch.setattr(_kernels, "BATCH_MAX_N", 1500)
    matrix, e = random_network(n, 8, seed=1, stress=stress)
    rng = np.random.default_rng(2)
    batch = e[None, :] * rng.uniform(0.3, 1.5, size=(6, 1))
    batch[0] = 0.0  # everyone short of external assets
    together = rogers_veraart.clearing_vector(matrix, batch, alpha, beta)
    assert together.payments.shape == (6, n)
    scale = together.total_obligations.max()
    assert together.residual <= 1e-14 * scale
    for s in range(6):
        alone = rogers_veraart.clearing_vector(matrix, batch[s], alpha, beta)
        np.testing.assert_allclose(together.payments[s], alone.payments, rtol=0, atol=1e-13 * scale)
        np.testing.assert_array_equal(together.default_round[s], alone.default_round)
    if alpha == beta == 1.0:  # Eisenberg-Noe: the fixed point is unique here, Picard finds it
        picard = rogers_veraart.clearing_vector(matrix, batch, alpha, beta, method="picard")
        np.testing.assert_allclose(picard.payments, together.payments, rtol=0, atol=1e-10 * scale)
        np.testing.assert_array_equal(picard.defaulted, together.defaulted)
    else:  # with default costs, the greatest of several fixed points: the dense reference
        for s in (0, 1):
            expected = dense_greatest_clearing(matrix, batch[s], alpha, beta)
            np.testing.assert_allclose(together.payments[s], expected, rtol=0, atol=1e-12 * scale)
    # a company that owes nothing can never be in default (regression: round-off once made
    # a payment of -1e-163 and flagged such a company)
    assert not np.any(together.defaulted & (together.total_obligations == 0))


def test_default_rounds_are_fictitious_default_waves():
    """Chain 0 -> 1 -> 2 -> 3: each failure only happens once the previous one is known."""
    matrix = sp.csr_array(np.diag([10.0, 10.0, 10.0], k=1))
    result = eisenberg_noe.clearing_vector(matrix, [1.0, 1.0, 1.0, 0.0])
    assert result.default_round.tolist() == [0, 1, 2, -1]
    np.testing.assert_allclose(result.payments, [1, 2, 3, 0])


# --------------------------------------------------------------------------------------------
# Invalid input
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("matrix", "assets", "message"),
    [
        (np.array([[0, -1.0], [0, 0]]), [1, 1], r"must be >= 0; entry \[0, 1\] = -1.0"),
        (np.array([[2.0, 1], [0, 0]]), [1, 1], r"zero diagonal.*\[0, 0\] = 2.0"),
        (np.zeros((2, 3)), [1, 1], "square"),
        (np.array([[0, 1.0], [0, 0]]), [1, 1, 1], r"shape \(n,\) or \(S, n\) with n = 2"),
        (np.array([[0, 1.0], [0, 0]]), [1, -2], "external_assets must be >= 0; company 1"),
        (np.array([[0, np.nan], [0, 0]]), [1, 1], "NaN"),
    ],
)
def test_bad_input_is_named(matrix, assets, message):
    with pytest.raises(ValueError, match=message):
        eisenberg_noe.clearing_vector(matrix, np.asarray(assets, dtype=float))


def test_bad_method_and_costs():
    matrix = np.array([[0, 1.0], [0, 0]])
    with pytest.raises(ValueError, match="method"):
        eisenberg_noe.clearing_vector(matrix, [1.0, 1.0], method="lp")
    with pytest.raises(ValueError, match=r"alpha and beta must lie in \[0, 1\]"):
        rogers_veraart.clearing_vector(matrix, [1.0, 1.0], alpha=1.5)


# --------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------


@st.composite
def networks(draw):
    n = draw(st.integers(2, 12))
    amounts = draw(
        st.lists(
            st.one_of(st.just(0.0), st.floats(0.01, 100.0, allow_subnormal=False)),
            min_size=n * n,
            max_size=n * n,
        )
    )
    matrix = np.array(amounts).reshape(n, n)
    np.fill_diagonal(matrix, 0.0)
    e = np.array(
        draw(st.lists(st.floats(0.0, 100.0, allow_subnormal=False), min_size=n, max_size=n))
    )
    bump = np.array(
        draw(st.lists(st.floats(0.0, 50.0, allow_subnormal=False), min_size=n, max_size=n))
    )
    return sp.csr_array(matrix), e, bump


@settings(max_examples=150, deadline=None)
@given(networks())
def test_clearing_invariants(case):
    matrix, e, bump = case
    result = eisenberg_noe.clearing_vector(matrix, e)
    p, pbar = result.payments, result.total_obligations
    scale = max(pbar.max(), e.max(), 1.0)
    # payments never exceed obligations and are never negative
    assert np.all(p >= 0) and np.all(p <= pbar)
    assert not np.any(result.defaulted & (pbar == 0))
    # the result is the fixed point, to machine precision
    assert result.residual <= 1e-14 * scale
    # money is conserved: what is paid is received (pro rata shares sum to one)
    pi = matrix.toarray() / np.where(pbar > 0, pbar, 1)[:, None]
    received = pi.T @ p
    assert abs(received.sum() - p.sum()) <= 1e-12 * scale * len(p)
    # accounting identity: equity = external + received - obligations, so in total
    # sum(equity) = sum(external) - sum(shortfall)
    assert abs(result.equity.sum() - (e.sum() - result.shortfall.sum())) <= 1e-12 * scale * len(p)
    # greatest clearing vector: equals the dense reference algorithm
    np.testing.assert_allclose(p, dense_greatest_clearing(matrix, e), rtol=0, atol=1e-11 * scale)
    # more external assets never lower payments (monotonicity)
    richer = eisenberg_noe.clearing_vector(matrix, e + bump)
    assert np.all(richer.payments >= p - 1e-12 * scale)
    # EN is RV without default costs
    rv = rogers_veraart.clearing_vector(matrix, e, alpha=1.0, beta=1.0)
    np.testing.assert_array_equal(rv.payments, p)
    # default costs never raise payments
    costly = rogers_veraart.clearing_vector(matrix, e, alpha=0.5, beta=0.5)
    assert np.all(costly.payments <= p + 1e-12 * scale)


@settings(max_examples=60, deadline=None)
@given(networks())
def test_no_shock_changes_nothing(case):
    """With external assets covering every obligation nobody defaults and everyone pays pbar."""
    matrix, _, _ = case
    pbar = np.asarray(matrix.sum(axis=1)).ravel()
    result = eisenberg_noe.clearing_vector(matrix, pbar)
    np.testing.assert_array_equal(result.payments, pbar)
    assert not result.defaulted.any()
    assert (result.default_round == -1).all()
    np.testing.assert_array_equal(result.shortfall, np.zeros_like(pbar))


def test_input_matrix_is_not_modified():
    """Duplicates and explicit zeros are merged on a private copy, never in the caller's matrix."""
    matrix = sp.csr_array(
        (np.array([2.0, 3.0, 0.0]), np.array([1, 1, 0]), np.array([0, 2, 3])), shape=(2, 2)
    )
    before = (matrix.data.copy(), matrix.indices.copy(), matrix.indptr.copy())
    result = eisenberg_noe.clearing_vector(matrix, [1.0, 0.0])
    np.testing.assert_allclose(result.payments, [1.0, 0.0])
    for now, then in zip((matrix.data, matrix.indices, matrix.indptr), before, strict=True):
        np.testing.assert_array_equal(now, then)


def test_subnormal_amount_is_rejected():
    with pytest.raises(ValueError, match=r"entry \[0, 1\] = .* below the smallest normal"):
        eisenberg_noe.clearing_vector(np.array([[0, 1e-310], [0, 0]]), [0.0, 0.0])


@pytest.mark.parametrize(("alpha", "beta"), [(1.0, 1.0), (0.5, 0.5), (0.9, 0.3), (0.2, 0.95)])
@pytest.mark.parametrize("shrink", [1.0, 0.6, 0.25])
def test_rogers_veraart_asymmetric_six_bank_network(alpha, beta, shrink):
    """The asymmetric six-bank network of Rogers & Veraart (2013), as transcribed in the test
    suite of FinNetValu.jl (test "rv": liabilities and external assets e below). The paper's own
    figures were not available to us, so the greatest clearing vector is checked against the
    independent dense algorithm and against the definition (a fixed point; Picard from pbar,
    which decreases to the greatest one, never ends below it)."""
    owed = np.array(
        [
            [0, 4.94, 2.47, 5.59, 0, 0],
            [6, 0, 0, 2, 0, 0],
            [0, 13, 0, 0, 0, 0],
            [0, 0, 0, 0, 0, 8],
            [12, 0, 0, 0, 0, 0],
            [2.79, 6.21, 0, 0, 0, 0],
        ]
    )
    e = shrink * np.array([1, 1, 11.51, 1.4, 12.5, 2])
    result = rogers_veraart.clearing_vector(owed, e, alpha, beta)
    np.testing.assert_allclose(
        result.payments, dense_greatest_clearing(owed, e, alpha, beta), rtol=0, atol=1e-13
    )
    assert result.residual <= 1e-14
    picard = rogers_veraart.clearing_vector(owed, e, alpha, beta, method="picard")
    assert np.all(picard.payments >= result.payments - 1e-12)
