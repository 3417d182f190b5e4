"""Result containers shared by the contagion models of :mod:`dealweb.stress`.

Every array is a plain :class:`numpy.ndarray`. Arrays that depend on the scenario have the shape of
the ``external_assets`` the caller passed: ``(n,)`` for one scenario, ``(S, n)`` for a batch of
``S`` scenarios over the same network of ``n`` companies. Arrays that describe the network only
(``total_obligations``) have shape ``(n,)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class ClearingResult:
    """Outcome of a clearing model (Eisenberg–Noe, Rogers–Veraart).

    Attributes
    ----------
    payments:
        Clearing payment vector ``p``: total each company actually pays its creditors in the
        network. ``0 <= p <= total_obligations``.
    total_obligations:
        ``pbar``: total each company owes (row sums of the liabilities matrix), shape ``(n,)``.
    defaulted:
        ``True`` where a company cannot pay in full (its assets fall short of ``pbar``).
    default_round:
        Round of the fictitious default algorithm in which the company was first found in default:
        ``0`` = fundamental default (fails even when everyone else pays in full), ``k`` = fails only
        because of the defaults found in rounds ``< k`` (contagion wave ``k``); ``-1`` = never.
    equity:
        **Signed** net worth at the clearing vector: ``external_assets + payments received -
        total_obligations``. Negative exactly for defaulted companies (the creditors' loss before
        default costs); shareholders' limited-liability equity is ``np.maximum(equity, 0)``.
    shortfall:
        ``total_obligations - payments``: what creditors in the network lose.
    residual:
        Max absolute fixed-point residual ``max |Phi(p) - p|`` of the returned vector (over all
        scenarios). Machine precision for the exact methods.
    iterations:
        Work done: fictitious-default rounds (``fda``) or fixed-point sweeps (``picard``), the
        maximum over scenarios.
    method:
        Algorithm actually used.
    """

    payments: np.ndarray
    total_obligations: np.ndarray
    defaulted: np.ndarray
    default_round: np.ndarray
    equity: np.ndarray
    shortfall: np.ndarray
    residual: float
    iterations: int
    method: str = "fda"
    info: dict = field(default_factory=dict, compare=False)

    @property
    def n_defaults(self) -> np.ndarray | int:
        """Number of defaulted companies (per scenario for a batch)."""
        counts = self.defaulted.sum(axis=-1)
        return int(counts) if np.ndim(counts) == 0 else counts

    @property
    def total_shortfall(self) -> np.ndarray | float:
        """Total creditor loss inside the network (per scenario for a batch)."""
        total = self.shortfall.sum(axis=-1)
        return float(total) if np.ndim(total) == 0 else total


@dataclass(frozen=True)
class FurfineResult:
    """Outcome of Furfine's sequential default algorithm (shapes follow ``capital``).

    Attributes
    ----------
    failed:
        Failed by the end (including the initial failures).
    failure_round:
        Round in which each company failed: ``0`` = initial (exogenous) failure, ``k`` = failed
        from losses on the failures of round ``k - 1``; ``-1`` = survived.
    losses:
        Credit losses each company suffered from failed debtors (``loss_given_default`` x claim).
    capital_remaining:
        ``capital - losses`` (negative for companies that failed from losses).
    """

    failed: np.ndarray
    failure_round: np.ndarray
    losses: np.ndarray
    capital_remaining: np.ndarray

    @property
    def rounds(self) -> list:
        """Failures round by round: a list of index arrays (a list of such lists for a batch)."""

        def waves(row: np.ndarray) -> list[np.ndarray]:
            last = int(row.max(initial=-1))
            return [np.flatnonzero(row == k) for k in range(last + 1)]

        if self.failure_round.ndim == 1:
            return waves(self.failure_round)
        return [waves(row) for row in self.failure_round]

    @property
    def n_failed(self) -> np.ndarray | int:
        counts = self.failed.sum(axis=-1)
        return int(counts) if np.ndim(counts) == 0 else counts


@dataclass(frozen=True)
class DebtRankResult:
    """Outcome of DebtRank (shapes follow ``initial_distress``: ``(n,)`` or ``(S, n)``).

    Attributes
    ----------
    distress:
        Final relative equity loss ``h`` in ``[0, 1]`` of each company.
    debtrank:
        DebtRank ``R``: value-weighted distress caused *beyond* the initial shock
        (``sum v h(T) - sum v h(1)``); a float, or ``(S,)`` for a batch.
    total_distress:
        Value-weighted final distress ``sum v h(T)`` including the initial shock.
    rounds:
        Propagation steps performed until no company was left in the Distressed state (each
        step lets every Distressed company pass its distress on once; max over scenarios).
    """

    distress: np.ndarray
    debtrank: np.ndarray | float
    total_distress: np.ndarray | float
    rounds: int


@dataclass(frozen=True)
class CrossHoldingResult:
    """Outcome of the cross-holdings clearing model (Suzuki 2002; Elsinger 2009).

    Attributes
    ----------
    debt_payments:
        Clearing payments ``p`` on debt-like obligations, ``0 <= p <= pbar``.
    equity_values:
        Market value of each company's equity at the fixed point (``>= 0``, limited liability).
    firm_values:
        Total asset value ``external + debt received + equity stakes held``.
    total_obligations:
        ``pbar``: total debt each company owes, shape ``(n,)``.
    defaulted:
        ``True`` where the company's assets do not cover its debt.
    residual:
        Max absolute fixed-point residual over payments and equity values.
    iterations:
        Active-set rounds.
    """

    debt_payments: np.ndarray
    equity_values: np.ndarray
    firm_values: np.ndarray
    total_obligations: np.ndarray
    defaulted: np.ndarray
    residual: float
    iterations: int
