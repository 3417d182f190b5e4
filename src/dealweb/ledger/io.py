"""Import and export companies and deals as YAML, JSON, CSV or Parquet.

Formats
-------
* **YAML / JSON**: the shape of the pydantic models (:mod:`dealweb.ledger.models`). A file is
  either a list of companies, a list of deals, or a mapping ``{companies: [...], deals: [...]}``
  (what ``export`` writes by default for these formats).
* **CSV / Parquet**: one table per file, companies *or* deals (:data:`DEAL_COLUMNS`,
  :data:`COMPANY_COLUMNS`). Nested values are encoded in one cell:

  - the first source of a deal is ``source_url``/``source_publisher``/``source_date``/
    ``source_quote``; further sources go in ``sources`` as a JSON list of
    ``{"url", "publisher", "date", "quote"}`` objects;
  - ``tags`` are separated by ``;`` (``,`` is accepted on input), ``aliases`` by ``;``; a list
    whose items contain a separator is written as a JSON list instead;
  - ``schedule`` (year → share) and company ``figures`` are JSON.

  ``payer``/``payee`` may be company ids, display names or aliases; export writes ids.

Importing is all-or-nothing: every record is parsed and validated first, then all are
upserted (natural key: ``id``; unchanged records write nothing) in one transaction. A record
for an id already stored changes only the fields the file states: a column (or YAML/JSON key)
left out keeps its stored value, a stated but empty one clears it. Any bad
record raises :class:`LedgerImportError` listing each problem with its file, line (CSV, YAML) or
row/item (Parquet, JSON), field, bad value and what was expected — and nothing is written.

Export is canonical (sorted by id / announcement date, fixed number formatting), so
export → import into an empty ledger → export gives byte-identical files.

Example
-------
>>> report = import_file(ledger, "deals.csv")          # doctest: +SKIP
>>> export_file(ledger, "backup.yaml")                 # doctest: +SKIP
"""

from __future__ import annotations

import csv
import io as _io
import json
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import ValidationError

from dealweb.ledger.errors import FieldError, validation_messages
from dealweb.ledger.models import Company, Deal
from dealweb.ledger.store import USD_INPUTS, Ledger

Format = Literal["yaml", "json", "csv", "parquet"]
What = Literal["companies", "deals", "all"]

DEAL_COLUMNS = [
    "id",
    "announced",
    "payer",
    "payee",
    "kind",
    "amount_low",
    "amount_high",
    "up_to",
    "currency",
    "amount_usd_low",
    "amount_usd_high",
    "amount_stated",
    "gigawatts",
    "term_start",
    "term_years",
    "schedule",
    "stake_pct",
    "status",
    "source_url",
    "source_publisher",
    "source_date",
    "source_quote",
    "sources",
    "notes",
    "tags",
]
DEAL_REQUIRED = ["id", "announced", "payer", "kind", "source_url"]
DEAL_FLOATS = [
    "amount_low",
    "amount_high",
    "amount_usd_low",
    "amount_usd_high",
    "gigawatts",
    "term_years",
    "stake_pct",
]
COMPANY_COLUMNS = ["id", "name", "aliases", "role", "ticker", "country", "notes", "figures"]
COMPANY_REQUIRED = ["id", "name"]

SUFFIXES: dict[str, Format] = {
    ".yaml": "yaml",
    ".yml": "yaml",
    ".json": "json",
    ".csv": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
}
MAX_REPORTED = 25


class LedgerImportError(ValueError):
    """One or more bad records; nothing was written. ``problems`` lists each message."""

    def __init__(self, problems: Sequence[str]):
        self.problems = list(problems)
        shown = self.problems[:MAX_REPORTED]
        more = len(self.problems) - len(shown)
        text = "\n".join(shown) + (f"\n… and {more} more problems" if more else "")
        head = "import failed, nothing was written"
        super().__init__(f"{head} ({len(self.problems)} problem(s)):\n{text}")


@dataclass
class Record:
    """One company or deal read from a file, with where it came from."""

    entity: Literal["company", "deal"]
    data: dict[str, Any]
    where: str  # "deals.csv, line 4"
    field_where: dict[str, str] = field(default_factory=dict)  # field -> finer location
    flat: bool = False  # from a CSV/Parquet row: nested fields have their own columns
    # the columns (flat) or keys (nested) the file states; None: every field
    stated: frozenset[str] | None = None

    def at(self, fld: str) -> str:
        return self.field_where.get(fld.split(".")[0], self.where)


