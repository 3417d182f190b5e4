"""The same ledger on PostgreSQL (psycopg 3). Needs $DEALWEB_TEST_PG_URL; see conftest.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import dealweb
import dealweb.ledger.commands  # noqa: F401
from dealweb.clikit import app
from dealweb.ledger.dataset import load_dataset
from dealweb.ledger.io import LedgerImportError, export_file, import_file, import_files
from dealweb.ledger.store import FieldError

DATA = Path(__file__).parent / "data"
pytestmark = pytest.mark.postgres


def test_migrate_load_query_edit_on_postgres(pg_url: str) -> None:
    ledger = dealweb.open(pg_url)
    assert ledger.engine.dialect.name == "postgresql"
    report = load_dataset(ledger, data_dir=DATA)
    assert report.counts["deals"] == 6
    assert ledger.company("msft").id == "microsoft"
    assert [d.id for d in ledger.deals(company="Mistral AI")] == ["asml-mistral-2025"]
    assert ledger.deal("openai-oracle-300b-2025").schedule == {y: 0.2 for y in range(2027, 2032)}
    frame = ledger.deals_frame()
    assert frame.set_index("id").loc["anthropic-nvidia-1gw-2025", "usd_basis"] == "gw_estimate"
    ledger.edit_deal("asml-mistral-2025", {"status": "announced"}, reason="pg edit")
    ledger.delete_deal("msft-openai-1b-2019")
    assert [r.action for r in ledger.history("msft-openai-1b-2019")] == ["create", "delete"]
    assert ledger.history("asml-mistral-2025")[-1].changes["status"] == ["completed", "announced"]
    assert len(ledger.deals()) == 5
    # reopening does not migrate again and sees the same data
    assert dealweb.open(pg_url).counts() == ledger.counts()
    ledger.close()


def test_transactions_roll_back_on_postgres(pg_url: str, tmp_path: Path) -> None:
    ledger = dealweb.open(pg_url)
    load_dataset(ledger, data_dir=DATA)
    before = ledger.counts()
    with pytest.raises(FieldError), ledger.transaction():
        ledger.upsert_company({"id": "meta", "name": "Meta"})
        ledger.upsert_deal(
            {
                "id": "bad",
                "announced": "2025",
                "payer": "nobody",
                "kind": "loan",
                "sources": [{"url": "https://example.com/b"}],
            }
        )
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "id,announced,payer,kind,source_url\n"
        "a,2025,openai,loan,https://example.com/a\n"
        "b,2025,openai,gift,https://example.com/b\n"
    )
    with pytest.raises(LedgerImportError, match="line 3, field 'kind'"):
        import_file(ledger, bad)
    assert ledger.counts() == before
    ledger.close()


@pytest.mark.parametrize("fmt", ["yaml", "csv", "parquet"])
def test_round_trip_sqlite_to_postgres_is_byte_identical(
    pg_url: str, tmp_path: Path, fmt: str
) -> None:
    lite = dealweb.open(f"sqlite:///{tmp_path / 'a.sqlite'}")
    load_dataset(lite, data_dir=DATA)
    pg = dealweb.open(pg_url)
    whats = ["all"] if fmt == "yaml" else ["companies", "deals"]
    first = [export_file(lite, tmp_path / f"1-{w}.{fmt}", what=w) for w in whats]
    import_files(pg, first)
    second = [export_file(pg, tmp_path / f"2-{w}.{fmt}", what=w) for w in whats]
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes()
    lite.close()
    pg.close()


def test_cli_on_postgres(pg_url: str) -> None:
    runner = CliRunner()
    init = runner.invoke(app, ["init", "--db", pg_url, "--data-dir", str(DATA)])
    assert init.exit_code == 0, init.output
    out = runner.invoke(app, ["summary", "--db", pg_url, "--format", "json"])
    assert json.loads(out.output)["deals"] == 6
