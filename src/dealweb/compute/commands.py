"""``dealweb compute``: gigawatts <-> dollars, the cost model, and the revenue gap."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from dealweb.clikit import (
    DbUrl,
    OutputFormat,
    app,
    console,
    emit,
    format_usd,
    format_usd_range,
    user_errors,
)
from dealweb.compute.costmodel import CostModel, get_cost_model, use_cost_model
from dealweb.compute.pricing import gigawatt_conversion, parse_quantity, usd_conversion
from dealweb.compute.revenue_gap import ALL, DEFAULT_KINDS, GapAssumptions, revenue_gap

compute_app = typer.Typer(
    name="compute",
    help="Compute economics: GW <-> $ with a sourced cost model, and the revenue gap.",
    no_args_is_help=True,
)
app.add_typer(compute_app, name="compute")

# Options of several compute commands (``--db`` comes from clikit).
CostModelFile = Annotated[
    Path | None,
    typer.Option(
        "--cost-model",
        help="Cost-model YAML to use instead of the shipped one (or $DEALWEB_COST_MODEL).",
    ),
]
#: ``--format/-f``: as :data:`dealweb.clikit.Format` but without its help line, as shipped.
PlainFormat = Annotated[OutputFormat, typer.Option("--format", "-f")]


def _model_line(model: CostModel) -> str:
    info = model.info()
    return (
        f"cost model: {info['cost_model']} {info['cost_model_version']} "
        f"(as of {info['cost_model_as_of']}, {info['cost_model_file']}, "
        f"sha256 {info['cost_model_sha256']})"
    )


def _with_info(frame: pd.DataFrame, model: CostModel) -> pd.DataFrame:
    out = frame.copy()
    for key, value in model.info().items():
        out[key] = value
    return out


def _generation_sources(model: CostModel, keys: list[str]) -> pd.DataFrame:
    """The provenance rows of the cost model that a conversion used."""
    rows = model.assumptions()
    wanted = {f"generations.{k}." for k in keys}
    splits = {f"splits.{model.generations[k].split}" for k in keys if model.generations[k].split}
    if any(model.generations[k].systems_usd_per_gw is not None for k in keys):
        splits |= {f"splits.{model.facility.split}", "facility.construction_usd_per_gw"}
    picked = [
        r for r in rows
        if any(r["field"].startswith(w) for w in wanted)
        or r["field"] in splits
        or r["field"].startswith("energy.")
    ]
    return pd.DataFrame(picked)


def _print_sources(frame: pd.DataFrame, title: str) -> None:
    """Provenance as an indented list (URLs stay whole and clickable at any terminal width)."""
    console.print(f"[bold]{title}[/]")
    for r in frame.itertuples(index=False):
        console.print(f"  {r.field} = {r.value}", highlight=False, soft_wrap=True)
        for url in filter(None, (u.strip() for u in r.source.split(" | "))):
            console.print(f"      source: {url}", highlight=False, soft_wrap=True)
        if r.assumption:
            console.print(f"      ASSUMPTION: {r.assumption}", highlight=False, soft_wrap=True)
        if r.note:
            console.print(f"      note: {r.note}", highlight=False, soft_wrap=True)


@compute_app.command("convert")
def convert(
    quantity: str = typer.Argument(..., help="1GW, 500MW, 1.4T, $20B …"),
    generation: str | None = typer.Option(
        None, "--generation", "-g",
        help="hopper, blackwell, vera-rubin, tpu, amd-mi, industry-2025 (or aliases; a+b = both)",
    ),
    year: int | None = typer.Option(
        None, "--year", help="Deployment year (picks a generation via the model's year_defaults)."
    ),
    against: str | None = typer.Option(
        None, "--against", help="Dollars: the gigawatts they were stated for, e.g. 30GW."
    ),
    gigawatts: float | None = typer.Option(
        None, "--gigawatts", help="Same as --against, as a number of GW."
    ),
    cost_model: CostModelFile = None,
    fmt: PlainFormat = OutputFormat.table,
) -> None:
    """Convert gigawatts to a dollar range (per component) or dollars to a gigawatt range."""
    with user_errors(), use_cost_model(cost_model) as model:
        value, unit = parse_quantity(quantity)
        if unit == "GW":
            if against is not None or gigawatts is not None:
                raise ValueError("--against/--gigawatts apply to a dollar amount, not to GW")
            _convert_gw(value, generation, year, model, fmt)
        else:
            against_gw = gigawatts
            if against is not None:
                if gigawatts is not None:
                    raise ValueError("give --against or --gigawatts, not both")
                against_gw, against_unit = parse_quantity(against)
                if against_unit != "GW":
                    raise ValueError(f"--against expects power such as 30GW, got {against!r}")
            _convert_usd(value, against_gw, generation, year, model, fmt)


def _convert_gw(
    gw: float, generation: str | None, year: int | None, model: CostModel, fmt: OutputFormat
) -> None:
    frame = gigawatt_conversion(gw, generation=generation, year=year, model=model)
    b = model.capex_per_gw(generation, year)
    if fmt is not OutputFormat.table:
        out = frame.assign(gigawatts=gw, generation=b.generation)
        emit(_with_info(out, model), fmt)
        return
    shown = frame.assign(
        range=[format_usd_range(lo, hi) for lo, hi in zip(frame["low"], frame["high"], strict=True)]
    )
    emit(
        shown[["item", "range"]],
        fmt,
        title=f"{gw:g} GW of {b.label} [{b.generation}]",
    )
    console.print(
        f"per GW all-in: {format_usd_range(*b.total)}; energy assumes the GW is IT load "
        f"drawn at load factor x PUE.",
        highlight=False,
    )
    _print_sources(_generation_sources(model, b.generation.split("+")), "assumptions and sources")
    console.print(_model_line(model), highlight=False)


def _convert_usd(
    usd: float, against_gw: float | None, generation: str | None, year: int | None,
    model: CostModel, fmt: OutputFormat,
) -> None:
    frame = usd_conversion(
        usd, against_gigawatts=against_gw, generation=generation, year=year, model=model
    )
    if fmt is not OutputFormat.table:
        emit(_with_info(frame.assign(usd=usd), model), fmt)
        return
    shown = pd.DataFrame({
        "generation": frame["generation"],
        "model $/GW": [format_usd_range(lo, hi) for lo, hi in
                       zip(frame["usd_per_gw_low"], frame["usd_per_gw_high"], strict=True)],
        f"GW for {format_usd(usd)}": [f"{lo:,.1f}–{hi:,.1f}" for lo, hi in
                                      zip(frame["gigawatts_low"], frame["gigawatts_high"],
                                          strict=True)],
    })
    if against_gw is not None:
        shown["implied $/GW"] = frame["implied_usd_per_gw"].map(format_usd)
        shown["implied vs model"] = frame["implied_vs_model"]
    emit(shown, fmt, title=f"{format_usd(usd)} of all-in capex")
    if against_gw is not None:
        console.print(
            f"implied: {format_usd(usd)} / {against_gw:g} GW = {format_usd(usd / against_gw)} "
            f"per GW",
            highlight=False,
        )
    keys = list(frame["generation"])
    _print_sources(_generation_sources(model, keys), "assumptions and sources")
    console.print(_model_line(model), highlight=False)


@compute_app.command("model")
def show_model(
    cost_model: CostModelFile = None,
    fmt: PlainFormat = OutputFormat.table,
) -> None:
    """Show the cost model: capex per GW by generation and component, and every source."""
    with user_errors(), use_cost_model(cost_model) as model:
        rows = []
        for key in model.generations:
            b = model.breakdown(key)
            rows.append({
                "generation": key, "label": b.label,
                **{f"{c}_low": b.component(c)[0] for c in
                   ("systems", "power_equipment", "shell", "total")},
                **{f"{c}_high": b.component(c)[1] for c in
                   ("systems", "power_equipment", "shell", "total")},
            })
        frame = pd.DataFrame(rows)
        if fmt is not OutputFormat.table:
            emit(_with_info(frame, model), fmt)
            return
        shown = frame[["generation"]].copy()
        for c in ("systems", "power_equipment", "shell", "total"):
            shown[c.replace("_", " ")] = [
                format_usd_range(lo, hi)
                for lo, hi in zip(frame[f"{c}_low"], frame[f"{c}_high"], strict=True)
            ]
        emit(shown, fmt, title="capex per GW")
        e = model.energy_per_gw_year()
        console.print(f"energy per GW-year: {format_usd_range(*e)}", highlight=False)
        _print_sources(pd.DataFrame(model.assumptions()), "sources and assumptions")
        console.print(_model_line(model), highlight=False)


def _read_frame(path: Path) -> pd.DataFrame:
    suffix = path.suffix.lower()
    if not path.is_file():
        raise ValueError(f"file not found: {path}")
    if suffix == ".csv":
        return pd.read_csv(path)
    if suffix == ".parquet":
        return pd.read_parquet(path)
    if suffix == ".json":
        return pd.read_json(path, orient="records")
    raise ValueError(f"{path}: expected .csv, .parquet or .json")


def _load_frames(
    db: str | None, deals_file: Path | None, figures_file: Path | None
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    if deals_file is not None:
        deals = _read_frame(deals_file)
        missing = {"id", "announced", "payer", "payer_id", "kind", "amount_usd_low",
                   "amount_usd_high", "up_to", "gigawatts"} - set(deals.columns)
        if missing:
            raise ValueError(f"{deals_file}: missing deals_frame columns {sorted(missing)}")
        for col in ("payee_id", "term_start", "term_years", "status"):
            if col not in deals:
                deals[col] = None
        deals["announced"] = pd.to_datetime(deals["announced"], format="mixed")
        deals["term_start"] = pd.to_datetime(deals["term_start"], format="mixed")
        figures = _read_frame(figures_file) if figures_file is not None else None
        return deals, figures
    from dealweb.ledger.store import open_ledger

    ledger = open_ledger(db, create_dirs=False)
    figures = ledger.figures_frame() if figures_file is None else _read_frame(figures_file)
    return ledger.deals_frame(), figures


@compute_app.command("gap")
def gap(
    company: list[str] = typer.Option(None, "--company", "-c", help="Payer id or name (repeat)."),
    kind: list[str] = typer.Option(
        None, "--kind", "-k", help=f"Deal kinds (repeat; default {', '.join(DEFAULT_KINDS)})."
    ),
    exclude: list[str] = typer.Option(None, "--exclude", help="Deal id to leave out (repeat)."),
    useful_life: float | None = typer.Option(
        None, "--useful-life", help="Years over which accelerators/systems are recovered."
    ),
    facility_life: float | None = typer.Option(
        None, "--facility-life", help="Years over which shell and power equipment are recovered."
    ),
    gross_margin: float | None = typer.Option(
        None, "--gross-margin", help="Gross margin the payer needs on AI revenue (0-1)."
    ),
    cost_of_capital: float | None = typer.Option(
        None, "--cost-of-capital", help="Annual cost of capital (0 = straight-line)."
    ),
    other_opex: float | None = typer.Option(
        None, "--other-opex", help="Other operating cost per year as a share of capex."
    ),
    deployment_years: int | None = typer.Option(
        None, "--deployment-years", help="Years over which capacity deals come into service."
    ),
    start_lag: int | None = typer.Option(
        None, "--start-lag", help="Years from announcement to first capacity."
    ),
    rent_term: float | None = typer.Option(
        None, "--rent-term", help="Term (years) of cloud commitments without one."
    ),
    revenue_growth: float | None = typer.Option(
        None, "--revenue-growth", help="Annual growth applied to the revenue in the data."
    ),
    generation: str | None = typer.Option(
        None, "--generation", "-g", help="Hardware generation for the capex split and GW."
    ),
    up_to_floor: float | None = typer.Option(
        None, "--up-to-floor", help="Share of an 'up to X' amount counted as the low end."
    ),
    first_year: int | None = typer.Option(None, "--from", help="First year of the table."),
    last_year: int | None = typer.Option(None, "--to", help="Last year of the table."),
    deals_file: Path | None = typer.Option(
        None, "--deals", help="Read a deals_frame export (csv/parquet/json) instead of the ledger."
    ),
    figures_file: Path | None = typer.Option(
        None, "--figures", help="Read a figures_frame export instead of the ledger's."
    ),
    db: DbUrl = None,
    cost_model: CostModelFile = None,
    fmt: PlainFormat = OutputFormat.table,
) -> None:
    """Annual revenue needed to earn back committed compute vs the AI revenue in the data."""
    with user_errors(), use_cost_model(cost_model) as model:
        assumptions = GapAssumptions.from_model(
            model,
            useful_life_accelerators_years=useful_life,
            useful_life_facility_years=facility_life,
            gross_margin=gross_margin,
            cost_of_capital=cost_of_capital,
            other_opex_share_of_capex=other_opex,
            deployment_years=deployment_years,
            start_lag_years=start_lag,
            rent_term_years=rent_term,
            revenue_growth_per_year=revenue_growth,
            kinds=tuple(kind) if kind else None,
            generation=generation,
            up_to_floor=up_to_floor,
        )
        if generation:
            model.resolve(generation)  # unknown names fail before the ledger is opened
        if (first_year is None) != (last_year is None):
            raise ValueError("give both --from and --to, or neither")
        years = (first_year, last_year) if first_year is not None else None
        deals, figures = _load_frames(db, deals_file, figures_file)
        result = revenue_gap(
            deals, figures, companies=company or None, exclude=exclude or None,
            years=years, assumptions=assumptions, model=model,
        )
        if fmt is not OutputFormat.table:
            frame = pd.concat(
                [result.by_year.assign(view="per_year"),
                 result.summary.assign(view="steady_state", year=None)],
                ignore_index=True,
            )
            emit(_with_info(frame, model), fmt)
            return
        _print_gap(result, model)


def _signed(value: float) -> str:
    return ("-" if value < 0 else "") + format_usd(abs(value))


def _signed_range(low: float, high: float) -> str:
    """'$1.2B–$3.4B', '-$5.0B–$2.0B' (a negative gap is revenue above the need)."""
    return _signed(low) if abs(high - low) < 0.5e6 else f"{_signed(low)}–{_signed(high)}"


def _print_gap(result, model: CostModel) -> None:  # noqa: ANN001 - GapResult
    def ranges(frame: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
        out = frame[["company", "year"]].copy() if "year" in frame else frame[["company"]].copy()
        for col in cols:
            out[col] = [_signed_range(lo, hi) for lo, hi in
                        zip(frame[f"{col}_low"], frame[f"{col}_high"], strict=True)]
        out["revenue basis"] = frame["revenue_basis"]
        return out

    by_year = result.by_year
    companies = by_year["company_id"].unique()
    if len(companies) == 2:  # one company plus the total row, which would repeat it
        by_year = by_year[by_year["company_id"] != ALL]
    emit(ranges(by_year, ["required", "revenue", "gap"]), OutputFormat.table,
         title="revenue needed per year vs revenue in the data (USD, low–high)")
    summary = result.summary
    if len(summary) == 2:
        summary = summary[summary["company_id"] != ALL]
    emit(ranges(summary, ["committed", "required", "revenue", "gap"]),
         OutputFormat.table,
         title="once all committed capacity is in service (annual, USD, low–high)")
    console.print("[bold]assumptions[/] (change any with its option; see --help)")
    for r in result.assumptions.itertuples(index=False):
        console.print(f"  {r.assumption} = {r.value}", highlight=False, soft_wrap=True)
        for part in filter(None, (p.strip() for p in r.source.split(" | "))):
            label = "" if part.startswith(("set by", "command-line")) else "source: "
            console.print(f"      {label}{part}", highlight=False, soft_wrap=True)
        if r.note:
            console.print(f"      note: {r.note}", highlight=False, soft_wrap=True)
    for note in result.notes:
        console.print(f"note: {note}", highlight=False)
    console.print(
        "method: required revenue = (capital recovery of systems and facility + energy + other "
        "opex, or rent for cloud commitments) / (1 - gross margin); gap = required - revenue "
        "(negative: the revenue in the data covers it; 'revenue basis' says which figure).",
        highlight=False,
    )
    console.print(_model_line(model), highlight=False)


__all__ = ["compute_app", "get_cost_model"]
