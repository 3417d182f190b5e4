"""Furfine, DebtRank and cross-holdings: worked examples, cross-checks and invariants."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from dealweb.stress import cross_holdings, debtrank, eisenberg_noe, furfine

# --------------------------------------------------------------------------------------------
# Furfine (2003)
# --------------------------------------------------------------------------------------------


def test_furfine_rounds_by_hand():
    """Furfine (2003, section 3) rule: creditor j of a failed bank i loses
    theta * exposure; it fails when that exceeds its capital. Hand computation for
    0 owes 1: 5 and 2: 2; 1 owes 2: 4; 3 owes 2: 9 (3 never fails). Capital (1, 3, 5, 1).
    With theta = 1: round 0 {0}; 1 loses 5 > 3 -> round 1; 2 loses 2 then 2 + 4 = 6 > 5 ->
    round 2. With theta = 0.6: 1 loses 3, not > 3, so the cascade stops at once."""
    owed = np.zeros((4, 4))
    owed[0, 1], owed[0, 2], owed[1, 2], owed[3, 2] = 5, 2, 4, 9
    full = furfine.sequential_defaults(owed, [1.0, 3.0, 5.0, 1.0], [0])
    assert [r.tolist() for r in full.rounds] == [[0], [1], [2]]
    assert full.failure_round.tolist() == [0, 1, 2, -1]
    np.testing.assert_allclose(full.losses, [0, 5, 6, 0])
    np.testing.assert_allclose(full.capital_remaining, [1, -2, -1, 1])
    partial = furfine.sequential_defaults(owed, [1.0, 3.0, 5.0, 1.0], [0], loss_given_default=0.6)
    assert [r.tolist() for r in partial.rounds] == [[0]]
    np.testing.assert_allclose(partial.losses, [0, 3, 1.2, 0])


def test_furfine_batch_and_mask_forms():
    rng = np.random.default_rng(5)
    n = 300
    matrix = sp.random_array((n, n), density=0.03, random_state=rng, format="csr")
    matrix.setdiag(0)
    capital = rng.uniform(0.05, 0.6, size=(4, n))
    starts = rng.random((4, n)) < 0.02
    together = furfine.sequential_defaults(matrix, capital, starts, loss_given_default=0.8)
    for s in range(4):
        alone = furfine.sequential_defaults(matrix, capital[s], np.flatnonzero(starts[s]), 0.8)
        np.testing.assert_array_equal(together.failure_round[s], alone.failure_round)
        np.testing.assert_allclose(together.losses[s], alone.losses)
    assert len(together.rounds) == 4


def test_furfine_bad_input():
    with pytest.raises(ValueError, match="outside 0..1"):
        furfine.sequential_defaults(np.zeros((2, 2)), [1.0, 1.0], [2])
    with pytest.raises(ValueError, match="loss_given_default"):
        furfine.sequential_defaults(np.zeros((2, 2)), [1.0, 1.0], [0], loss_given_default=2)


@st.composite
def exposure_networks(draw):
    n = draw(st.integers(2, 10))
    values = draw(st.lists(st.floats(0, 10, allow_subnormal=False), min_size=n * n, max_size=n * n))
    matrix = np.array(values).reshape(n, n)
    np.fill_diagonal(matrix, 0)
    capital = np.array(
        draw(st.lists(st.floats(0.1, 20, allow_subnormal=False), min_size=n, max_size=n))
    )
    first = draw(st.integers(0, n - 1))
    return matrix, capital, first


@settings(max_examples=100, deadline=None)
@given(exposure_networks(), st.floats(0, 1, allow_subnormal=False))
def test_furfine_properties(case, lgd):
    matrix, capital, first = case
    result = furfine.sequential_defaults(matrix, capital, [first], loss_given_default=lgd)
    # losses are exactly lgd x claims on failed debtors
    np.testing.assert_allclose(result.losses, lgd * matrix[result.failed].sum(axis=0), atol=1e-9)
    # a survivor's losses never exceed its capital; every contagion failure's do
    survived = ~result.failed
    assert np.all(result.losses[survived] <= capital[survived])
    contagion = result.failure_round > 0
    assert np.all(result.losses[contagion] > capital[contagion])
    # a harsher loss rate never saves anyone
    harsher = furfine.sequential_defaults(matrix, capital, [first], loss_given_default=1.0)
    assert np.all(harsher.failed >= result.failed)
    # no loss, no contagion
    assert furfine.sequential_defaults(matrix, capital, [first], 0.0).n_failed == 1


# --------------------------------------------------------------------------------------------
# DebtRank (Battiston et al. 2012)
# --------------------------------------------------------------------------------------------


def test_debtrank_each_node_propagates_once():
    """Battiston et al. (2012), eq. (2) and the U/D/I states: on the two-node cycle with
    W = 1/2 both ways and h_A(1) = 1, B gets 1/2 at t = 2; at t = 3 B's 1/2 x 1/2 comes back to A
    (capped at 1) and then both are Inactive: h = (1, 1/2), no reverberation. With v = (1/2, 1/2)
    R = 1/2 * 1/2 = 1/4."""
    exposures = np.array([[0, 5.0], [5.0, 0]])
    result = debtrank.debtrank(exposures, [10.0, 10.0], [1.0, 0.0])
    np.testing.assert_allclose(result.distress, [1.0, 0.5])
    assert result.debtrank == pytest.approx(0.25)
    assert result.total_distress == pytest.approx(0.75)
    assert result.rounds == 2


def test_debtrank_chain_by_hand():
    """Chain with impacts W[B, A] = 6/10, W[C, B] = 4/8 and value weights (1/4, 1/4, 1/2):
    h = (0.2, 0.12, 0.06) from h_A(1) = 0.2; R = 0.12/4 + 0.06/2 = 0.06."""
    exposures = np.array([[0, 0, 0], [6, 0, 0], [0, 4, 0]], dtype=float)
    result = debtrank.debtrank(exposures, [5.0, 10.0, 8.0], [0.2, 0, 0], value=[1, 1, 2])
    np.testing.assert_allclose(result.distress, [0.2, 0.12, 0.06])
    assert result.debtrank == pytest.approx(0.06)


def test_debtrank_full_impact_cycle_defaults_everyone():
    """Battiston et al. (2012): in a strongly connected network where every impact is 1, one
    default spreads to every node, so R = 1 - v_initial."""
    n = 6
    exposures = np.roll(np.eye(n), 1, axis=1) * 100.0  # i is exposed to i+1 beyond its equity
    result = debtrank.debtrank(exposures, np.ones(n), np.eye(n)[0])
    np.testing.assert_allclose(result.distress, np.ones(n))
    assert result.debtrank == pytest.approx(1 - 1 / n)


@settings(max_examples=100, deadline=None)
@given(exposure_networks(), st.floats(0, 1, allow_subnormal=False))
def test_debtrank_properties_and_batch(case, shock):
    matrix, equity, first = case
    n = len(equity)
    initial = np.zeros(n)
    initial[first] = shock
    batch = np.stack([initial, initial * 0.5, np.zeros(n)])
    together = debtrank.debtrank(matrix, equity, batch)
    alone = debtrank.debtrank(matrix, equity, initial)
    np.testing.assert_array_equal(together.distress[0], alone.distress)
    h = together.distress
    assert np.all((h >= 0) & (h <= 1)) and np.all(h >= batch)
    assert np.all(together.debtrank >= -1e-15) and np.all(together.debtrank <= 1 + 1e-12)
    # zero shock changes nothing
    np.testing.assert_array_equal(h[2], np.zeros(n))
    assert together.debtrank[2] == 0
    # a larger initial shock never lowers final distress
    assert np.all(h[0] >= h[1] - 1e-15)


# --------------------------------------------------------------------------------------------
# Cross-holdings (Suzuki 2002; Elsinger 2009)
# --------------------------------------------------------------------------------------------


def test_cross_holdings_by_hand():
    """Firm 0 owes firm 1 debt 3; external assets (2, 1); firm 1 owns half of firm 0's equity.
    Without further holdings firm 0 defaults: pays 2, V = (0, 1 + 2) = (0, 3).
    If firm 0 also owns 40% of firm 1, guess firm 0 solvent: V0 = 2 + 0.4 V1 - 3,
    V1 = 1 + 3 + 0.5 V0  =>  V1 = 4.375, V0 = 0.75 >= 0: consistent, firm 0 is saved by its stake
    (Elsinger 2009 discusses how cross-holdings change who defaults)."""
    owed = np.array([[0, 3.0], [0, 0]])
    one_way = cross_holdings.clearing(owed, np.array([[0, 0], [0.5, 0]]), [2.0, 1.0])
    np.testing.assert_allclose(one_way.debt_payments, [2, 0])
    np.testing.assert_allclose(one_way.equity_values, [0, 3])
    assert one_way.defaulted.tolist() == [True, False]
    both = cross_holdings.clearing(owed, np.array([[0, 0.4], [0.5, 0]]), [2.0, 1.0])
    np.testing.assert_allclose(both.debt_payments, [3, 0])
    np.testing.assert_allclose(both.equity_values, [0.75, 4.375])
    assert not both.defaulted.any()
    assert both.residual <= 1e-15


def test_cross_holdings_without_equity_links_is_eisenberg_noe():
    rng = np.random.default_rng(3)
    n = 400
    owed = sp.random_array((n, n), density=0.02, random_state=rng, format="csr") * 10
    owed.setdiag(0)
    owed.eliminate_zeros()
    pbar = np.asarray(owed.sum(axis=1)).ravel()
    e = rng.uniform(0, 1, n) * pbar
    expected = eisenberg_noe.clearing_vector(owed, e)
    result = cross_holdings.clearing(owed, sp.csr_array((n, n)), e)
    np.testing.assert_allclose(result.debt_payments, expected.payments, rtol=0, atol=1e-12)
    np.testing.assert_allclose(result.equity_values, np.maximum(expected.equity, 0), atol=1e-12)
    np.testing.assert_array_equal(result.defaulted, expected.defaulted)


def test_cross_holdings_bad_input():
    with pytest.raises(ValueError, match="company 1 is 1.2 owned by others"):
        cross_holdings.clearing(np.zeros((3, 3)), [[0, 0.6, 0], [0, 0, 0], [0, 0.6, 0]], [1, 1, 1])


@st.composite
def holding_networks(draw):
    n = draw(st.integers(2, 8))
    debts = np.array(
        draw(st.lists(st.floats(0, 50, allow_subnormal=False), min_size=n * n, max_size=n * n))
    )
    stakes = np.array(
        draw(st.lists(st.floats(0, 1, allow_subnormal=False), min_size=n * n, max_size=n * n))
    )
    debts, stakes = debts.reshape(n, n), stakes.reshape(n, n)
    np.fill_diagonal(debts, 0)
    np.fill_diagonal(stakes, 0)
    stakes = (
        stakes
        / np.maximum(stakes.sum(axis=0), 1e-9)
        * draw(st.floats(0, 0.95, allow_subnormal=False))
    )
    stakes[stakes < 1e-12] = 0.0
    e = np.array(draw(st.lists(st.floats(0, 50, allow_subnormal=False), min_size=n, max_size=n)))
    return debts, stakes, e


@settings(max_examples=100, deadline=None)
@given(holding_networks())
def test_cross_holdings_invariants(case):
    debts, stakes, e = case
    result = cross_holdings.clearing(debts, stakes, e)
    pbar = result.total_obligations
    p, v = result.debt_payments, result.equity_values
    scale = max(pbar.max(), e.max(), 1.0)
    assert np.all(p >= 0) and np.all(p <= pbar) and np.all(v >= 0)
    assert result.residual <= 1e-12 * scale
    assert result.iterations < 5_000  # sweeps; the 100k safety limit is never the way out
    # limited liability: a defaulter's equity is worthless, a solvent firm pays in full
    assert np.all(v[result.defaulted] == 0)
    np.testing.assert_allclose(p[~result.defaulted], pbar[~result.defaulted], atol=1e-12 * scale)
    # more external assets never lower payments or equity values
    richer = cross_holdings.clearing(debts, stakes, e + 1.0)
    assert np.all(richer.debt_payments >= p - 1e-9 * scale)
    assert np.all(richer.equity_values >= v - 1e-9 * scale)


def test_cross_holdings_debts_far_below_the_problem_scale_converge_at_once():
    # Found by hypothesis: debts of 1e-219 and 1e-45 next to debts of 1 and no external assets.
    # Exact solves used to flip such firms between "defaults" and "pays" by rounding errors, so
    # the partition check never passed and clearing ran into the 100k-sweep safety limit.
    debts = np.zeros((7, 7))
    debts[1, 6] = 1.6301401352136498e-219
    debts[3, 1], debts[3, 2] = 1.0, 5.9604644775390625e-08
    debts[4, 5] = 0.005
    debts[5, [0, 2, 3, 4]] = [2.220446049250313e-16, 1e-08, 0.4, 0.5663253148380455]
    debts[6, 1], debts[6, 5] = 0.4, 1.401298464324817e-45
    stakes = np.zeros((7, 7))
    stakes[3, :3] = [8.635096242051497e-08, 0.6938162980042715, 0.6938162980042715]
    stakes[4, 5] = 0.6938162980042715
    stakes[5, 0] = 1.5405816578090623e-07
    result = cross_holdings.clearing(debts, stakes, np.zeros(7))
    assert result.iterations < 100
    assert np.all(result.debt_payments >= 0) and result.residual <= 1e-12
    # a firm without debt never defaults; the four that owe 1, 0.005, ~0.97 and 0.4 do
    assert result.defaulted.tolist() == [False, False, False, True, True, True, True]
