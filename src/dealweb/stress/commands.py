"""Stress-test commands of the ``dealweb`` CLI: ``stress`` and ``scenarios``.

``dealweb stress SCENARIO`` runs a shipped scenario (by name) or a scenario file on the ledger and
prints the cascade — who fails, in which year and clearing round, why (which obligations went
unpaid, to whom) and the dollar shortfall — then the loss table. ``--runs N`` adds a Monte Carlo
over the scenario's uncertain inputs: default probability per company, loss distribution and
expected shortfall per company and system-wide.
"""

from __future__ import annotations

import enum
import json
import sys

import pandas as pd
import typer
from rich.markup import escape

from dealweb.clikit import (
    DbUrl,
    Format,
    OutputFormat,
    UserError,
    app,
    console,
    emit,
    format_usd,
    note_gigawatt_pricing,
    user_errors,
)
from dealweb.stress.report import YEAR_COLUMNS
from dealweb.stress.scenario import (
    MODELS,
    ScenarioError,
    list_scenarios,
    load_scenario,
    resolve_companies,
)


class ModelChoice(enum.StrEnum):
    eisenberg_noe = "eisenberg-noe"
    rogers_veraart = "rogers-veraart"
    debtrank = "debtrank"
    furfine = "furfine"
    cross_holdings = "cross-holdings"


class Part(enum.StrEnum):
    """Which result frame ``--format csv`` prints (json prints them all)."""

    cascade = "cascade"
    losses = "losses"
    years = "years"
    unpaid = "unpaid"
    balance_sheets = "balance-sheets"
    defaults = "defaults"
    skipped = "skipped"
    probabilities = "probabilities"
    default_years = "default-years"
    system = "system"


assert {m.value for m in ModelChoice} == set(MODELS)

_USD_COLUMNS = (
    "due_usd",
    "unpaid_usd",
    "unpaid_total_usd",
    "credit_loss_usd",
    "equity_loss_usd",
    "loss_usd",
    "equity_value_usd",
    "paid_usd",
    "expected_loss_usd",
    "expected_unpaid_usd",
    "revenue",
    "cash",
    "debt",
    "equity_value",
    # the money columns of the per-year table
    *(c for c in YEAR_COLUMNS if c not in ("year", "company_id", "company", "defaulted")),
)


#: Short headers for the printed tables (csv/json keep the full column names).
_HEADERS = {
    "due_usd": "due",
    "unpaid_usd": "unpaid",
    "unpaid_to": "unpaid to",
    "missed_receipts_from": "missed receipts from",
    "credit_loss_usd": "credit loss",
    "equity_loss_usd": "equity loss",
    "loss_usd": "loss",
    "equity_value_usd": "equity",
    "loss_to_equity": "loss/equity",
    "default_probability": "P(default)",
    "expected_loss_usd": "exp. loss",
    "var95_loss_usd": "VaR95 loss",
    "es95_loss_usd": "ES95 loss",
    "expected_unpaid_usd": "exp. unpaid",
    "es95_unpaid_usd": "ES95 unpaid",
    "due_out": "due",
    "equity_wiped_out": "wiped out",
    "initial_distress": "initial distress",
}


def _show(frame: pd.DataFrame, title: str, percent: tuple[str, ...] = ()) -> None:
    """Print a result frame as a table: money compact, shares as percentages, short headers."""
    money = [
        c
        for c in frame.columns
        if c in _USD_COLUMNS or (c.startswith(("es", "var")) and c.endswith("_usd"))
    ]
    formatters = {_HEADERS.get(c, c): _usd for c in money}
    formatters.update({_HEADERS.get(c, c): _pct for c in percent if c in frame.columns})
    emit(frame.rename(columns=_HEADERS), "table", title=title, formatters=formatters)


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def _usd(x: float) -> str:
    """format_usd, with rounding noise of a dollar or less shown as $0 (not "$-0")."""
    return format_usd(0.0 if isinstance(x, float) and abs(x) < 0.5 else x)


def run(
    scenario_name: str,
    *,
    db: str | None = None,
    model: str | None = None,
    runs: int = 0,
    seed: int | None = None,
    level: float = 0.95,
    progress: bool | None = None,
) -> dict[str, object]:
    """Load a scenario and the ledger, run the stress test; return the result objects.

    Keys: ``scenario``, ``result`` (:class:`.report.StressResult`) and, when ``runs > 0``,
    ``monte_carlo`` (:class:`.montecarlo.MonteCarloResult`).
    """
    from dealweb.ledger.store import open_ledger
    from dealweb.stress.montecarlo import monte_carlo
    from dealweb.stress.multiyear import run_stress

    scenario = load_scenario(scenario_name)
    if model is not None:
        scenario = scenario.model_validate(
            {**scenario.model_dump(), "model": model, "parameters": {}}
        )
    ledger = open_ledger(db, create_dirs=False)
    companies = ledger.companies_frame()
    if companies.empty:
        raise UserError("the ledger has no companies; load the dataset with `dealweb init`")
    deals, figures = ledger.deals_frame(), ledger.figures_frame()
    note_gigawatt_pricing(deals)
    scenario = resolve_companies(scenario, companies, source=scenario_name)
    out: dict[str, object] = {"scenario": scenario}
    out["result"] = run_stress(deals, companies, figures, scenario)
    runs = runs or scenario.runs
    if runs:
        out["monte_carlo"] = monte_carlo(
            deals,
            companies,
            figures,
            scenario,
            runs=runs,
            seed=seed if seed is not None else scenario.seed,
            level=level,
            progress=progress,
        )
    return out


