"""Furfine cascades and equity cross-holdings with debt against numbers printed by others.

A companion to ``test_published_examples.py`` and ``test_published_examples_2.py`` (same rules):
each test feeds a source's published inputs to our model and asserts the source's published
outputs at the precision they were printed with; the docstring says where the numbers are and how
the source's conventions map to ours. Our conventions:

* liabilities ``L[i, j]`` = what ``i`` owes ``j``; an "assets matrix" of claims ``A[i, j]``
  (``i``'s claim on ``j``) is ``L = A.T``;
* Furfine ``capital`` = loss-absorbing book equity before any counterparty loss; a company fails
  when its accumulated losses exceed it (strictly); companies with negative capital are the
  round-0 ``initial_failures``;
* cross-holdings ``theta[i, j]`` = fraction of ``j``'s equity owned by ``i``.

Where a test derives something from the published inputs (capital from a balance sheet, say), or
converts a published number to another unit (plot coordinates to values with the plot's own axis
ticks), the docstring says so; published *outputs* are never re-derived by our code and pasted.
"""

from __future__ import annotations

import numpy as np
import pytest

from dealweb.stress import cross_holdings, furfine

# --------------------------------------------------------------------------------------------
# Furfine (2003): a cascade that actually runs
# --------------------------------------------------------------------------------------------

# Barucca, Bardoscia, Caccioli, D'Errico, Visentin, Battiston & Caldarelli, "Network valuation in
# financial systems" (arXiv:1606.05164, 2016), figure 2 (left panel) set-up, as run by
# N. Bertschinger et al., FinNetValu.jl (github.com/bertschi/FinNetValu),
# notebooks/finnetdemo.ipynb, section "Replicate fig. 2 (left panel) of Barucca et al.":
#   Lᵉ = [9., 4., 2.]; A = [0 0.5 0; 0 0 0.5; 0.5 0 0]; Aᵉ = [10., 5., 3.]
#   models = [EisenbergNoeModel(Lᵉ, A'), FurfineModel(Lᵉ, A', 0.0), LinearDebtRankModel(Lᵉ, A')]
#   αs = range(0, length = 101, stop = 0.6); shocks = [runshock(model, Aᵉ, α) ...]
# (the inputs test_published_examples_2.py uses for the two ends of the curve).
BARUCCA_EXTERNAL_LIABILITIES = np.array([9.0, 4.0, 2.0])
BARUCCA_CLAIMS = np.array([[0.0, 0.5, 0.0], [0.0, 0.0, 0.5], [0.5, 0.0, 0.0]])
BARUCCA_EXTERNAL_ASSETS = np.array([10.0, 5.0, 3.0])
BARUCCA_SHOCKS = np.linspace(0.0, 0.6, 101)

# The executed notebook's cell 7, ``plot(αs, shocks)``, is stored as an SVG whose polylines carry
# every one of the 101 points of each column. The Furfine column is the second series ("y2",
# stroke #e26f46). Its points, copied from the SVG (x, y in SVG units, 6 significant digits):
#   x = 248.527, 268.651, ..., 570.505  (points 1-17):   y = 1462.26
#   x = 590.629, 610.752, ..., 791.865  (points 18-28):  y = 1004.33
#   x = 811.989, 832.112, ..., 2260.89  (points 29-101): y = 88.4582
FINNETVALU_SVG_FURFINE_Y_RUNS = ((17, 1462.26), (11, 1004.33), (73, 88.4582))
FINNETVALU_SVG_RUN_FIRST_X = (248.527, 590.629, 811.989)
FINNETVALU_SVG_RUN_LAST_X = (570.505, 791.865, 2260.89)
# The same SVG's axes: x ticks "0.0" at x = 248.527 and "0.1" at x = 583.921; y grid lines at
# y = 1462.26 (tick "0.00"), 1118.81 ("0.25"), 775.359 ("0.50"), 431.909 ("0.75") and
# 88.4582 ("1.00").
SVG_X_TICKS = ((248.527, 0.0), (583.921, 0.1))
SVG_Y_TICKS = ((1462.26, 0.0), (1118.81, 0.25), (775.359, 0.5), (431.909, 0.75), (88.4582, 1.0))
# SVG numbers carry 6 significant digits (half a unit: 0.005 on 1462.26); over the 1373.8-unit
# span of the y axis that is < 1e-5 in plotted value, twice for the tick positions: 2e-5.
SVG_VALUE_TOL = 2e-5


