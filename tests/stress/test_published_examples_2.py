"""Furfine sequential defaults and equity cross-holdings against numbers printed by others.

A companion to ``test_published_examples.py`` (same rules): every test feeds a source's published
inputs to our model and asserts the source's published outputs, at the precision they were
printed with; the docstring says where the numbers are and how the source's conventions map to
ours. Our conventions:

* liabilities ``L[i, j]`` = what ``i`` owes ``j`` (rows pay, columns receive); an "assets
  matrix" of claims ``A[i, j]`` (``i``'s claim on ``j``) is therefore ``L = A.T``;
* Furfine ``capital`` = the loss-absorbing book equity before any counterparty loss; a company
  fails when its accumulated losses exceed it (strictly); fundamental failures (negative capital)
  are the round-0 ``initial_failures``;
* cross-holdings ``theta[i, j]`` = fraction of ``j``'s equity owned by ``i``; ``equity_values``
  is the full value of each company's equity (including the part other group companies own).

Where a test derives something from the published inputs (capital from a printed balance sheet,
say), the docstring says so; published *outputs* are never re-derived, only asserted.
"""

from __future__ import annotations

import numpy as np
import pytest

from dealweb.stress import cross_holdings, furfine

# --------------------------------------------------------------------------------------------
# Furfine (2003) sequential defaults
# --------------------------------------------------------------------------------------------

# Barucca, Bardoscia, Caccioli, D'Errico, Visentin, Battiston & Caldarelli, "Network valuation in
# financial systems" (arXiv:1606.05164, 2016), figure 2 (left panel) set-up, as encoded in
# N. Bertschinger et al., FinNetValu.jl (github.com/bertschi/FinNetValu),
# notebooks/finnetdemo.ipynb, section "Replicate fig. 2 (left panel) of Barucca et al.":
#   Lᵉ = [9., 4., 2.]; A = [0 0.5 0; 0 0 0.5; 0.5 0 0]; Aᵉ = [10., 5., 3.]
#   FurfineModel(Lᵉ, A', 0.0)
# FurfineModel(Lᵉ, L, R) (src/models/neva.jl) takes L[i, j] = what i owes j (so A, the notebook's
# "cross-holding" matrix, is an assets matrix: A[i, j] = i's claim on j) and values a claim on j
# at 1 if j's equity E_j >= 0 and at the recovery rate R = 0 otherwise, with
# E = Aᵉ + rowsums(A .* V) - (rowsums(L) + Lᵉ).
BARUCCA_EXTERNAL_LIABILITIES = np.array([9.0, 4.0, 2.0])
BARUCCA_CLAIMS = np.array([[0.0, 0.5, 0.0], [0.0, 0.0, 0.5], [0.5, 0.0, 0.0]])
BARUCCA_EXTERNAL_ASSETS = np.array([10.0, 5.0, 3.0])
# αs = range(0, length = 101, stop = 0.6)
BARUCCA_SHOCKS = np.linspace(0.0, 0.6, 101)
# The notebook's printed 101x3 result (columns EN, Furfine, Linear DR) shows its first 13 rows
# and its last 12 rows. Furfine column, rows 1-13 (α = 0, 0.006, ..., 0.072):
FINNETVALU_FURFINE_FIRST_ROWS = np.array(
    [0.0, 3.60822e-16, -7.58652e-16, -3.88578e-16, 2.59052e-16, 6.29126e-16, -4.81097e-16,
     -1.85037e-16, 5.18104e-16, -9.4369e-16, -2.22045e-16, 7.40149e-17, 8.14164e-16]
)  # fmt: skip
# rows 90-101 (α = 0.534, ..., 0.6) all print as 1.0
FINNETVALU_FURFINE_LAST_ROWS = np.ones(12)
# Julia prints matrix entries in compact form (6 significant digits): "1.0" is 1 to within 5e-7
JULIA_COMPACT_TOL = 5e-7


def _barucca_furfine_network_contribution():
    """Run our Furfine model on the Barucca et al. network for every shock of the notebook.

    Translation: liabilities = A.T; our capital is NEVA's book equity before any counterparty
    loss, (1 - α) Aᵉ + rowsums(A) - rowsums(L) - Lᵉ (computed from the published balance sheet;
    it equals 1 - α Aᵉ here); a company with negative capital has E < 0 whatever the others do,
    so it is a round-0 failure; loss given default = 1 - R = 1. NEVA's default test E_j < 0 is
    "losses > capital", which is ours. Then, as the notebook's ``runshock``: E = capital - losses,
    ΔE = E(α = 0) - E(α), ΔAᵉ = α Aᵉ, contribution = sum(ΔE - ΔAᵉ) / sum(A).
    """
    liabilities = BARUCCA_CLAIMS.T
    shocked_assets = (1.0 - BARUCCA_SHOCKS)[:, None] * BARUCCA_EXTERNAL_ASSETS
    capital = (
        shocked_assets
        + BARUCCA_CLAIMS.sum(axis=1)
        - liabilities.sum(axis=1)
        - BARUCCA_EXTERNAL_LIABILITIES
    )
    result = furfine.sequential_defaults(
        liabilities, capital, initial_failures=capital < 0, loss_given_default=1.0
    )
    equity = capital - result.losses
    assert BARUCCA_SHOCKS[0] == 0.0
    delta_equity = equity[0] - equity
    delta_assets = BARUCCA_SHOCKS[:, None] * BARUCCA_EXTERNAL_ASSETS
    contribution = (delta_equity - delta_assets).sum(axis=1) / BARUCCA_CLAIMS.sum()
    return contribution, result


