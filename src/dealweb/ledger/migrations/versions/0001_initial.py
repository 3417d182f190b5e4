"""Initial ledger schema: companies, aliases, figures, deals, sources, tags, revisions, meta.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "companies",
        sa.Column("id", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("ticker", sa.String(length=40), nullable=True),
        sa.Column("country", sa.String(length=80), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_companies")),
    )
    op.create_table(
        "ledger_meta",
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_ledger_meta")),
    )
    op.create_table(
        "revisions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("entity", sa.String(length=10), nullable=False),
        sa.Column("entity_id", sa.String(length=80), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("source_url", sa.Text(), nullable=True),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_revisions")),
    )
    with op.batch_alter_table("revisions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_revisions_entity", ["entity", "entity_id", "version"], unique=False
        )

    op.create_table(
        "aliases",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("company_id", sa.String(length=80), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("alias", sa.String(length=200), nullable=False),
        sa.Column("alias_key", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_aliases_company_id_companies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_aliases")),
        sa.UniqueConstraint("alias_key", name="uq_aliases_alias_key"),
    )
    with op.batch_alter_table("aliases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_aliases_company_id"), ["company_id"], unique=False)

    op.create_table(
        "deals",
        sa.Column("id", sa.String(length=80), nullable=False),
        sa.Column("announced", sa.Date(), nullable=False),
        sa.Column("date_precision", sa.String(length=5), nullable=False),
        sa.Column("payer_id", sa.String(length=80), nullable=False),
        sa.Column("payee_id", sa.String(length=80), nullable=True),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("amount_low", sa.Float(), nullable=True),
        sa.Column("amount_high", sa.Float(), nullable=True),
        sa.Column("up_to", sa.Boolean(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("amount_usd_low", sa.Float(), nullable=True),
        sa.Column("amount_usd_high", sa.Float(), nullable=True),
        sa.Column("amount_stated", sa.Text(), nullable=True),
        sa.Column("gigawatts", sa.Float(), nullable=True),
        sa.Column("term_start", sa.Date(), nullable=True),
        sa.Column("term_years", sa.Float(), nullable=True),
        sa.Column("schedule", sa.JSON(), nullable=True),
        sa.Column("stake_pct", sa.Float(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["payee_id"], ["companies.id"], name=op.f("fk_deals_payee_id_companies")
        ),
        sa.ForeignKeyConstraint(
            ["payer_id"], ["companies.id"], name=op.f("fk_deals_payer_id_companies")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deals")),
    )
    with op.batch_alter_table("deals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_deals_announced"), ["announced"], unique=False)
        batch_op.create_index(batch_op.f("ix_deals_deleted"), ["deleted"], unique=False)
        batch_op.create_index(batch_op.f("ix_deals_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_deals_payee_id"), ["payee_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_deals_payer_id"), ["payer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_deals_status"), ["status"], unique=False)

    op.create_table(
        "figures",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("company_id", sa.String(length=80), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("value_usd", sa.Float(), nullable=False),
        sa.Column("as_of", sa.String(length=10), nullable=False),
        sa.Column("period", sa.String(length=40), nullable=True),
        sa.Column("counterparty", sa.String(length=80), nullable=True),
        sa.Column("label", sa.String(length=200), nullable=True),
        sa.Column("source_url", sa.Text(), nullable=False),
        sa.Column("source_publisher", sa.String(length=200), nullable=True),
        sa.Column("source_date", sa.Date(), nullable=True),
        sa.Column("source_quote", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_figures_company_id_companies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_figures")),
    )
    with op.batch_alter_table("figures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_figures_company_id"), ["company_id"], unique=False)

    op.create_table(
        "sources",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("deal_id", sa.String(length=80), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("publisher", sa.String(length=200), nullable=True),
        sa.Column("date", sa.Date(), nullable=True),
        sa.Column("quote", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["deal_id"], ["deals.id"], name=op.f("fk_sources_deal_id_deals"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sources")),
    )
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sources_deal_id"), ["deal_id"], unique=False)

    op.create_table(
        "tags",
        sa.Column("deal_id", sa.String(length=80), nullable=False),
        sa.Column("tag", sa.String(length=80), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["deal_id"], ["deals.id"], name=op.f("fk_tags_deal_id_deals"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("deal_id", "tag", name=op.f("pk_tags")),
    )


def downgrade() -> None:
    op.drop_table("tags")
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sources_deal_id"))

    op.drop_table("sources")
    with op.batch_alter_table("figures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_figures_company_id"))

    op.drop_table("figures")
    with op.batch_alter_table("deals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deals_status"))
        batch_op.drop_index(batch_op.f("ix_deals_payer_id"))
        batch_op.drop_index(batch_op.f("ix_deals_payee_id"))
        batch_op.drop_index(batch_op.f("ix_deals_kind"))
        batch_op.drop_index(batch_op.f("ix_deals_deleted"))
        batch_op.drop_index(batch_op.f("ix_deals_announced"))

    op.drop_table("deals")
    with op.batch_alter_table("aliases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_aliases_company_id"))

    op.drop_table("aliases")
    with op.batch_alter_table("revisions", schema=None) as batch_op:
        batch_op.drop_index("ix_revisions_entity")

    op.drop_table("revisions")
    op.drop_table("ledger_meta")
    op.drop_table("companies")