def _svg_value(y: float) -> float:
    """Plotted value of an SVG y coordinate, read with the plot's own (linear) y ticks."""
    (y0, v0), (y1, v1) = SVG_Y_TICKS[0], SVG_Y_TICKS[-1]
    return v0 + (y - y0) * (v1 - v0) / (y1 - y0)


def _svg_shock(x: float) -> float:
    """Shock α of an SVG x coordinate, read with the plot's own (linear) x ticks."""
    (x0, a0), (x1, a1) = SVG_X_TICKS
    return a0 + (x - x0) * (a1 - a0) / (x1 - x0)


def _published_furfine_curve() -> np.ndarray:
    """The 101 plotted values of the Furfine column, point by point (SVG runs expanded)."""
    return np.concatenate(
        [np.full(count, _svg_value(y)) for count, y in FINNETVALU_SVG_FURFINE_Y_RUNS]
    )


def _barucca_furfine(shocks: np.ndarray):
    """Our Furfine model on the Barucca et al. network, one scenario per shock α.

    Translation (as in test_published_examples_2.py): liabilities = A.T (FinNetValu's
    ``FurfineModel(Lᵉ, L, R)`` takes L[i, j] = what i owes j and gets ``A'``); our capital is
    NEVA's book equity before counterparty losses, (1 - α) Aᵉ + rowsums(A) - rowsums(L) - Lᵉ,
    which here is 1 - α Aᵉ; negative capital = round-0 failure; loss given default = 1 - R = 1;
    NEVA's default test E_j < 0 is our "losses > capital". Returns the notebook's ``runshock``
    value, sum(ΔE - ΔAᵉ) / sum(A) with ΔE = E(α = 0) - E(α) and E = capital - losses, and our
    result.
    """
    liabilities = BARUCCA_CLAIMS.T
    capital = (
        (1.0 - shocks)[:, None] * BARUCCA_EXTERNAL_ASSETS
        + BARUCCA_CLAIMS.sum(axis=1)
        - liabilities.sum(axis=1)
        - BARUCCA_EXTERNAL_LIABILITIES
    )
    result = furfine.sequential_defaults(
        liabilities, capital, initial_failures=capital < 0, loss_given_default=1.0
    )
    assert shocks[0] == 0.0  # runshock's E₀ is the unshocked row
    equity = capital - result.losses
    delta_equity = equity[0] - equity
    delta_assets = shocks[:, None] * BARUCCA_EXTERNAL_ASSETS
    contribution = (delta_equity - delta_assets).sum(axis=1) / BARUCCA_CLAIMS.sum()
    return contribution, result


def test_furfine_finnetvalu_barucca_fig2_svg_points_are_the_shock_grid():
    """The digitisation itself: the SVG's x coordinates of the three runs, read with the plot's
    own x ticks, are the notebook's grid αs = 0, 0.006, ..., 0.6 at points 1, 17 | 18, 28 |
    29, 101 (so the runs are assigned to the right shocks). Tolerance: 6 significant digits of
    the SVG coordinates (< 2e-6 in α)."""
    counts = [count for count, _ in FINNETVALU_SVG_FURFINE_Y_RUNS]
    assert sum(counts) == BARUCCA_SHOCKS.size
    last = np.cumsum(counts) - 1
    first = last - np.array(counts) + 1
    for x_first, x_last, i, j in zip(
        FINNETVALU_SVG_RUN_FIRST_X, FINNETVALU_SVG_RUN_LAST_X, first, last, strict=True
    ):
        assert abs(_svg_shock(x_first) - BARUCCA_SHOCKS[i]) < 2e-6
        assert abs(_svg_shock(x_last) - BARUCCA_SHOCKS[j]) < 2e-6
    # the y ticks are evenly spaced (a linear axis), so reading values off them is exact
    ticks_y = np.array([y for y, _ in SVG_Y_TICKS])
    np.testing.assert_allclose(np.diff(ticks_y), np.diff(ticks_y).mean(), atol=0.01)


