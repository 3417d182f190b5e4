"""``dealweb extract``: news text in, candidate deals out; optional review into the ledger.

    dealweb extract article.txt                       # table of candidates
    dealweb extract a.html b.md --format json         # JSON list, for scoring tools
    cat article.txt | dealweb extract -               # standard input
    dealweb extract article.txt --review --source-url https://…   # accept / edit / reject
    dealweb extract article.txt --accept-all --source-url https://…

Companies are resolved against the ledger's companies and aliases (``--db``), or against a
companies YAML given with ``--gazetteer``. Input longer than ``--max-chars`` (default 1,000,000
characters) is cut there with a note on stderr.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

import typer
import yaml
from rich.progress import track
from rich.table import Table

from dealweb.clikit import (
    DB_OPTION_HELP,
    OutputFormat,
    UserError,
    app,
    console,
    err_console,
    format_usd_range,
    user_errors,
)
from dealweb.extract.base import DEFAULT_EXTRACTOR, Candidate, get_extractor
from dealweb.extract.gazetteer import Gazetteer, shipped_gazetteer
from dealweb.extract.textio import MAX_BYTES, MAX_CHARS, ArticleError, read_article

_KINDS = (
    "equity_investment cloud_commitment hardware_purchase compute_capacity warrant loan "
    "revenue_share distribution acquisition other"
).split()
_STATUSES = ("in_talks", "reported", "announced", "completed", "cancelled")


def _gazetteer(path: Path | None, db: str | None) -> tuple[Gazetteer, Any]:
    """(gazetteer, ledger or None): from --gazetteer, else the ledger's companies."""
    if path is not None:
        if not path.exists():
            raise UserError(f"{path}: no such gazetteer file")
        try:
            return Gazetteer.from_yaml(path), None
        except UnicodeDecodeError:
            raise UserError(f"{path}: not UTF-8 text; expected a companies YAML file") from None
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            at = f", line {mark.line + 1}" if mark is not None else ""
            problem = getattr(exc, "problem", None) or exc
            raise UserError(f"{path}{at}: not valid YAML ({problem})") from None
    from dealweb.ledger.store import open_ledger

    ledger = open_ledger(db, create_dirs=False)
    companies = ledger.companies()
    if companies:
        return Gazetteer.from_companies(companies), ledger
    shipped = shipped_gazetteer()
    if shipped is None:
        raise UserError("the ledger has no companies; run `dealweb init` or pass --gazetteer")
    err_console.print("note: the ledger has no companies yet; using the shipped company list")
    return shipped, ledger


def _parse_date_option(text: str | None) -> dt.date | None:
    """``--date YYYY-MM-DD`` as a date; a clear error for anything else."""
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError as exc:
        detail = "" if "isoformat" in str(exc) else f" ({exc})"
        raise UserError(f"--date: expected a date as YYYY-MM-DD, got {text!r}{detail}") from None


def _refuse_pdf(name: str) -> None:
    """A PDF is refused with what to do about it (not as "binary data" or as garbled text)."""
    path = Path(name)
    if name != "-" and path.is_file():
        with path.open("rb") as fh:
            if fh.read(5) == b"%PDF-":
                raise ArticleError(
                    f"{name}: a PDF; extract reads text, Markdown or HTML - convert it first "
                    "(e.g. `pdftotext FILE.pdf FILE.txt`)"
                )


def _set_aside_note(name: str, aside: list[Candidate], gaz: Gazetteer) -> str:
    """What the learned model dropped from the rules' reading, so a reviewer can look."""
    what = "; ".join(f"{gaz.name(c.payer)} → {gaz.name(c.payee) or '?'} "
                     f"{c.kind}" for c in aside)  # fmt: skip
    return (f"note: in {name} the learned model set aside {len(aside)} of the rules' candidates "
            f"as unlikely deals ({what}); --extractor rules shows them")


