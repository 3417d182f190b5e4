"""Dependence and concentration of each company's money flows.

For company ``c`` with inflows ``F[:, c]`` and outflows ``F[c, :]``:

* **top counterparty share** — the largest single payer's share of ``c``'s inflow (and largest
  payee's share of its outflow);
* **Herfindahl–Hirschman index** (Herfindahl 1950; Hirschman 1945) of inflows and outflows,
  ``HHI = Σ_k s_k²`` over counterparty shares ``s_k`` — 1 for a single counterparty, ``1/K``
  for ``K`` equal ones. (Antitrust practice multiplies by 10,000; here it is a fraction.)
* **commitments / revenue** — ``c``'s outflows in the network divided by its latest reported
  ``revenue`` figure dated on or before the as-of date (``Ledger.figures_frame()``).

Example
-------
>>> from dealweb.circularity.network import build_network, example_deals
>>> frame = concentration(build_network(example_deals()))
>>> float(frame.set_index("company").loc["B", "hhi_out"])
1.0
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from dealweb.circularity.network import FlowNetwork, parse_date

CONCENTRATION_COLUMNS = [
    "company",
    "company_id",
    "inflow",
    "outflow",
    "n_payers",
    "n_payees",
    "top_payer",
    "top_payer_share",
    "top_payee",
    "top_payee_share",
    "hhi_in",
    "hhi_out",
    "revenue",
    "revenue_as_of",
    "commitments_to_revenue",
]


def _row_stats(m: sp.csr_array, names: np.ndarray) -> tuple[np.ndarray, ...]:
    """Per row: total, count, name of largest entry, its share, HHI of shares."""
    total = np.asarray(m.sum(axis=1)).ravel()
    count = np.diff(m.indptr)
    if m.shape[0] == 0:
        empty = np.zeros(0)
        return total, count, np.array([], dtype=object), empty, empty
    safe = np.where(total > 0, total, 1.0)
    rows = np.repeat(np.arange(m.shape[0]), count)
    shares = m.data / safe[rows]
    hhi = np.bincount(rows, weights=shares**2, minlength=m.shape[0])
    top = np.asarray(m.argmax(axis=1)).ravel()
    top_value = np.asarray(m.max(axis=1).toarray()).ravel()
    top_name = np.where(count > 0, names[top], None)
    return total, count, top_name, np.where(total > 0, top_value / safe, np.nan), np.where(
        count > 0, hhi, np.nan)


def latest_revenue(
    figures: pd.DataFrame | None, as_of: str | pd.Timestamp | None = None
) -> pd.DataFrame:
    """Latest ``revenue`` figure per company id on or before ``as_of`` (``company_id``,
    ``revenue``, ``revenue_as_of``)."""
    empty = pd.DataFrame(columns=["company_id", "revenue", "revenue_as_of"])
    if figures is None or figures.empty:
        return empty
    missing = {"company_id", "name", "value_usd", "as_of"} - set(figures.columns)
    if missing:
        raise ValueError(f"figures frame is missing column(s) {sorted(missing)}")
    rev = figures[figures["name"] == "revenue"].copy()
    if rev.empty:
        return empty
    rev["_date"] = [parse_date(str(v)) for v in rev["as_of"]]
    cutoff = parse_date(as_of)
    if cutoff is not None:
        rev = rev[rev["_date"] <= cutoff]
    rev = rev.sort_values(["company_id", "_date"]).groupby("company_id", as_index=False).last()
    return pd.DataFrame({"company_id": rev["company_id"].astype(str),
                         "revenue": rev["value_usd"].astype(float),
                         "revenue_as_of": rev["as_of"].astype(str)})


def concentration(
    net: FlowNetwork,
    figures: pd.DataFrame | None = None,
    *,
    company: str | None = None,
) -> pd.DataFrame:
    """Dependence and concentration measures per company (:data:`CONCENTRATION_COLUMNS`).

    Parameters
    ----------
    net:
        The flow network.
    figures:
        ``Ledger.figures_frame()`` for revenues (optional; revenue columns empty without it).
    company:
        Only this company.
    """
    m = sp.csr_array(net.matrix, dtype=float)
    out_total, n_payees, top_payee, top_payee_share, hhi_out = _row_stats(m, net.names)
    in_total, n_payers, top_payer, top_payer_share, hhi_in = _row_stats(
        sp.csr_array(m.T), net.names)
    frame = pd.DataFrame(
        {
            "company": net.names,
            "company_id": net.ids,
            "inflow": in_total,
            "outflow": out_total,
            "n_payers": n_payers,
            "n_payees": n_payees,
            "top_payer": top_payer,
            "top_payer_share": top_payer_share,
            "top_payee": top_payee,
            "top_payee_share": top_payee_share,
            "hhi_in": hhi_in,
            "hhi_out": hhi_out,
        }
    )
    rev = latest_revenue(figures, net.params.get("as_of"))
    frame = frame.merge(rev, on="company_id", how="left")
    with np.errstate(divide="ignore", invalid="ignore"):
        frame["commitments_to_revenue"] = np.where(
            frame["revenue"] > 0, frame["outflow"] / frame["revenue"], np.nan)
    if company is not None:
        frame = frame[frame["company_id"] == net.ids[net.index(company)]]
    return frame[CONCENTRATION_COLUMNS].sort_values(
        ["outflow", "company"], ascending=[False, True], kind="stable").reset_index(drop=True)


def counterparty_share(
    net: FlowNetwork,
    company: str,
    counterparty: str,
    *,
    direction: str = "out",
    among: set[str] | None = None,
) -> tuple[float, float, float]:
    """Share of ``company``'s flows (``out``: paid, ``in``: received) that go to/come from
    ``counterparty``, optionally among a set of counterparty ids (e.g. all AI labs).

    Returns ``(share, amount with counterparty, total)``; share is NaN when the total is 0.
    """
    if direction not in ("in", "out"):
        raise ValueError(f"direction must be 'in' or 'out', got {direction!r}")
    c = net.index(company)
    m = sp.csr_array(net.matrix if direction == "out" else net.matrix.T)
    row = m[[c]].toarray().ravel()
    if among is not None:
        row = np.where(np.isin(net.ids, list(among)), row, 0.0)
    total = float(row.sum())
    try:
        k = net.index(counterparty)
        amount = float(row[k])
    except KeyError:
        amount = 0.0
    return (amount / total if total > 0 else float("nan")), amount, total
