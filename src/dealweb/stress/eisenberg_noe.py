"""Eisenberg–Noe clearing payments in a network of obligations.

Eisenberg, L. & Noe, T. H. (2001). "Systemic Risk in Financial Systems". *Management Science*
47(2), 236–249.

Each company ``i`` owes ``L[i, j]`` to company ``j`` and holds external (outside-the-network)
assets ``e_i``. Under limited liability and proportional sharing (absolute priority of debt over
equity, creditors paid pro rata), a *clearing payment vector* ``p`` satisfies

    p_i = min(pbar_i, e_i + sum_j Pi[j, i] p_j),      Pi[j, i] = L[j, i] / pbar_j,

where ``pbar_i = sum_j L[i, j]`` is what ``i`` owes in total. We return the **greatest** clearing
vector (it is the unique one when every company has positive external assets, Eisenberg & Noe's
regularity condition), computed exactly by the fictitious default algorithm: see
:mod:`dealweb.stress._kernels`.

Example
-------
Three companies; A owes B 10, B owes C 10, C owes nothing. A has 4 of external assets, B has 2.

>>> import numpy as np, scipy.sparse as sp
>>> L = sp.csr_array(np.array([[0, 10, 0], [0, 0, 10], [0, 0, 0]], dtype=float))
>>> r = clearing_vector(L, np.array([4.0, 2.0, 0.0]))
>>> r.payments.tolist(), r.default_round.tolist()
([4.0, 6.0, 0.0], [0, 1, -1])
"""

from __future__ import annotations

import numpy as np

from dealweb.stress._kernels import greatest_clearing
from dealweb.stress.results import ClearingResult


def clearing_vector(liabilities, external_assets, *, method: str = "auto") -> ClearingResult:
    """Greatest Eisenberg–Noe clearing vector, for one scenario or a batch.

    Parameters
    ----------
    liabilities:
        ``(n, n)`` scipy.sparse matrix (or array-like): ``L[i, j]`` = amount ``i`` owes ``j``;
        non-negative, zero diagonal.
    external_assets:
        ``(n,)`` or ``(S, n)``: each company's assets outside the network (``>= 0``), one row per
        scenario.
    method:
        ``"auto"``/``"fda"`` — exact fictitious default algorithm (sparse linear solves);
        ``"picard"`` — plain fixed-point iteration from ``pbar`` until it stops moving (baseline;
        its ``default_round`` is 0 for every defaulted company, it does not track rounds).

    Returns
    -------
    ClearingResult
        ``payments``, ``defaulted``, ``default_round``, signed ``equity``, ``shortfall`` shaped
        like ``external_assets``; ``residual`` = max ``|min(pbar, e + Pi^T p) - p|``.
    """
    return greatest_clearing(liabilities, np.asarray(external_assets), 1.0, 1.0, method)
