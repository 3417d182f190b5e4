"""Revenue gap: the annual revenue committed AI capacity needs, against the revenue in the data.

Method (after D. Cahn, "AI's $600B Question", Sequoia Capital, 2024,
https://sequoiacap.com/article/ais-600b-question): the cost of compute a company has committed
to, divided by (1 - the gross margin the company needs), is the revenue it must earn each year.
We refine the back-of-envelope in three ways, each a parameter with a sourced default in the
cost-model file:

* **capex deals** (hardware purchases, capacity) are placed in service evenly over
  ``deployment_years`` from ``term_start`` (else announcement + ``start_lag_years``). Each
  tranche is split into systems and facility (cost model split) and recovered over its own
  useful life — straight-line, or as an annuity at ``cost_of_capital`` — plus the electricity
  bill of the capacity while the systems run, plus ``other_opex_share_of_capex``;
* **rent deals** (cloud commitments) cost their amount evenly over the term
  (``term_years`` else ``rent_term_years``): the landlord's depreciation, power and margin are
  already inside the rent;
* the hardware generation of each deal (for its systems share and, when only dollars are
  stated, its gigawatts) is the one chosen, else the one its text names ("GB200", "TPU",
  "MI450" …), else the cost model's default;
* everything is a (low, high) range: deal amounts (stated floor/ceiling, or the GW estimate),
  cost-model ranges for the systems share, gigawatts and energy, and the spread of revenue
  figures.

Required revenue(year) = cost(year) / (1 - gross_margin); gap = required - revenue in data.
The input is the DataFrame contract of :mod:`dealweb.ledger.frames` (``deals_frame``,
``figures_frame``), so a hand-made frame works as well as the ledger.

Example
-------
>>> import pandas as pd
>>> deals = pd.DataFrame([{
...     "id": "d1", "announced": pd.Timestamp("2025-01-01"), "payer": "Lab", "payer_id": "lab",
...     "payee": "Chips", "payee_id": "chips", "kind": "hardware_purchase",
...     "amount_usd_low": 10e9, "amount_usd_high": 10e9, "up_to": False, "gigawatts": float("nan"),
...     "term_start": pd.NaT, "term_years": float("nan"), "status": "announced"}])
>>> res = revenue_gap(deals, None)
>>> bool(res.summary["required_low"].iloc[0] > 0)
True
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from dealweb.compute.costmodel import CostModel, get_cost_model
from dealweb.ledger.frames import deal_amounts

CAPEX_KINDS = frozenset({"hardware_purchase", "compute_capacity"})
RENT_KINDS = frozenset({"cloud_commitment", "revenue_share"})
DEFAULT_KINDS = ("hardware_purchase", "compute_capacity", "cloud_commitment")
REVENUE_NAMES = ("ai_revenue_run_rate", "revenue")
ALL = "(all selected)"


@dataclass(frozen=True)
class GapAssumptions:
    """Every assumption of the revenue-gap model (defaults: the cost-model file's revenue_gap)."""

    useful_life_accelerators_years: float
    useful_life_facility_years: float
    gross_margin: float
    cost_of_capital: float
    other_opex_share_of_capex: float
    deployment_years: int
    start_lag_years: int
    rent_term_years: float
    revenue_growth_per_year: float
    kinds: tuple[str, ...] = DEFAULT_KINDS
    generation: str | None = None
    up_to_floor: float = 0.0

    def __post_init__(self) -> None:
        checks = [
            ("useful_life_accelerators_years", self.useful_life_accelerators_years >= 1, "≥ 1"),
            ("useful_life_facility_years", self.useful_life_facility_years >= 1, "≥ 1"),
            ("gross_margin", 0 <= self.gross_margin < 1, "in [0, 1)"),
            ("cost_of_capital", 0 <= self.cost_of_capital < 1, "in [0, 1)"),
            ("other_opex_share_of_capex", self.other_opex_share_of_capex >= 0, "≥ 0"),
            ("deployment_years", int(self.deployment_years) == self.deployment_years >= 1,
             "a whole number ≥ 1"),
            ("start_lag_years", int(self.start_lag_years) == self.start_lag_years >= 0,
             "a whole number ≥ 0"),
            ("rent_term_years", self.rent_term_years > 0, "> 0"),
            ("revenue_growth_per_year", self.revenue_growth_per_year > -1, "> -1"),
            ("up_to_floor", 0 <= self.up_to_floor <= 1, "in [0, 1]"),
        ]
        for name, ok, expected in checks:
            if not ok:
                raise ValueError(f"{name} must be {expected}, got {getattr(self, name)}")
        unknown = set(self.kinds) - CAPEX_KINDS - RENT_KINDS
        if unknown:
            raise ValueError(
                f"deal kinds {sorted(unknown)} carry no capacity cost; expected some of "
                f"{sorted(CAPEX_KINDS | RENT_KINDS)}"
            )

    @classmethod
    def from_model(cls, model: CostModel | None = None, **overrides: Any) -> GapAssumptions:
        """Defaults from the cost model's ``revenue_gap`` block; ``overrides`` (None = default)."""
        gap = (model or get_cost_model()).revenue_gap
        values: dict[str, Any] = {
            name: getattr(gap, name).value for name in type(gap).model_fields
        }
        values["deployment_years"] = int(values["deployment_years"])
        values["start_lag_years"] = int(values["start_lag_years"])
        known = {f.name for f in dataclasses.fields(cls)}
        for key, value in overrides.items():
            if key not in known:
                raise TypeError(f"unknown revenue-gap assumption {key!r}")
            if value is not None:
                values[key] = tuple(value) if key == "kinds" else value
        return cls(**values)

    def table(self, model: CostModel | None = None) -> pd.DataFrame:
        """The assumptions with their values and sources (default or 'set on command line')."""
        model = model or get_cost_model()
        gap = model.revenue_gap
        rows = []
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            cited = getattr(gap, f.name, None)
            if cited is not None:
                source = " | ".join(s.url for s in cited.sources)
                note = f"ASSUMPTION: {cited.assumption}" if cited.assumption else ""
                note = "; ".join(filter(None, (note, cited.basis or "")))
                if not math.isclose(float(value), float(cited.value)):
                    default_src = source or "assumption"
                    source, note = "set by the user", f"default {cited.value:g} ({default_src})"
            else:
                source, note = "command-line option", ""
            rows.append({"assumption": f.name, "value": _fmt(value), "source": source,
                         "note": note})
        e = model.energy
        for name, rv in (("electricity_usd_per_mwh", e.electricity_usd_per_mwh), ("pue", e.pue),
                         ("load_factor", e.load_factor)):
            rows.append({"assumption": f"energy.{name}", "value": f"{rv.low:g}–{rv.high:g}",
                         "source": " | ".join(s.url for s in rv.sources),
                         "note": f"ASSUMPTION: {rv.assumption}" if rv.assumption
                         else (rv.basis or "")})
        return pd.DataFrame(rows, columns=["assumption", "value", "source", "note"])


def _fmt(value: Any) -> str:
    if isinstance(value, tuple):
        return ",".join(value)
    if value is None:
        return "(model default)"
    return f"{value:g}" if isinstance(value, float | int) else str(value)


@dataclass
class GapResult:
    """Revenue gap per company and year, the steady-state summary, and how it was computed."""

    by_year: pd.DataFrame
    summary: pd.DataFrame
    deals: pd.DataFrame
    assumptions: pd.DataFrame
    cost_model: dict[str, str]
    notes: list[str] = field(default_factory=list)


def capital_recovery_factor(rate: float, years: float) -> float:
    """Annual payment per dollar of capital over ``years`` at ``rate`` (1/years when rate = 0).

    >>> capital_recovery_factor(0.0, 5)
    0.2
    >>> round(capital_recovery_factor(0.08, 5), 4)
    0.2505
    """
    if rate == 0:
        return 1.0 / years
    return rate / (1.0 - (1.0 + rate) ** (-years))


def _in_service(age: np.ndarray, life: float) -> np.ndarray:
    """Fraction of year ``age`` (0 = first year) inside a life of ``life`` years."""
    return np.where(age >= 0, np.clip(life - age, 0.0, 1.0), 0.0)


def select_deals(
    deals: pd.DataFrame,
    *,
    companies: list[str] | None = None,
    kinds: tuple[str, ...] = DEFAULT_KINDS,
    exclude: list[str] | None = None,
) -> pd.DataFrame:
    """Deals paid by ``companies`` (id or name, case-insensitive) of the given kinds.

    Cancelled deals are dropped; ``exclude`` drops deals by id (e.g. an aggregate that
    double-counts the payer's other deals).
    """
    frame = deals
    if "status" in frame:
        frame = frame[frame["status"].astype(str) != "cancelled"]
    frame = frame[frame["kind"].astype(str).isin(kinds)]
    if exclude:
        missing = set(exclude) - set(deals["id"].astype(str))
        if missing:
            raise KeyError(f"--exclude: no deal with id {', '.join(sorted(missing))}")
        frame = frame[~frame["id"].astype(str).isin(exclude)]
    if companies:
        wanted = {c.strip().lower() for c in companies}
        ids = frame["payer_id"].astype(str).str.lower()
        names = frame["payer"].astype(str).str.lower()
        known = set(deals["payer_id"].astype(str).str.lower()) | set(
            deals["payer"].astype(str).str.lower()
        )
        unknown = wanted - known
        if unknown:
            raise KeyError(
                f"no deals paid by {', '.join(sorted(unknown))}; payers in the data: "
                f"{', '.join(sorted(set(deals['payer_id'].astype(str))))}"
            )
        frame = frame[ids.isin(wanted) | names.isin(wanted)]
    return frame.copy()


def revenue_in_data(
    figures: pd.DataFrame | None, names: tuple[str, ...] = REVENUE_NAMES
) -> pd.DataFrame:
    """Annual revenue per company from ``figures_frame``, as a (low, high) range.

    Uses the first of ``names`` a company has (AI run-rate before total revenue), the figures of
    its latest year; quarterly figures (period or label 'Q1'..'Q4') are annualized x4, half-years
    x2. low/high = min/max of those figures. Columns: company_id, company, revenue_low,
    revenue_high, revenue_basis, revenue_year.
    """
    cols = ["company_id", "company", "revenue_low", "revenue_high", "revenue_basis",
            "revenue_year"]
    if figures is None or figures.empty:
        return pd.DataFrame(columns=cols)
    f = figures[figures["name"].isin(names)].copy()
    if f.empty:
        return pd.DataFrame(columns=cols)
    period = f["period"].astype(object).fillna("").astype(str)
    label = f["label"].astype(object).fillna("").astype(str)
    text = (period + " " + label).str.lower()
    factor = np.where(text.str.contains(r"(?<![a-z])q[1-4](?![0-9])"), 4.0,
                      np.where(text.str.contains(r"(?<![a-z])h[12](?![0-9])"), 2.0, 1.0))
    f["annual"] = f["value_usd"].astype(float) * factor
    f["year"] = f["as_of"].astype(str).str.slice(0, 4).astype(int)
    f["rank"] = f["name"].map({n: i for i, n in enumerate(names)})
    best_rank = f.groupby("company_id")["rank"].transform("min")
    f = f[f["rank"] == best_rank]
    f = f[f["year"] == f.groupby("company_id")["year"].transform("max")]
    out = f.groupby("company_id").agg(
        company=("company", "first"),
        revenue_low=("annual", "min"),
        revenue_high=("annual", "max"),
        revenue_basis=("name", "first"),
        revenue_year=("year", "first"),
    )
    return out.reset_index()[cols]


def _deal_table(
    deals: pd.DataFrame, a: GapAssumptions, model: CostModel
) -> tuple[pd.DataFrame, list[str]]:
    """One row per usable deal: treatment, amount and GW ranges, start year, spread years."""
    notes: list[str] = []
    low = deal_amounts(deals, "low", a.up_to_floor)
    high = deal_amounts(deals, "high", a.up_to_floor)
    usable = high.notna() & (high > 0)
    for deal_id in deals.loc[~usable, "id"]:
        notes.append(f"{deal_id}: no dollar amount or gigawatts, left out")
    d = deals[usable].copy()
    d["amount_low"], d["amount_high"] = low[usable].fillna(0.0), high[usable]
    d["treatment"] = np.where(d["kind"].astype(str).isin(CAPEX_KINDS), "capex", "rent")
    # Hardware generation per deal: the chosen one, else named in the deal's text, else default.
    if a.generation:
        d["generation"] = "+".join(model.resolve(a.generation))
    else:
        stated = d["amount_stated"] if "amount_stated" in d else pd.Series(None, index=d.index)
        inferred = stated.map(
            lambda t: model.generation_for_text(t) if isinstance(t, str) else None
        )
        d["generation"] = inferred.fillna(model.default_generation)
    per_gen = {g: (model.capex_per_gw(g).total, model.systems_share(g))
               for g in d["generation"].unique()}
    d["usd_per_gw_low"] = d["generation"].map(lambda g: per_gen[g][0][0])
    d["usd_per_gw_high"] = d["generation"].map(lambda g: per_gen[g][0][1])
    d["systems_share_low"] = d["generation"].map(lambda g: per_gen[g][1][0])
    d["systems_share_high"] = d["generation"].map(lambda g: per_gen[g][1][1])
    gw = d["gigawatts"].astype(float)
    # "up to N GW" promises no floor: the low case runs the same share of the GW as of the $
    floor_share = np.where(d["up_to"].astype(bool), d["amount_low"] / d["amount_high"], 1.0)
    d["gw_low"] = np.where(gw.notna(), gw * floor_share, d["amount_low"] / d["usd_per_gw_high"])
    d["gw_high"] = np.where(gw.notna(), gw, d["amount_high"] / d["usd_per_gw_low"])
    announced = pd.to_datetime(d["announced"]).dt.year
    term_start = pd.to_datetime(d["term_start"]).dt.year
    d["start_year"] = np.where(
        term_start.notna(), term_start, announced + a.start_lag_years
    ).astype(int)
    term = d["term_years"].astype(float)
    d["spread_years"] = np.where(
        d["treatment"] == "capex",
        np.where(term.notna(), np.ceil(term), a.deployment_years),
        np.where(term.notna(), term, a.rent_term_years),
    )
    for payer, group in d.groupby("payer_id"):
        if (group["payee_id"].isna()).any() and len(group) > 1:
            agg = ", ".join(group.loc[group["payee_id"].isna(), "id"].astype(str))
            notes.append(
                f"{payer}: {agg} has no single counterparty and may already include the "
                f"payer's other deals; pass --exclude {agg.split(',')[0]} to avoid double counting"
            )
    return d, notes


def _annual_costs(
    d: pd.DataFrame, years: np.ndarray, a: GapAssumptions, model: CostModel, case: str
) -> np.ndarray:
    """Cost per deal (rows) and calendar year (columns) for the 'low' or 'high' case."""
    amount = d[f"amount_{case}"].to_numpy(float)[:, None]
    gw = d[f"gw_{case}"].to_numpy(float)[:, None]
    start = d["start_year"].to_numpy(int)[:, None]
    spread = d["spread_years"].to_numpy(float)[:, None]
    capex = (d["treatment"] == "capex").to_numpy()[:, None]
    e_lo, e_hi = model.energy_per_gw_year()
    energy = e_lo if case == "low" else e_hi
    r = a.cost_of_capital
    crf_sys = capital_recovery_factor(r, a.useful_life_accelerators_years)
    crf_fac = capital_recovery_factor(r, a.useful_life_facility_years)
    s_lo = d["systems_share_low"].to_numpy(float)[:, None]
    s_hi = d["systems_share_high"].to_numpy(float)[:, None]

    # Capex: tranche k (k = 0..spread-1) enters service in start + k.
    n_tranches = int(max(spread.max(initial=1), 1))
    per_share = np.zeros((len(d), len(years), 2))
    run = np.zeros((len(d), len(years)))
    for k in range(n_tranches):  # loop over tranche offsets (a handful), not over deals
        present = (k < spread).astype(float)
        age = years[None, :] - (start + k)
        sys_on = _in_service(age, a.useful_life_accelerators_years)
        fac_on = _in_service(age, a.useful_life_facility_years)
        tranche = present / np.maximum(spread, 1.0)
        for j, share in enumerate((s_lo, s_hi)):
            per_share[:, :, j] += tranche * (share * crf_sys * sys_on
                                             + (1 - share) * crf_fac * fac_on)
        run += tranche * sys_on
    capital = amount[:, :, None] * per_share
    capital = capital.min(axis=2) if case == "low" else capital.max(axis=2)
    capex_cost = capital + run * (gw * energy + amount * a.other_opex_share_of_capex)
    # Rent: amount / term for each year of the term (a partial last year pays its fraction).
    rent_cost = amount / spread * np.clip(spread - (years[None, :] - start), 0.0, 1.0) * (
        years[None, :] >= start
    )
    return np.where(capex, capex_cost, rent_cost)


def _steady_state(d: pd.DataFrame, a: GapAssumptions, model: CostModel, case: str) -> np.ndarray:
    """Annual cost per deal once all its capacity is in service (Sequoia-style annualization)."""
    amount = d[f"amount_{case}"].to_numpy(float)
    gw = d[f"gw_{case}"].to_numpy(float)
    e_lo, e_hi = model.energy_per_gw_year()
    r = a.cost_of_capital
    crf_sys = capital_recovery_factor(r, a.useful_life_accelerators_years)
    crf_fac = capital_recovery_factor(r, a.useful_life_facility_years)
    shares = d[["systems_share_low", "systems_share_high"]].to_numpy(float)
    per_dollar = shares * crf_sys + (1 - shares) * crf_fac
    pick = per_dollar.min(axis=1) if case == "low" else per_dollar.max(axis=1)
    capex = amount * (pick + a.other_opex_share_of_capex) + gw * (
        e_lo if case == "low" else e_hi
    )
    rent = amount / d["spread_years"].to_numpy(float)
    return np.where(d["treatment"].to_numpy() == "capex", capex, rent)


def revenue_gap(
    deals: pd.DataFrame,
    figures: pd.DataFrame | None,
    *,
    companies: list[str] | None = None,
    exclude: list[str] | None = None,
    years: tuple[int, int] | None = None,
    assumptions: GapAssumptions | None = None,
    model: CostModel | None = None,
) -> GapResult:
    """Annual revenue needed to earn back committed compute, against revenue in the data.

    Parameters
    ----------
    deals: a ``deals_frame`` (columns of :data:`dealweb.ledger.frames.DEAL_COLUMNS`; this uses
        id, announced, payer, payer_id, payee_id, kind, amount_usd_low/high, up_to, gigawatts,
        term_start, term_years, status).
    figures: a ``figures_frame`` (company_id, company, name, label, value_usd, as_of, period).
    companies: payer ids or names to keep (default all payers).
    exclude: deal ids to leave out.
    years: (first, last) calendar years of the per-year table; default from the first year
        with capacity until all committed capacity is in service (at least 3, at most 9 years).
    assumptions: :class:`GapAssumptions` (default: the cost model's sourced defaults).
    model: cost model (default: the one in use).
    """
    model = model or get_cost_model()
    a = assumptions or GapAssumptions.from_model(model)
    chosen = select_deals(deals, companies=companies, kinds=a.kinds, exclude=exclude)
    if chosen.empty:
        raise ValueError("no deals to price: nothing matches the chosen companies and kinds")
    d, notes = _deal_table(chosen, a, model)
    if d.empty:
        raise ValueError("none of the chosen deals has a dollar amount or gigawatts")
    if years is None:  # from first capacity until all of it is in service (3 to 9 years on)
        first = int(d["start_year"].min())
        full = int((d["start_year"] + np.ceil(d["spread_years"]) - 1).max())
        last = min(max(full, first + 3), first + 9)
    else:
        first, last = int(years[0]), int(years[1])
    if last < first:
        raise ValueError(f"years: last ({last}) is before first ({first})")
    grid = np.arange(first, last + 1)
    scale = 1.0 / (1.0 - a.gross_margin)
    cost = {case: _annual_costs(d, grid, a, model, case) for case in ("low", "high")}
    steady = {case: _steady_state(d, a, model, case) for case in ("low", "high")}

    revenue = revenue_in_data(figures)
    payers = d.groupby("payer_id", sort=True)["payer"].first()
    rev = revenue.set_index("company_id").reindex(payers.index)
    codes = pd.Categorical(d["payer_id"], categories=payers.index).codes

    def by_payer(values: np.ndarray) -> np.ndarray:
        out = np.zeros((len(payers),) + values.shape[1:])
        np.add.at(out, codes, values)
        return out

    req = {c: by_payer(cost[c]) * scale for c in cost}
    req_ss = {c: by_payer(steady[c]) * scale for c in steady}
    growth = (1.0 + a.revenue_growth_per_year) ** (
        grid[None, :] - rev["revenue_year"].fillna(first).to_numpy(float)[:, None]
    )
    rev_lo = rev["revenue_low"].to_numpy(float)[:, None] * growth
    rev_hi = rev["revenue_high"].to_numpy(float)[:, None] * growth
    missing = rev["revenue_low"].isna()
    for cid in rev.index[missing]:
        notes.append(f"{cid}: no revenue figure in the data; its revenue is counted as 0")
    rev_lo, rev_hi = np.nan_to_num(rev_lo), np.nan_to_num(rev_hi)

    rows = []
    for i, cid in enumerate(payers.index):
        for j, year in enumerate(grid):
            rows.append(_row(cid, payers.iloc[i], int(year), req["low"][i, j], req["high"][i, j],
                             rev_lo[i, j], rev_hi[i, j], rev["revenue_basis"].iloc[i]))
    for j, year in enumerate(grid):
        rows.append(_row(ALL, ALL, int(year), req["low"][:, j].sum(), req["high"][:, j].sum(),
                         rev_lo[:, j].sum(), rev_hi[:, j].sum(), "sum"))
    by_year = pd.DataFrame(rows)

    base_lo = np.nan_to_num(rev["revenue_low"].to_numpy(float))
    base_hi = np.nan_to_num(rev["revenue_high"].to_numpy(float))
    capex_lo = by_payer(d["amount_low"].to_numpy(float))
    capex_hi = by_payer(d["amount_high"].to_numpy(float))
    summary_rows = [
        _row(cid, payers.iloc[i], None, req_ss["low"][i], req_ss["high"][i], base_lo[i],
             base_hi[i], rev["revenue_basis"].iloc[i], capex_lo[i], capex_hi[i])
        for i, cid in enumerate(payers.index)
    ]
    summary_rows.append(_row(ALL, ALL, None, req_ss["low"].sum(), req_ss["high"].sum(),
                             base_lo.sum(), base_hi.sum(), "sum", capex_lo.sum(), capex_hi.sum()))
    summary = pd.DataFrame(summary_rows).drop(columns="year")

    deal_cols = ["id", "payer", "payee", "kind", "treatment", "generation", "amount_low",
                 "amount_high", "gw_low", "gw_high", "start_year", "spread_years"]
    info = model.info()
    for frame in (by_year, summary):
        frame["cost_model"] = f"{info['cost_model']} {info['cost_model_version']}"
    return GapResult(
        by_year=by_year,
        summary=summary,
        deals=d[deal_cols].reset_index(drop=True),
        assumptions=a.table(model),
        cost_model=info,
        notes=notes,
    )


def _row(
    cid: str, name: str, year: int | None, req_lo: float, req_hi: float, rev_lo: float,
    rev_hi: float, basis: Any, capex_lo: float | None = None, capex_hi: float | None = None,
) -> dict[str, Any]:
    row: dict[str, Any] = {"company_id": cid, "company": name, "year": year}
    if capex_lo is not None:
        row["committed_low"], row["committed_high"] = float(capex_lo), float(capex_hi or 0.0)
    row.update(
        required_low=float(req_lo),
        required_high=float(req_hi),
        revenue_low=float(rev_lo),
        revenue_high=float(rev_hi),
        revenue_basis=basis if isinstance(basis, str) else "none in data",
        gap_low=float(req_lo - rev_hi),
        gap_high=float(req_hi - rev_lo),
    )
    return row

