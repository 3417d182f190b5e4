"""Mapping between the pydantic models and the database rows of companies and deals.

Kept apart from :mod:`dealweb.ledger.store` so the store reads as the ledger's behaviour
(transactions, revisions, queries) and this module as the storage format.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from dealweb.ledger.errors import FieldError
from dealweb.ledger.models import Company, Deal, Figure, Source
from dealweb.ledger.schema import AliasRow, CompanyRow, DealRow, FigureRow, SourceRow, TagRow

# ---- companies


def company_index(s: Session) -> dict[str, str]:
    """Lower-cased id / name / alias -> company id, cached on the session until a company
    changes (resolving names is the hot path of an import)."""
    index = s.info.get("company_index")
    if index is None:
        index = {}
        live = CompanyRow.deleted.is_(False)
        aliases = sa.select(AliasRow.alias_key, AliasRow.company_id).join(CompanyRow).where(live)
        for key, cid in s.execute(aliases):
            index[key] = cid
        # precedence: an id beats a display name, which beats an alias
        rows = s.execute(sa.select(CompanyRow.id, CompanyRow.name).where(live)).all()
        for cid, name in rows:
            index[name.strip().lower()] = cid
        for cid, _ in rows:
            index[cid.lower()] = cid
        s.info["company_index"] = index
    return index


def find_company_row(s: Session, key: str) -> CompanyRow | None:
    text = str(key).strip().lower()
    cid = company_index(s).get(text) if text else None
    return s.get(CompanyRow, cid) if cid is not None else None


def all_company_keys(s: Session) -> list[str]:
    names = list(s.scalars(sa.select(CompanyRow.name)))
    return names + list(s.scalars(sa.select(AliasRow.alias)))


def closest(key: str, candidates: Iterable[str]) -> str:
    cands = {c.lower(): c for c in candidates if c}
    match = difflib.get_close_matches(str(key).lower(), list(cands), n=3, cutoff=0.6)
    if not match:
        return ""
    return " (did you mean " + " or ".join(repr(cands[m]) for m in match) + "?)"


def unknown_company_message(s: Session, key: str) -> str:
    return f"no company with id, name or alias {key!r}" + closest(key, all_company_keys(s))


def check_company_names(s: Session, company: Company) -> None:
    """An id, name or alias must point to one company only, or lookups would be ambiguous."""
    keys = [("id", company.id), ("name", company.name)]
    keys += [("aliases", a) for a in company.aliases]
    seen: set[str] = set()
    for field, value in keys:
        low = value.strip().lower()
        if field == "aliases" and low in seen:
            continue  # an alias repeating the name is harmless
        seen.add(low)
        other = find_company_row(s, value)
        if other is not None and other.id != company.id:
            raise FieldError(
                field,
                value,
                f"a name not already used by company {other.id!r} ({other.name})",
                company.id,
            )
        if field == "aliases":
            # the unique alias index also covers soft-deleted companies
            holder = s.scalar(sa.select(AliasRow.company_id).where(AliasRow.alias_key == low))
            if holder is not None and holder != company.id:
                raise FieldError(
                    field, value, f"an alias not held by deleted company {holder!r}", company.id
                )


def company_from_row(row: CompanyRow) -> Company:
    return Company(
        id=row.id,
        name=row.name,
        aliases=[a.alias for a in row.aliases],
        role=row.role,  # type: ignore[arg-type]
        ticker=row.ticker,
        country=row.country,
        figures=[
            Figure(
                name=f.name,  # type: ignore[arg-type]
                value_usd=f.value_usd,
                as_of=f.as_of,
                period=f.period,
                counterparty=f.counterparty,
                label=f.label,
                source=Source(
                    url=f.source_url,
                    publisher=f.source_publisher,
                    date=f.source_date,
                    quote=f.source_quote,
                ),
                note=f.note,
            )
            for f in row.figures
        ],
        notes=row.notes,
    )


def write_company(s: Session, row: CompanyRow, c: Company) -> None:
    row.name, row.role, row.ticker = c.name, str(c.role), c.ticker
    row.country, row.notes, row.deleted = c.country, c.notes, False
    aliases = c.aliases
    fresh = sa.inspect(row).pending
    if fresh or [a.alias for a in row.aliases] != aliases:
        if not fresh:
            # flush the removals first: the unique alias_key index would see old + new at once
            row.aliases.clear()
            s.flush()
        row.aliases.extend(
            AliasRow(position=i, alias=a, alias_key=a.strip().lower())
            for i, a in enumerate(aliases)
        )
    if not fresh:
        row.figures.clear()
    row.figures.extend(
        FigureRow(
            position=i,
            name=f.name,
            value_usd=f.value_usd,
            as_of=f.as_of,
            period=f.period,
            counterparty=f.counterparty,
            label=f.label,
            source_url=f.source.url,
            source_publisher=f.source.publisher,
            source_date=f.source.date,
            source_quote=f.source.quote,
            note=f.note,
        )
        for i, f in enumerate(c.figures)
    )


# ---- deals


def deal_from_row(row: DealRow) -> Deal:
    return Deal(
        id=row.id,
        announced=row.announced,
        date_precision=row.date_precision,  # type: ignore[arg-type]
        payer=row.payer_id,
        payee=row.payee_id,
        kind=row.kind,  # type: ignore[arg-type]
        amount_low=row.amount_low,
        amount_high=row.amount_high,
        up_to=row.up_to,
        currency=row.currency,
        amount_usd_low=row.amount_usd_low,
        amount_usd_high=row.amount_usd_high,
        amount_stated=row.amount_stated,
        gigawatts=row.gigawatts,
        term_start=row.term_start,
        term_years=row.term_years,
        schedule=row.schedule,  # type: ignore[arg-type]
        stake_pct=row.stake_pct,
        status=row.status,  # type: ignore[arg-type]
        sources=[
            Source(url=x.url, publisher=x.publisher, date=x.date, quote=x.quote)
            for x in row.sources
        ],
        notes=row.notes,
        tags=[t.tag for t in row.tags],
    )


def write_deal(s: Session, row: DealRow, d: Deal) -> None:
    row.announced, row.date_precision = d.announced, d.date_precision
    row.payer_id, row.payee_id, row.kind = d.payer, d.payee, str(d.kind)
    row.amount_low, row.amount_high, row.up_to = d.amount_low, d.amount_high, d.up_to
    row.currency, row.amount_usd_low, row.amount_usd_high = (
        d.currency,
        d.amount_usd_low,
        d.amount_usd_high,
    )
    row.amount_stated, row.gigawatts = d.amount_stated, d.gigawatts
    row.term_start, row.term_years, row.stake_pct = d.term_start, d.term_years, d.stake_pct
    row.schedule = {str(k): v for k, v in d.schedule.items()} if d.schedule else None
    row.status, row.notes = str(d.status), d.notes
    sources = [(x.url, x.publisher, x.date, x.quote) for x in d.sources]
    tags = list(dict.fromkeys(d.tags))  # (deal, tag) is the key: drop repeats, keep order
    fresh = sa.inspect(row).pending
    if fresh or [(x.url, x.publisher, x.date, x.quote) for x in row.sources] != sources:
        if not fresh:
            row.sources.clear()
        row.sources.extend(
            SourceRow(position=i, url=u, publisher=p, date=when, quote=q)
            for i, (u, p, when, q) in enumerate(sources)
        )
    if fresh or [t.tag for t in row.tags] != tags:
        if not fresh:
            # flush the removals first: (deal_id, tag) is the primary key of `tags`
            row.tags.clear()
            s.flush()
        row.tags.extend(TagRow(position=i, tag=t) for i, t in enumerate(tags))
