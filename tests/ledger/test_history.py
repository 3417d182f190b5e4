"""Revisions, edits that never lose the old version, soft delete and restore, time travel."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from dealweb.ledger import fx
from dealweb.ledger.store import FieldError, Ledger


def test_create_is_revision_one_with_snapshot(ledger: Ledger) -> None:
    (rev,) = ledger.history("openai-oracle-300b-2025")
    assert (rev.entity, rev.version, rev.action) == ("deal", 1, "create")
    assert rev.snapshot["amount_high"] == 3e11
    assert rev.changes["payer"] == [None, "openai"]
    assert rev.changed_at.tzinfo is not None


def test_edit_records_old_new_reason_and_source(ledger: Ledger) -> None:
    url = "https://example.com/oracle-confirms"
    new = ledger.edit_deal(
        "openai-oracle-300b-2025",
        {"status": "announced"},
        reason="confirmed by Oracle",
        source_url=url,
    )
    assert new.status == "announced"
    assert new.sources[-1].url == url  # the evidence joins the deal's sources
    first, second = ledger.history("openai-oracle-300b-2025")
    assert second.version == 2 and second.action == "update"
    assert second.changes["status"] == ["reported", "announced"]
    assert (second.reason, second.source_url) == ("confirmed by Oracle", url)
    # the old version is intact in the first snapshot
    assert first.snapshot["status"] == "reported"
    assert len(first.snapshot["sources"]) == 1


def test_edit_with_no_change_writes_nothing(ledger: Ledger) -> None:
    ledger.edit_deal("openai-oracle-300b-2025", {"status": "reported"})
    assert len(ledger.history("openai-oracle-300b-2025")) == 1


def test_edit_amount_of_euro_deal_recomputes_usd(ledger: Ledger) -> None:
    d = ledger.edit_deal("asml-mistral-2025", {"amount_low": "1.0e9", "amount_high": "1.5e9"})
    rate = fx.usd_quote("EUR", d.announced).rate
    assert d.amount_usd_low == round(1.0e9 * rate)
    assert d.amount_usd_high == round(1.5e9 * rate)


def test_edit_rejects_unknown_fields_values_and_companies(ledger: Ledger) -> None:
    with pytest.raises(FieldError, match="'colour'"):
        ledger.edit_deal("asml-mistral-2025", {"colour": "red"})
    with pytest.raises(ValueError, match="amount_low"):
        ledger.edit_deal("asml-mistral-2025", {"amount_low": -5})
    with pytest.raises(FieldError, match="payee"):
        ledger.edit_deal("asml-mistral-2025", {"payee": "Nobody"})
    with pytest.raises(FieldError, match="currency"):
        ledger.edit_deal("asml-mistral-2025", {"currency": "XYZ"})
    with pytest.raises(KeyError, match="no deal"):
        ledger.edit_deal("no-such-deal", {"status": "completed"})
    assert len(ledger.history("asml-mistral-2025")) == 1


def test_edit_payee_by_name_and_announced_precision(ledger: Ledger) -> None:
    d = ledger.edit_deal("msft-openai-1b-2019", {"payee": "Anthropic", "announced": "2019-07"})
    assert d.payee == "anthropic"
    assert (d.announced, d.date_precision) == (dt.date(2019, 7, 1), "month")


def test_soft_delete_and_restore(ledger: Ledger) -> None:
    ledger.delete_deal("msft-openai-1b-2019", reason="duplicate")
    assert "msft-openai-1b-2019" not in [d.id for d in ledger.deals()]
    assert "msft-openai-1b-2019" in [d.id for d in ledger.deals(include_deleted=True)]
    assert "msft-openai-1b-2019" not in set(ledger.deals_frame()["id"])
    with pytest.raises(KeyError, match="deleted"):
        ledger.deal("msft-openai-1b-2019")
    with pytest.raises(ValueError, match="already deleted"):
        ledger.delete_deal("msft-openai-1b-2019")
    restored = ledger.restore_deal("msft-openai-1b-2019", reason="not a duplicate")
    assert restored.amount_usd_high == 1e9
    actions = [r.action for r in ledger.history("msft-openai-1b-2019")]
    assert actions == ["create", "delete", "restore"]
    assert ledger.history("msft-openai-1b-2019")[1].reason == "duplicate"


def test_upsert_restores_a_deleted_deal(ledger: Ledger) -> None:
    deal = ledger.deal("msft-openai-1b-2019")
    ledger.delete_deal(deal.id)
    assert ledger.upsert_deal(deal) == "restore"
    assert ledger.deal(deal.id) == deal


def test_as_of_shows_the_past(ledger: Ledger) -> None:
    time.sleep(0.01)
    before_edit = dt.datetime.now(dt.UTC)
    time.sleep(0.01)
    ledger.edit_deal("openai-oracle-300b-2025", {"amount_high": 3.5e11})
    ledger.delete_deal("msft-openai-1b-2019")
    past = {d.id: d for d in ledger.deals(as_of=before_edit)}
    assert past["openai-oracle-300b-2025"].amount_high == 3e11
    assert "msft-openai-1b-2019" in past
    now = {d.id: d for d in ledger.deals()}
    assert now["openai-oracle-300b-2025"].amount_high == 3.5e11
    assert "msft-openai-1b-2019" not in now
    assert ledger.deals(as_of="2000-01-01") == []


def test_company_history_and_unknown_id(ledger: Ledger) -> None:
    company = ledger.company("nvidia")
    ledger.upsert_company(company.model_copy(update={"ticker": "NVDA"}), reason="add ticker")
    revs = ledger.history("Nvidia")  # by name
    assert [r.action for r in revs] == ["create", "update"]
    assert revs[1].changes == {"ticker": [None, "NVDA"]}
    with pytest.raises(KeyError, match="no deal or company"):
        ledger.history("nothing-here")


def test_company_soft_delete_and_restore(ledger: Ledger) -> None:
    from dealweb.ledger.models import Company

    with pytest.raises(ValueError, match="live deal"):
        ledger.delete_company("Oracle")
    ledger.delete_deal("openai-oracle-300b-2025")
    ledger.delete_company("Oracle", reason="test")
    assert ledger.resolve_company("oracle") is None
    assert "oracle" not in [c.id for c in ledger.companies()]
    # a deal cannot come back naming a deleted company
    with pytest.raises(FieldError, match="payee.*restore it first"):
        ledger.restore_deal("openai-oracle-300b-2025")
    # the deleted company's alias stays reserved (it is restorable)
    ledger.delete_deal("asml-mistral-2025")
    ledger.delete_company("mistral")
    with pytest.raises(FieldError, match="deleted company 'mistral'"):
        ledger.upsert_company(Company(id="mistral2", name="Mistral 2", aliases=["Mistral"]))
    restored = ledger.restore_company("oracle")
    assert restored.id == "oracle" and ledger.company("ORACLE").id == "oracle"
    assert ledger.restore_deal("openai-oracle-300b-2025").payee == "oracle"
    assert [r.action for r in ledger.history("oracle")] == ["create", "delete", "restore"]