def test_furfine_finnetvalu_barucca_fig2_whole_curve_including_partial_contagion():
    """FinNetValu.jl, notebooks/finnetdemo.ipynb, executed cell 7 (``plot(αs, shocks)``), series
    "y2" (the Furfine column): the plotted network contribution is 0 for α = 0 ... 0.096, 1/3 for
    α = 0.102 ... 0.162 and 1 for α = 0.168 ... 0.6 (SVG y = 1462.26, 1004.33, 88.4582 with the
    "0.00" tick at 1462.26 and the "1.00" tick at 88.4582: values 0, 0.33333, 1).

    The printed matrix of cell 6 (tested in test_published_examples_2.py) elides rows 14-89; the
    plot of the same matrix shows them, including the contagion region. The contribution is the
    share of the three interbank claims (0.5 each) that is lost: 1/3 = one debtor failed, 1 =
    all three failed. Tolerance 2e-5: 6 significant digits of SVG coordinates.
    """
    contribution, _ = _barucca_furfine(BARUCCA_SHOCKS)
    np.testing.assert_allclose(
        contribution, _published_furfine_curve(), rtol=0, atol=SVG_VALUE_TOL
    )


def test_furfine_finnetvalu_barucca_fig2_cascade_round_by_round():
    """What the published curve says about who fails, and in which round.

    From the published inputs (derived here, not printed by the source): book equity before
    counterparty losses is 1 - α Aᵉ = (1 - 10α, 1 - 5α, 1 - 3α), so for 0.1 < α < 0.2 bank 1
    is the only bank insolvent on its own (banks numbered 1-3 as in the source; our indices are
    0-2). Each bank has exactly one debtor in the
    ring (bank 1 owes bank 3, bank 3 owes bank 2, bank 2 owes bank 1: A[3, 1] = A[2, 3] =
    A[1, 2] = 0.5).

    From the published curve: at α = 0.102 ... 0.162 the value is 1/3, one claim lost, so only
    bank 1 fails (round 0) and the rest survive; at α = 0.168 ... 0.198 it is 1, every claim
    lost, so all three fail although only bank 1 is insolvent on its own: a two-step cascade,
    whose order the ring fixes (bank 3's only debtor is bank 1, bank 2's only debtor is bank 3):
    rounds (0, 2, 1) for banks (1, 2, 3), and each creditor loses its one claim of 0.5.
    """
    partial = np.arange(17, 28)  # α = 0.102 ... 0.162, plotted value 1/3
    cascade = np.arange(28, 34)  # α = 0.168 ... 0.198, plotted value 1
    published = _published_furfine_curve()
    np.testing.assert_allclose(published[partial], 1 / 3, atol=SVG_VALUE_TOL)
    np.testing.assert_allclose(published[cascade], 1.0, atol=SVG_VALUE_TOL)
    own_insolvency = 1.0 - BARUCCA_SHOCKS[:, None] * BARUCCA_EXTERNAL_ASSETS < 0
    assert own_insolvency[np.r_[partial, cascade]].tolist() == [[True, False, False]] * 17

    _, result = _barucca_furfine(BARUCCA_SHOCKS)

    assert result.failure_round[partial].tolist() == [[0, -1, -1]] * partial.size
    assert result.failure_round[cascade].tolist() == [[0, 2, 1]] * cascade.size
    np.testing.assert_allclose(result.losses[cascade], 0.5, rtol=0, atol=1e-15)
    assert [r.tolist() for r in result.rounds[int(cascade[0])]] == [[0], [2], [1]]


# --------------------------------------------------------------------------------------------
# Cross-holdings of equity AND debt, with defaults (Suzuki 2002; Elsinger 2009; Fischer 2014)
# --------------------------------------------------------------------------------------------

# J. Stobbe's fork of FinNetValu.jl, github.com/Atomtomate/FinNetValu, test/models/test_xos_dc.jl
# (commit 50c7b1e8cf0a5e5a7bf661321fddd91fc7fb07ab), testset "xos default fixpoint":
#   Mˢ = [0.0 1/3; 1/4 0.0]; Mᵈ = [0.0 1/2; 1/5 0.0]; Mᵉ = I; a = [1.0, 1.0]
#   d0 = [0, 0]; d1 = [5, 5]; d2 = [0, 5]; α0 = [1, 1]
#   @test all(x1 .≈ [16/11, 15/11, 0, 0])  # (1 - Mˢ)^(-1) * (1,1)       (net1: d0, α0)
#   @test all(x2 .≈ [0, 0, 5/3, 4/3])      # (1 - Mᵈ)^(-1) * (1,1)       (net2: d1, α0)
#   @test all(x3 .≈ [12/7, 0, 0, 10/7])                                  (net3: d2, α0)
# x = vcat(equity, debt) is the fixed point of that repository's src/models/xos.jl:
#   equity = max(0, Mᵉ a + Mˢ equity + Mᵈ debt - d)
#   debt = min(d, dc .* Mᵉ a + Mˢ equity + Mᵈ debt)
# with dc = α for defaulted firms and 1 otherwise, so α0 = [1, 1] (no default costs) is the plain
# Suzuki/Elsinger model, ours. (The α1 = 1/10 cases have default costs on external assets, which
# our model does not have; they are not used.)
XOS_EQUITY_HOLDINGS = np.array([[0.0, 1 / 3], [1 / 4, 0.0]])  # Mˢ
XOS_DEBT_HOLDINGS = np.array([[0.0, 1 / 2], [1 / 5, 0.0]])  # Mᵈ
XOS_EXTERNAL_ASSETS = np.array([1.0, 1.0])
XOS_CASES = {
    # name: (nominal debt d, published x = [equity_1, equity_2, debt_1, debt_2])
    "no debt (d0)": ([0.0, 0.0], [16 / 11, 15 / 11, 0.0, 0.0]),
    "both default (d1)": ([5.0, 5.0], [0.0, 0.0, 5 / 3, 4 / 3]),
    "one defaults, one solvent (d2)": ([0.0, 5.0], [12 / 7, 0.0, 0.0, 10 / 7]),
}