@dataclass
class ImportReport:
    """What an import did: action → count, per entity (create, update, restore, unchanged)."""

    companies: dict[str, int] = field(default_factory=dict)
    deals: dict[str, int] = field(default_factory=dict)

    def __str__(self) -> str:
        def part(name: str, counts: dict[str, int]) -> str:
            order = ("create", "update", "restore", "unchanged")
            words = {"create": "created", "update": "updated", "restore": "restored"}
            detail = ", ".join(f"{counts[a]} {words.get(a, a)}" for a in order if counts.get(a))
            return f"{sum(counts.values())} {name}" + (f" ({detail})" if detail else "")

        return part("companies", self.companies) + "; " + part("deals", self.deals)


# --------------------------------------------------------------------------- format helpers


def detect_format(path: str | os.PathLike[str], fmt: str | None = None) -> Format:
    """The format named by ``fmt`` or by the file's suffix."""
    if fmt:
        norm = fmt.lower().lstrip(".")
        norm = {"yml": "yaml", "pq": "parquet"}.get(norm, norm)
        if norm not in ("yaml", "json", "csv", "parquet"):
            raise ValueError(f"unknown format {fmt!r}; expected yaml, json, csv or parquet")
        return norm  # type: ignore[return-value]
    suffix = Path(path).suffix.lower()
    if suffix not in SUFFIXES:
        raise ValueError(
            f"{path}: cannot tell the format from the suffix {suffix!r}; "
            "expected .yaml, .yml, .json, .csv or .parquet (or pass --format)"
        )
    return SUFFIXES[suffix]


def _fmt_number(value: float | None) -> str:
    if value is None:
        return ""
    v = float(value)
    return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)


def _join_list(items: Sequence[str], seps: str) -> str:
    # JSON when plain joining could not be split back: an item holding a separator, or a first
    # item starting with "[" (a cell starting with "[" is read as a JSON list)
    if any(any(s in item for s in seps) for item in items) or (items and items[0].startswith("[")):
        return json.dumps(list(items), ensure_ascii=False)
    return "; ".join(items)


def _split_list(value: object, seps: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v) for v in value]
    text = str(value).strip()
    if not text:
        return []
    if text.startswith("["):
        parsed = json.loads(text)
        if not isinstance(parsed, list):
            raise ValueError("expected a JSON list")
        return [str(v) for v in parsed]
    for sep in seps[1:]:
        text = text.replace(sep, seps[0])
    return [part.strip() for part in text.split(seps[0]) if part.strip()]


def _json_cell(value: object) -> str:
    if value in (None, [], {}):
        return ""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "") or value != value


# --------------------------------------------------------------------------- model <-> dict


def company_to_dict(c: Company) -> dict[str, Any]:
    """Canonical nested form (YAML/JSON): no nulls, no empty lists."""
    data = c.model_dump(mode="json", exclude_none=True)
    data["figures"] = [_drop_empty(f) for f in data.get("figures", [])]
    return _drop_empty(data)


def deal_to_dict(d: Deal) -> dict[str, Any]:
    """Canonical nested form (YAML/JSON); ``announced`` at its precision ("2025-05")."""
    data = d.model_dump(mode="json", exclude_none=True)
    data["announced"] = d.announced_text
    data.pop("date_precision", None)  # implied by the text of `announced`
    if not data.get("up_to"):
        data.pop("up_to", None)
    return _drop_empty(data)


def _drop_empty(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v not in ([], {}, None)}


def deal_to_row(d: Deal) -> dict[str, Any]:
    """Flat, typed row (CSV/Parquet) with :data:`DEAL_COLUMNS`."""
    first, *rest = d.sources
    return {
        "id": d.id,
        "announced": d.announced_text,
        "payer": d.payer,
        "payee": d.payee,
        "kind": str(d.kind),
        "amount_low": d.amount_low,
        "amount_high": d.amount_high,
        "up_to": d.up_to,
        "currency": d.currency,
        "amount_usd_low": d.amount_usd_low,
        "amount_usd_high": d.amount_usd_high,
        "amount_stated": d.amount_stated,
        "gigawatts": d.gigawatts,
        "term_start": d.term_start.isoformat() if d.term_start else None,
        "term_years": d.term_years,
        "schedule": _json_cell({str(k): v for k, v in (d.schedule or {}).items()}) or None,
        "stake_pct": d.stake_pct,
        "status": str(d.status),
        "source_url": first.url,
        "source_publisher": first.publisher,
        "source_date": first.date.isoformat() if first.date else None,
        "source_quote": first.quote,
        "sources": _json_cell([s.model_dump(mode="json", exclude_none=True) for s in rest]) or None,
        "notes": d.notes,
        "tags": _join_list(d.tags, ";,") or None,
    }