def _truncation_note(name: str, article: Any) -> str:
    """Say how much of ``name`` was read; the size is the file's (only part of it was read)."""
    path = Path(name)
    if name != "-" and path.is_file():
        size = f"{path.stat().st_size:,} bytes"
    else:  # standard input is read up to MAX_BYTES: beyond that its length is unknown
        more = "more than " if article.original_chars > MAX_BYTES else ""
        size = f"{more}{article.original_chars:,} characters"
    shown = "standard input" if name == "-" else name
    return (
        f"note: {shown} is {size}; only the first {len(article.text):,} characters were read "
        "(--max-chars)"
    )


def _records(cands: list[Candidate], gaz: Gazetteer, name: str) -> list[dict[str, Any]]:
    return [{**c.as_record(gaz), "file": name} for c in cands]


def _table(cands: list[Candidate], gaz: Gazetteer, title: str, first: int = 1) -> Table:
    t = Table(title=title, header_style="bold", show_lines=False)
    # "by" only when someone besides the rules proposed a candidate (keeps narrow terminals tidy)
    by = any(c.extractor != "rules" for c in cands)
    cols = ("#", "payer", "payee", "kind", "amount", "GW", "status", "date") + (("by",) if by
                                                                                 else ())
    for col in cols:
        t.add_column(col, overflow="fold", justify="right" if col in {"#", "GW"} else "left")
    for i, c in enumerate(cands, first):
        t.add_row(
            str(i),
            gaz.name(c.payer) or "",
            gaz.name(c.payee) or "—",
            c.kind,
            format_usd_range(c.amount_usd_low, c.amount_usd_high, c.up_to),
            f"{c.gigawatts:g}" if c.gigawatts else "",
            c.status,
            c.date.isoformat() if c.date else "",
            *([_BY.get(c.extractor, c.extractor)] if by else []),
        )
    return t


# Who proposed a candidate, for the reviewer: the rules read it, or the learned pair model saw
# the two companies in a sentence stating a deal (weaker evidence; usually no amount).
_BY = {"rules": "rules", "rules+pairs": "model", "llm": "llm"}


def _show(cands: list[Candidate], gaz: Gazetteer, title: str, first: int = 1) -> None:
    """The candidates as a table, then each one's evidence (offsets and quote) below it."""
    console.print(_table(cands, gaz, title, first))
    for i, c in enumerate(cands, first):
        quote = c.quote if len(c.quote) <= 300 else c.quote[:297] + "…"
        why = f" ({'; '.join(c.notes)})" if c.notes else ""
        console.print(f"  {i}. [{c.start}:{c.end}] {quote}{why}", highlight=False, markup=False,
                      soft_wrap=True)  # fmt: skip


def _ask_field(label: str, default: str, parse: Any) -> Any:
    while True:
        raw = typer.prompt(f"  {label}", default=default, show_default=True)
        try:
            return parse(raw)
        except (ValueError, KeyError) as exc:
            err_console.print(f"  [red]{exc}[/]", highlight=False)