def test_furfine_finnetvalu_barucca_fig2_no_contagion_for_small_shocks():
    """FinNetValu.jl, notebooks/finnetdemo.ipynb (executed notebook, cell 6 output), Furfine
    column of the printed ``shocks`` matrix, rows 1-13 (shock α = 0 ... 0.072): 0.0,
    3.60822e-16, -7.58652e-16, ... — zero up to the source's floating-point noise (largest
    |value| 9.4369e-16): no network losses at all.

    The printed values are round-off of differences of O(1) equities, and so is ours when
    computed with the source's formula (some rows even agree bit for bit: 3.60822e-16,
    2.59052e-16, ...); the smallest real network loss here is one claim, 0.5 / sum(A) = 1/3.
    So we assert agreement within 1e-14 (a few dozen ulps of 1, far below 1/3). A printed 0
    means no creditor lost a claim, hence (every claim being positive) no company failed:
    asserted too.
    """
    contribution, result = _barucca_furfine_network_contribution()
    np.testing.assert_allclose(contribution[:13], FINNETVALU_FURFINE_FIRST_ROWS, rtol=0, atol=1e-14)
    assert not result.failed[:13].any()


def test_furfine_finnetvalu_barucca_fig2_everyone_fails_for_large_shocks():
    """FinNetValu.jl, notebooks/finnetdemo.ipynb (executed notebook, cell 6 output), Furfine
    column of the printed ``shocks`` matrix, rows 90-101 (shock α = 0.534 ... 0.6): 1.0 — every
    interbank claim in the network is lost (the contribution is normalised by sum(A)).

    Tolerance 5e-7: Julia's compact matrix display shows 6 significant digits. All three claims
    lost means all three debtors failed, which we assert as well.

    What this does not cover: the notebook does not print the rows in between (0.072 < α <
    0.534), where contagion is partial, so only the two ends of the curve are checked here.
    """
    contribution, result = _barucca_furfine_network_contribution()
    np.testing.assert_allclose(
        contribution[-12:], FINNETVALU_FURFINE_LAST_ROWS, rtol=0, atol=JULIA_COMPACT_TOL
    )
    assert result.failed[-12:].all()


# --------------------------------------------------------------------------------------------
# Equity cross-holdings (integrated ownership; Brioschi et al. 1989, Elsinger 2009)
# --------------------------------------------------------------------------------------------


def test_cross_holdings_vernimmen_one_third_reciprocal_holding_equity_225():
    """Vernimmen (corporate finance textbook site, www.vernimmen.com), weekend brainstorm of
    5 Nov 2022 and its answer of 7 Nov 2022: "Company A owns one third of the share capital of
    company B, which in turn owns one third of the share capital of A. A and B each have 50 of
    cash net of bank and financial debt and each has operating assets worth 100." Published
    answer: the group's equity is worth 300; "the value of 100% of A's equity [is] 225, and the
    same for B"; and 2/3 of A's equity (held by shareholders other than B) plus 2/3 of B's equity
    "is the original 300".

    Translation: theta = [[0, 1/3], [1/3, 0]]; each company's assets outside the group are its
    operating assets plus its net cash, 100 + 50 = 150; the published cash figure is already net
    of financial debt and neither company is anywhere near default, so the debt is netted into
    the external assets and the liabilities matrix is zero. The outside shareholders' stake is
    (1 - column sum of theta) x equity value.

    The answers are exact (the system is 225 = 150 + 225/3), so we allow only round-off (1e-12).
    """
    theta = np.array([[0.0, 1.0 / 3.0], [1.0 / 3.0, 0.0]])
    external = np.array([100.0 + 50.0, 100.0 + 50.0])

    result = cross_holdings.clearing(np.zeros((2, 2)), theta, external)

    np.testing.assert_allclose(result.equity_values, [225.0, 225.0], rtol=0, atol=1e-12)
    outside = (1.0 - theta.sum(axis=0)) * result.equity_values
    assert outside.sum() == pytest.approx(300.0, abs=1e-12)
    assert not result.defaulted.any()
