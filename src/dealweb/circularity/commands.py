"""Circularity commands of the ``dealweb`` CLI: loops, circularity, concentration, compress,
timeline.

Each command reads the ledger (``--db``), builds the money-flow network as of ``--as-of`` with
``--amounts low|mid|high`` and prints one DataFrame (``--format table|csv|json``). User errors
exit with status 2 and a one-line message.
"""

from __future__ import annotations

import enum
from typing import Annotated, Any

import pandas as pd
import typer

from dealweb.circularity.compression import compress as compress_network
from dealweb.circularity.compression import compression_summary
from dealweb.circularity.concentration import concentration as concentration_frame
from dealweb.circularity.loops import LOOP_COLUMNS, find_loops
from dealweb.circularity.network import (
    ALL_KINDS,
    ALL_STATUSES,
    DEFAULT_FLOW_KINDS,
    FlowNetwork,
    build_network,
)
from dealweb.circularity.roundtrip import round_tripped
from dealweb.circularity.timeline import MEASURES
from dealweb.circularity.timeline import timeline as timeline_frame
from dealweb.clikit import (
    DbUrl,
    Format,
    OutputFormat,
    UserError,
    app,
    console,
    emit,
    err_console,
    format_usd,
    note_gigawatt_pricing,
    user_errors,
)


class Amounts(enum.StrEnum):
    low = "low"
    mid = "mid"
    high = "high"


class Freq(enum.StrEnum):
    year = "year"
    quarter = "quarter"


class Method(enum.StrEnum):
    conservative = "conservative"
    non_conservative = "non-conservative"


# Options of every circularity command (``--db`` and ``--format`` come from clikit).
AsOf = Annotated[
    str | None,
    typer.Option(
        "--as-of", help="Deals announced on or before this date (YYYY, YYYY-MM, YYYY-MM-DD)."
    ),
]
AmountBasis = Annotated[Amounts, typer.Option("--amounts", help="Which end of each amount range.")]
Annualize = Annotated[
    bool,
    typer.Option(
        "--annualize", help="Amounts per year of the contract term instead of whole amounts."
    ),
]
Kinds = Annotated[
    str | None,
    typer.Option(
        "--kinds",
        help=f"Comma-separated deal kinds counted as money flows (default: "
        f"{','.join(sorted(DEFAULT_FLOW_KINDS))}).",
    ),
]
Statuses = Annotated[
    str | None,
    typer.Option("--status", help="Comma-separated statuses counted (default: all but cancelled)."),
]
UsdPerGw = Annotated[
    str | None,
    typer.Option(
        "--usd-per-gw",
        help="Re-price gigawatt-only deals: LOW,HIGH dollars per GW (e.g. 20e9,25e9).",
    ),
]
OnlyCompany = Annotated[str | None, typer.Option("--company", "-c", help="Only this company.")]


def _parse_gw(text: str | None) -> tuple[float, float] | None:
    if text is None:
        return None
    parts = [p.strip() for p in text.split(",")]
    try:
        values = [float(p) for p in parts]
    except ValueError:
        raise UserError(f"--usd-per-gw: expected LOW,HIGH numbers, got {text!r}") from None
    if len(values) == 1:
        values = values * 2
    if len(values) != 2 or not 0 <= values[0] <= values[1]:
        raise UserError(f"--usd-per-gw: expected LOW,HIGH with 0 <= LOW <= HIGH, got {text!r}")
    return values[0], values[1]


def _parse_kinds(text: str | None) -> list[str] | None:
    if text is None:
        return None
    kinds = [k.strip() for k in text.split(",") if k.strip()]
    unknown = sorted(set(kinds) - ALL_KINDS)
    if unknown:
        raise UserError(f"--kinds: unknown kind(s) {unknown}; expected some of {sorted(ALL_KINDS)}")
    return kinds


def _parse_statuses(text: str | None) -> list[str] | None:
    if text is None:
        return None
    statuses = [k.strip() for k in text.split(",") if k.strip()]
    unknown = sorted(set(statuses) - ALL_STATUSES)
    if unknown:
        raise UserError(
            f"--status: unknown status(es) {unknown}; expected some of {sorted(ALL_STATUSES)}")
    return statuses


def _options(amounts: Amounts, annualize: bool, kinds: str | None, gw: str | None,
             status: str | None = None) -> dict[str, Any]:
    return {"basis": amounts.value, "annualize": annualize, "kinds": _parse_kinds(kinds),
            "usd_per_gw": _parse_gw(gw), "statuses": _parse_statuses(status)}


def _ledger(db: str | None) -> Any:
    from dealweb.ledger.store import open_ledger

    return open_ledger(db, create_dirs=False)  # a typo in --db is an error, not a new ledger


def _deals(ledger: Any) -> Any:
    frame = ledger.deals_frame()
    note_gigawatt_pricing(frame)
    return frame


def _network(db: str | None, as_of: str | None, options: dict[str, Any]) -> FlowNetwork:
    return build_network(_deals(_ledger(db)), as_of=as_of, **options)


