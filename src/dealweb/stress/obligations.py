"""Deals as dated obligations between companies, and investments as equity holdings.

A commitment to buy cloud capacity, chips or compute, a revenue share or a loan becomes a
liability **payer → payee** spread over the deal's term: each calendar year of the stress horizon
owes the share of the amount that falls in it (a deal starting mid-year owes a part-year first).
Where a deal states a ``schedule`` (year → share) that is used instead; where it states no term
the documented :data:`DEFAULT_TERM_YEARS` of its kind is used and recorded (``term_source``).
Announced but not yet paid equity investments ("funding commitments", e.g. an investor's staged
"up to $100B") are optional obligations investor → investee, because the money the network
circulates includes them; completed investments are already in the investee's cash.

Investments (equity investments, acquisitions) also become **equity holdings**: the fraction of
the investee each investor owns (``stake_pct`` where the deal states it, otherwise
``amount / investee equity value``; a ``stake`` figure in the ledger wins over both). Investors
then lose ``stake x fall in the investee's equity value`` when it falls or fails.

Amounts stay ranges: :class:`ObligationSet` keeps, per deal, the low and high USD amount (for
Monte Carlo sampling) and the point amount on the chosen basis, plus a (deals x years) matrix of
shares, so the liabilities of year ``t`` are ``amount[:, None] * shares[:, t]`` — one vectorised
product for any number of sampled runs.

Example
-------
>>> import pandas as pd
>>> deals = pd.DataFrame({"id": ["d1"], "payer_id": ["a"], "payee_id": ["b"],
...     "kind": ["cloud_commitment"], "amount_usd_low": [10e9], "amount_usd_high": [10e9],
...     "up_to": [False], "usd_basis": ["stated"], "status": ["announced"],
...     "announced": [pd.Timestamp("2026-01-01")], "term_start": [pd.NaT], "term_years": [5.0],
...     "stake_pct": [float("nan")]})
>>> obs = build_obligations(deals, ["a", "b"], start_year=2026, horizon=3)
>>> obs.yearly_liabilities()[0].round(-6).tolist()   # 2 B a year in 2026, 2027, 2028
[2000000000.0, 2000000000.0, 2000000000.0]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp

from dealweb.ledger.frames import AmountBasis, deal_amounts, double_counted

#: Deal kinds that are commitments to pay the payee over time.
COMMITMENT_KINDS: frozenset[str] = frozenset(
    {"cloud_commitment", "hardware_purchase", "compute_capacity", "revenue_share", "loan"}
)
#: Deal kinds that buy ownership of the payee.
INVESTMENT_KINDS: frozenset[str] = frozenset({"equity_investment", "acquisition"})

#: Documented default term (years) by kind, used when a deal states neither ``term_years`` nor a
#: ``schedule``. Multi-year cloud deals in the 2025 reference set run 5-7 years (Oracle-OpenAI
#: "about five years", AWS-OpenAI seven, Meta-Google six); chip purchases are delivered faster;
#: staged equity funding is typically paid over 2-4 years (SoftBank's $500B "over four years").
DEFAULT_TERM_YEARS: dict[str, float] = {
    "cloud_commitment": 5.0,
    "compute_capacity": 5.0,
    "hardware_purchase": 4.0,
    "revenue_share": 5.0,
    "loan": 3.0,
    "funding": 3.0,
}

#: Statuses whose deals count as obligations by default (not talks, not cancelled).
DEFAULT_STATUSES: frozenset[str] = frozenset({"announced", "completed", "reported"})


@dataclass
class ObligationSet:
    """The obligations of a company network over a horizon of calendar years.

    Attributes
    ----------
    companies: company ids, the node order of every matrix.
    years: the calendar years of the horizon.
    deals: one row per obligation-bearing deal: ``deal_id``, ``payer_id``, ``payee_id``,
        ``payer``/``payee`` (node indices), ``kind`` (``funding`` for an unpaid equity
        investment), ``low``, ``high``, ``amount`` (point estimate on the chosen basis),
        ``up_to``, ``gw_estimate`` (amount priced from gigawatts), ``term_source``.
    shares: (deals x years) share of each deal's amount due in each year.
    skipped: deals that were not turned into obligations, with the reason.
    holdings: (companies x companies) sparse matrix, ``H[i, j]`` = fraction of j owned by i.
    """

    companies: list[str]
    years: list[int]
    deals: pd.DataFrame
    shares: np.ndarray
    skipped: pd.DataFrame
    holdings: sp.csr_matrix = field(repr=False)

    @property
    def n(self) -> int:
        return len(self.companies)

    def yearly_liabilities(self, amounts: np.ndarray | None = None) -> np.ndarray:
        """Amount due per deal and year, (deals x years); ``amounts`` (deals,) replaces the point
        amounts, or (runs x deals) gives (runs x deals x years)."""
        a = self.deals["amount"].to_numpy(float) if amounts is None else np.asarray(amounts)
        return a[..., :, None] * self.shares

    def liability_matrix(self, year_index: int, amounts: np.ndarray | None = None) -> sp.csr_matrix:
        """Sparse (n x n) liabilities of one year, ``L[i, j]`` = what i owes j."""
        due = self.yearly_liabilities(amounts)[:, year_index]
        rows, cols = self.deals["payer"].to_numpy(), self.deals["payee"].to_numpy()
        return sp.csr_matrix((due, (rows, cols)), shape=(self.n, self.n))

    def table(self, amounts: np.ndarray | None = None) -> pd.DataFrame:
        """Long frame: one row per deal and year with a positive amount due."""
        due = self.yearly_liabilities(amounts)
        d_idx, t_idx = np.nonzero(due > 0)
        out = self.deals.iloc[d_idx][["deal_id", "payer_id", "payee_id", "kind", "term_source"]]
        out = out.reset_index(drop=True)
        out.insert(4, "year", np.asarray(self.years)[t_idx])
        out.insert(5, "amount_usd", due[d_idx, t_idx])
        return out


def _fractional_year(dates: pd.Series) -> np.ndarray:
    d = pd.to_datetime(dates)
    return (d.dt.year + (d.dt.day_of_year - 1) / 365.25).to_numpy(float)


def year_shares(start: np.ndarray, term: np.ndarray, years: Sequence[int]) -> np.ndarray:
    """Share of each deal's amount falling in each calendar year, paid evenly over its term.

    >>> year_shares(np.array([2026.5]), np.array([2.0]), [2026, 2027, 2028]).round(2).tolist()
    [[0.25, 0.5, 0.25]]
    """
    y = np.asarray(years, float)[None, :]
    s, e = start[:, None], (start + term)[:, None]
    overlap = np.clip(np.minimum(y + 1.0, e) - np.maximum(y, s), 0.0, None)
    return overlap / term[:, None]


def _schedule_shares(schedules: Iterable[object], years: Sequence[int]) -> np.ndarray:
    rows = []
    for sched in schedules:
        mapping = {int(k): float(v) for k, v in dict(sched).items()}  # type: ignore[arg-type]
        rows.append([mapping.get(int(y), 0.0) for y in years])
    return np.asarray(rows, float).reshape(-1, len(years))


def build_obligations(
    deals: pd.DataFrame,
    companies: Sequence[str],
    *,
    start_year: int,
    horizon: int,
    basis: AmountBasis = "mid",
    up_to_floor: float = 0.0,
    statuses: Iterable[str] = DEFAULT_STATUSES,
    funding_commitments: bool = True,
    default_terms: Mapping[str, float] | None = None,
    equity_values: Mapping[str, float] | None = None,
    figures: pd.DataFrame | None = None,
) -> ObligationSet:
    """Turn a deals frame (:data:`DEAL_COLUMNS`) into an :class:`ObligationSet`.

    Parameters
    ----------
    deals: the ledger's deals frame (or a hand-made one with the same columns).
    companies: company ids in node order; deals with a party outside it are skipped.
    start_year, horizon: the stress horizon is ``start_year .. start_year + horizon - 1``;
        payments falling before it are treated as already made.
    basis, up_to_floor: point amount, as in :func:`dealweb.ledger.frames.deal_amounts`; the
        sampling range is ``[low, high]`` with "up to" deals starting at ``up_to_floor x cap``.
    statuses: deal statuses that count.
    funding_commitments: make not-yet-completed equity investments obligations investor ->
        investee (kind ``funding``).
    default_terms: replaces entries of :data:`DEFAULT_TERM_YEARS`.
    equity_values: ``{company_id: equity value}`` to turn investment amounts into stakes.
    figures: the ledger's figures frame; ``stake`` figures set holdings directly.
    """
    if horizon < 1:
        raise ValueError(f"horizon must be at least 1 year, got {horizon}")
    companies = list(companies)
    index = {cid: i for i, cid in enumerate(companies)}
    years = list(range(int(start_year), int(start_year) + int(horizon)))
    terms = {**DEFAULT_TERM_YEARS, **(default_terms or {})}
    statuses = set(statuses)

    frame = deals.copy()
    frame["low"] = deal_amounts(frame, "low", up_to_floor) if len(frame) else []
    frame["high"] = deal_amounts(frame, "high", up_to_floor) if len(frame) else []
    frame["amount"] = deal_amounts(frame, basis, up_to_floor) if len(frame) else []
    kind = frame["kind"].astype(str)
    is_commitment = kind.isin(COMMITMENT_KINDS)
    is_funding = (kind == "equity_investment") & (frame["status"] != "completed")
    frame["obligation_kind"] = np.where(is_commitment, kind, "funding")

    reasons = pd.Series("", index=frame.index, dtype=object)
    in_kinds = is_commitment | (is_funding & funding_commitments)
    reasons[~in_kinds] = "kind is not a payment commitment"
    investment = kind.isin(INVESTMENT_KINDS)
    reasons[investment & (frame["status"] == "completed")] = "completed investment (a holding)"
    reasons[is_funding & ~in_kinds] = "funding commitments are off"
    reasons[(kind == "acquisition") & (frame["status"] != "completed")] = "acquisition (a holding)"
    reasons[(reasons == "") & ~frame["status"].isin(statuses)] = "status not counted"
    if "tags" in frame.columns:
        reasons[(reasons == "") & double_counted(frame)] = (
            "umbrella total or stake value (would double count)"
        )
    reasons[(reasons == "") & frame["payee_id"].isna()] = "no single counterparty"
    reasons[(reasons == "") & ~(frame["payer_id"].isin(index) & frame["payee_id"].isin(index))] = (
        "party not in the company set"
    )
    reasons[(reasons == "") & ~(frame["high"] > 0)] = "no dollar amount"

    keep = frame.loc[reasons == ""].copy()
    has_term = keep["term_years"].notna().to_numpy()
    term = np.where(
        has_term, keep["term_years"].astype(float), keep["obligation_kind"].map(terms).astype(float)
    )
    start_dates = keep["term_start"].where(keep["term_start"].notna(), keep["announced"])
    shares = (
        year_shares(_fractional_year(start_dates), term, years)
        if len(keep)
        else np.zeros((0, len(years)))
    )
    term_source = np.where(has_term, "stated", "default")
    if "schedule" in keep and len(keep):
        has_sched = keep["schedule"].apply(lambda s: isinstance(s, Mapping) and len(s) > 0)
        has_sched = has_sched.to_numpy(bool)
        if has_sched.any():
            shares[has_sched] = _schedule_shares(keep["schedule"][has_sched], years)
            term_source = np.where(has_sched, "schedule", term_source)

    due_in_horizon = shares.sum(axis=1) > 1e-12
    reasons.loc[keep.index[~due_in_horizon]] = "nothing due within the horizon"
    keep, shares, term_source = (
        keep[due_in_horizon],
        shares[due_in_horizon],
        term_source[due_in_horizon],
    )

    table = pd.DataFrame(
        {
            "deal_id": keep["id"].to_numpy(),
            "payer_id": keep["payer_id"].to_numpy(),
            "payee_id": keep["payee_id"].to_numpy(),
            "payer": keep["payer_id"].map(index).to_numpy(int),
            "payee": keep["payee_id"].map(index).to_numpy(int),
            "kind": keep["obligation_kind"].to_numpy(),
            "low": keep["low"].to_numpy(float),
            "high": keep["high"].to_numpy(float),
            "amount": keep["amount"].to_numpy(float),
            "up_to": keep["up_to"].astype(bool).to_numpy(),
            "gw_estimate": (keep["usd_basis"] == "gw_estimate").to_numpy(),
            "term_source": term_source,
        }
    )
    skipped = frame.loc[reasons != "", ["id", "payer_id", "payee_id", "kind"]].copy()
    skipped["reason"] = reasons[reasons != ""]
    holdings = equity_holdings(
        deals,
        companies,
        equity_values or {},
        statuses=statuses,
        figures=figures,
        basis=basis,
        up_to_floor=up_to_floor,
    )
    return ObligationSet(companies, years, table, shares, skipped.reset_index(drop=True), holdings)


def equity_holdings(
    deals: pd.DataFrame,
    companies: Sequence[str],
    equity_values: Mapping[str, float],
    *,
    statuses: Iterable[str] = DEFAULT_STATUSES,
    figures: pd.DataFrame | None = None,
    basis: AmountBasis = "mid",
    up_to_floor: float = 0.0,
) -> sp.csr_matrix:
    """Sparse ``H[i, j]``: fraction of company j owned by company i.

    A deal's stake is ``stake_pct / 100`` where stated, else ``amount / equity value of j``.
    A ``stake`` figure (``counterparty`` = investee) replaces the deal-derived stake of that pair.
    When outside holders' stakes in j sum above 1 they are scaled down to 1 (deal amounts summed
    over funding rounds overstate ownership, since later rounds dilute earlier ones).

    >>> import pandas as pd
    >>> deals = pd.DataFrame({"payer_id": ["a"], "payee_id": ["b"], "kind": ["equity_investment"],
    ...     "amount_usd_low": [5e9], "amount_usd_high": [5e9], "up_to": [False],
    ...     "status": ["completed"], "stake_pct": [float("nan")]})
    >>> equity_holdings(deals, ["a", "b"], {"b": 50e9}).toarray()[0, 1]
    np.float64(0.1)
    """
    index = {cid: i for i, cid in enumerate(companies)}
    n = len(companies)
    statuses = set(statuses)
    inv = deals.loc[
        deals["kind"].astype(str).isin(INVESTMENT_KINDS)
        & deals["status"].isin(statuses)
        & deals["payer_id"].isin(index)
        & deals["payee_id"].isin(index)
    ]
    stakes = pd.Series(dtype=float)
    if len(inv):
        amount = deal_amounts(inv, basis, up_to_floor)
        value = inv["payee_id"].map(equity_values).astype(float)
        stake = np.where(
            inv["stake_pct"].notna(), inv["stake_pct"].astype(float) / 100.0, amount / value
        )
        stake = pd.Series(
            stake, index=pd.MultiIndex.from_arrays([inv["payer_id"], inv["payee_id"]])
        )
        stakes = stake[np.isfinite(stake.to_numpy())].groupby(level=[0, 1]).sum()
    if figures is not None and len(figures) and "counterparty" in figures:
        st = figures.loc[
            (figures["name"] == "stake")
            & figures["company_id"].isin(index)
            & figures["counterparty"].isin(index)
        ]
        if len(st):
            st = st.sort_values("as_of").groupby(["company_id", "counterparty"])["value_usd"].last()
            stakes = pd.concat([stakes[~stakes.index.isin(st.index)], st.astype(float)])
    if stakes.empty:
        return sp.csr_matrix((n, n))
    rows = np.array([index[i] for i in stakes.index.get_level_values(0)])
    cols = np.array([index[j] for j in stakes.index.get_level_values(1)])
    h = sp.csr_matrix((np.clip(stakes.to_numpy(float), 0.0, 1.0), (rows, cols)), shape=(n, n))
    col_sum = np.asarray(h.sum(axis=0)).ravel()
    scale = np.where(col_sum > 1.0, 1.0 / np.maximum(col_sum, 1e-300), 1.0)
    return sp.csr_matrix(h @ sp.diags(scale))
