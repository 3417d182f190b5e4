"""The ledger store: companies and deals in any SQLAlchemy database, with full history.

Every write goes through :class:`Ledger`, which

* validates with the pydantic models (:mod:`dealweb.ledger.models`) and checks that each
  deal's payer and payee are known companies;
* fills the USD value of amounts stated in another currency at the announcement date
  (:mod:`dealweb.ledger.fx`, ECB reference rates);
* records a :class:`~dealweb.ledger.models.Revision` per change — when, what (field-level
  old → new), why, on which source — with a full snapshot, so edits never lose the old
  version and a soft-deleted deal can be restored;
* runs inside a transaction: a failure leaves the database as it was.

Example
-------
>>> ledger = open_ledger("sqlite://")                                  # doctest: +SKIP
>>> ledger.upsert_company(Company(id="openai", name="OpenAI"))         # doctest: +SKIP
'create'
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, selectinload

from dealweb.ledger import fx, rows
from dealweb.ledger.errors import FieldError
from dealweb.ledger.frames import COMPANY_COLUMNS, DEAL_COLUMNS, FIGURE_COLUMNS
from dealweb.ledger.models import (
    REAL_URL_RE,
    Company,
    Deal,
    DealKind,
    DealStatus,
    Revision,
    Source,
    parse_partial_date,
)
from dealweb.ledger.schema import (
    CompanyRow,
    DealRow,
    MetaRow,
    RevisionRow,
)

UpsertAction = Literal["create", "update", "restore", "unchanged"]

#: Fields whose change makes a previously derived USD value stale.
USD_INPUTS = frozenset({"amount_low", "amount_high", "currency", "announced"})




# --------------------------------------------------------------------------- opening


def default_url() -> str:
    """``$DEALWEB_DB``, else SQLite at ``platformdirs.user_data_dir("dealweb")/dealweb.sqlite``."""
    env = os.environ.get("DEALWEB_DB")
    if env:
        return env
    import platformdirs

    path = Path(platformdirs.user_data_dir("dealweb")) / "dealweb.sqlite"
    return f"sqlite:///{path}"


def resolve_url(url: str | os.PathLike[str] | None) -> str:
    """A SQLAlchemy URL for ``url``; a plain path means a SQLite file."""
    if url is None or str(url).strip() == "":
        url = default_url()
    text = str(url)
    if "://" not in text:
        text = f"sqlite:///{Path(text).expanduser().resolve()}"
    try:
        parsed = make_url(text)
    except sa.exc.ArgumentError as exc:
        raise ValueError(f"not a database URL: {text!r} ({exc})") from None
    if parsed.drivername in ("postgresql", "postgres"):
        # The project ships psycopg 3; plain "postgresql://" would ask for psycopg2, and
        # "postgres://" (the form Heroku and many hosts print) is no SQLAlchemy dialect at all.
        text = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return text


def _migrations_dir() -> str:
    return str(resources.files("dealweb.ledger") / "migrations")


def migrate(engine: sa.Engine) -> None:
    """Bring the schema to the newest Alembic revision (no-op when already there)."""
    from alembic import command
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", _migrations_dir())
    scripts = ScriptDirectory.from_config(cfg)
    head = scripts.get_current_head()
    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
    if current == head:
        return  # read-only open: do not touch the database file
    if current is not None and current not in {r.revision for r in scripts.walk_revisions()}:
        raise ValueError(
            f"the ledger's schema is at revision {current!r}, which this version of dealweb does "
            f"not know (newest known: {head!r}); upgrade dealweb to open it"
        )
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def open_ledger(url: str | os.PathLike[str] | None = None, create_dirs: bool = True) -> Ledger:
    """Open the ledger at ``url`` (see :func:`resolve_url`), creating/migrating the schema.

    ``create_dirs=False`` refuses a SQLite path whose directory does not exist (except the
    per-user default) instead of creating it: the command line uses it so that a typo in
    ``--db`` is reported, not turned into new directories and an empty ledger.
    """
    text = resolve_url(url)
    parsed = make_url(text)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        folder = Path(parsed.database).parent
        default = (url is None or not str(url).strip()) and not os.environ.get("DEALWEB_DB")
        if create_dirs or default:
            folder.mkdir(parents=True, exist_ok=True)  # the per-user data directory
        elif not folder.is_dir():
            # a typo in --db must not leave new directories (and an empty ledger) behind
            raise ValueError(
                f"cannot open database {text}: the directory {folder} does not exist "
                "(create it first, or check the path)"
            )
    kwargs: dict[str, Any] = {}
    if parsed.get_backend_name() == "sqlite" and parsed.database in (None, "", ":memory:"):
        # one shared connection, or every session would see its own empty in-memory database
        kwargs["poolclass"] = sa.pool.StaticPool
        kwargs["connect_args"] = {"check_same_thread": False}
    try:
        engine = sa.create_engine(text, **kwargs)
    except (sa.exc.ArgumentError, ModuleNotFoundError) as exc:
        raise ValueError(f"cannot open database {text!r}: {exc}") from None
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", _sqlite_pragmas)
    try:
        migrate(engine)
    except sa.exc.DatabaseError as exc:  # server down, not a database file, no permission …
        engine.dispose()
        raise ValueError(f"cannot open database {parsed.render_as_string()}: {exc.orig}") from None
    except BaseException:
        engine.dispose()
        raise
    return Ledger(engine)


# --------------------------------------------------------------------------- the ledger


class Ledger:
    """A versioned ledger of companies and deals. Create with :func:`dealweb.open`."""

    def __init__(self, engine: sa.Engine):
        self.engine = engine
        self._local = threading.local()

    # ---- lifecycle
    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Ledger({self.url!r})"

    # ---- transactions
    @contextmanager
    def transaction(self) -> Iterator[Ledger]:
        """All writes inside the block commit together or not at all.

        Nested ``transaction()`` blocks join the outermost one.

        >>> with ledger.transaction():                     # doctest: +SKIP
        ...     ledger.upsert_company(c); ledger.upsert_deal(d)
        """
        with self._session():
            yield self

    @contextmanager
    def _session(self) -> Iterator[Session]:
        # One session per outermost call (per thread): nested calls join it, so a public method
        # that calls another one stays a single transaction.
        active = getattr(self._local, "session", None)
        if active is not None:
            yield active
            return
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            self._local.session = session
            try:
                yield session
            finally:
                self._local.session = None

    # ---- companies
    def companies(self, include_deleted: bool = False) -> list[Company]:
        """All companies, sorted by id."""
        with self._session() as s:
            stmt = sa.select(CompanyRow).options(
                selectinload(CompanyRow.aliases), selectinload(CompanyRow.figures)
            )
            if not include_deleted:
                stmt = stmt.where(CompanyRow.deleted.is_(False))
            return [rows.company_from_row(r) for r in s.scalars(stmt.order_by(CompanyRow.id))]

    def resolve_company(self, name: str) -> str | None:
        """Id of the company whose id, display name or alias is ``name`` (case-insensitive)."""
        with self._session() as s:
            return rows.company_index(s).get(str(name).strip().lower())

    def company(self, key: str) -> Company:
        """The company with id, display name or alias ``key``; KeyError (with hints) if none."""
        with self._session() as s:
            row = rows.find_company_row(s, key)
            if row is None:
                raise KeyError(rows.unknown_company_message(s, key))
            return rows.company_from_row(row)

    def upsert_company(
        self, company: Company, reason: str | None = None, source_url: str | None = None
    ) -> UpsertAction:
        """Create or update ``company`` (natural key: id). Unchanged data writes nothing."""
        company = Company.model_validate(company)
        aliases = list({a.lower(): a for a in reversed(company.aliases)}.values())[::-1]
        if aliases != company.aliases:  # aliases are case-insensitive: keep the first spelling
            company = company.model_copy(update={"aliases": aliases})
        with self._session() as s:
            rows.check_company_names(s, company)
            action = _upsert_row(
                s, "company", CompanyRow, company, rows.company_from_row, rows.write_company,
                reason, source_url,
            )
            if action != "unchanged":
                s.info.pop("company_index", None)  # names/aliases may have changed
            return action

    def delete_company(self, key: str, reason: str | None = None) -> None:
        """Soft-delete a company that no live deal names (restorable, history kept)."""
        with self._session() as s:
            row = rows.find_company_row(s, key)
            if row is None:
                raise KeyError(rows.unknown_company_message(s, key))
            stmt = sa.select(DealRow.id).where(
                DealRow.deleted.is_(False),
                sa.or_(DealRow.payer_id == row.id, DealRow.payee_id == row.id),
            )
            used = list(s.scalars(stmt.order_by(DealRow.id)))
            if used:
                shown = ", ".join(used[:5]) + (" …" if len(used) > 5 else "")
                raise ValueError(
                    f"company {row.id!r} is payer or payee of {len(used)} live deal(s) ({shown}); "
                    "delete or re-assign them first"
                )
            snap = _snapshot(rows.company_from_row(row))
            row.deleted = True
            s.info.pop("company_index", None)
            changes = {"deleted": [False, True]}
            _add_revision(s, "company", row, "delete", changes, snap, reason, None)

    def restore_company(self, company_id: str, reason: str | None = None) -> Company:
        """Undo :meth:`delete_company` (its names must still be free)."""
        with self._session() as s:
            row = s.get(CompanyRow, company_id)
            if row is None or not row.deleted:
                state = "is not deleted" if row is not None else "does not exist"
                raise KeyError(f"company {company_id!r} {state}")
            company = rows.company_from_row(row)
            rows.check_company_names(s, company)
            row.deleted = False
            s.info.pop("company_index", None)
            changes = {"deleted": [True, False]}
            _add_revision(s, "company", row, "restore", changes, _snapshot(company), reason, None)
            return company

    # ---- deals: reading
    def deal(self, deal_id: str, include_deleted: bool = False) -> Deal:
        """The deal with id ``deal_id``; KeyError when unknown (or soft-deleted)."""
        with self._session() as s:
            row = s.get(DealRow, deal_id)
            if row is None or (row.deleted and not include_deleted):
                state = " (it is deleted; see `history`)" if row is not None else ""
                hint = rows.closest(deal_id, s.scalars(sa.select(DealRow.id)).all())
                raise KeyError(f"no deal with id {deal_id!r}{state}{hint}")
            return rows.deal_from_row(row)

    def deals(
        self,
        company: str | None = None,
        kind: str | Iterable[str] | None = None,
        since: str | dt.date | None = None,
        until: str | dt.date | None = None,
        min_amount: float | None = None,
        status: str | Iterable[str] | None = None,
        as_of: str | dt.date | dt.datetime | None = None,
        include_deleted: bool = False,
    ) -> list[Deal]:
        """Deals matching every given filter, sorted by (announced, id).

        Parameters
        ----------
        company: id, name or alias; deals where it is payer or payee.
        kind, status: one value or several.
        since, until: announcement date bounds, inclusive; ``until="2025"`` means to the end
            of 2025, ``"2025-06"`` to the end of June.
        min_amount: USD; compares the upper end of the USD range (the GW-based estimate for
            deals stated in gigawatts only).
        as_of: show the ledger as it was at that time (from the revision history): deals
            created later are absent, later edits and deletions are undone.
        include_deleted: also return soft-deleted deals.
        """
        kinds = _enum_values(kind, DealKind, "deal kind")
        statuses = _enum_values(status, DealStatus, "deal status")
        lo = parse_partial_date(since)[0] if since is not None else None
        hi = _period_end(until) if until is not None else None
        with self._session() as s:
            company_id = None
            if company is not None:
                row = rows.find_company_row(s, company)
                if row is None:
                    raise KeyError(rows.unknown_company_message(s, company))
                company_id = row.id
            if as_of is not None:
                found = _deals_as_of(s, _as_datetime(as_of), include_deleted)
            else:
                stmt = sa.select(DealRow).options(
                    selectinload(DealRow.sources), selectinload(DealRow.tags)
                )
                if not include_deleted:
                    stmt = stmt.where(DealRow.deleted.is_(False))
                if company_id is not None:
                    stmt = stmt.where(
                        sa.or_(DealRow.payer_id == company_id, DealRow.payee_id == company_id)
                    )
                if kinds:
                    stmt = stmt.where(DealRow.kind.in_(kinds))
                if statuses:
                    stmt = stmt.where(DealRow.status.in_(statuses))
                if lo is not None:
                    stmt = stmt.where(DealRow.announced >= lo)
                if hi is not None:
                    stmt = stmt.where(DealRow.announced <= hi)
                found = [rows.deal_from_row(r) for r in s.scalars(stmt)]
        out = [
            d
            for d in found
            if (company_id is None or company_id in (d.payer, d.payee))
            and (not kinds or d.kind in kinds)
            and (not statuses or d.status in statuses)
            and (lo is None or d.announced >= lo)
            and (hi is None or d.announced <= hi)
            and (min_amount is None or _upper_usd(d) >= min_amount)
        ]
        return sorted(out, key=lambda d: (d.announced, d.id))

    # ---- deals: writing
    def prepare_deal(
        self, data: Mapping[str, Any] | Deal, extra_names: Mapping[str, str] | None = None
    ) -> Deal:
        """Validate ``data`` into a :class:`Deal` ready to store.

        Payer/payee may be company ids, names or aliases (``extra_names`` maps further
        lower-cased names to ids, e.g. companies being imported in the same batch). USD amounts
        are filled from stated amounts (ECB rate at the announcement date) when not given.
        Raises :class:`FieldError` or pydantic's ``ValidationError``.
        """
        raw = data.model_dump() if isinstance(data, Deal) else dict(data)
        deal_id = raw.get("id")
        with self._session() as s:
            for field in ("payer", "payee"):
                value = raw.get(field)
                if value is None or (field == "payee" and str(value).strip() == ""):
                    raw[field] = None
                    continue
                key = str(value).strip()
                company_id = rows.company_index(s).get(key.lower())
                if company_id is not None:
                    raw[field] = company_id
                elif extra_names and key.lower() in extra_names:
                    raw[field] = extra_names[key.lower()]
                else:
                    known = list(extra_names or {})
                    raise FieldError(
                        field,
                        value,
                        "a company id, name or alias already in the ledger"
                        + rows.closest(key, rows.all_company_keys(s) + known),
                        deal_id,
                    )
        deal = Deal.model_validate(raw)
        return _fill_usd(deal)

    def upsert_deal(
        self,
        deal: Deal | Mapping[str, Any],
        reason: str | None = None,
        source_url: str | None = None,
    ) -> UpsertAction:
        """Create or update ``deal`` (natural key: id). Unchanged data writes no revision.

        Upserting a soft-deleted deal restores it.
        """
        deal = self.prepare_deal(deal)
        with self._session() as s:
            row = s.get(DealRow, deal.id)
            _check_new_sources(deal, {src.url for src in row.sources} if row else set())
            return _upsert_row(
                s, "deal", DealRow, deal, rows.deal_from_row, rows.write_deal, reason, source_url
            )

    def edit_deal(
        self,
        deal_id: str,
        changes: Mapping[str, Any],
        reason: str | None = None,
        source_url: str | None = None,
    ) -> Deal:
        """Change some fields of a deal; the old version stays in the history.

        ``source_url`` (the evidence for the edit) is recorded in the revision and added to
        the deal's sources. Changing the stated amount, currency or date recomputes the USD
        values unless they are changed too.

        >>> ledger.edit_deal("msft-anthropic-equity-2025", {"status": "completed"},
        ...                  reason="closed", source_url="https://example.com/x")  # doctest: +SKIP
        """
        fields = set(Deal.model_fields)
        for key in changes:
            if key not in fields:
                raise FieldError(key, changes[key], "one of " + ", ".join(sorted(fields)), deal_id)
        if "id" in changes and changes["id"] != deal_id:
            raise FieldError("id", changes["id"], "the id to stay the same (it is the key)")
        with self._session() as s:
            current = self.deal(deal_id)
            data = current.model_dump()
            data.update(changes)
            if "announced" in changes and "date_precision" not in changes:
                data.pop("date_precision")  # re-derived from the new text ("2025-05" = month)
            if USD_INPUTS & set(changes):
                for f in ("amount_usd_low", "amount_usd_high"):
                    if f not in changes:
                        data[f] = None
            if source_url:
                Source(url=source_url)  # validate before use
                if not REAL_URL_RE.match(source_url):
                    raise FieldError("source", source_url, _REAL_URL_EXPECTED, deal_id)
                if all(src["url"] != source_url for src in data["sources"]):
                    data["sources"] = [*data["sources"], {"url": source_url}]
            updated = self.prepare_deal(data)
            row = s.get(DealRow, deal_id)
            assert row is not None
            old, new = _snapshot(current), _snapshot(updated)
            if old == new:
                return current
            rows.write_deal(s, row, updated)
            _add_revision(s, "deal", row, "update", _diff(old, new), new, reason, source_url)
            return updated

    def delete_deal(self, deal_id: str, reason: str | None = None) -> None:
        """Soft-delete a deal: hidden from queries, kept with its history, restorable."""
        with self._session() as s:
            row = s.get(DealRow, deal_id)
            if row is None:
                raise KeyError(f"no deal with id {deal_id!r}")
            if row.deleted:
                raise ValueError(f"deal {deal_id!r} is already deleted")
            snap = _snapshot(rows.deal_from_row(row))
            row.deleted = True
            _add_revision(s, "deal", row, "delete", {"deleted": [False, True]}, snap, reason, None)

    def restore_deal(self, deal_id: str, reason: str | None = None) -> Deal:
        """Undo a soft delete."""
        with self._session() as s:
            row = s.get(DealRow, deal_id)
            if row is None:
                raise KeyError(f"no deal with id {deal_id!r}")
            if not row.deleted:
                raise ValueError(f"deal {deal_id!r} is not deleted")
            deal = rows.deal_from_row(row)
            index = set(rows.company_index(s).values())
            for field in ("payer", "payee"):
                value = getattr(deal, field)
                if value is not None and value not in index:
                    raise FieldError(field, value, "a live company (restore it first)", deal_id)
            row.deleted = False
            changes = {"deleted": [True, False]}
            _add_revision(s, "deal", row, "restore", changes, _snapshot(deal), reason, None)
            return deal

    def history(self, entity_id: str) -> list[Revision]:
        """Every revision of the deal or company ``entity_id`` (a company may be named), oldest
        first. KeyError when there is none."""
        with self._session() as s:
            ids = {entity_id}
            row = rows.find_company_row(s, entity_id)
            if row is not None:
                ids.add(row.id)
            stmt = (
                sa.select(RevisionRow)
                .where(RevisionRow.entity_id.in_(ids))
                .order_by(RevisionRow.id)
            )
            revs = [_revision_from_row(r) for r in s.scalars(stmt)]
            if not revs:
                hint = rows.closest(entity_id, s.scalars(sa.select(DealRow.id)).all())
                raise KeyError(f"no deal or company with id {entity_id!r}{hint}")
            return revs

    # ---- frames
    def deals_frame(self, **filters: Any) -> pd.DataFrame:
        """One row per deal with exactly :data:`~dealweb.ledger.frames.DEAL_COLUMNS`.

        Deals stated only in gigawatts get a USD range from
        :func:`dealweb.compute.price_gigawatts` (``usd_basis="gw_estimate"``; for "up to" GW
        deals only the upper end, as no floor was promised).
        """
        deals = self.deals(**filters)
        names = {c.id: c.name for c in self.companies(include_deleted=True)}
        return build_deals_frame(deals, names)

    def companies_frame(self) -> pd.DataFrame:
        """One row per company: :data:`~dealweb.ledger.frames.COMPANY_COLUMNS`."""
        companies = self.companies()
        with self._session() as s:
            counts: dict[str, int] = {}
            for col in (DealRow.payer_id, DealRow.payee_id):
                stmt = (
                    sa.select(col, sa.func.count())
                    .where(DealRow.deleted.is_(False), col.is_not(None))
                    .group_by(col)
                )
                for cid, n in s.execute(stmt):
                    counts[cid] = counts.get(cid, 0) + n
        rows = [
            {
                "id": c.id,
                "name": c.name,
                "role": str(c.role),
                "ticker": c.ticker,
                "aliases": "; ".join(c.aliases),
                "n_deals": counts.get(c.id, 0),
            }
            for c in companies
        ]
        frame = pd.DataFrame(rows, columns=COMPANY_COLUMNS)
        return frame.astype({"n_deals": "int64"})

    def figures_frame(self) -> pd.DataFrame:
        """One row per sourced company figure: :data:`~dealweb.ledger.frames.FIGURE_COLUMNS`."""
        rows = [
            {
                "company_id": c.id,
                "company": c.name,
                "name": f.name,
                "label": f.label,
                "value_usd": f.value_usd,
                "as_of": f.as_of,
                "period": f.period,
                "counterparty": f.counterparty,
                "source_url": f.source.url,
                "note": f.note,
            }
            for c in self.companies()
            for f in c.figures
        ]
        return pd.DataFrame(rows, columns=FIGURE_COLUMNS).astype({"value_usd": "float64"})

    def preload(self, company_ids: Iterable[str], deal_ids: Iterable[str]) -> list[object]:
        """Load these companies and deals (with their children) into the current transaction
        in a few queries, so that upserting them one by one does not query each. Keep the
        returned list alive while writing (the session only holds weak references)."""
        rows: list[object] = []
        with self._session() as s:
            for model, ids, opts in (
                (CompanyRow, list(company_ids), (CompanyRow.aliases, CompanyRow.figures)),
                (DealRow, list(deal_ids), (DealRow.sources, DealRow.tags)),
            ):
                for start in range(0, len(ids), 500):  # stay under SQLite's parameter limit
                    chunk = ids[start : start + 500]
                    stmt = (
                        sa.select(model)
                        .where(model.id.in_(chunk))
                        .options(*(selectinload(o) for o in opts))
                    )
                    rows += list(s.scalars(stmt))
        return rows

    # ---- ledger facts
    def get_meta(self, key: str) -> str | None:
        with self._session() as s:
            row = s.get(MetaRow, key)
            return row.value if row is not None else None

    def set_meta(self, key: str, value: str) -> None:
        with self._session() as s:
            row = s.get(MetaRow, key)
            if row is None:
                s.add(MetaRow(key=key, value=value))
            else:
                row.value = value

    def counts(self) -> dict[str, int]:
        """Live (not deleted) companies and deals, and revisions."""
        with self._session() as s:

            def n(stmt: sa.Select[Any]) -> int:
                return int(s.scalar(stmt) or 0)

            return {
                "companies": n(
                    sa.select(sa.func.count())
                    .select_from(CompanyRow)
                    .where(CompanyRow.deleted.is_(False))
                ),
                "deals": n(
                    sa.select(sa.func.count())
                    .select_from(DealRow)
                    .where(DealRow.deleted.is_(False))
                ),
                "revisions": n(sa.select(sa.func.count()).select_from(RevisionRow)),
            }


# --------------------------------------------------------------------------- frames


def build_deals_frame(deals: list[Deal], names: Mapping[str, str]) -> pd.DataFrame:
    """The :data:`DEAL_COLUMNS` frame for ``deals`` (company ids → display names via ``names``)."""
    from dealweb.compute import price_gigawatts  # lazy: compute is another area

    nan = float("nan")
    rows = []
    for d in deals:
        low, high = d.amount_usd_low, d.amount_usd_high
        if low is not None or high is not None:
            basis = "stated"
        elif d.gigawatts is not None:
            basis = "gw_estimate"
            low, high = price_gigawatts(d.gigawatts, year=d.announced.year)
            if d.up_to:
                low = None  # "up to N GW" promises no floor
        else:
            basis = "none"
        rows.append(
            {
                "id": d.id,
                "announced": pd.Timestamp(d.announced),
                "date_precision": d.date_precision,
                "payer": names.get(d.payer, d.payer),
                "payee": names.get(d.payee, d.payee) if d.payee else None,
                "payer_id": d.payer,
                "payee_id": d.payee,
                "kind": str(d.kind),
                "amount_usd_low": nan if low is None else float(low),
                "amount_usd_high": nan if high is None else float(high),
                "up_to": bool(d.up_to),
                "usd_basis": basis,
                "gigawatts": nan if d.gigawatts is None else float(d.gigawatts),
                "currency": d.currency,
                "amount_stated": d.amount_stated,
                "term_start": pd.Timestamp(d.term_start) if d.term_start else pd.NaT,
                "term_years": nan if d.term_years is None else float(d.term_years),
                "stake_pct": nan if d.stake_pct is None else float(d.stake_pct),
                "status": str(d.status),
                "source_url": d.sources[0].url,
                "n_sources": len(d.sources),
                "tags": ",".join(d.tags),
            }
        )
    frame = pd.DataFrame(rows, columns=DEAL_COLUMNS)
    floats = ["amount_usd_low", "amount_usd_high", "gigawatts", "term_years", "stake_pct"]
    frame = frame.astype({c: "float64" for c in floats} | {"up_to": bool, "n_sources": "int64"})
    for col in ("announced", "term_start"):
        frame[col] = pd.to_datetime(frame[col]).astype("datetime64[ns]")
    if (frame["usd_basis"] == "gw_estimate").any():
        from dealweb.compute import cost_model_info

        # Results built on these dollars must say which cost model priced the gigawatts.
        frame.attrs["cost_model"] = cost_model_info()
    return frame


# --------------------------------------------------------------------------- helpers


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _aware(value: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes; they were written in UTC.
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def _as_datetime(value: str | dt.date | dt.datetime) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return _aware(value)
    if isinstance(value, str) and "T" in value:
        return _aware(dt.datetime.fromisoformat(value))
    # a date means "at the end of that day (or month, year)"
    end = _period_end(value)
    return dt.datetime.combine(end, dt.time.max, tzinfo=dt.UTC)


def _period_end(value: object) -> dt.date:
    date, precision = parse_partial_date(value)
    if precision == "year":
        return dt.date(date.year, 12, 31)
    if precision == "month":
        nxt = dt.date(date.year + (date.month == 12), date.month % 12 + 1, 1)
        return nxt - dt.timedelta(days=1)
    return date


def _enum_values(value: str | Iterable[str] | None, enum: type, what: str) -> list[str]:
    if value is None:
        return []
    items = [value] if isinstance(value, str) else list(value)
    allowed = [e.value for e in enum]
    out = []
    for item in items:
        text = str(getattr(item, "value", item)).strip()
        if text not in allowed:
            raise ValueError(f"unknown {what} {item!r}; expected one of: {', '.join(allowed)}")
        out.append(text)
    return out


def _upper_usd(deal: Deal) -> float:
    for v in (deal.amount_usd_high, deal.amount_usd_low):
        if v is not None:
            return v
    if deal.gigawatts is not None:
        from dealweb.compute import price_gigawatts

        return price_gigawatts(deal.gigawatts, year=deal.announced.year)[1]
    return float("-inf")


def _fill_usd(deal: Deal) -> Deal:
    """Deal with USD values derived from stated amounts where not given (ECB rate that day)."""
    try:
        currency = fx.check_currency(deal.currency)
    except fx.UnknownCurrencyError:
        raise FieldError(
            "currency",
            deal.currency,
            "an ISO 4217 code with ECB reference rates: " + ", ".join(fx.known_currencies()),
            deal.id,
        ) from None
    update: dict[str, Any] = {}
    tags = list(dict.fromkeys(deal.tags))
    if tags != deal.tags:
        update["tags"] = tags
    for stated, usd in (("amount_low", "amount_usd_low"), ("amount_high", "amount_usd_high")):
        amount = getattr(deal, stated)
        if getattr(deal, usd) is None and amount is not None:
            update[usd] = fx.to_usd(amount, currency, deal.announced)
    if not update:
        return deal
    return Deal.model_validate({**deal.model_dump(), **update})


def _snapshot(model: Company | Deal) -> dict[str, Any]:
    return model.model_dump(mode="json")


_REAL_URL_EXPECTED = (
    "a real http(s) URL with a host like example.com ('https://...' is a placeholder)"
)


def _check_new_sources(deal: Deal, known: set[str]) -> None:
    """Sources a write adds must be real URLs; ones the ledger already stores are left alone."""
    for i, src in enumerate(deal.sources):
        if src.url not in known and not REAL_URL_RE.match(src.url):
            raise FieldError(f"sources.{i}.url", src.url, _REAL_URL_EXPECTED, deal.id)


def _upsert_row(
    s: Session,
    entity: Literal["company", "deal"],
    row_cls: type[CompanyRow] | type[DealRow],
    model: Company | Deal,
    from_row: Callable[[Any], Company | Deal],
    write: Callable[[Session, Any, Any], None],
    reason: str | None,
    source_url: str | None,
) -> UpsertAction:
    """Create, update or restore one row by natural key and record the revision.

    The one write path of companies and deals: unchanged live data writes nothing; a
    soft-deleted row given again is restored, and its revision says so.
    """
    row = s.get(row_cls, model.id)
    new = _snapshot(model)
    if row is None:
        row = row_cls(id=model.id, version=0, deleted=False, updated_at=_now())
        s.add(row)
        action: UpsertAction = "create"
        old: dict[str, Any] = {}
    else:
        old = _snapshot(from_row(row))
        if old == new and not row.deleted:
            return "unchanged"
        action = "restore" if row.deleted else "update"
    write(s, row, model)
    changes = _diff(old, new)
    if action == "restore":
        row.deleted = False
        changes["deleted"] = [True, False]
    _add_revision(s, entity, row, action, changes, new, reason, source_url)
    return action


def _diff(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, list[Any]]:
    empty = (None, [], {}, "")
    out: dict[str, list[Any]] = {}
    for key in list(new) + [k for k in old if k not in new]:
        a, b = old.get(key), new.get(key)
        if a != b and not (a in empty and b in empty):
            out[key] = [a, b]
    return out


def _add_revision(
    s: Session,
    entity: str,
    row: CompanyRow | DealRow,
    action: str,
    changes: dict[str, list[Any]],
    snapshot: dict[str, Any],
    reason: str | None,
    source_url: str | None,
) -> None:
    now = _now()
    row.version = (row.version or 0) + 1
    row.updated_at = now
    s.add(
        RevisionRow(
            entity=entity,
            entity_id=row.id,
            version=row.version,
            changed_at=now,
            action=action,
            reason=reason,
            source_url=source_url,
            changes=changes,
            snapshot=snapshot,
        )
    )


def _revision_from_row(r: RevisionRow) -> Revision:
    return Revision(
        entity=r.entity,  # type: ignore[arg-type]
        entity_id=r.entity_id,
        version=r.version,
        changed_at=_aware(r.changed_at),
        action=r.action,  # type: ignore[arg-type]
        reason=r.reason,
        source_url=r.source_url,
        changes=r.changes,
        snapshot=r.snapshot,
    )


def _deals_as_of(s: Session, when: dt.datetime, include_deleted: bool) -> list[Deal]:
    latest: dict[str, RevisionRow] = {}
    stmt = sa.select(RevisionRow).where(RevisionRow.entity == "deal").order_by(RevisionRow.id)
    for rev in s.scalars(stmt):
        if _aware(rev.changed_at) <= when:
            latest[rev.entity_id] = rev
    return [
        Deal.model_validate(rev.snapshot)
        for rev in latest.values()
        if include_deleted or rev.action != "delete"
    ]