def _usd_columns(frame: pd.DataFrame, columns: list[str]) -> dict[str, Any]:
    return {c: format_usd for c in columns if c in frame.columns}


def _pct(value: Any) -> str:
    return "" if value is None or value != value else f"{100 * float(value):.1f}%"


@app.command()
def loops(
    company: str | None = typer.Option(None, "--company", "-c", help="Loops through this company."),
    max_length: int = typer.Option(6, "--max-length", min=2, help="Longest loop (companies)."),
    max_cycles: int = typer.Option(10_000, "--max-cycles", min=1, help="Stop after this many."),
    limit: int = typer.Option(50, "--limit", min=1, help="Show at most this many loops."),
    db: DbUrl = None,
    as_of: AsOf = None,
    amounts: AmountBasis = Amounts.mid,
    annualize: Annualize = False,
    kinds: Kinds = None,
    usd_per_gw: UsdPerGw = None,
    status: Statuses = None,
    fmt: Format = OutputFormat.table,
) -> None:
    """Money loops (A pays B … pays A) with their deals, ranked by circular amount."""
    with user_errors():
        ledger = _ledger(db)
        net = build_network(_deals(ledger), as_of=as_of,
                            **_options(amounts, annualize, kinds, usd_per_gw, status))
        shown_name = None
        if company is not None:
            found = ledger.company(company)  # unknown name: the ledger's own message
            company, shown_name = found.id, found.name
        if company is not None and company not in set(net.ids):
            company_name = ledger.company(company).name
            frame = pd.DataFrame(columns=LOOP_COLUMNS)
            frame.attrs["note"] = f"{company_name} has no money flows as of {as_of or 'today'}"
        else:
            frame = find_loops(net, company=company, max_length=max_length,
                               max_cycles=max_cycles)
    note = frame.attrs.get("note")
    shown = frame.head(limit)
    if fmt is OutputFormat.table:
        formatters = _usd_columns(shown, ["circular_amount", "total_amount"])
        formatters["circular_share"] = _pct
        formatters["edge_amounts"] = lambda v: " | ".join(format_usd(x) for x in v)
        emit(shown, fmt, title=f"Money loops{' through ' + shown_name if shown_name else ''} "
             f"({len(frame)} found, amounts: {amounts.value})", formatters=formatters,
             columns=["rank", "loop", "circular_amount", "circular_share", "edge_amounts",
                      "deals"])
    else:
        emit(shown, fmt)
    if note:
        err_console.print(f"[yellow]note:[/] {note}", highlight=False)


@app.command()
def circularity(
    company: OnlyCompany = None,
    db: DbUrl = None,
    as_of: AsOf = None,
    amounts: AmountBasis = Amounts.mid,
    annualize: Annualize = False,
    kinds: Kinds = None,
    usd_per_gw: UsdPerGw = None,
    status: Statuses = None,
    fmt: Format = OutputFormat.table,
) -> None:
    """Round-tripped revenue per company and the network's Finn cycling index."""
    with user_errors():
        net = _network(db, as_of, _options(amounts, annualize, kinds, usd_per_gw, status))
        frame = round_tripped(net)
        # Σ round-tripped = Finn's cycled throughflow, so the index needs no second inverse.
        tst, tst_cycled = float(frame["throughflow"].sum()), float(frame["round_tripped"].sum())
        fci = tst_cycled / tst if tst > 0 else 0.0
        if company is not None:
            frame = frame[frame["company_id"] == net.ids[net.index(company)]]
    frame.attrs["fci"] = fci
    if fmt is OutputFormat.table:
        formatters = _usd_columns(frame, ["inflow", "outflow", "throughflow", "round_tripped",
                                          "direct", "indirect"])
        formatters["share_of_inflow"] = _pct
        formatters["cycling_efficiency"] = _pct
        emit(frame, fmt, formatters=formatters,
             title=f"Round-tripped revenue (Finn cycling index {fci:.4f}; "
                   f"cycled {format_usd(tst_cycled)} of {format_usd(tst)} throughflow)",
             columns=["company", "inflow", "outflow", "round_tripped", "direct", "indirect",
                      "share_of_inflow", "cycling_efficiency"])
    else:
        frame.insert(0, "network_fci", fci)
        emit(frame, fmt)


@app.command()
def concentration(
    company: OnlyCompany = None,
    db: DbUrl = None,
    as_of: AsOf = None,
    amounts: AmountBasis = Amounts.mid,
    annualize: Annualize = False,
    kinds: Kinds = None,
    usd_per_gw: UsdPerGw = None,
    status: Statuses = None,
    fmt: Format = OutputFormat.table,
) -> None:
    """Dependence: top-counterparty shares, Herfindahl indices, commitments / revenue."""
    with user_errors():
        ledger = _ledger(db)
        net = build_network(_deals(ledger), as_of=as_of,
                            **_options(amounts, annualize, kinds, usd_per_gw, status))
        frame = concentration_frame(net, ledger.figures_frame(), company=company)
    if fmt is OutputFormat.table:
        formatters = _usd_columns(frame, ["inflow", "outflow", "revenue"])
        for col in ("top_payer_share", "top_payee_share"):
            formatters[col] = _pct
        formatters["commitments_to_revenue"] = lambda v: "" if v != v else f"{v:.1f}x"
        emit(frame, fmt, formatters=formatters, title="Dependence and concentration",
             columns=["company", "inflow", "outflow", "top_payer", "top_payer_share",
                      "top_payee", "top_payee_share", "hhi_in", "hhi_out", "revenue",
                      "commitments_to_revenue"])
    else:
        emit(frame, fmt)