def _edit(c: Candidate, gaz: Gazetteer) -> Candidate:
    """Prompt for each field, with the candidate's value as default; re-ask on a bad value."""

    def company(raw: str) -> str:
        cid = gaz.resolve(raw)
        if cid is None:
            raise ValueError(f"unknown company {raw!r}; use a name or alias from the ledger")
        return cid

    def optional_company(raw: str) -> str | None:
        return None if raw.strip() in {"", "-", "none"} else company(raw)

    def choice(options: tuple[str, ...] | list[str]) -> Any:
        def parse(raw: str) -> str:
            if raw not in options:
                raise ValueError(f"expected one of {', '.join(options)}")
            return raw

        return parse

    def amount(raw: str) -> float | None:
        raw = raw.strip().lower().replace(",", "").replace("$", "")
        if raw in {"", "-", "none", "null"}:
            return None
        scale = {"t": 1e12, "b": 1e9, "m": 1e6}.get(raw[-1:], 1.0)
        try:
            value = float(raw[:-1] if scale != 1.0 else raw) * scale
        except ValueError:
            raise ValueError(
                f"expected an amount such as 5b, 350m or 1.4t (- for none), got {raw!r}"
            ) from None
        if value < 0:
            raise ValueError("an amount cannot be negative")
        return value

    def yes_no(raw: str) -> bool:
        if raw.lower() in {"y", "yes", "true", "1"}:
            return True
        if raw.lower() in {"n", "no", "false", "0"}:
            return False
        raise ValueError("expected y or n")

    def fmt(v: float | None) -> str:
        return "-" if v is None else f"{v:g}"

    payer = _ask_field("payer", gaz.name(c.payer) or c.payer, company)
    payee = _ask_field("payee", gaz.name(c.payee) or "-", optional_company)
    kind = _ask_field("kind", c.kind, choice(_KINDS))
    low = _ask_field("amount USD low (e.g. 5b, - for none)", fmt(c.amount_usd_low), amount)
    high = _ask_field("amount USD high", fmt(c.amount_usd_high), amount)
    if low is not None and high is not None and low > high:
        err_console.print("  low > high: swapped")
        low, high = high, low
    up_to = _ask_field("up to? (y/n)", "y" if c.up_to else "n", yes_no)
    gw = _ask_field("gigawatts", fmt(c.gigawatts), amount)
    status = _ask_field("status", c.status, choice(_STATUSES))
    changed_amount = (low, high) != (c.amount_usd_low, c.amount_usd_high)
    return c.with_(
        payer=payer,
        payee=payee,
        kind=kind,
        amount_usd_low=low,
        amount_usd_high=high,
        # amounts typed in review are USD; the stated-currency figures no longer apply
        amount_low=low if changed_amount else c.amount_low,
        amount_high=high if changed_amount else c.amount_high,
        currency="USD" if changed_amount else c.currency,
        up_to=up_to,
        gigawatts=gw,
        status=status,
    )


def _review(cands: list[Candidate], gaz: Gazetteer) -> list[Candidate]:
    chosen: list[Candidate] = []
    for i, c in enumerate(cands, 1):
        _show([c], gaz, f"candidate {i} of {len(cands)}", first=i)
        while True:
            answer = typer.prompt("[a]ccept, [e]dit, [r]eject, [q]uit", default="a").strip()
            answer = answer[:1].lower()
            if answer in {"a", "e", "r", "q"}:
                break
            err_console.print("  please answer a, e, r or q")
        if answer == "q":
            break
        if answer == "a":
            chosen.append(c)
        elif answer == "e":
            chosen.append(_edit(c, gaz))
    return chosen