def company_to_row(c: Company) -> dict[str, Any]:
    """Flat row (CSV/Parquet) with :data:`COMPANY_COLUMNS`."""
    figures = [_drop_empty(f.model_dump(mode="json", exclude_none=True)) for f in c.figures]
    return {
        "id": c.id,
        "name": c.name,
        "aliases": _join_list(c.aliases, ";") or None,
        "role": str(c.role),
        "ticker": c.ticker,
        "country": c.country,
        "notes": c.notes,
        "figures": _json_cell(figures) or None,
    }


def _row_to_deal_data(row: Mapping[str, Any], rec_where: str) -> dict[str, Any]:
    """Flat row → nested dict for :class:`Deal` (raises FieldError for unparsable cells)."""
    data: dict[str, Any] = {}
    for col in DEAL_COLUMNS:
        value = row.get(col)
        if col.startswith("source") or col in ("tags", "schedule") or _blank(value):
            continue
        data[col] = value.strip() if isinstance(value, str) else value
    if "currency" in data:
        data["currency"] = str(data["currency"]).upper()
    first = {
        k: row.get(f"source_{k}")
        for k in ("url", "publisher", "date", "quote")
        if not _blank(row.get(f"source_{k}"))
    }
    sources = [first] if first else []
    extra = row.get("sources")
    if not _blank(extra):
        try:
            more = json.loads(extra) if isinstance(extra, str) else extra
        except json.JSONDecodeError as exc:
            raise FieldError("sources", extra, f"a JSON list of sources ({exc.msg})") from None
        if not isinstance(more, list):
            raise FieldError("sources", extra, "a JSON list of {url, publisher, date, quote}")
        sources += more
    data["sources"] = sources
    if not _blank(row.get("tags")):
        try:
            data["tags"] = _split_list(row["tags"], ";,")
        except (ValueError, json.JSONDecodeError):
            raise FieldError("tags", row["tags"], "tags separated by ';' or a JSON list") from None
    if not _blank(row.get("schedule")):
        try:
            sched = row["schedule"]
            data["schedule"] = json.loads(sched) if isinstance(sched, str) else sched
        except json.JSONDecodeError:
            raise FieldError(
                "schedule", row["schedule"], 'a JSON object year → share, e.g. {"2026": 1.0}'
            ) from None
    return data


