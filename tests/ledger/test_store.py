"""The SQLAlchemy store: lookups, idempotent upserts, currency filling, frames, migrations."""

from __future__ import annotations

import math

import pandas as pd
import pytest
import sqlalchemy as sa

import dealweb
from dealweb.compute import price_gigawatts
from dealweb.ledger import fx
from dealweb.ledger.frames import COMPANY_COLUMNS, DEAL_COLUMNS, FIGURE_COLUMNS, deal_amounts
from dealweb.ledger.models import Company, Deal
from dealweb.ledger.store import FieldError, Ledger, resolve_url

SRC = [{"url": "https://example.com/source"}]


def test_company_lookup_by_id_name_alias_case_insensitive(ledger: Ledger) -> None:
    for key in ("microsoft", "Microsoft", "MSFT", "msft", "microsoft corp", " MICROSOFT "):
        assert ledger.company(key).id == "microsoft"
    assert ledger.resolve_company("Mistral") == "mistral"
    assert ledger.resolve_company("Mistral AI") == "mistral"
    assert ledger.resolve_company("Google") is None
    with pytest.raises(KeyError, match="did you mean 'Microsoft'"):
        ledger.company("Microsfot")


def test_alias_used_by_another_company_is_rejected(ledger: Ledger) -> None:
    with pytest.raises(FieldError, match="already used by company 'microsoft'"):
        ledger.upsert_company(Company(id="msft-germany", name="MS DE", aliases=["MSFT"]))


def test_upsert_is_idempotent_by_id(ledger: Ledger) -> None:
    before = ledger.counts()["revisions"]
    deal = ledger.deal("anthropic-azure-2025")
    assert ledger.upsert_deal(deal) == "unchanged"
    assert ledger.upsert_company(ledger.company("microsoft")) == "unchanged"
    assert ledger.counts()["revisions"] == before
    changed = deal.model_copy(update={"notes": "multi-year reserved Azure capacity"})
    assert ledger.upsert_deal(changed) == "update"
    assert ledger.counts()["revisions"] == before + 1


def test_deal_with_unknown_company_is_rejected(ledger: Ledger) -> None:
    data = {
        "id": "x-2025",
        "announced": "2025",
        "payer": "Microsfot",
        "payee": "openai",
        "kind": "loan",
        "sources": SRC,
    }
    with pytest.raises(FieldError) as info:
        ledger.upsert_deal(data)
    assert info.value.field == "payer"
    assert "did you mean 'Microsoft'" in str(info.value)
    assert ledger.counts()["deals"] == 6


def test_payer_given_by_alias_is_stored_as_id(ledger: Ledger) -> None:
    deal = ledger.deal("anthropic-azure-2025")  # fixture says payee: MSFT
    assert (deal.payer, deal.payee) == ("anthropic", "microsoft")


def test_euro_deal_gets_usd_at_announcement_date(ledger: Ledger) -> None:
    deal = ledger.deal("asml-mistral-2025")  # announced 2025-09 (month precision)
    rate = fx.usd_quote("EUR", deal.announced).rate
    assert deal.amount_usd_low == deal.amount_usd_high == round(1.3e9 * rate)
    assert 1.3e9 * 1.0 < deal.amount_usd_low < 1.3e9 * 1.3  # EUR/USD was ~1.17 in Sept 2025
    assert deal.currency == "EUR" and deal.amount_low == 1.3e9


def test_usd_given_explicitly_is_kept(ledger: Ledger) -> None:
    data = {
        "id": "eur-given",
        "announced": "2025-06-02",
        "payer": "asml",
        "payee": "mistral",
        "kind": "loan",
        "currency": "EUR",
        "amount_low": 100.0,
        "amount_high": 100.0,
        "amount_usd_low": 111.0,
        "amount_usd_high": 111.0,
        "sources": SRC,
    }
    ledger.upsert_deal(data)
    assert ledger.deal("eur-given").amount_usd_low == 111.0


def test_filters(ledger: Ledger) -> None:
    ids = lambda deals: [d.id for d in deals]  # noqa: E731
    assert ids(ledger.deals(company="Mistral")) == ["asml-mistral-2025"]
    assert set(ids(ledger.deals(kind="cloud_commitment"))) == {
        "anthropic-azure-2025",
        "openai-oracle-300b-2025",
    }
    assert ids(ledger.deals(until="2019")) == ["msft-openai-1b-2019"]
    assert ids(ledger.deals(since="2025-11", kind=["equity_investment"])) == [
        "msft-anthropic-equity-2025"
    ]
    assert ids(ledger.deals(status="reported")) == ["openai-oracle-300b-2025"]
    # the GW-only deal counts with its GW estimate (up to 1 GW -> upper end of 1 GW)
    big = ids(ledger.deals(min_amount=price_gigawatts(1.0)[1]))
    assert "anthropic-nvidia-1gw-2025" in big and "msft-openai-1b-2019" not in big
    with pytest.raises(ValueError, match="unknown deal kind 'gift'"):
        ledger.deals(kind="gift")
    with pytest.raises(KeyError, match="no company"):
        ledger.deals(company="Nobody Inc")