@app.command("extract")
def extract_command(
    files: list[str] = typer.Argument(..., help="Article files (text, Markdown, HTML); - = stdin."),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f", help="table/csv/json"),
    review: bool = typer.Option(False, "--review", help="Accept, edit or reject each candidate."),
    accept_all: bool = typer.Option(False, "--accept-all", help="Accept every candidate."),
    source_url: str | None = typer.Option(
        None, "--source-url", help="http(s) URL of the article; required to accept deals."
    ),
    publisher: str | None = typer.Option(None, "--publisher", help="Outlet, kept with the source."),
    date: str | None = typer.Option(
        None, "--date", help="Article date YYYY-MM-DD when the text does not give one."
    ),
    extractor: str = typer.Option(
        DEFAULT_EXTRACTOR,
        "--extractor",
        help="rules+pairs (rules and the learned pair model), rules (alone), or llm (configured).",
    ),
    gazetteer: Path | None = typer.Option(
        None, "--gazetteer", help="Companies YAML to resolve names (default: the ledger's)."
    ),
    max_chars: int = typer.Option(MAX_CHARS, "--max-chars", help="Read at most this much text."),
    db: str | None = typer.Option(None, "--db", help=DB_OPTION_HELP, show_default=False),
) -> None:
    """Find candidate deals in news articles; review them into the ledger."""
    with user_errors():
        if review and accept_all:
            raise UserError("use either --review or --accept-all, not both")
        accepting = review or accept_all
        if accepting and not source_url:
            raise UserError(
                "accepting deals needs --source-url: the ledger keeps an http(s) URL for every "
                "source (a local file path cannot be checked by readers)"
            )
        if accepting and len(files) > 1:
            raise UserError("--source-url names one article: review one file at a time")
        if source_url:
            from dealweb.ledger.models import Source

            Source(url=source_url)
        if max_chars < 1000:
            raise UserError(f"--max-chars must be at least 1000, got {max_chars}")
        default_date = _parse_date_option(date)
        gaz, ledger = _gazetteer(gazetteer, db)
        ex = get_extractor(extractor, gaz)

        records: list[dict[str, Any]] = []
        failures = 0
        all_cands: list[Candidate] = []
        progress = _progress_wanted(fmt, len(files), err_console.is_terminal)
        for name in track(files, description="extracting", console=err_console,
                          transient=True, disable=not progress):  # fmt: skip
            try:
                _refuse_pdf(name)
                article = read_article(name, max_chars=max_chars)
            except (ArticleError, OSError) as exc:
                err_console.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
                failures += 1
                continue
            if article.truncated:
                err_console.print(_truncation_note(name, article), highlight=False)
            cands = ex.extract(article.text, article.date or default_date)
            all_cands.extend(cands)
            if fmt is OutputFormat.table:
                if cands:
                    _show(cands, gaz, f"candidate deals in {name}")
                else:
                    err_console.print(f"no candidate deals found in {name}", highlight=False)
            if aside := getattr(ex, "set_aside", None):
                err_console.print(_set_aside_note(name, aside, gaz), highlight=False,
                                  soft_wrap=True)  # fmt: skip
            records.extend(_records(cands, gaz, name))
        if fmt is OutputFormat.json:
            sys.stdout.write(json.dumps(records, indent=2, ensure_ascii=False) + "\n")
        elif fmt is OutputFormat.csv:
            import pandas as pd

            pd.DataFrame(records).to_csv(sys.stdout, index=False, lineterminator="\n")

        if accepting and all_cands:
            if default_date is None and any(c.date is None for c in all_cands):
                raise UserError(
                    "no article date found in the text; pass --date YYYY-MM-DD so accepted deals "
                    "get their announcement date (not today's)"
                )
            if ledger is None:
                from dealweb.ledger.store import open_ledger

                ledger = open_ledger(db, create_dirs=False)
            if not ledger.companies():
                raise UserError("the ledger has no companies yet; run `dealweb init` first")
            try:
                chosen = _review(all_cands, gaz) if review else all_cands
            except typer.Abort:  # end of input or Ctrl-C at a prompt
                raise UserError(
                    "review stopped before every candidate was answered (end of input or "
                    "interrupted); nothing was written - answer each prompt, or use --accept-all"
                ) from None
            _accept(ledger, chosen, source_url or "", default_date, publisher)
        if failures:
            raise typer.Exit(2)


def _progress_wanted(fmt: OutputFormat, n_files: int, terminal: bool) -> bool:
    """A progress bar on stderr for many files written as JSON or CSV (collected until the
    end) when stderr is a terminal; never between the tables a table listing prints as it goes."""
    return terminal and n_files > 3 and fmt is not OutputFormat.table


def _accept(
    ledger: Any,
    chosen: list[Candidate],
    source_url: str,
    default_date: dt.date | None,
    publisher: str | None,
) -> None:
    from dealweb.extract.review import accept_candidate

    counts = {"created": 0, "linked": 0, "unchanged": 0}
    with ledger.transaction():
        for c in chosen:
            done = accept_candidate(
                ledger, c, source_url, default_date=default_date, publisher=publisher
            )
            counts[done.action] += 1
            err_console.print(f"  {done.action}: {done.deal_id}", highlight=False)
    err_console.print(
        f"{counts['created']} new deal(s), {counts['linked']} linked as a new source, "
        f"{counts['unchanged']} already recorded from this source",
        highlight=False,
    )
