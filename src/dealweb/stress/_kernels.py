"""Shared numerical kernels of the clearing models: input checks and the greatest clearing vector.

The clearing problem of Eisenberg & Noe (2001) and its default-cost extension by Rogers & Veraart
(2013) share one kernel, :func:`greatest_clearing`. With ``Pi`` the relative liabilities matrix
(``Pi[i, j] = L[i, j] / pbar[i]``), external assets ``e`` and default-cost factors ``alpha``
(on external assets) and ``beta`` (on payments received), the clearing vector is the greatest
fixed point of

    Phi(p)_i = pbar_i                                 if e_i + (Pi^T p)_i >= pbar_i  (solvent)
    Phi(p)_i = alpha * e_i + beta * (Pi^T p)_i        otherwise                      (in default)

(``alpha = beta = 1`` gives Eisenberg–Noe's ``min(pbar, e + Pi^T p)``.)

Method ``"fda"`` is the fictitious default algorithm (Eisenberg & Noe 2001, section 3; Rogers &
Veraart 2013, Greatest Clearing Vector Algorithm): start with everyone paying in full; each round
adds the companies whose assets fall short, then solves the *linear* system of the default set D

    (I - beta Pi_DD^T) p_D = alpha e_D + beta Pi_ND^T pbar_N

exactly. The default set only grows, so at most n rounds (a handful in practice); the final
vector is the exact fixed point, verified by recomputing the default set and the residual.
The linear system is solved densely (LAPACK) when the default set is small and otherwise with
BiCGSTAB (van der Vorst 1992; restarted GMRES if it breaks down) warm-started from the previous
round, refined on its float64 residual and polished by Jacobi sweeps — which are monotone from
above, so they also handle the (degenerate) singular case by converging to the greatest
solution. Large default sets are solved in the full space with the solvent companies masked
out (no block extraction).

A batch of scenarios (``(S, n)`` external assets) on a network of up to ``BATCH_MAX_N``
companies advances all scenarios together (:func:`fictitious_default_batch`): one sparse x
dense product a round tests every scenario for new defaults, and every scenario's round system
is swept on the union of the scenarios' default sets, one product a sweep, to round-off — so
every round is exact and each company is put in default only when it is short at the exact
round solution, the fictitious default algorithm's rule itself (no error margin is involved).

Method ``"picard"`` is the plain monotone fixed-point iteration from ``pbar`` (the baseline).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

EPS = np.finfo(np.float64).eps
#: Default sets up to this size are solved with a dense LU factorisation.
DENSE_MAX = 400
#: Relative slack for the solvency test, in units of machine epsilon: a company whose assets
#: equal its obligations up to round-off is treated as solvent (as it is in exact arithmetic).
SOLVENCY_SLACK = 64 * EPS
#: A default set solved in the full space (over a third of the network) whose companies are at
#: most this share of the network gets a copy of its own rows of the liabilities (see
#: :class:`_DefaultSystem`); above it the copy costs more than it saves.
ROWS_MAX_SHARE = 0.85
#: Scenarios of a batch advance together (:func:`fictitious_default_batch`) in chunks of at
#: most this many payments (companies x scenarios), on networks of up to ``BATCH_MAX_N``
#: companies; larger networks are solved scenario by scenario (:func:`fictitious_default`:
#: per-round blocks and Krylov solves). Measured (ms a scenario, together / one by one):
#: 100 x 10k companies 3.1 / 4.3, 20 x 10k severe 38 / 48, 40 x 100k 74 / 72, 10 x 100k 63 / 51.
BATCH_VALUES = 4_000_000
BATCH_MAX_N = 50_000


def as_liabilities(liabilities, name: str = "liabilities") -> sp.csr_array:
    """Check and convert a liabilities matrix to CSR float64.

    ``liabilities[i, j]`` is the amount company ``i`` owes company ``j``: square, finite,
    non-negative, with a zero diagonal (nobody owes itself).
    """
    if sp.issparse(liabilities):
        matrix = sp.csr_array(liabilities, dtype=np.float64)
    else:
        dense = np.asarray(liabilities, dtype=np.float64)
        if dense.ndim != 2:
            raise ValueError(f"{name} must be a 2-D matrix, got shape {dense.shape}")
        matrix = sp.csr_array(dense)
    if matrix.shape[0] != matrix.shape[1]:
        raise ValueError(f"{name} must be square (n x n), got shape {matrix.shape}")
    if not matrix.has_canonical_format or not np.all(matrix.data != 0):
        # a private copy: canonicalising in place would change the caller's matrix
        matrix = matrix.copy()
        matrix.sum_duplicates()
        matrix.eliminate_zeros()
    data = matrix.data
    if not np.all(np.isfinite(data)):
        raise ValueError(f"{name} contain NaN or infinite amounts")
    if data.size and data.min() < 0:
        rows = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
        k = int(np.argmin(data))
        raise ValueError(
            f"{name} must be >= 0; entry [{rows[k]}, {matrix.indices[k]}] = {float(data[k])}"
        )
    tiny = np.finfo(np.float64).tiny
    if data.size and data.min() < tiny:
        rows = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
        k = int(np.argmin(data))
        raise ValueError(
            f"{name} entry [{rows[k]}, {matrix.indices[k]}] = {float(data[k])} is below the "
            f"smallest normal float64 ({tiny}); its reciprocal overflows — use a larger unit"
        )
    diagonal = matrix.diagonal()
    if np.any(diagonal != 0):
        i = int(np.flatnonzero(diagonal)[0])
        raise ValueError(
            f"{name} must have a zero diagonal (nobody owes itself); entry [{i}, {i}] = "
            f"{float(diagonal[i])}"
        )
    return matrix


def as_scenarios(values, n: int, name: str, *, nonnegative: bool = True) -> tuple[np.ndarray, bool]:
    """Return ``values`` as a ``(S, n)`` float array and whether the input was a single ``(n,)``."""
    array = np.asarray(values, dtype=np.float64)
    single = array.ndim == 1
    if single:
        array = array[None, :]
    if array.ndim != 2 or array.shape[1] != n:
        raise ValueError(
            f"{name} must have shape (n,) or (S, n) with n = {n}, got {np.shape(values)}"
        )
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contain NaN or infinite values")
    if nonnegative and array.size and array.min() < 0:
        s, i = np.unravel_index(int(np.argmin(array)), array.shape)
        where = f"company {i}" if single else f"scenario {s}, company {i}"
        raise ValueError(f"{name} must be >= 0; {where} has {float(array[s, i])}")
    return array, single


def _compact_indices(matrix: sp.csr_array) -> sp.csr_array:
    """``matrix`` with 32-bit index arrays when they fit (the data array is shared, not copied).

    A sparse product streams the data and the column indices once; with 64-bit indices (what
    scipy keeps for a matrix built from 64-bit coordinates) the indices are a third of that
    traffic, and at 10M obligations 32-bit ones make each product ~20 % faster (benchmarks/).
    """
    limit = np.iinfo(np.int32).max
    if matrix.indices.dtype == np.int32 or max(matrix.nnz, *matrix.shape) >= limit:
        return matrix
    return sp.csr_array(
        (matrix.data, matrix.indices.astype(np.int32), matrix.indptr.astype(np.int32)),
        shape=matrix.shape,
    )


class Network:
    """Liabilities in the form the kernels use.

    ``received(p)`` = ``Pi^T p`` = ``L^T (p / pbar)``: evaluated through the free CSC view of
    ``L^T`` so no transposed copy of a 10M-entry matrix is ever built.
    """

    def __init__(self, matrix: sp.csr_array):
        self.matrix = _compact_indices(matrix)
        self.pbar = np.asarray(matrix.sum(axis=1)).ravel()
        self.inverse = np.divide(
            1.0, self.pbar, out=np.zeros_like(self.pbar), where=self.pbar > 0
        )
        self.n = matrix.shape[0]
        self._owed_to = None

    def received(self, p: np.ndarray) -> np.ndarray:
        """Payments received by each company when debtors pay ``p`` (``(n,)`` or ``(n, S)``)."""
        weights = self.inverse if p.ndim == 1 else self.inverse[:, None]
        return self.matrix.T @ (p * weights)

    def block(self, idx: np.ndarray) -> sp.csr_array:
        """The block ``L[idx][:, idx]`` of obligations among the companies ``idx``."""
        return sp.csr_array(self.matrix[idx][:, idx])

    @property
    def owed_to(self) -> np.ndarray:
        """What each company is owed in total (``L^T 1``), computed once."""
        if self._owed_to is None:
            self._owed_to = np.asarray(self.matrix.sum(axis=0)).ravel()
        return self._owed_to


def clearing_map(net: Network, e, p, alpha: float, beta: float):
    """Evaluate ``Phi(p)`` (see module docstring) on ``(n,)`` or ``(n, S)`` columns.

    Returns ``(Phi(p), in_default, assets)``.
    """
    received = net.received(p)
    assets = e + received
    pbar = net.pbar if p.ndim == 1 else net.pbar[:, None]
    solvent = assets >= pbar - SOLVENCY_SLACK * (pbar + np.abs(assets))
    return np.where(solvent, pbar, alpha * e + beta * received), ~solvent, assets


def _short(net: Network, e_cols: np.ndarray, p_cols: np.ndarray) -> np.ndarray:
    """The test of :func:`clearing_map` alone: who is short of its obligations at ``p``."""
    assets = net.received(p_cols)
    assets += e_cols
    pbar = net.pbar[:, None]
    return assets < pbar - SOLVENCY_SLACK * (pbar + np.abs(assets))


class _DefaultSystem:
    """The linear system of one fictitious-default round: ``x = rhs + A x`` on the default set.

    ``A = beta Pi_DD^T`` and ``rhs = alpha e_D + beta Pi_ND^T pbar_N`` (what the solvent companies,
    paying in full, pay into the default set). A small default set gets its own sparse block and
    vectors of its size. A large one (over a third of the network and over ``DENSE_MAX``) is
    solved in the full space: vectors of all ``n`` companies that are zero outside the default
    set, and ``A`` the full matrix with the solvent rows masked out — no block of nearly every
    entry is extracted. Up to ``ROWS_MAX_SHARE`` of the network, the product uses a copy of
    the default set's own rows of ``L`` (the solvent companies' rows only ever meet zeros).
    ``restrict(p)`` and ``expand(x)`` convert between payments of the whole network and vectors
    of the system.
    """

    def __init__(self, net: Network, e: np.ndarray, idx: np.ndarray, alpha: float, beta: float):
        self.net, self.idx, self.beta = net, idx, beta
        self.debtors = None  # the rows of L in the product when only those (see below)
        self.full = idx.size > max(net.n // 3, DENSE_MAX)
        if self.full:
            paying = net.pbar.copy()
            paying[idx] = 0.0
            rhs = alpha * e[idx] + beta * net.received(paying)[idx]
            self.mask = np.zeros(net.n)
            self.mask[idx] = 1.0
            self.cap = net.pbar * self.mask
            self.rhs = np.zeros(net.n)
            self.rhs[idx] = rhs
            self.weights = beta * net.inverse
            self.matrix_t = net.matrix.T  # free CSC view of L^T
            if idx.size <= ROWS_MAX_SHARE * net.n:
                # only the default set's rows of L pay into the product (everyone else's entry
                # of x is zero): a copy of those rows costs about one full product and saves
                # the solvent share of every product of the round
                self.debtors = idx
                self.matrix_t = net.matrix[idx].T
                self.weights = self.weights[idx]
        else:
            block = net.block(idx)
            # received from the solvent companies = everything owed minus what the default set
            # owes itself: no product over the whole network
            owed_inside = np.bincount(block.indices, weights=block.data, minlength=idx.size)
            from_solvent = net.owed_to[idx] - owed_inside
            rhs = alpha * e[idx] + beta * np.maximum(from_solvent, 0.0)
            self.cap = net.pbar[idx]
            self.rhs = rhs
            self.weights = beta * net.inverse[idx]
            self.matrix_t = block.T  # CSC view of the transposed block
        self.scale = max(float(np.max(np.abs(rhs))), float(np.max(self.cap)), 1e-300)
        self._scaled = None  # work vector of apply (no fresh n-vector a product)

    def restrict(self, p: np.ndarray) -> np.ndarray:
        """The system's vector of the default set's payments in ``p``."""
        return p * self.mask if self.full else p[self.idx]

    def expand(self, x: np.ndarray) -> np.ndarray:
        """Payments of the whole network: ``x`` in the default set, in full elsewhere."""
        if self.full:
            return np.where(self.mask > 0, x, self.net.pbar)
        p = self.net.pbar.copy()
        p[self.idx] = x
        return p

    def apply(self, x: np.ndarray) -> np.ndarray:
        """``A x`` (payments received inside the default set)."""
        if self._scaled is None:
            self._scaled = np.empty_like(self.weights)
        if self.full and self.debtors is not None:
            scaled = np.multiply(x[self.debtors], self.weights, out=self._scaled)
        else:
            scaled = np.multiply(x, self.weights, out=self._scaled)
        out = self.matrix_t @ scaled
        if self.full:
            out *= self.mask
        return out

    def sweep(self, x: np.ndarray) -> np.ndarray:
        return np.clip(self.rhs + self.apply(x), 0.0, self.cap)

    def residual(self, x: np.ndarray) -> np.ndarray:
        return self.rhs + self.apply(x) - x

    def dense(self) -> np.ndarray:
        """``I - A`` as a dense matrix (small default sets only)."""
        block_t = self.net.block(self.idx).T if self.full else self.matrix_t
        weights = self.beta * self.net.inverse[self.idx]
        return np.eye(self.idx.size) - block_t.toarray() * weights[None, :]


def _jacobi(system: _DefaultSystem, x: np.ndarray, sweeps: int, give_up: float = 1.0,
            loose: float | None = None) -> tuple[np.ndarray, float]:
    """Up to ``sweeps`` Jacobi sweeps; returns the iterate and the last contraction ratio
    (0 when the iterate stopped moving at round-off level). Stops early once the ratio exceeds
    ``give_up``: the first sweeps often contract fast and then slow down to the spectral radius
    (0.9 and more under severe stress), where a Krylov solver is far cheaper. With ``loose``,
    also stops (returning a ratio of -1) once the a-posteriori error estimate
    ``change * ratio / (1 - ratio)`` of a fast-contracting iteration is below it."""
    previous = np.inf
    ratio = 1.0
    for k in range(sweeps):
        new = system.sweep(x)
        change = float(np.max(np.abs(new - x), initial=0.0))
        x = new
        if change <= 4 * EPS * system.scale:
            return x, 0.0
        ratio = change / previous if np.isfinite(previous) else 1.0
        previous = change
        if k >= 2 and ratio > give_up:
            break
        if loose is not None and k >= 2 and ratio < 0.5 and change * ratio / (1 - ratio) <= loose:
            return x, -1.0
    return x, ratio


def _gmres(system: _DefaultSystem, rhs: np.ndarray, x0: np.ndarray, rtol: float,
           restart: int = 12, max_restarts: int = 100) -> tuple[np.ndarray, int]:
    """Restarted GMRES for ``(I - A) x = rhs`` (returns ``x`` and 0 on convergence, 1 if not).

    Written out because scipy's implementation spends most of its time in Python bookkeeping;
    here the Krylov basis is a row-major block and the (twice-applied, classical) Gram–Schmidt
    projections are single-threaded ``einsum`` contractions: multithreaded BLAS on these thin
    products was up to 5x slower and erratic on a busy 2-core machine (see benchmarks/).
    """
    m = rhs.size
    x = x0.astype(np.float64, copy=True)
    target = rtol * max(_norm(rhs), 1e-300)
    basis = np.empty((restart + 1, m))
    for _ in range(max_restarts):
        r = rhs - (x - system.apply(x))
        beta0 = _norm(r)
        if beta0 <= target:
            return x, 0
        hessenberg = np.zeros((restart + 1, restart))
        basis[0] = r / beta0
        y = np.zeros(0)
        for k in range(restart):
            w = basis[k] - system.apply(basis[k])
            active = basis[: k + 1]
            h = np.einsum("ij,j->i", active, w)
            w -= np.einsum("i,ij->j", h, active)
            # second pass: keeps the basis orthogonal to round-off
            h2 = np.einsum("ij,j->i", active, w)
            w -= np.einsum("i,ij->j", h2, active)
            hessenberg[: k + 1, k] = h + h2
            hk = _norm(w)
            hessenberg[k + 1, k] = hk
            g = np.zeros(k + 2)
            g[0] = beta0
            y = np.linalg.lstsq(hessenberg[: k + 2, : k + 1], g, rcond=None)[0]
            estimate = float(np.linalg.norm(hessenberg[: k + 2, : k + 1] @ y - g))
            if hk <= 1e-300 or estimate <= target:
                break
            basis[k + 1] = w / hk
        x += np.einsum("i,ij->j", y, basis[: y.size])
    r = rhs - (x - system.apply(x))
    return x, int(_norm(r) > target)


def _bicgstab(system: _DefaultSystem, rhs: np.ndarray, x0: np.ndarray, rtol: float,
              max_iter: int = 2000) -> tuple[np.ndarray, int]:
    """BiCGSTAB (van der Vorst 1992) for ``(I - A) x = rhs``; returns ``x`` and 0 on convergence,
    1 on breakdown or no convergence (the caller then falls back to GMRES).

    Two operator products and a handful of vector updates per step: on the default-set
    systems it needs fewer products than restarted GMRES and none of its Gram–Schmidt work,
    about half the time (benchmarks/). Inner products avoid BLAS threads (see :func:`_gmres`).
    The vector updates are done in place in a few preallocated vectors: at a million companies
    a fresh temporary is an 8 MB allocation (page faults included) per operation.
    """
    x = x0.astype(np.float64, copy=True)
    r = system.apply(x)
    r -= x
    r += rhs
    target = rtol * max(_norm(rhs), 1e-300)
    if _norm(r) <= target:
        return x, 0
    shadow = r.copy()
    rho = alpha = omega = 1.0
    v = np.zeros_like(r)
    direction = np.zeros_like(r)
    scratch = np.empty_like(r)
    for _ in range(max_iter):
        rho_new = _dot(shadow, r)
        if rho_new == 0.0 or omega == 0.0:
            return x, 1
        # direction = r + (rho_new / rho) (alpha / omega) (direction - omega v)
        direction -= np.multiply(v, omega, out=scratch)
        direction *= (rho_new / rho) * (alpha / omega)
        direction += r
        # v = (I - A) direction
        v = np.subtract(direction, system.apply(direction), out=v)
        denominator = _dot(shadow, v)
        if denominator == 0.0:
            return x, 1
        alpha = rho_new / denominator
        x += np.multiply(direction, alpha, out=scratch)
        s = r
        s -= np.multiply(v, alpha, out=scratch)  # r is s from here on
        if _norm(s) <= target:
            return x, 0
        t = system.apply(s)
        np.subtract(s, t, out=t)
        tt = _dot(t, t)
        if tt == 0.0:
            return x, 1
        omega = _dot(t, s) / tt
        if not np.isfinite(omega):
            return x, 1
        x += np.multiply(s, omega, out=scratch)
        r -= np.multiply(t, omega, out=scratch)
        rho = rho_new
        if _norm(r) <= target:
            return x, 0
    return x, 1


def _krylov(system: _DefaultSystem, rhs: np.ndarray, x0: np.ndarray,
            rtol: float) -> tuple[np.ndarray, int]:
    """BiCGSTAB, and restarted GMRES from the same start if it breaks down."""
    x, info = _bicgstab(system, rhs, x0, rtol)
    if info == 0 and np.all(np.isfinite(x)):
        return x, 0
    return _gmres(system, rhs, x0, rtol)


def _norm(v: np.ndarray) -> float:
    """Euclidean norm without BLAS threads (see :func:`_gmres`)."""
    return float(np.sqrt(np.einsum("i,i->", v, v)))


def _dot(a: np.ndarray, b: np.ndarray) -> float:
    """Inner product without BLAS threads (see :func:`_gmres`)."""
    return float(np.einsum("i,i->", a, b))


def _solve(system: _DefaultSystem, p: np.ndarray, exact: bool) -> tuple[np.ndarray, bool]:
    """Solve the round's system from the payments ``p`` (the previous round's, above the
    solution). Returns ``(payments, is_exact)``.

    Fast-contracting systems are solved by Jacobi sweeps, which from above decrease
    monotonically to the solution and stop at round-off level (exact). Slowly contracting ones go
    to BiCGSTAB (GMRES if it breaks down), to a relative residual of 1e-12 when ``exact`` is
    False (enough to see which companies default next); with ``exact`` the answer is refined on
    its float64 residual until the fixed-point residual is at machine precision. If the Krylov
    solvers fail (a singular system: a closed group of defaulted companies owing only each
    other) the monotone sweeps from above take over and converge to the greatest solution.
    """
    x, is_exact = _solve_system(system, system.restrict(p), exact)
    return system.expand(x), is_exact


def _solve_system(system: _DefaultSystem, x0: np.ndarray, exact: bool) -> tuple[np.ndarray, bool]:
    """:func:`_solve` on the system's vectors. Sweeps come first even for small systems: when
    they contract fast a dozen sparse sweeps are cheaper than a dense factorisation."""
    # an intermediate round only has to show who defaults next (see fictitious_default)
    loose = None if exact else 1e-11 * system.scale
    x, ratio = _jacobi(system, x0, 8, loose=loose)
    if ratio <= 0.0:
        return x, ratio == 0.0
    if ratio < 0.3:
        x, ratio = _jacobi(system, x, 200, give_up=0.5, loose=loose)
        if ratio <= 0.0:
            return x, ratio == 0.0
    if system.idx.size <= DENSE_MAX:
        dense = np.linalg.solve(system.dense(), system.rhs)
        if np.all(np.isfinite(dense)):
            polished, ratio = _jacobi(system, np.clip(dense, 0.0, system.cap), 50)
            if ratio == 0.0:
                return polished, True
    guess = x
    x, info = _krylov(system, system.rhs, guess, 1e-13 if exact else 1e-12)
    if info == 0 and np.all(np.isfinite(x)):
        if not exact:
            return np.clip(x, 0.0, system.cap), False
        x, ratio = _jacobi(system, _refine(system, x), 20)
        if ratio == 0.0:
            return x, True
    x, ratio = _jacobi(system, guess, 1_000_000)
    if ratio == 0.0 and exact:
        # sweeps that contract slowly stop moving while still change / (1 - rate) above the
        # solution; a small refinement step closes that gap (a large one would mean a singular
        # system, where the sweeps' limit, the greatest solution, is the answer)
        refined = _refine(system, x)
        if float(np.max(np.abs(refined - x), initial=0.0)) <= 1e-8 * system.scale:
            polished, ratio = _jacobi(system, refined, 20)
            if ratio == 0.0:
                return polished, True
    return x, ratio == 0.0


def _refine(system: _DefaultSystem, x: np.ndarray, steps: int = 6) -> np.ndarray:
    """Iterative refinement: Krylov solves on the float64 residual until it is at round-off."""
    for _ in range(steps):
        r = system.residual(x)
        if float(np.max(np.abs(r), initial=0.0)) <= EPS * system.scale:
            break
        dx, _ = _krylov(system, r, np.zeros_like(r), 1e-8)
        if not np.all(np.isfinite(dx)):
            break
        x = x + dx
    return np.clip(x, 0.0, system.cap)


def fictitious_default(net: Network, e, alpha: float, beta: float, state=None):
    """Greatest clearing vector of one scenario by the fictitious default algorithm.

    Returns ``(p, default_round, rounds)``. Intermediate rounds may be solved to a relative
    residual of 1e-12 (Krylov) or an estimated error of 1e-11 of the largest payment (sweeps)
    only; a company is then counted as newly defaulted only if its shortfall
    exceeds ``1e-8 * max(pbar)``, so no company is ever put in default by solver error. The final
    round is always solved exactly and re-checked, and so is any round that leaves a company
    within that margin of its obligations, so rounds are not shifted by solver error.
    ``state = (p, default_round, in_default, rounds)`` resumes a run whose current default set's
    system is not solved yet (used by the batch solver).
    """
    margin = 1e-8 * float(np.max(net.pbar, initial=0.0))
    system = None
    exact = True
    refined = False
    if state is None:
        p = net.pbar.copy()
        default_round = np.full(net.n, -1, dtype=np.int64)
        in_default = np.zeros(net.n, dtype=bool)
        rounds = 0
        idx = np.flatnonzero(in_default)
    else:
        p, default_round, in_default, rounds = state
        idx = np.flatnonzero(in_default)
        if idx.size:
            system = _DefaultSystem(net, e, idx, alpha, beta)
            p, exact = _solve(system, p, exact=False)
    while True:
        _, short, assets = clearing_map(net, e, p, alpha, beta)
        if exact:
            new = short & ~in_default
        else:
            new = (assets < net.pbar - margin) & ~in_default
            near = (np.abs(assets - net.pbar) <= margin) & ~in_default
            if near.any() and not refined:
                refined = True
                # a company this close to the line could go either way within the solver's
                # error: decide on the exact solution, so it gets the right round
                p, exact = _solve(system, p, exact=True)
                continue
        if not new.any():
            if exact or system is None:
                return p, default_round, rounds
            p, exact = _solve(system, p, exact=True)
            continue
        default_round[new] = rounds
        in_default |= new
        idx = np.flatnonzero(in_default)
        system = None  # the previous round's rows of L go before the next round's are copied
        system = _DefaultSystem(net, e, idx, alpha, beta)
        p, exact = _solve(system, p, exact=False)
        refined = False
        rounds += 1


class _UnionSystem:
    """The default-set systems of a batch of scenarios on one shared block of the network.

    ``U`` is the union of the scenarios' default sets. Every scenario's system
    ``x = alpha e_D + beta Pi_ND^T pbar_N + beta Pi_DD^T x`` (see :class:`_DefaultSystem`) is
    iterated on the block ``L[U][:, U]`` with the scenario's solvent members of ``U`` held at
    full payment: the unknowns are a ``(|U|, S)`` array, one column a scenario, and one sweep of
    all scenarios is one sparse-times-dense product over the block, whose rows of ``S``
    contiguous numbers stream far faster than ``S`` separate sparse products. Companies outside
    ``U`` are solvent in every scenario and pay in full: a constant inflow ``c``.
    """

    def __init__(self, net: Network, e: np.ndarray, in_default: np.ndarray, alpha: float,
                 beta: float):
        """``e`` and ``in_default`` are ``(n, S)``: one column a scenario."""
        self.members = np.flatnonzero(in_default.any(axis=1))
        block = net.block(self.members)  # a private copy: its entries are scaled in place
        owed_inside = np.bincount(block.indices, weights=block.data, minlength=self.members.size)
        inflow = beta * np.maximum(net.owed_to[self.members] - owed_inside, 0.0)
        block.data *= np.repeat(beta * net.inverse[self.members], np.diff(block.indptr))
        self.matrix_t = block.T  # CSC view of beta Pi_UU^T
        self.rhs = alpha * e[self.members] + inflow[:, None]
        # a solvent member pays in full: its lower bound is its obligations, so one clip both
        # bounds the defaulted payments to [0, pbar] and holds the solvent ones at pbar
        full = net.pbar[self.members][:, None]
        self.upper = np.ascontiguousarray(np.broadcast_to(full, self.rhs.shape))
        self.lower = np.where(in_default[self.members], 0.0, full)

    def sweep(self, x: np.ndarray) -> np.ndarray:
        out = self.matrix_t @ x
        out += self.rhs
        return np.clip(out, self.lower, self.upper, out=out)

    def solve(self, x: np.ndarray, scale: float, slow_ratio: float,
              max_sweeps: int = 1000) -> tuple[np.ndarray, np.ndarray]:
        """Sweeps from ``x`` (above every scenario's solution) until each scenario's column
        stops moving at round-off level — its exact solution, as in :func:`_solve_system` — or
        contracts slower than ``slow_ratio`` after a dozen sweeps. Returns the iterate and which
        scenarios were too slow (their column is still above their solution: the sweeps from
        above decrease monotonically)."""
        count = x.shape[1]
        previous = np.full(count, np.inf)
        converged = np.zeros(count, dtype=bool)
        slow = np.zeros(count, dtype=bool)
        for k in range(max_sweeps):
            new = self.sweep(x)
            x -= new
            change = np.max(np.abs(x, out=x), axis=0, initial=0.0)
            x = new
            converged |= change <= 4 * EPS * scale
            if k >= 11:
                slow |= ~converged & (change > slow_ratio * previous)
            previous = change
            if np.all(converged | slow):
                break
        return x, slow | ~converged


def fictitious_default_batch(net: Network, e_cols: np.ndarray, alpha: float, beta: float,
                             slow_ratio: float = 0.6):
    """The fictitious default algorithm for a batch of scenarios (``e_cols`` is ``(n, S)``, one
    column a scenario), all advancing together: per round one sparse-times-dense product over
    the network tests every scenario for new defaults, and the rounds' linear systems are swept
    on the union of the scenarios' default sets (:class:`_UnionSystem`) to round-off — each
    round exact, so the default sets and rounds are those of :func:`fictitious_default`. A
    scenario whose sweeps contract slower than ``slow_ratio`` (severe stress) continues alone
    with the Krylov solver of :func:`fictitious_default`.

    Returns ``(p, default_round, rounds)``: ``(n, S)`` arrays and the largest number of rounds.
    """
    n, count = e_cols.shape
    scale = max(float(np.max(net.pbar, initial=0.0)), 1e-300)
    p = np.repeat(net.pbar[:, None], count, axis=1)
    labels = np.full((n, count), -1, dtype=np.int64)
    in_default = np.zeros((n, count), dtype=bool)
    rounds = np.zeros(count, dtype=np.int64)
    active = np.arange(count)
    while active.size:
        if active.size == count:
            new = _short(net, e_cols, p) & ~in_default
        else:
            new = _short(net, e_cols[:, active], p[:, active]) & ~in_default[:, active]
        found = new.any(axis=0)
        active, new = active[found], new[:, found]
        if not active.size:
            break
        if active.size == count:
            np.copyto(labels, rounds, where=new)
            in_default |= new
        else:
            labels[:, active] = np.where(new, rounds[active], labels[:, active])
            in_default[:, active] |= new
        rounds[active] += 1
        every = active.size == count  # plain row gathers then (fancy 2-D indexing is slow)
        system = _UnionSystem(net, e_cols if every else e_cols[:, active],
                              in_default if every else in_default[:, active], alpha, beta)
        rows = p[system.members]
        x, slow = system.solve(rows if every else np.ascontiguousarray(rows[:, active]),
                               scale, slow_ratio)
        if not every:
            rows[:, active] = x
            x = rows
        p[system.members] = x
        for s in active[slow]:
            p[:, s], labels[:, s], rounds[s] = fictitious_default(
                net, e_cols[:, s], alpha, beta,
                state=(p[:, s].copy(), labels[:, s].copy(), in_default[:, s].copy(),
                       int(rounds[s])),
            )
        active = active[~slow]
    return p, labels, int(rounds.max(initial=0))


def picard(net: Network, e_cols, alpha: float, beta: float, max_sweeps: int = 100_000):
    """Monotone fixed-point iteration from ``pbar`` on ``(n, S)`` columns until it stops moving."""
    p = np.repeat(net.pbar[:, None], e_cols.shape[1], axis=1)
    scale = max(float(np.max(net.pbar, initial=0.0)), 1e-300)
    sweeps = 0
    while sweeps < max_sweeps:
        new, _, _ = clearing_map(net, e_cols, p, alpha, beta)
        sweeps += 1
        change = float(np.max(np.abs(new - p), initial=0.0))
        p = new
        if change <= 4 * EPS * scale:
            break
    return p, sweeps


def _clear_rows(net: Network, e: np.ndarray, alpha: float, beta: float):
    """The fictitious default algorithm scenario by scenario on the ``(S, n)`` rows of ``e``,
    in that layout (no transposed copies of ``(S, n)`` arrays). Returns ``(payments, rounds,
    defaulted, assets, residual, largest number of rounds)``."""
    p = np.empty_like(e)
    rounds = np.empty(e.shape, dtype=np.int64)
    short = np.empty(e.shape, dtype=bool)
    assets = np.empty_like(e)
    residual, iterations = 0.0, 0
    for s in range(e.shape[0]):
        p[s], rounds[s], k = fictitious_default(net, e[s], alpha, beta)
        mapped, short[s], assets[s] = clearing_map(net, e[s], p[s], alpha, beta)
        residual = max(residual, float(np.max(np.abs(mapped - p[s]), initial=0.0)))
        iterations = max(iterations, k)
    return p, rounds, short, assets, residual, iterations


def greatest_clearing(liabilities, external_assets, alpha: float, beta: float, method: str):
    """Shared driver of :mod:`eisenberg_noe` and :mod:`rogers_veraart` (returns ClearingResult)."""
    from dealweb.stress.results import ClearingResult

    if method not in ("auto", "fda", "picard"):
        raise ValueError(f"method must be 'auto', 'fda' or 'picard', got {method!r}")
    if not (0.0 <= alpha <= 1.0 and 0.0 <= beta <= 1.0):
        raise ValueError(f"alpha and beta must lie in [0, 1], got alpha={alpha!r}, beta={beta!r}")
    matrix = as_liabilities(liabilities)
    n = matrix.shape[0]
    e, single = as_scenarios(external_assets, n, "external_assets")
    net = Network(matrix)
    pbar = net.pbar
    used = "fda" if method == "auto" else method
    chunk = BATCH_VALUES // n
    if used == "fda" and (e.shape[0] == 1 or chunk < 2 or n > BATCH_MAX_N):
        p, rounds, short, assets, residual, iterations = _clear_rows(net, e, alpha, beta)
    else:
        e_cols = np.ascontiguousarray(e.T)
        if used == "fda":
            p_cols, iterations = np.empty_like(e_cols), 0
            rounds_cols = np.empty(e_cols.shape, dtype=np.int64)
            for start in range(0, e.shape[0], chunk):
                part = slice(start, start + chunk)
                p_cols[:, part], rounds_cols[:, part], k = fictitious_default_batch(
                    net, np.ascontiguousarray(e_cols[:, part]), alpha, beta
                )
                iterations = max(iterations, k)
        else:
            p_cols, iterations = picard(net, e_cols, alpha, beta)
            rounds_cols = None
        mapped, short_cols, assets_cols = clearing_map(net, e_cols, p_cols, alpha, beta)
        residual = float(np.max(np.abs(mapped - p_cols), initial=0.0))
        if rounds_cols is None:
            # picard does not track the rounds of the algorithm
            rounds_cols = np.where(short_cols, 0, -1)
        p, rounds, short, assets = (
            np.ascontiguousarray(a.T) for a in (p_cols, rounds_cols, short_cols, assets_cols)
        )
    out = (lambda a: a[0]) if single else (lambda a: a)
    return ClearingResult(
        payments=out(p),
        total_obligations=pbar,
        defaulted=out(short),
        default_round=out(rounds),
        equity=out(assets - pbar),
        shortfall=out(pbar - p),
        residual=residual,
        iterations=int(iterations),
        method=used,
        info={"alpha": alpha, "beta": beta},
    )