def test_deals_frame_contract_and_gw_estimate(ledger: Ledger) -> None:
    frame = ledger.deals_frame()
    assert list(frame.columns) == DEAL_COLUMNS
    assert frame["announced"].dtype == "datetime64[ns]"
    assert frame["up_to"].dtype == bool
    row = frame.set_index("id").loc["anthropic-nvidia-1gw-2025"]
    assert row["usd_basis"] == "gw_estimate"
    assert math.isnan(row["amount_usd_low"])  # "up to" 1 GW: no floor
    assert row["amount_usd_high"] == price_gigawatts(1.0, year=2025)[1]
    azure = frame.set_index("id").loc["anthropic-azure-2025"]
    assert (azure["payer"], azure["payee"], azure["usd_basis"]) == (
        "Anthropic",
        "Microsoft",
        "stated",
    )
    # the stored deal keeps no invented dollars
    assert ledger.deal("anthropic-nvidia-1gw-2025").amount_usd_high is None
    mids = deal_amounts(frame, "mid")
    assert not mids.isna().all()
    empty = ledger.deals_frame(kind="warrant")
    assert list(empty.columns) == DEAL_COLUMNS and len(empty) == 0


def test_companies_and_figures_frames(ledger: Ledger) -> None:
    companies = ledger.companies_frame()
    assert list(companies.columns) == COMPANY_COLUMNS
    assert companies.set_index("id").loc["microsoft", "n_deals"] == 3
    figures = ledger.figures_frame()
    assert list(figures.columns) == FIGURE_COLUMNS
    stake = figures[figures["name"] == "stake"].iloc[0]
    assert (stake["company"], stake["counterparty"], stake["value_usd"]) == (
        "Microsoft",
        "openai",
        0.27,
    )


def test_transaction_is_all_or_nothing(ledger: Ledger) -> None:
    before = ledger.counts()
    with pytest.raises(FieldError), ledger.transaction():
        ledger.upsert_company(Company(id="meta", name="Meta"))
        ledger.upsert_deal(
            {
                "id": "ok",
                "announced": "2025",
                "payer": "meta",
                "payee": "openai",
                "kind": "loan",
                "sources": SRC,
            }
        )
        ledger.upsert_deal(
            {"id": "bad", "announced": "2025", "payer": "nobody", "kind": "loan", "sources": SRC}
        )
    assert ledger.counts() == before
    assert ledger.resolve_company("meta") is None


def test_migrations_match_the_orm_schema(empty_ledger: Ledger) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from dealweb.ledger.schema import Base

    with empty_ledger.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_reopen_keeps_data_and_plain_paths_work(tmp_path, ledger: Ledger) -> None:
    url = str(ledger.engine.url)
    again = dealweb.open(url)
    assert again.counts() == ledger.counts()
    path = tmp_path / "sub" / "x.sqlite"
    assert resolve_url(str(path)) == f"sqlite:///{path}"
    dealweb.open(str(path)).close()
    assert path.exists()


def test_default_url_honours_env(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("DEALWEB_DB", f"sqlite:///{tmp_path}/env.sqlite")
    assert resolve_url(None) == f"sqlite:///{tmp_path}/env.sqlite"
    monkeypatch.delenv("DEALWEB_DB")
    assert resolve_url(None).endswith("dealweb.sqlite")


def test_bad_url_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="database"):
        dealweb.open("nosuchdb+driver://x/y")


def test_frames_are_plain_pandas(ledger: Ledger) -> None:
    assert isinstance(ledger.deals_frame(), pd.DataFrame)
    assert sa.inspect(ledger.engine).has_table("revisions")
    assert isinstance(ledger.deals()[0], Deal)


def test_plain_postgresql_url_uses_psycopg3() -> None:
    url = resolve_url("postgresql://u:p@localhost:5432/db")
    assert url == "postgresql+psycopg://u:p@localhost:5432/db"


def test_migrations_downgrade_and_upgrade_again(tmp_path) -> None:
    from alembic import command
    from alembic.config import Config

    from dealweb.ledger.store import _migrations_dir

    ledger = dealweb.open(f"sqlite:///{tmp_path / 'm.sqlite'}")
    cfg = Config()
    cfg.set_main_option("script_location", _migrations_dir())
    with ledger.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "base")
    assert not sa.inspect(ledger.engine).has_table("deals")
    ledger.close()
    again = dealweb.open(f"sqlite:///{tmp_path / 'm.sqlite'}")  # migrates back up on open
    assert sa.inspect(again.engine).has_table("deals")
    assert again.counts() == {"companies": 0, "deals": 0, "revisions": 0}


def test_public_entry_points() -> None:
    from dealweb.ledger import Ledger as Exported
    from dealweb.ledger import open_ledger

    assert Exported is Ledger
    with dealweb.open("sqlite://") as ledger:  # in-memory works too
        assert isinstance(ledger, Ledger) and ledger.companies() == []
    assert open_ledger("sqlite://").counts()["deals"] == 0


def test_new_company_id_may_not_shadow_another_company_name(ledger: Ledger) -> None:
    with pytest.raises(FieldError, match="field 'id'.*microsoft"):
        ledger.upsert_company(Company(id="msft", name="Some other MSFT"))
    assert ledger.company("msft").id == "microsoft"


def test_schema_from_a_newer_dealweb_is_refused(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'n.sqlite'}"
    ledger = dealweb.open(url)
    with ledger.engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))
    ledger.close()
    with pytest.raises(ValueError, match="revision '9999'.*upgrade dealweb"):
        dealweb.open(url)


def test_postgres_scheme_alias_uses_psycopg3() -> None:
    # QA 2026-11-25: "postgres://…" (as hosting providers print it) failed with
    # "Can't load plugin: sqlalchemy.dialects:postgres"
    assert resolve_url("postgres://u:p@db.example.com/x") == (
        "postgresql+psycopg://u:p@db.example.com/x"
    )