def _row_to_company_data(row: Mapping[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for col in COMPANY_COLUMNS:
        value = row.get(col)
        if col in ("aliases", "figures") or _blank(value):
            continue
        data[col] = value.strip() if isinstance(value, str) else value
    if not _blank(row.get("aliases")):
        try:
            data["aliases"] = _split_list(row["aliases"], ";")
        except (ValueError, json.JSONDecodeError):
            raise FieldError(
                "aliases", row["aliases"], "aliases separated by ';' or a JSON list"
            ) from None
    if not _blank(row.get("figures")):
        figs = row["figures"]
        try:
            data["figures"] = json.loads(figs) if isinstance(figs, str) else figs
        except json.JSONDecodeError as exc:
            raise FieldError("figures", figs, f"a JSON list of figures ({exc.msg})") from None
    return data


# --------------------------------------------------------------------------- reading files


def read_records(
    path: str | os.PathLike[str], fmt: str | None = None, what: str | None = None
) -> list[Record]:
    """Parse ``path`` into :class:`Record` s (no validation beyond the file's structure)."""
    path = Path(path)
    kind = detect_format(path, fmt)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file")
    if path.is_dir():
        raise ValueError(f"{path}: is a directory, expected a {kind.upper()} file")
    if kind == "parquet":
        return _read_parquet(path, what)
    try:
        if kind == "yaml":
            return _read_yaml(path, what)
        if kind == "json":
            return _read_json(path, what)
        header, rows = _read_csv(path)
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"{path}: not UTF-8 text (byte {exc.object[exc.start]:#04x} at offset {exc.start}); "
            f"expected a {kind.upper()} file"
        ) from None
    return _table_records(path, header, rows, what, "line")


def _entity_of_columns(path: Path, columns: Sequence[str], what: str | None) -> str:
    if what in ("companies", "deals"):
        return what
    if "payer" in columns:
        return "deals"
    if "name" in columns:
        return "companies"
    raise ValueError(
        f"{path}: cannot tell whether this is a deals or a companies table: expected a "
        f"'payer' column (deals) or a 'name' column (companies); got {list(columns)}"
    )


def _table_records(
    path: Path,
    header: Sequence[str],
    rows: Iterable[tuple[int, dict[str, Any]]],
    what: str | None,
    unit: str,
) -> list[Record]:
    entity = _entity_of_columns(path, header, what)
    columns, required = (
        (DEAL_COLUMNS, DEAL_REQUIRED) if entity == "deals" else (COMPANY_COLUMNS, COMPANY_REQUIRED)
    )
    missing = [c for c in required if c not in header]
    if missing:
        raise LedgerImportError(
            [
                f"{path}: missing column {c!r}; a {entity} table needs the columns "
                + ", ".join(required)
                for c in missing
            ]
        )
    unknown = [c for c in header if c not in columns]
    if unknown:
        raise LedgerImportError(
            [
                f"{path}: unknown column {c!r}; expected columns among: " + ", ".join(columns)
                for c in unknown
            ]
        )
    out = []
    for n, row in rows:
        where = f"{path}, {unit} {n}"
        if entity == "deals":
            try:
                data = _row_to_deal_data(row, where)
            except FieldError as exc:
                data = {"__error__": exc}
            out.append(Record("deal", data, where, flat=True, stated=frozenset(header)))
        else:
            try:
                data = _row_to_company_data(row)
            except FieldError as exc:
                data = {"__error__": exc}
            out.append(Record("company", data, where, flat=True, stated=frozenset(header)))
    return out


def _read_csv(path: Path) -> tuple[list[str], list[tuple[int, dict[str, Any]]]]:
    text = path.read_text(encoding="utf-8-sig")
    if not text.strip():
        raise ValueError(f"{path}: empty file; expected a header row")
    reader = csv.reader(_io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise ValueError(f"{path}: empty file; expected a header row") from None
    except csv.Error as exc:
        raise ValueError(f"{path}, line 1: bad CSV ({exc})") from None
    rows = []
    last = reader.line_num
    try:
        for cells in reader:
            start, last = last + 1, reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(header):
                raise ValueError(
                    f"{path}, line {start}: {len(cells)} cells but the header has "
                    f"{len(header)} columns"
                )
            rows.append((start, dict(zip(header, cells, strict=True))))
    except csv.Error as exc:
        raise ValueError(f"{path}, line {reader.line_num}: bad CSV ({exc})") from None
    return header, rows


def _read_parquet(path: Path, what: str | None) -> list[Record]:
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except Exception as exc:  # pyarrow raises several types for a damaged file
        raise ValueError(f"{path}: not a readable Parquet file ({exc})") from None
    rows = list(enumerate(table.to_pylist(), start=1))
    return _table_records(path, table.column_names, rows, what, "row")


def _split_document(path: Path, data: object, what: str | None) -> list[tuple[str, int, object]]:
    """(entity, index, item) for a list of companies, of deals, or a {companies, deals} map."""
    if isinstance(data, dict):
        unknown = [k for k in data if k not in ("companies", "deals")]
        if unknown:
            raise ValueError(
                f"{path}: unknown top-level key {unknown[0]!r}; expected 'companies' and/or "
                "'deals' (or a plain list of records)"
            )
        out: list[tuple[str, int, object]] = []
        for key in ("companies", "deals"):
            items = data.get(key) or []
            if not isinstance(items, list):
                raise ValueError(f"{path}: '{key}' must be a list of records")
            if what in (None, "all", key):
                out += [(key, i, item) for i, item in enumerate(items)]
        return out
    if isinstance(data, list):
        entity = what if what in ("companies", "deals") else None
        if entity is None:
            first = next((x for x in data if isinstance(x, dict)), {})
            entity = "deals" if "payer" in first else "companies"
        return [(entity, i, item) for i, item in enumerate(data)]
    if data is None:
        return []
    raise ValueError(f"{path}: expected a list of records or a {{companies, deals}} mapping")


def _read_yaml(path: Path, what: str | None) -> list[Record]:
    text = path.read_text(encoding="utf-8")
    if not text.strip():
        raise ValueError(f"{path}: empty file; expected 'companies' and/or 'deals' lists")
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f", line {mark.line + 1}" if mark is not None else ""
        raise ValueError(f"{path}{at}: not valid YAML ({getattr(exc, 'problem', exc)})") from None
    except ValueError as exc:
        # PyYAML builds dates itself: 2025-02-30 fails in its constructor, without a position
        raise ValueError(f"{path}{_bad_date_line(node)}: {exc} (expected a real date)") from None
    # item nodes, aligned with _split_document's order, for line numbers
    item_nodes: dict[tuple[str, int], yaml.Node] = {}
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if isinstance(value_node, yaml.SequenceNode):
                for i, item in enumerate(value_node.value):
                    item_nodes[(key_node.value, i)] = item
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            item_nodes[("*", i)] = item
    out = []
    for entity, i, item in _split_document(path, data, what):
        item_node = item_nodes.get((entity, i)) or item_nodes.get(("*", i))
        line = item_node.start_mark.line + 1 if item_node is not None else 0
        fields: dict[str, str] = {}
        if isinstance(item_node, yaml.MappingNode):
            for key_node, _ in item_node.value:
                fields[str(key_node.value)] = f"{path}, line {key_node.start_mark.line + 1}"
        out.append(_nested_record(path, entity, item, f"{path}, line {line}", fields))
    return out


def _bad_date_line(root: yaml.Node | None) -> str:
    """', line N' of the first scalar that looks like a date but is not one ('' if none)."""
    stack = [root] if root is not None else []
    while stack:
        node = stack.pop(0)
        if isinstance(node, yaml.MappingNode):
            stack[:0] = [n for pair in node.value for n in pair]
        elif isinstance(node, yaml.SequenceNode):
            stack[:0] = list(node.value)
        elif isinstance(node, yaml.ScalarNode) and node.tag.endswith(":timestamp"):
            try:
                yaml.SafeLoader.construct_yaml_timestamp(yaml.SafeLoader(""), node)
            except ValueError:
                return f", line {node.start_mark.line + 1}, {node.value!r}"
    return ""


def _read_json(path: Path, what: str | None) -> list[Record]:
    text = path.read_text(encoding="utf-8")
    if not text.strip():
        raise ValueError(f"{path}: empty file; expected a JSON list or {{companies, deals}} object")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}, line {exc.lineno}: not valid JSON ({exc.msg})") from None
    return [
        _nested_record(path, entity, item, f"{path}, {entity} item {i + 1}", {})
        for entity, i, item in _split_document(path, data, what)
    ]


def _nested_record(
    path: Path, entity: str, item: object, where: str, fields: dict[str, str]
) -> Record:
    kind: Literal["company", "deal"] = "deal" if entity == "deals" else "company"
    if not isinstance(item, dict):
        err = FieldError("(record)", item, f"a mapping of {kind} fields")
        return Record(kind, {"__error__": err}, where, fields)
    return Record(kind, dict(item), where, fields, stated=frozenset(map(str, item)))


# --------------------------------------------------------------------------- importing


def import_file(
    ledger: Ledger,
    path: str | os.PathLike[str],
    fmt: str | None = None,
    what: str | None = None,
    reason: str | None = None,
    progress: bool = False,
) -> ImportReport:
    """Import one file (see :func:`import_files`)."""
    return import_files(ledger, [path], fmt=fmt, what=what, reason=reason, progress=progress)


def import_files(
    ledger: Ledger,
    paths: Sequence[str | os.PathLike[str]],
    fmt: str | None = None,
    what: str | None = None,
    reason: str | None = None,
    progress: bool = False,
) -> ImportReport:
    """Validate every record of every file, then upsert them all in one transaction.

    Companies are written before deals, so a deal may name a company from the same batch.
    Raises :class:`LedgerImportError` (nothing written) when any record is bad.
    """
    from rich.progress import Progress

    records: list[Record] = []
    for p in paths:
        records += read_records(p, fmt, what)
    report = ImportReport()
    reason = reason or "import " + ", ".join(Path(p).name for p in paths)
    # transient: the bar disappears when done; disabled unless asked (CLI: stderr is a TTY)
    # One transaction for reading and writing: names resolve against one consistent state.
    # Validation writes nothing, so a bad record leaves the database untouched.
    with Progress(transient=True, disable=not progress) as bar, ledger.transaction():
        task = bar.add_task("validating", total=2 * len(records))
        # load the stored versions in bulk (kept referenced while validating, which merges a
        # partial record over its stored version, and while writing)
        stored = ledger.preload(
            *(
                [str(r.data["id"]) for r in records if r.entity == entity and r.data.get("id")]
                for entity in ("company", "deal")
            )
        )
        companies, deals = _validate(ledger, records, lambda: bar.advance(task))
        bar.update(task, description="writing")
        for rec, company in companies:
            action = _write(rec, lambda c=company: ledger.upsert_company(c, reason=reason))
            report.companies[action] = report.companies.get(action, 0) + 1
            bar.advance(task)
        for rec, deal in deals:
            action = _write(rec, lambda d=deal: ledger.upsert_deal(d, reason=reason))
            report.deals[action] = report.deals.get(action, 0) + 1
            bar.advance(task)
        del stored
    return report


def _write(rec: Record, upsert: Any) -> str:
    try:
        return upsert()
    except FieldError as exc:  # e.g. a name already used by another company
        raise LedgerImportError([_problem(rec, exc.field, exc.value, exc.expected)]) from None


def _problem(rec: Record, fld: str, value: object, expected: str) -> str:
    shown = value if not isinstance(value, str) or len(value) < 120 else value[:117] + "…"
    return f"{rec.at(fld)}, field {fld!r}: got {shown!r}; expected {expected}"


def _validate(
    ledger: Ledger, records: list[Record], tick: Callable[[], None] = lambda: None
) -> tuple[list[tuple[Record, Company]], list[tuple[Record, Deal]]]:
    problems: list[str] = []
    companies: list[tuple[Record, Company]] = []
    seen: dict[tuple[str, str], str] = {}

    def duplicate(rec: Record) -> bool:
        key = (rec.entity, str(rec.data.get("id")))
        if key in seen:
            problems.append(
                _problem(rec, "id", key[1], f"a unique id (already used at {seen[key]})")
            )
            return True
        seen[key] = rec.where
        return False

    for rec in (r for r in records if r.entity == "company"):
        tick()
        if _record_error(rec, problems) or duplicate(rec):
            continue
        try:
            companies.append((rec, Company.model_validate(_with_stored(ledger, rec))))
        except ValidationError as exc:
            problems += [_problem(rec, *m) for m in _map_fields(rec, validation_messages(exc))]
    # companies of this batch can be named by the deals of this batch
    names: dict[str, str] = {}
    for _, c in companies:
        for key in [c.id, c.name, *c.aliases]:
            names.setdefault(key.strip().lower(), c.id)
    deals: list[tuple[Record, Deal]] = []
    for rec in (r for r in records if r.entity == "deal"):
        tick()
        if _record_error(rec, problems) or duplicate(rec):
            continue
        try:
            deals.append((rec, ledger.prepare_deal(_with_stored(ledger, rec), extra_names=names)))
        except FieldError as exc:
            problems.append(_problem(rec, exc.field, exc.value, exc.expected))
        except ValidationError as exc:
            problems += [_problem(rec, *m) for m in _map_fields(rec, validation_messages(exc))]
    if problems:
        raise LedgerImportError(problems)
    return companies, deals


def _with_stored(ledger: Ledger, rec: Record) -> dict[str, Any]:
    """The record's fields over the stored version of the same id: what the file does not state
    (a column or key left out) keeps its stored value; what it states, even empty, wins.

    Without this a CSV of a few columns would reset every other field of an existing deal
    (its sources, term, notes, tags ...) to nothing. In a flat file the first source
    (``source_*`` columns) and the further ones (``sources``) are stated separately.
    """
    columns = DEAL_COLUMNS if rec.entity == "deal" else COMPANY_COLUMNS
    if rec.stated is None or not rec.data.get("id") or (rec.flat and rec.stated >= set(columns)):
        return rec.data  # nothing left out
    try:
        if rec.entity == "deal":
            stored = deal_to_dict(ledger.deal(str(rec.data["id"]), include_deleted=True))
        else:
            stored = company_to_dict(ledger.company(str(rec.data["id"])))
    except KeyError:
        return rec.data  # a new record
    stated = set(rec.stated)
    # stored USD values are recomputed (dropped) when the file states what they derive from
    derived = {"amount_usd_low", "amount_usd_high"} if USD_INPUTS & stated else set()
    kept = {k: v for k, v in stored.items() if k not in stated | derived | {"sources"}}
    merged = {**kept, **rec.data}
    if rec.entity == "deal":
        merged["sources"] = _merged_sources(rec, stored.get("sources", []))
    return merged


def _merged_sources(rec: Record, stored: list[dict[str, Any]]) -> list[dict[str, Any]]:
    given = list(rec.data.get("sources") or [])
    stated = rec.stated or frozenset()
    if not rec.flat:
        return given if "sources" in stated else stored
    first = any(c.startswith("source_") for c in stated)
    rest = "sources" in stated
    if first and rest:
        return given
    if first:  # the file's first source replaces the stored first one; the others stay
        return given[:1] + stored[1:]
    if rest:
        return stored[:1] + given
    return stored


def _record_error(rec: Record, problems: list[str]) -> bool:
    err = rec.data.get("__error__")
    if isinstance(err, FieldError):
        problems.append(_problem(rec, err.field, err.value, err.expected))
        return True
    return False


def _map_fields(
    rec: Record, messages: list[tuple[str, object, str]]
) -> list[tuple[str, object, str]]:
    # "sources.0.url" in a flat table is the `source_url` column.
    out = []
    for fld, value, msg in messages:
        parts = fld.split(".")
        if rec.flat and parts[0] == "sources" and len(parts) == 3 and parts[1] == "0":
            fld = f"source_{parts[2]}"
        out.append((fld, value, msg))
    return out


# --------------------------------------------------------------------------- exporting


def export_text(ledger: Ledger, fmt: str, what: str | None = None) -> str:
    """The export of the ledger as text (yaml, json or csv)."""
    kind = detect_format("", fmt)
    if kind == "parquet":
        raise ValueError("Parquet is binary: export it to a file")
    what = _default_what(kind, what)
    if kind in ("yaml", "json"):
        doc: dict[str, Any] = {}
        if what in ("all", "companies"):
            doc["companies"] = [company_to_dict(c) for c in ledger.companies()]
        if what in ("all", "deals"):
            doc["deals"] = [deal_to_dict(d) for d in ledger.deals()]
        data: object = doc if what == "all" else doc[what]
        if kind == "json":
            return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
        return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    columns, rows = _table(ledger, what)
    buf = _io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_csv_cell(row[c]) for c in columns])
    return buf.getvalue()