def _frames(out: dict[str, object]) -> dict[str, pd.DataFrame]:
    r = out["result"]
    frames = {
        "cascade": r.cascade,
        "losses": r.losses,
        "years": r.years,
        "unpaid": r.unpaid,
        "balance-sheets": r.balance_sheets,
        "defaults": r.defaults_used,
        "skipped": r.skipped_deals,
    }
    mc = out.get("monte_carlo")
    if mc is not None:
        frames["probabilities"] = mc.companies
        frames["default-years"] = mc.default_years
        frames["system"] = mc.system_losses
    return frames


def _print_tables(out: dict[str, object]) -> None:
    sc, r = out["scenario"], out["result"]
    about = f": {escape(sc.description)}" if sc.description else ""
    console.print(f"[bold]Scenario {escape(sc.name)}[/]{about}", highlight=False)
    console.print(
        f"model {sc.model}, {sc.horizon} years from {sc.start_year}, "
        f"amounts at the {sc.amount_basis} of their range",
        highlight=False,
    )
    if r.cascade.empty:
        console.print("No company fails within the horizon.")
    else:
        _show(
            r.cascade.drop(columns=["company_id", "unpaid_total_usd"]),
            "Cascade: who fails, when (year, clearing round), why",
        )
    losses = r.losses.loc[(r.losses["loss_usd"] > 0.5) | (r.losses["unpaid_usd"] > 0.5)]
    _show(
        losses.drop(columns=["company_id"]),
        "Losses over the horizon (unpaid by the company; its credit and equity-stake losses)",
        percent=("loss_to_equity",),
    )
    if r.years.empty:
        console.print(
            f"{sc.model} is a single-period model: the {sc.horizon}-year horizon is "
            "one period (all obligations due and revenue earned in it).",
            highlight=False,
        )
    else:
        years = r.years.groupby("year", as_index=False)[["due_out", "paid", "unpaid"]].sum()
        years["defaults"] = r.years.groupby("year")["defaulted"].sum().to_numpy()
        _show(years, "Year by year (whole network)")
    if not r.skipped_deals.empty:
        counts = r.skipped_deals["reason"].value_counts()
        text = ", ".join(f"{k}: {v}" for k, v in counts.items())
        console.print(
            f"{len(r.skipped_deals)} deals are not payment obligations here ({text}); "
            "`--format csv --part skipped` lists them.",
            highlight=False,
        )
    if not r.defaults_used.empty:
        used = "; ".join(
            f"{n} ({d})"
            for n, d in zip(r.defaults_used["name"], r.defaults_used["defaults_used"], strict=True)
        )
        console.print(
            f"[yellow]Documented role defaults used (no figure in the ledger):[/] {used}",
            highlight=False,
            soft_wrap=True,
        )
    mc = out.get("monte_carlo")
    if mc is not None:
        pct = round(mc.level * 100)
        probs = mc.companies.loc[
            (mc.companies["default_probability"] > 0) | (mc.companies["expected_loss_usd"] > 0.5)
        ]
        _show(
            probs.drop(columns=["company_id"]),
            f"Monte Carlo: {mc.runs:,} runs, seed {mc.seed}",
            percent=("default_probability",),
        )
        system = mc.system_losses.copy()
        fmt = [
            _usd(v) if "loss" in s else (_pct(v) if s.startswith("P(") else f"{v:.2f}")
            for s, v in zip(system["statistic"], system["value"], strict=True)
        ]
        system["value"] = fmt
        emit(
            system,
            "table",
            title=f"System-wide (ES {pct}% = mean of the worst {100 - pct}% of runs)",
        )


@app.command()
def scenarios(
    fmt: Format = OutputFormat.table,
) -> None:
    """List the shipped stress scenarios."""
    with user_errors():
        emit(list_scenarios(), fmt, title="Shipped scenarios")


@app.command()
def stress(
    scenario: str | None = typer.Argument(
        None, help="A shipped scenario's name (see --list) or a path to a scenario YAML file."
    ),
    model: ModelChoice | None = typer.Option(
        None, "--model", "-m", help="Override the scenario's clearing model."
    ),
    runs: int = typer.Option(
        0, "--runs", "-n", min=0, help="Monte Carlo runs over the uncertain inputs (0: none)."
    ),
    seed: int | None = typer.Option(None, "--seed", help="Random seed for Monte Carlo."),
    level: float = typer.Option(
        0.95, "--level", min=0.5, max=0.999, help="Confidence level of VaR and expected shortfall."
    ),
    db: DbUrl = None,
    fmt: Format = OutputFormat.table,
    part: Part = typer.Option(
        Part.cascade, "--part", help="Frame printed with --format csv (json prints all)."
    ),
    list_: bool = typer.Option(False, "--list", help="List the shipped scenarios and exit."),
    no_progress: bool = typer.Option(False, "--no-progress", help="Hide the progress bar."),
) -> None:
    """Stress-test the deal network under a scenario: cascade of failures and losses."""
    with user_errors():
        if list_:
            emit(list_scenarios(), fmt, title="Shipped scenarios")
            return
        if scenario is None:
            raise UserError("give a scenario name or file (see `dealweb stress --list`)")
        try:
            out = run(
                scenario,
                db=db,
                model=model.value if model else None,
                runs=runs,
                seed=seed,
                level=level,
                progress=False if no_progress else None,
            )
        except ScenarioError as exc:
            raise UserError(str(exc)) from None
        frames = _frames(out)
        if fmt is OutputFormat.json:
            data = {"scenario": out["scenario"].model_dump(mode="json")}
            for key, frame in frames.items():
                data[key] = json.loads(frame.to_json(orient="records", date_format="iso"))
            sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        elif fmt is OutputFormat.csv:
            if part.value not in frames:
                raise UserError(f"--part {part.value} needs --runs N (Monte Carlo)")
            emit(frames[part.value], fmt)
        else:
            _print_tables(out)
