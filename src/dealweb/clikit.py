"""Shared pieces of the command line: the typer app, output formats and error handling.

Every area registers its commands on :data:`app` from its own ``commands`` module
(``dealweb.ledger.commands``, ``dealweb.circularity.commands`` …); ``dealweb.cli`` imports them.
Commands stay thin: parse options, call one Python function, print its result with
:func:`emit`.
"""

from __future__ import annotations

import enum
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import pandas as pd
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

app = typer.Typer(
    name="dealweb",
    help="Map, measure and stress-test the web of deals that finances the AI industry.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
# Piped output (files, CI logs, `| less`) is not squeezed into 80 columns: URLs and ids stay whole.
_PIPE_WIDTH = None if sys.stdout.isatty() or os.environ.get("COLUMNS") else 200
console = Console(width=_PIPE_WIDTH)
err_console = Console(stderr=True, width=_PIPE_WIDTH)

DB_OPTION_HELP = (
    "SQLAlchemy URL of the ledger (default: $DEALWEB_DB, else SQLite in the user data dir)."
)


class OutputFormat(enum.StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


# Options shared by the commands of several areas, as typed aliases: a command declares
# `db: DbUrl = None` or `fmt: Format = OutputFormat.table` (typer takes the default from the
# parameter, the flag and help from the alias).

#: ``--db URL``: on every command that touches the ledger; ``None`` opens the default ledger.
DbUrl = Annotated[str | None, typer.Option("--db", help=DB_OPTION_HELP, show_default=False)]
#: ``--format/-f table|csv|json``: on every listing command, printed with :func:`emit`.
Format = Annotated[OutputFormat, typer.Option("--format", "-f", help="table, csv or json.")]


class UserError(Exception):
    """A problem with the user's input: printed without a traceback, exit status 2."""

    exit_code = 2


def fail(message: str, code: int = 2) -> None:
    err_console.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn expected errors into a clear message and exit status 2 (never a traceback)."""
    try:
        yield
    except UserError as exc:
        fail(str(exc), getattr(exc, "exit_code", 2))
    except (KeyError, LookupError) as exc:
        fail(str(exc.args[0]) if exc.args else repr(exc))
    except ValueError as exc:
        fail(str(exc))


def format_usd(value: float | None) -> str:
    """$1.4T, $300.0B, $350M — compact, for tables."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    for scale, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(value) >= scale:
            return f"${value / scale:,.1f}{suffix}"
    return f"${value:,.0f}"


def format_usd_range(low: float | None, high: float | None, up_to: bool = False) -> str:
    """'$30.0B', '$17.4B–$19.4B', 'up to $5.0B', '≥ $10.0B' (no upper end), '' when unknown."""
    lo_missing = low is None or low != low
    hi_missing = high is None or high != high
    if lo_missing and hi_missing:
        return ""
    if lo_missing:
        return ("up to " if up_to else "≤ ") + format_usd(high)
    if hi_missing:
        return ("up to " if up_to else "≥ ") + format_usd(low)
    if low == high:
        return ("up to " if up_to else "") + format_usd(low)
    return f"{format_usd(low)}–{format_usd(high)}" + (" (up to)" if up_to else "")


def emit(
    frame: pd.DataFrame,
    fmt: OutputFormat | str = OutputFormat.table,
    *,
    title: str | None = None,
    formatters: dict[str, Callable[[Any], str]] | None = None,
    columns: list[str] | None = None,
) -> None:
    """Print a DataFrame as a rich table, CSV or JSON (records, ISO dates, nulls as null)."""
    fmt = OutputFormat(fmt)
    if fmt is OutputFormat.csv:
        frame.to_csv(sys.stdout, index=False, lineterminator="\n")
        return
    if fmt is OutputFormat.json:
        text = frame.to_json(orient="records", date_format="iso", indent=2, force_ascii=False)
        sys.stdout.write(json.dumps(json.loads(text), indent=2, ensure_ascii=False) + "\n")
        return
    shown = frame[columns] if columns else frame
    table = Table(title=title, show_lines=False, header_style="bold")
    for col in shown.columns:
        numeric = pd.api.types.is_numeric_dtype(shown[col])
        table.add_column(str(col), justify="right" if numeric else "left", overflow="fold")
    formatters = formatters or {}
    for row in shown.itertuples(index=False):
        cells = []
        for col, value in zip(shown.columns, row, strict=True):
            if col in formatters:
                cells.append(escape(formatters[col](value)))
            elif value is None or (isinstance(value, float) and value != value):
                cells.append("")
            elif isinstance(value, float):
                cells.append(f"{value:,.4g}" if abs(value) < 1e4 else f"{value:,.0f}")
            else:
                cells.append(escape(str(value)))
        table.add_row(*cells)
    console.print(table)


def note_gigawatt_pricing(deals: pd.DataFrame) -> None:
    """Say on stderr which cost model priced the deals stated only in gigawatts, if any."""
    if "usd_basis" not in deals.columns:
        return
    n = int((deals["usd_basis"] == "gw_estimate").sum())
    if not n:
        return
    info = deals.attrs.get("cost_model", {})
    model = " ".join(str(info[k]) for k in ("cost_model", "cost_model_version") if k in info)
    err_console.print(
        f"[dim]note: {n} deals stated only in gigawatts are priced with the cost model "
        f"{escape(model or 'in use')} (see `dealweb compute model`)[/]",
        highlight=False,
    )
