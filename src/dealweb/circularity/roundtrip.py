"""Round-tripped revenue: how much of what a company receives started as its own money.

Definition (proportional flow tracing)
--------------------------------------
Let ``F[i, j]`` be the dollars ``i`` commits to ``j`` and ``T_i = max(inflow_i, outflow_i)``
(the part of a company's outflow not covered by its inflow comes from outside the network; the
part of its inflow it does not pass on stays with it). Follow one dollar paid out by company
``c``. Assumptions:

1. **Proportional mixing** — money is fungible: a dollar arriving at ``j`` leaves ``j`` along
   ``j``'s outgoing deals with probability ``F[j, k] / T_j`` each, and stays at ``j`` with
   probability ``1 - outflow_j / T_j``. Together ``P = diag(T)^-1 F``, a sub-stochastic
   matrix (Markov chain with absorption).
2. **Commitments are flows** — the amounts are commitments over their whole term (or per year
   with ``annualize``); timing within the term is ignored.

The probability that a dollar now at ``j`` ever reaches ``c`` is ``h_j = N[j, c] / N[c, c]``
with ``N = (I - P)^-1`` (the fundamental matrix; standard first-passage identity). The
**round-tripped revenue** of ``c`` is the expected amount of ``c``'s own outflow that comes back
to ``c``::

    R_c = Σ_j F[c, j] h_j = T_c (N[c, c] - 1) / N[c, c]

since ``(F N)[c, c] = T_c (P N)[c, c] = T_c (N[c, c] - 1)``. This is exactly Finn's cycled
throughflow of node ``c`` (Finn 1976; see :mod:`dealweb.circularity.finn`). It splits into

* **direct**: back in two steps, ``c → j → c`` — ``Σ_j F[c, j] F[j, c] / T_j``
  (an investor that is also the payee of its investee's spending);
* **indirect**: the rest, along longer paths.

``share_of_inflow = R_c / inflow_c``. ``R_c`` never exceeds ``inflow_c`` or ``outflow_c``.

Example
-------
>>> from dealweb.circularity.network import build_network, example_deals
>>> frame = round_tripped(build_network(example_deals()))
>>> float(frame.set_index("company").loc["A", "direct"])
0.0
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from dealweb.circularity.finn import fundamental_diagonal
from dealweb.circularity.network import FlowNetwork

ROUNDTRIP_COLUMNS = [
    "company",
    "company_id",
    "inflow",
    "outflow",
    "throughflow",
    "round_tripped",
    "direct",
    "indirect",
    "share_of_inflow",
    "cycling_efficiency",
]


def round_tripped(net: FlowNetwork, *, company: str | None = None) -> pd.DataFrame:
    """Round-tripped revenue of every company (or one), largest first.

    Returns :data:`ROUNDTRIP_COLUMNS`; ``cycling_efficiency`` is ``(N[c, c] - 1) / N[c, c]``,
    the chance that a dollar passing through ``c`` comes back to it.
    """
    f = sp.csr_array(net.matrix, dtype=float)
    inflow = net.inflow()
    outflow = net.outflow()
    t = np.maximum(inflow, outflow)
    n_cc = fundamental_diagonal(f, t)
    efficiency = 1.0 - 1.0 / n_cc  # 1 for a closed loop (n_cc = inf)
    total = t * efficiency
    safe_t = np.where(t > 0, t, 1.0)
    # Σ_j F[c, j] F[j, c] / T_j: elementwise product with the transpose, scaled per column.
    two_step = f.multiply(sp.csr_array(f.T)).multiply(1.0 / safe_t[np.newaxis, :])
    direct = np.minimum(np.asarray(two_step.sum(axis=1)).ravel(), total)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(inflow > 0, total / inflow, 0.0)
    frame = pd.DataFrame(
        {
            "company": net.names,
            "company_id": net.ids,
            "inflow": inflow,
            "outflow": outflow,
            "throughflow": t,
            "round_tripped": total,
            "direct": direct,
            "indirect": np.maximum(total - direct, 0.0),
            "share_of_inflow": share,
            "cycling_efficiency": efficiency,
        }
    )
    if company is not None:
        frame = frame.iloc[[net.index(company)]]
    return frame.sort_values(["round_tripped", "company"], ascending=[False, True],
                             kind="stable").reset_index(drop=True)