def _xos_clearing(nominal_debt: np.ndarray):
    """Our cross-holdings clearing on the XOS network, plus an outside-creditors node.

    Translation: theta = Mˢ (Mˢ[i, j] = share of j's equity that i holds: the XOS value of i adds
    Mˢ * equity); Mᵈ[i, j] = share of j's debt that i holds, so j owes i Mᵈ[i, j] d_j and owes the
    rest, (1 - sum_i Mᵈ[i, j]) d_j, to outside creditors (a node that owns nothing and owes
    nothing). XOS pays a defaulted firm's debt value r_j to its holders in proportion to Mᵈ, i.e.
    pro rata to nominal claims: our (Eisenberg–Noe style) ``debt_payments``. XOS "equity" is our
    ``equity_values`` (the full value, including the part other firms hold).
    """
    n = nominal_debt.size
    liabilities = np.zeros((n + 1, n + 1))
    liabilities[:n, :n] = (XOS_DEBT_HOLDINGS * nominal_debt[None, :]).T
    liabilities[:n, n] = nominal_debt * (1.0 - XOS_DEBT_HOLDINGS.sum(axis=0))
    theta = np.zeros((n + 1, n + 1))
    theta[:n, :n] = XOS_EQUITY_HOLDINGS
    result = cross_holdings.clearing(liabilities, theta, np.append(XOS_EXTERNAL_ASSETS, 0.0))
    np.testing.assert_allclose(result.total_obligations[:n], nominal_debt, rtol=0, atol=1e-15)
    return result


@pytest.mark.parametrize("case", list(XOS_CASES))
def test_cross_holdings_xos_two_firms_equity_and_debt_with_defaults(case):
    """Atomtomate/FinNetValu, test/models/test_xos_dc.jl, testset "xos default fixpoint" (see the
    constants above): two firms holding each other's equity (1/3 and 1/4) and debt (1/2 and 1/5),
    external assets 1 each, at three debt levels. Published fixed points:

    * d = (0, 0): equity (16/11, 15/11) = (I - Mˢ)^-1 (1, 1): pure cross-holdings, no debt;
    * d = (5, 5): equity (0, 0), debt paid (5/3, 4/3) = (I - Mᵈ)^-1 (1, 1): both default and
      each pays what it has, part of which is the other's payment;
    * d = (0, 5): equity (12/7, 0), debt paid (0, 10/7): firm 2 defaults, and what it pays
      includes its 1/4 stake in firm 1's equity, which is itself worth more because firm 1 holds
      half of firm 2's debt (12/7 = 1 + 1/2 * 10/7, 10/7 = 1 + 1/4 * 12/7).

    The published values are exact fractions (the source asserts them with Julia's ≈, relative
    √eps, and a 0 must be matched exactly); our solver is exact up to round-off: 1e-12. Default =
    debt paid below nominal (the source's ``solvent`` is equity > 0, the same here).
    """
    debt, published = XOS_CASES[case]
    debt = np.asarray(debt)
    published = np.asarray(published)

    result = _xos_clearing(debt)

    np.testing.assert_allclose(result.equity_values[:2], published[:2], rtol=0, atol=1e-12)
    np.testing.assert_allclose(result.debt_payments[:2], published[2:], rtol=0, atol=1e-12)
    in_default = published[2:] < debt
    assert result.defaulted[:2].tolist() == in_default.tolist()
    assert (published[:2] > 0).tolist() == (~in_default).tolist()  # the source's "solvent"
