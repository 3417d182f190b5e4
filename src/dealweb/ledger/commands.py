"""Ledger commands of the ``dealweb`` CLI: init, import, export, companies, deals, show,
add-deal, edit-deal, delete-deal, restore-deal, history, summary.

Each command parses its options, calls one function of :mod:`dealweb.ledger` and prints the
result; user errors exit with status 2 and a one-line message (never a traceback).
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd
import typer
from pydantic import ValidationError
from rich.markup import escape

from dealweb.clikit import (
    DB_OPTION_HELP,
    OutputFormat,
    UserError,
    app,
    console,
    emit,
    format_usd,
    format_usd_range,
    user_errors,
)
from dealweb.ledger.errors import validation_messages
from dealweb.ledger.models import Deal
from dealweb.ledger.store import Ledger, open_ledger

DbOption = typer.Option(None, "--db", help=DB_OPTION_HELP, show_default=False)
FormatOption = typer.Option(OutputFormat.table, "--format", "-f", help="table, csv or json.")

_LIST_FIELDS = {"tags"}
_JSON_FIELDS = {"sources", "schedule"}


@contextmanager
def _errors() -> Iterator[None]:
    """clikit.user_errors plus readable pydantic errors and missing files.

    Messages are left as text: clikit.fail escapes them for rich once (a pattern like
    ``[a-z0-9]`` prints as is; escaping here too would print backslashes).
    """
    with user_errors():
        try:
            yield
        except ValidationError as exc:
            lines = [
                f"field {f!r}: got {v!r}; expected {m}" for f, v, m in validation_messages(exc)
            ]
            raise UserError("; ".join(lines)) from None
        except OSError as exc:
            # "No such file or directory" alone does not say which path
            if exc.filename is not None and exc.strerror:
                raise UserError(f"{exc.filename}: {exc.strerror}") from None
            raise UserError(str(exc.args[-1] if exc.args else exc)) from None
        except LookupError as exc:
            raise UserError(str(exc.args[0]) if exc.args else repr(exc)) from None
        except ValueError as exc:
            raise UserError(str(exc)) from None


def _open(db: str | None, create_dirs: bool = False) -> Ledger:
    """The ledger at ``--db``; only ``init`` creates a missing directory for it."""
    return open_ledger(db, create_dirs=create_dirs)


# --------------------------------------------------------------------------- init / io


@app.command()
def init(
    db: str | None = DbOption,
    force: bool = typer.Option(False, "--force", help="Reload the dataset into a used ledger."),
    data_dir: Path | None = typer.Option(
        None, "--data-dir", help="Load this dataset directory instead of the shipped one."
    ),
) -> None:
    """Create the ledger and load the shipped, sourced dataset (idempotent)."""
    from dealweb.ledger.dataset import load_dataset

    with _errors():
        ledger = _open(db, create_dirs=True)
        report = load_dataset(ledger, data_dir=data_dir, force=force)
    c = report.counts
    if not report.loaded:
        console.print(
            f"Ledger {escape(ledger.url)} is already initialised ({c['companies']} companies, "
            f"{c['deals']} deals); use --force to reload the dataset.",
            highlight=False,
            soft_wrap=True,
        )
        return
    console.print(
        f"Loaded {report.imported} into {escape(ledger.url)}", highlight=False, soft_wrap=True
    )


@app.command("import")
def import_(
    files: list[Path] = typer.Argument(..., help="YAML, JSON, CSV or Parquet files."),
    db: str | None = DbOption,
    fmt: str | None = typer.Option(None, "--format", help="Override the format of the suffix."),
    what: str | None = typer.Option(
        None, "--what", help="companies or deals (default: detected from the columns/keys)."
    ),
    reason: str | None = typer.Option(None, "--reason", help="Recorded in every revision."),
    progress: bool = typer.Option(
        True, "--progress/--no-progress", help="Progress bar (only on a terminal)."
    ),
) -> None:
    """Import companies/deals; all-or-nothing, idempotent (natural key: id)."""
    from dealweb.ledger.io import import_files

    with _errors():
        ledger = _open(db)
        report = import_files(
            ledger,
            files,
            fmt=fmt,
            what=what,
            reason=reason,
            progress=progress and sys.stderr.isatty(),
        )
    console.print(f"Imported {report}", highlight=False, soft_wrap=True)


@app.command()
def export(
    file: Path | None = typer.Argument(None, help="Output file; omit to print to stdout."),
    db: str | None = DbOption,
    fmt: str | None = typer.Option(None, "--format", help="yaml, json, csv or parquet."),
    what: str | None = typer.Option(
        None, "--what", help="companies, deals or all (default: all for YAML/JSON, else deals)."
    ),
) -> None:
    """Export the ledger (canonical: re-importing and exporting again gives the same bytes)."""
    from dealweb.ledger.io import export_file, export_text

    with _errors():
        if file is None and fmt is None:
            raise UserError("give an output FILE or --format yaml|json|csv to print to stdout")
        ledger = _open(db)
        if file is None:
            sys.stdout.write(export_text(ledger, fmt or "", what))
            return
        path = export_file(ledger, file, fmt=fmt, what=what)
    console.print(f"Wrote {escape(str(path))}", highlight=False, soft_wrap=True)


# --------------------------------------------------------------------------- listing


@app.command()
def companies(db: str | None = DbOption, fmt: OutputFormat = FormatOption) -> None:
    """List companies with their role and number of deals."""
    with _errors():
        frame = _open(db).companies_frame()
    emit(frame, fmt, title="Companies")


@app.command()
def deals(
    db: str | None = DbOption,
    company: str | None = typer.Option(None, "--company", help="Id, name or alias."),
    kind: list[str] | None = typer.Option(None, "--kind", help="Deal kind (repeatable)."),
    since: str | None = typer.Option(None, "--since", help="YYYY[-MM[-DD]], inclusive."),
    until: str | None = typer.Option(None, "--until", help="YYYY[-MM[-DD]], inclusive."),
    min_amount: float | None = typer.Option(None, "--min-amount", help="USD, upper end."),
    status: list[str] | None = typer.Option(None, "--status", help="Status (repeatable)."),
    as_of: str | None = typer.Option(None, "--as-of", help="The ledger as it was then."),
    fmt: OutputFormat = FormatOption,
) -> None:
    """List deals (companies by display name) with filters."""
    with _errors():
        frame = _open(db).deals_frame(
            company=company,
            kind=kind or None,
            since=since,
            until=until,
            min_amount=min_amount,
            status=status or None,
            as_of=as_of,
        )
    frame["term_start"] = frame["term_start"].dt.strftime("%Y-%m-%d")
    if fmt is not OutputFormat.table:
        emit(frame.assign(announced=frame["announced"].dt.strftime("%Y-%m-%d")), fmt)
        return
    shown = frame.assign(
        announced=[
            _announced_text(d, p)
            for d, p in zip(frame["announced"], frame["date_precision"], strict=True)
        ],
        amount=[
            (_qualifier(stated, lo, hi, up) or format_usd_range(lo, hi, up))
            + (" (GW est.)" if basis == "gw_estimate" else "")
            for lo, hi, up, basis, stated in zip(
                frame["amount_usd_low"],
                frame["amount_usd_high"],
                frame["up_to"],
                frame["usd_basis"],
                frame["amount_stated"],
                strict=True,
            )
        ],
    )
    cols = [
        "id", "announced", "payer", "payee", "kind", "amount", "gigawatts", "status", "source_url"
    ]
    emit(shown, fmt, title=f"Deals ({len(frame)})", columns=cols)


_QUALIFIER_RE = re.compile(
    r"^(more than|over|at least|about|around|nearly|almost|roughly|approximately)\s+[$€£¥]",
    re.IGNORECASE,
)


def _qualifier(stated: object, low: object, high: object, up_to: bool) -> str:
    """'more than $10.0B', 'about $9.7B' … when the deal states its one amount that way ("more
    than $10 billion" is stored as low 10e9 with no or the same high; a bare "$10.0B" would hide
    the words), else ''."""
    one = low is not None and low == low and (high is None or high != high or high == low)
    if up_to or not isinstance(stated, str) or not one:
        return ""
    m = _QUALIFIER_RE.match(stated.strip())
    return f"{m.group(1).lower()} {format_usd(low)}" if m else ""


def _announced_text(date: pd.Timestamp, precision: str) -> str:
    """'2025-05' for a month-precision date, '2025' for a year, else the full date."""
    return date.strftime({"year": "%Y", "month": "%Y-%m"}.get(precision, "%Y-%m-%d"))


@app.command()
def show(
    key: str = typer.Argument(..., help="A deal id, or a company id, name or alias."),
    db: str | None = DbOption,
) -> None:
    """Show one deal (all fields, sources) or one company (figures, deals)."""
    with _errors():
        ledger = _open(db)
        company_id = ledger.resolve_company(key)
        if company_id is None:
            deal = ledger.deal(key)  # KeyError with a hint when unknown
            _show_deal(ledger, deal)
            return
        _show_company(ledger, company_id)


def _show_deal(ledger: Ledger, deal: Deal) -> None:
    frame = ledger.deals_frame().set_index("id")
    names = dict(zip(frame["payer_id"], frame["payer"], strict=True))
    names |= dict(zip(frame["payee_id"].dropna(), frame["payee"].dropna(), strict=True))
    rows: list[tuple[str, Any]] = [
        ("announced", deal.announced_text),
        ("payer", f"{names.get(deal.payer, deal.payer)} ({deal.payer})"),
        ("payee", f"{names.get(deal.payee, deal.payee)} ({deal.payee})" if deal.payee else ""),
        ("kind", deal.kind),
        ("status", deal.status),
        ("amount (USD)", format_usd_range(deal.amount_usd_low, deal.amount_usd_high, deal.up_to)),
    ]
    if deal.currency != "USD":
        stated = format_usd_range(deal.amount_low, deal.amount_high, deal.up_to)
        rows.append(("amount (stated)", f"{stated.replace('$', '')} {deal.currency}".strip()))
    if deal.id in frame.index and frame.loc[deal.id, "usd_basis"] == "gw_estimate":
        r = frame.loc[deal.id]
        rows.append(("GW estimate", format_usd_range(r.amount_usd_low, r.amount_usd_high)))
    for name in (
        "amount_stated",
        "gigawatts",
        "term_start",
        "term_years",
        "stake_pct",
        "schedule",
        "notes",
    ):
        value = getattr(deal, name)
        if value not in (None, "", {}):
            rows.append((name, value))
    if deal.tags:
        rows.append(("tags", ", ".join(deal.tags)))
    for i, src in enumerate(deal.sources, start=1):
        extra = " · ".join(str(x) for x in (src.publisher, src.date) if x)
        rows.append((f"source {i}", src.url + (f"  ({extra})" if extra else "")))
        if src.quote:
            rows.append(("", f"“{src.quote}”"))
    rows.append(("revisions", len(ledger.history(deal.id))))
    emit(_escaped(rows), "table", title=deal.id)


def _escaped(rows: list[tuple[str, Any]]) -> pd.DataFrame:
    # as text: clikit.emit escapes each cell for rich (escaping here too would show backslashes)
    return pd.DataFrame([(k, str(v)) for k, v in rows], columns=["field", "value"])


def _show_company(ledger: Ledger, company_id: str) -> None:
    c = ledger.company(company_id)
    rows = [("id", c.id), ("name", c.name), ("role", str(c.role))]
    rows += [(k, getattr(c, k)) for k in ("ticker", "country", "notes") if getattr(c, k)]
    if c.aliases:
        rows.append(("aliases", "; ".join(c.aliases)))
    emit(_escaped(rows), "table", title=c.name)
    figures = ledger.figures_frame()
    figures = figures[figures["company_id"] == c.id]
    if len(figures):
        emit(
            figures[["name", "label", "value_usd", "as_of", "period", "source_url"]],
            "table",
            title="Figures",
            formatters={"value_usd": format_usd},
        )
    frame = ledger.deals_frame(company=c.id)
    if len(frame):
        frame = frame.assign(
            announced=frame["announced"].dt.strftime("%Y-%m-%d"),
            amount=[
                format_usd_range(lo, hi, up)
                for lo, hi, up in zip(
                    frame["amount_usd_low"], frame["amount_usd_high"], frame["up_to"], strict=True
                )
            ],
        )
        cols = ["id", "announced", "payer", "payee", "kind", "amount", "status"]
        emit(frame, "table", title=f"Deals ({len(frame)})", columns=cols)


# --------------------------------------------------------------------------- editing


def parse_assignments(items: list[str]) -> dict[str, Any]:
    """``["status=completed", "tags=a,b", "payee="]`` → field → value (empty means none).

    >>> parse_assignments(["amount_high=5e9", "tags=cloud;azure"])
    {'amount_high': '5e9', 'tags': ['cloud', 'azure']}
    """
    out: dict[str, Any] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise UserError(f"--set expects field=value, got {item!r}")
        value = value.strip()
        if name in _LIST_FIELDS:
            out[name] = [p.strip() for p in value.replace(";", ",").split(",") if p.strip()]
        elif name in _JSON_FIELDS and value:
            try:
                out[name] = json.loads(value)
            except json.JSONDecodeError as exc:
                raise UserError(f"--set {name}: expected JSON, got {value!r} ({exc.msg})") from None
        else:
            out[name] = value if value != "" else None
    return out


def add_deal(ledger: Ledger, data: dict[str, Any], reason: str | None = None) -> Deal:
    """Create a new deal (error if the id exists: use :meth:`Ledger.edit_deal` to change it)."""
    deal_id = data.get("id")
    try:
        ledger.deal(str(deal_id), include_deleted=True)
    except KeyError:
        pass
    else:
        raise UserError(f"deal {deal_id!r} already exists; change it with `dealweb edit-deal`")
    deal = ledger.prepare_deal(data)
    ledger.upsert_deal(deal, reason=reason or "added with add-deal")
    return deal


@app.command("add-deal")
def add_deal_cmd(
    db: str | None = DbOption,
    from_file: Path | None = typer.Option(
        None, "--from-file", help="YAML/JSON/CSV/Parquet file of deals (same as `import`)."
    ),
    deal_id: str | None = typer.Option(None, "--id", help="Slug, e.g. openai-oracle-2025."),
    announced: str | None = typer.Option(None, "--announced", help="YYYY[-MM[-DD]]."),
    payer: str | None = typer.Option(None, "--payer", help="Company paying (id/name/alias)."),
    payee: str | None = typer.Option(None, "--payee", help="Company paid."),
    kind: str | None = typer.Option(None, "--kind"),
    amount: float | None = typer.Option(None, "--amount", help="Sets low and high."),
    amount_low: float | None = typer.Option(None, "--amount-low"),
    amount_high: float | None = typer.Option(None, "--amount-high"),
    up_to: bool = typer.Option(False, "--up-to", help="Amount is a ceiling ('up to')."),
    currency: str = typer.Option("USD", "--currency"),
    gigawatts: float | None = typer.Option(None, "--gigawatts"),
    stated: str | None = typer.Option(None, "--stated", help="Amount as stated in the source."),
    term_start: str | None = typer.Option(None, "--term-start"),
    term_years: float | None = typer.Option(None, "--term-years"),
    stake_pct: float | None = typer.Option(None, "--stake-pct"),
    status: str = typer.Option("announced", "--status"),
    source: list[str] | None = typer.Option(None, "--source", help="Source URL (repeatable)."),
    publisher: str | None = typer.Option(None, "--publisher", help="Of the first source."),
    quote: str | None = typer.Option(None, "--quote", help="From the first source."),
    tag: list[str] | None = typer.Option(None, "--tag"),
    notes: str | None = typer.Option(None, "--notes"),
    reason: str | None = typer.Option(None, "--reason"),
) -> None:
    """Add one deal from options, or several with --from-file."""
    with _errors():
        ledger = _open(db)
        if from_file is not None:
            from dealweb.ledger.io import import_file

            given = [
                flag
                for flag, v in (
                    ("--id", deal_id), ("--announced", announced), ("--payer", payer),
                    ("--payee", payee), ("--kind", kind), ("--amount", amount),
                    ("--amount-low", amount_low), ("--amount-high", amount_high),
                    ("--gigawatts", gigawatts), ("--stated", stated), ("--term-start", term_start),
                    ("--term-years", term_years), ("--stake-pct", stake_pct), ("--source", source),
                    ("--publisher", publisher), ("--quote", quote), ("--tag", tag),
                    ("--notes", notes),
                )
                if v
            ]  # fmt: skip
            if given:  # they would be silently ignored: the file says everything
                raise UserError(
                    f"--from-file takes every field from the file; drop {', '.join(given)}"
                )
            report = import_file(ledger, from_file, what="deals", reason=reason)
            console.print(f"Imported {report}", highlight=False, soft_wrap=True)
            return
        missing = [
            opt
            for opt, v in (
                ("--id", deal_id),
                ("--announced", announced),
                ("--payer", payer),
                ("--kind", kind),
                ("--source", source),
            )
            if not v
        ]
        if missing:
            raise UserError("add-deal needs " + ", ".join(missing) + " (or --from-file)")
        assert source is not None
        sources: list[dict[str, Any]] = [{"url": u} for u in source]
        sources[0] |= {k: v for k, v in (("publisher", publisher), ("quote", quote)) if v}
        data: dict[str, Any] = {
            "id": deal_id,
            "announced": announced,
            "payer": payer,
            "payee": payee,
            "kind": kind,
            "amount_low": amount if amount is not None else amount_low,
            "amount_high": amount if amount is not None else amount_high,
            "up_to": up_to,
            "currency": currency.upper(),
            "gigawatts": gigawatts,
            "amount_stated": stated,
            "term_start": term_start,
            "term_years": term_years,
            "stake_pct": stake_pct,
            "status": status,
            "sources": sources,
            "tags": tag or [],
            "notes": notes,
        }
        deal = add_deal(ledger, data, reason)
    console.print(f"Added deal {deal.id}", highlight=False, soft_wrap=True)


@app.command("edit-deal")
def edit_deal_cmd(
    deal_id: str = typer.Argument(...),
    set_: list[str] = typer.Option(..., "--set", help="field=value (repeatable)."),
    reason: str | None = typer.Option(None, "--reason", help="Why (kept in the history)."),
    source: str | None = typer.Option(None, "--source", help="URL backing the change."),
    db: str | None = DbOption,
) -> None:
    """Change fields of a deal; the previous version stays in its history."""
    with _errors():
        ledger = _open(db)
        before = ledger.history(deal_id)[-1].version if _exists(ledger, deal_id) else None
        ledger.edit_deal(deal_id, parse_assignments(set_), reason=reason, source_url=source)
        after = ledger.history(deal_id)[-1].version
    if before == after:
        console.print(f"Deal {deal_id}: no change", highlight=False, soft_wrap=True)
    else:
        console.print(f"Deal {deal_id}: saved as version {after}", highlight=False, soft_wrap=True)


def _exists(ledger: Ledger, deal_id: str) -> bool:
    try:
        ledger.deal(deal_id)
    except KeyError:
        return False
    return True


@app.command("delete-deal")
def delete_deal_cmd(
    deal_id: str = typer.Argument(...),
    reason: str | None = typer.Option(None, "--reason"),
    db: str | None = DbOption,
) -> None:
    """Soft-delete a deal (restore it with restore-deal)."""
    with _errors():
        _open(db).delete_deal(deal_id, reason=reason)
    console.print(f"Deleted deal {deal_id} (restorable)", highlight=False, soft_wrap=True)


@app.command("restore-deal")
def restore_deal_cmd(
    deal_id: str = typer.Argument(...),
    reason: str | None = typer.Option(None, "--reason"),
    db: str | None = DbOption,
) -> None:
    """Restore a soft-deleted deal."""
    with _errors():
        _open(db).restore_deal(deal_id, reason=reason)
    console.print(f"Restored deal {deal_id}", highlight=False, soft_wrap=True)


@app.command()
def history(
    entity_id: str = typer.Argument(..., help="Deal id or company id/name."),
    db: str | None = DbOption,
    fmt: OutputFormat = FormatOption,
) -> None:
    """Every revision of a deal or company: when, what changed (old → new), why, source."""
    with _errors():
        revisions = _open(db).history(entity_id)
    if fmt is OutputFormat.json:
        sys.stdout.write(
            json.dumps([r.model_dump(mode="json") for r in revisions], indent=2) + "\n"
        )
        return
    rows = [
        {
            "version": r.version,
            "changed_at": r.changed_at.strftime("%Y-%m-%d %H:%M:%S"),
            "entity": r.entity,
            "action": r.action,
            "changes": _describe_changes(r.action, r.changes),
            "reason": r.reason or "",
            "source": r.source_url or "",
        }
        for r in revisions
    ]
    emit(pd.DataFrame(rows), fmt, title=f"History of {entity_id}")


def _describe_changes(action: str, changes: dict[str, list[object]]) -> str:
    if action == "create":
        return f"{len(changes)} fields set"
    parts = []
    for name, (old, new) in changes.items():
        if isinstance(old, list | dict) or isinstance(new, list | dict):
            parts.append(f"{name} changed")
        else:
            parts.append(f"{name}: {old!r} → {new!r}")
    return "; ".join(parts)


# --------------------------------------------------------------------------- summary


@app.command()
def summary(
    db: str | None = DbOption,
    fmt: str = typer.Option(
        "table", "--format", "-f", help="table, json, or csv (the by-kind table)."
    ),
) -> None:
    """Companies, deals, total announced value (low–high USD), by kind, date span."""
    from dealweb.ledger.summary import summarize

    with _errors():
        if fmt not in ("table", "json", "csv"):
            raise UserError(f"--format must be table, csv or json, got {fmt!r}")
        s = summarize(_open(db))
    if fmt == "json":
        sys.stdout.write(json.dumps(s.as_dict(), indent=2, default=str) + "\n")
        return
    if fmt == "csv":
        emit(s.by_kind, "csv")
        return
    if s.companies == 0 and s.deals == 0:
        console.print("The ledger is empty: load the shipped dataset with `dealweb init`.")
        return
    status = ", ".join(f"{n} {k}" for k, n in s.by_status.items())
    span = f"{s.first} → {s.last}" if s.first else "—"
    lines = [
        f"Companies: {s.companies}",
        f"Deals: {s.deals}" + (f" ({status})" if status else ""),
        f"Announced value, {s.n_stated} deals with a stated amount (excl. cancelled): "
        f"{format_usd(s.stated_low) or '$0'}–{format_usd(s.stated_high) or '$0'}",
    ]
    if s.n_gw:
        lines.append(
            f"Plus {s.n_gw} deals stated in power only ({s.gigawatts:g} GW), GW cost estimate: "
            f"{format_usd(s.gw_low) or '$0'}–{format_usd(s.gw_high) or '$0'}"
        )
    if s.n_no_amount:
        lines.append(f"Deals with no amount: {s.n_no_amount}")
    if s.n_double_counted:
        lines.append(
            f"Left out of the totals: {s.n_double_counted} umbrella totals or stake values "
            "that restate money already in other deals (tags aggregate+overlaps, not-new-money)"
        )
    lines.append(f"Date span: {span}")
    for line in lines:
        console.print(line, highlight=False, soft_wrap=True)
    emit(
        s.by_kind[["kind", "deals", "with_amount", "usd_low", "usd_high"]],
        "table",
        title="By kind (stated + GW estimate, excl. cancelled)",
        formatters={"usd_low": format_usd, "usd_high": format_usd},
    )
