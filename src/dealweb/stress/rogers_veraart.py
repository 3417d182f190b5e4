"""Rogers–Veraart clearing with default costs.

Rogers, L. C. G. & Veraart, L. A. M. (2013). "Failure and Rescue in an Interbank Network".
*Management Science* 59(4), 882–898.

A company in default does not realise its full assets: liquidating it recovers only a fraction
``alpha`` of its external assets and ``beta`` of the payments it receives. The clearing condition
becomes

    p_i = pbar_i                              if e_i + (Pi^T p)_i >= pbar_i,
    p_i = alpha e_i + beta (Pi^T p)_i         otherwise.

The map is monotone but discontinuous, so clearing vectors need not be unique; we return the
**greatest** one, computed by Rogers & Veraart's Greatest Clearing Vector Algorithm (a fictitious
default algorithm whose rounds solve a linear system on the current default set): see
:mod:`dealweb.stress._kernels`. With ``alpha = beta = 1`` this is the Eisenberg–Noe vector.

Example
-------
A owes B 10, B owes C 10. A has 4 of external assets, B has 2; liquidation recovers half.

>>> import numpy as np, scipy.sparse as sp
>>> L = sp.csr_array(np.array([[0, 10, 0], [0, 0, 10], [0, 0, 0]], dtype=float))
>>> clearing_vector(L, np.array([4.0, 2.0, 0.0]), alpha=0.5, beta=0.5).payments.tolist()
[2.0, 2.0, 0.0]
"""

from __future__ import annotations

import numpy as np

from dealweb.stress._kernels import greatest_clearing
from dealweb.stress.results import ClearingResult


def clearing_vector(
    liabilities, external_assets, alpha: float = 1.0, beta: float = 1.0, *, method: str = "auto"
) -> ClearingResult:
    """Greatest Rogers–Veraart clearing vector, for one scenario or a batch.

    Parameters
    ----------
    liabilities:
        ``(n, n)`` scipy.sparse matrix: ``L[i, j]`` = amount ``i`` owes ``j`` (``>= 0``).
    external_assets:
        ``(n,)`` or ``(S, n)`` external assets (``>= 0``).
    alpha, beta:
        Fractions of external assets and of interbank receipts realised in default, in
        ``[0, 1]``. ``alpha = beta = 1`` means no default costs (Eisenberg–Noe).
    method:
        ``"auto"``/``"fda"`` (exact Greatest Clearing Vector Algorithm) or ``"picard"``.
    """
    return greatest_clearing(
        liabilities, np.asarray(external_assets), float(alpha), float(beta), method
    )