@app.command()
def compress(
    method: Method = typer.Option(Method.conservative, "--method",
                                  help="conservative (existing deals only) or non-conservative."),
    edges: bool = typer.Option(False, "--edges", help="List every edge before/after."),
    db: DbUrl = None,
    as_of: AsOf = None,
    amounts: AmountBasis = Amounts.mid,
    annualize: Annualize = False,
    kinds: Kinds = None,
    usd_per_gw: UsdPerGw = None,
    status: Statuses = None,
    fmt: Format = OutputFormat.table,
) -> None:
    """How much of the announced money is circular, intermediated or net new (compression)."""
    with user_errors():
        net = _network(db, as_of, _options(amounts, annualize, kinds, usd_per_gw, status))
        summary = compression_summary(net)
        detail = compress_network(net, method.value.replace("-", "_")) if edges else None
    if detail is not None:
        detail = detail.assign(deal_ids=[",".join(d) for d in detail["deal_ids"]])
        emit(detail, fmt, formatters=_usd_columns(detail, ["before", "after", "removed"]),
             title=f"{method.value} compression", columns=None if fmt is not OutputFormat.table
             else ["payer", "payee", "before", "after", "removed", "deal_ids"])
        return
    row = summary.iloc[0]
    if fmt is OutputFormat.table:
        console.print(
            f"Of {format_usd(row['announced'])} announced, {format_usd(row['net_new'])} is net "
            f"new money, {format_usd(row['circular'])} circular and "
            f"{format_usd(row['intermediated'])} intermediated "
            f"({_pct(row['net_new_share'])} / {_pct(row['circular_share'])} / "
            f"{_pct(row['intermediated_share'])}; amounts: {amounts.value}).",
            highlight=False,
        )
        formatters = _usd_columns(summary, ["announced", "circular", "intermediated", "net_new",
                                            "conservative_min", "non_conservative_min"])
        for col in ("circular_share", "intermediated_share", "net_new_share"):
            formatters[col] = _pct
        emit(summary, fmt, formatters=formatters,
             columns=["announced", "circular", "intermediated", "net_new", "conservative_min",
                      "non_conservative_min"])
    else:
        emit(summary, fmt)


@app.command()
def timeline(
    measure: str = typer.Option(..., "--measure", "-m", help=f"One of: {', '.join(MEASURES)}."),
    company: str | None = typer.Option(None, "--company", "-c", help="Company measures."),
    counterparty: str | None = typer.Option(None, "--counterparty",
                                            help="For counterparty-share."),
    among_role: str | None = typer.Option(
        None, "--among-role", help="counterparty-share among companies of this role (ai_lab…)."),
    start: str | None = typer.Option(None, "--start", help="First date (default: first deal)."),
    freq: Freq = typer.Option(Freq.year, "--freq", help="year or quarter."),
    db: DbUrl = None,
    as_of: str | None = typer.Option(None, "--as-of", help="Last date (default: today)."),
    amounts: AmountBasis = Amounts.mid,
    annualize: Annualize = False,
    kinds: Kinds = None,
    usd_per_gw: UsdPerGw = None,
    status: Statuses = None,
    fmt: Format = OutputFormat.table,
    no_progress: bool = typer.Option(False, "--no-progress", help="No progress bar."),
) -> None:
    """How a measure moved over time, e.g. --measure counterparty-share --company Microsoft
    --counterparty OpenAI --among-role ai_lab."""
    with user_errors():
        ledger = _ledger(db)
        companies = ledger.companies_frame()
        if company is not None:
            company = ledger.company(company).id
        if counterparty is not None:
            counterparty = ledger.company(counterparty).id
        frame = timeline_frame(
            _deals(ledger), measure, company=company, counterparty=counterparty,
            among_role=among_role, companies=companies, figures=ledger.figures_frame(),
            start=start, end=as_of, freq=freq.value, progress=not no_progress,
            **_options(amounts, annualize, kinds, usd_per_gw, status),
        )
    # display names, like every other listing; the id stays for scripts
    names = dict(zip(companies["id"], companies["name"], strict=True))
    frame.insert(frame.columns.get_loc("company"), "company_id", frame["company"])
    frame["company"] = frame["company"].map(lambda c: names.get(c, c))
    value_fmt = format_usd if measure in ("gross", "roundtrip") else (
        lambda v: "" if v != v else f"{v:.4f}")
    emit(frame, fmt, formatters={"value": value_fmt}, title=f"{measure} over time")
