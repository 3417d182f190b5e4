"""Relational schema of the ledger (SQLAlchemy 2 ORM).

The tables mirror :mod:`dealweb.ledger.models`; the Alembic migrations in
``dealweb/ledger/migrations`` create exactly this schema (a test compares them).

* ``companies`` / ``aliases`` / ``figures``: a company, its other names, its sourced figures.
* ``deals`` / ``sources`` / ``tags``: a deal, where it was read, free labels.
* ``revisions``: every change to a company or a deal, with the field-level diff and a full
  snapshot, so nothing is ever lost. Deletion is soft (``deleted`` flag).
* ``ledger_meta``: key/value facts about the ledger itself (e.g. when the shipped dataset was
  loaded).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Explicit constraint names so that migrations are reproducible on every backend.
NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_name)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING)
    type_annotation_map = {dict[str, Any]: sa.JSON, list[Any]: sa.JSON}


class CompanyRow(Base):
    __tablename__ = "companies"

    id: Mapped[str] = mapped_column(sa.String(80), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    role: Mapped[str] = mapped_column(sa.String(20))
    ticker: Mapped[str | None] = mapped_column(sa.String(40))
    country: Mapped[str | None] = mapped_column(sa.String(80))
    notes: Mapped[str | None] = mapped_column(sa.Text)
    deleted: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    version: Mapped[int] = mapped_column(sa.Integer, default=1)
    updated_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True))

    aliases: Mapped[list[AliasRow]] = relationship(
        back_populates="company", cascade="all, delete-orphan", order_by="AliasRow.position"
    )
    figures: Mapped[list[FigureRow]] = relationship(
        back_populates="company", cascade="all, delete-orphan", order_by="FigureRow.position"
    )


class AliasRow(Base):
    __tablename__ = "aliases"
    __table_args__ = (sa.UniqueConstraint("alias_key", name="uq_aliases_alias_key"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    company_id: Mapped[str] = mapped_column(
        sa.ForeignKey("companies.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(sa.Integer)
    alias: Mapped[str] = mapped_column(sa.String(200))
    # casefolded alias: lookups are case-insensitive and an alias names one company only
    alias_key: Mapped[str] = mapped_column(sa.String(200))

    company: Mapped[CompanyRow] = relationship(back_populates="aliases")


class FigureRow(Base):
    __tablename__ = "figures"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    company_id: Mapped[str] = mapped_column(
        sa.ForeignKey("companies.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(sa.Integer)
    name: Mapped[str] = mapped_column(sa.String(40))
    value_usd: Mapped[float] = mapped_column(sa.Float)
    as_of: Mapped[str] = mapped_column(sa.String(10))
    period: Mapped[str | None] = mapped_column(sa.String(40))
    counterparty: Mapped[str | None] = mapped_column(sa.String(80))
    label: Mapped[str | None] = mapped_column(sa.String(200))
    source_url: Mapped[str] = mapped_column(sa.Text)
    source_publisher: Mapped[str | None] = mapped_column(sa.String(200))
    source_date: Mapped[dt.date | None] = mapped_column(sa.Date)
    source_quote: Mapped[str | None] = mapped_column(sa.Text)
    note: Mapped[str | None] = mapped_column(sa.Text)

    company: Mapped[CompanyRow] = relationship(back_populates="figures")


class DealRow(Base):
    __tablename__ = "deals"

    id: Mapped[str] = mapped_column(sa.String(80), primary_key=True)
    announced: Mapped[dt.date] = mapped_column(sa.Date, index=True)
    date_precision: Mapped[str] = mapped_column(sa.String(5))
    payer_id: Mapped[str] = mapped_column(sa.ForeignKey("companies.id"), index=True)
    payee_id: Mapped[str | None] = mapped_column(sa.ForeignKey("companies.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(30), index=True)
    amount_low: Mapped[float | None] = mapped_column(sa.Float)
    amount_high: Mapped[float | None] = mapped_column(sa.Float)
    up_to: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    currency: Mapped[str] = mapped_column(sa.String(3))
    amount_usd_low: Mapped[float | None] = mapped_column(sa.Float)
    amount_usd_high: Mapped[float | None] = mapped_column(sa.Float)
    amount_stated: Mapped[str | None] = mapped_column(sa.Text)
    gigawatts: Mapped[float | None] = mapped_column(sa.Float)
    term_start: Mapped[dt.date | None] = mapped_column(sa.Date)
    term_years: Mapped[float | None] = mapped_column(sa.Float)
    schedule: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    stake_pct: Mapped[float | None] = mapped_column(sa.Float)
    status: Mapped[str] = mapped_column(sa.String(20), index=True)
    notes: Mapped[str | None] = mapped_column(sa.Text)
    deleted: Mapped[bool] = mapped_column(sa.Boolean, default=False, index=True)
    version: Mapped[int] = mapped_column(sa.Integer, default=1)
    updated_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True))

    sources: Mapped[list[SourceRow]] = relationship(
        back_populates="deal", cascade="all, delete-orphan", order_by="SourceRow.position"
    )
    tags: Mapped[list[TagRow]] = relationship(
        back_populates="deal", cascade="all, delete-orphan", order_by="TagRow.position"
    )


class SourceRow(Base):
    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    deal_id: Mapped[str] = mapped_column(sa.ForeignKey("deals.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(sa.Integer)
    url: Mapped[str] = mapped_column(sa.Text)
    publisher: Mapped[str | None] = mapped_column(sa.String(200))
    date: Mapped[dt.date | None] = mapped_column(sa.Date)
    quote: Mapped[str | None] = mapped_column(sa.Text)

    deal: Mapped[DealRow] = relationship(back_populates="sources")


class TagRow(Base):
    __tablename__ = "tags"

    deal_id: Mapped[str] = mapped_column(
        sa.ForeignKey("deals.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(sa.String(80), primary_key=True)
    position: Mapped[int] = mapped_column(sa.Integer)

    deal: Mapped[DealRow] = relationship(back_populates="tags")


class RevisionRow(Base):
    __tablename__ = "revisions"
    __table_args__ = (sa.Index("ix_revisions_entity", "entity", "entity_id", "version"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    entity: Mapped[str] = mapped_column(sa.String(10))
    entity_id: Mapped[str] = mapped_column(sa.String(80))
    version: Mapped[int] = mapped_column(sa.Integer)
    changed_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True))
    action: Mapped[str] = mapped_column(sa.String(10))
    reason: Mapped[str | None] = mapped_column(sa.Text)
    source_url: Mapped[str | None] = mapped_column(sa.Text)
    changes: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    snapshot: Mapped[dict[str, Any]] = mapped_column(sa.JSON)


class MetaRow(Base):
    __tablename__ = "ledger_meta"

    key: Mapped[str] = mapped_column(sa.String(80), primary_key=True)
    value: Mapped[str] = mapped_column(sa.Text)