def export_file(
    ledger: Ledger, path: str | os.PathLike[str], fmt: str | None = None, what: str | None = None
) -> Path:
    """Write the ledger's companies and/or deals to ``path`` (format from ``fmt`` or suffix)."""
    path = Path(path)
    kind = detect_format(path, fmt)
    what = _default_what(kind, what)
    if kind != "parquet":
        path.write_text(export_text(ledger, kind, what), encoding="utf-8")
        return path
    import pyarrow as pa
    import pyarrow.parquet as pq

    columns, rows = _table(ledger, what)
    floats = DEAL_FLOATS if what == "deals" else []
    schema = pa.schema(
        [
            (c, pa.float64() if c in floats else pa.bool_() if c == "up_to" else pa.string())
            for c in columns
        ]
    )
    table = pa.Table.from_pylist(rows, schema=schema)
    pq.write_table(table, path)
    return path


def _default_what(kind: str, what: str | None) -> str:
    if what is None:
        return "all" if kind in ("yaml", "json") else "deals"
    if what not in ("companies", "deals", "all"):
        raise ValueError(f"unknown record type {what!r}; expected companies, deals or all")
    if what == "all" and kind in ("csv", "parquet"):
        raise ValueError(
            f"a {kind} file holds one table: export companies and deals to separate files "
            "(--what companies / --what deals)"
        )
    return what


def _table(ledger: Ledger, what: str) -> tuple[list[str], list[dict[str, Any]]]:
    if what == "companies":
        return COMPANY_COLUMNS, [company_to_row(c) for c in ledger.companies()]
    return DEAL_COLUMNS, [deal_to_row(d) for d in ledger.deals()]


def _csv_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return _fmt_number(value)
    return str(value)
