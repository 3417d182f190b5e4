"""The ledger CLI through typer's CliRunner: every command, --db, exit status 2 on bad input."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

import dealweb
import dealweb.ledger.commands  # noqa: F401  (registers the commands)
from dealweb.clikit import app
from dealweb.ledger.commands import parse_assignments

DATA = Path(__file__).parent / "data"
runner = CliRunner()


def run(*args: str) -> object:
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="session")
def _initialised(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "cli.sqlite"
    result = run("init", "--db", f"sqlite:///{path}", "--data-dir", DATA)
    assert result.exit_code == 0, result.output
    assert "7 companies (7 created); 6 deals (6 created)" in result.output
    return path


@pytest.fixture
def db(_initialised: Path, tmp_path: Path) -> str:
    """A ledger initialised by `dealweb init --data-dir tests/ledger/data` (copied per test)."""
    path = tmp_path / "cli.sqlite"
    shutil.copyfile(_initialised, path)
    return f"sqlite:///{path}"


def test_init_is_idempotent_and_force_reloads(db: str) -> None:
    again = run("init", "--db", db, "--data-dir", DATA)
    assert again.exit_code == 0 and "already initialised" in again.output
    run("edit-deal", "asml-mistral-2025", "--db", db, "--set", "stake_pct=12")
    forced = run("init", "--db", db, "--data-dir", DATA, "--force")
    assert forced.exit_code == 0
    assert "6 deals (1 updated, 5 unchanged)" in forced.output
    listed = json.loads(run("deals", "--db", db, "--company", "mistral", "-f", "json").output)
    assert listed[0]["stake_pct"] == 11  # back to the dataset's value
    hist = json.loads(run("history", "asml-mistral-2025", "--db", db, "-f", "json").output)
    assert [h["action"] for h in hist] == ["create", "update", "update"]
    assert hist[-1]["reason"].startswith("reload dataset")
    assert hist[-1]["changes"]["stake_pct"] == [12.0, 11.0]


def test_init_with_missing_dataset_exits_2(tmp_path: Path) -> None:
    result = run("init", "--db", f"sqlite:///{tmp_path / 'x.sqlite'}", "--data-dir", tmp_path)
    assert result.exit_code == 2
    assert "dataset file not found" in result.stderr


def test_summary(db: str) -> None:
    result = run("summary", "--db", db)
    assert result.exit_code == 0, result.output
    assert "Companies: 7" in result.output
    assert "Deals: 6 (2 announced, 2 completed, 1 reported)" not in result.output  # 3/2/1
    assert "Deals: 6 (3 announced, 2 completed, 1 reported)" in result.output
    assert "Date span: 2019-07-22 → 2025-11-18" in result.output
    data = json.loads(run("summary", "--db", db, "--format", "json").output)
    # stated: 5B (up to, floor 0) + 30B + 300B + 1.3B EUR in USD + 1B
    assert data["n_stated"] == 5 and data["n_gw"] == 1
    assert data["stated_low"] == pytest.approx(331e9 + 1.3e9 * 1.17, rel=0.01)
    assert data["stated_high"] == pytest.approx(data["stated_low"] + 5e9)


def test_deals_filters_and_formats(db: str) -> None:
    out = run("deals", "--db", db, "--company", "msft", "--format", "csv").output
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {r["id"] for r in rows} == {
        "msft-anthropic-equity-2025",
        "anthropic-azure-2025",
        "msft-openai-1b-2019",
    }
    for col in (
        "id",
        "announced",
        "payer",
        "payee",
        "kind",
        "amount_usd_low",
        "amount_usd_high",
        "up_to",
        "gigawatts",
        "status",
        "source_url",
    ):
        assert col in rows[0]
    azure = next(r for r in rows if r["id"] == "anthropic-azure-2025")
    assert (azure["payer"], azure["payee"], azure["announced"]) == (
        "Anthropic",
        "Microsoft",
        "2025-11-18",
    )
    js = json.loads(
        run(
            "deals",
            "--db",
            db,
            "--kind",
            "cloud_commitment",
            "--since",
            "2025-10",
            "--format",
            "json",
        ).output
    )
    assert [d["id"] for d in js] == ["anthropic-azure-2025"]
    big = json.loads(
        run(
            "deals", "--db", db, "--min-amount", "1e11", "--status", "reported", "-f", "json"
        ).output
    )
    assert [d["id"] for d in big] == ["openai-oracle-300b-2025"]
    table = run("deals", "--db", db).output
    assert "Deals (6)" in table


def test_companies_and_show(db: str) -> None:
    out = run("companies", "--db", db, "--format", "json").output
    assert {c["id"] for c in json.loads(out)} >= {"microsoft", "mistral"}
    company = run("show", "MSFT", "--db", db)
    assert company.exit_code == 0 and "Microsoft" in company.output and "Figures" in company.output
    deal = run("show", "asml-mistral-2025", "--db", db)
    assert deal.exit_code == 0 and "EUR" in deal.output and "asml.com" in deal.output
    missing = run("show", "anthropic-azure-2052", "--db", db)
    assert missing.exit_code == 2 and "did you mean" in missing.stderr


def test_add_edit_delete_history(db: str) -> None:
    add = run(
        "add-deal",
        "--db",
        db,
        "--id",
        "openai-aws-38b-2025",
        "--announced",
        "2025-11-03",
        "--payer",
        "OpenAI",
        "--payee",
        "Oracle",
        "--kind",
        "cloud_commitment",
        "--amount",
        "38e9",
        "--source",
        "https://particle.news/story/openai-aws",
        "--tag",
        "cloud",
        "--term-years",
        "7",
    )
    assert add.exit_code == 0, add.output
    dup = run(
        "add-deal",
        "--db",
        db,
        "--id",
        "openai-aws-38b-2025",
        "--announced",
        "2025",
        "--payer",
        "OpenAI",
        "--kind",
        "loan",
        "--source",
        "https://example.com/x",
    )
    assert dup.exit_code == 2 and "already exists" in dup.stderr
    edit = run(
        "edit-deal",
        "openai-aws-38b-2025",
        "--db",
        db,
        "--set",
        "status=completed",
        "--set",
        "tags=cloud,aws",
        "--reason",
        "closed",
        "--source",
        "https://example.com/closed",
    )
    assert edit.exit_code == 0 and "version 2" in edit.output
    hist = json.loads(run("history", "openai-aws-38b-2025", "--db", db, "-f", "json").output)
    assert [h["action"] for h in hist] == ["create", "update"]
    assert hist[1]["changes"]["status"] == ["announced", "completed"]
    assert hist[1]["reason"] == "closed"
    assert run("delete-deal", "openai-aws-38b-2025", "--db", db, "--reason", "test").exit_code == 0
    listed = run("deals", "--db", db, "-f", "json").output
    assert "openai-aws-38b-2025" not in listed
    assert run("restore-deal", "openai-aws-38b-2025", "--db", db).exit_code == 0
    table = run("history", "openai-aws-38b-2025", "--db", db).output
    assert "status: 'announced' → 'completed'" in table.replace("\n", " ") or "status" in table


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["edit-deal", "asml-mistral-2025", "--set", "amount_low=-1"], "amount_low"),
        (["edit-deal", "asml-mistral-2025", "--set", "currency=XYZ"], "currency"),
        (["edit-deal", "asml-mistral-2025", "--set", "nonsense"], "field=value"),
        (["edit-deal", "asml-mistral-2025", "--set", "payee=Nobody"], "payee"),
        (["deals", "--kind", "gift"], "unknown deal kind"),
        (["deals", "--since", "yesterday"], "expected a date"),
        (["add-deal", "--id", "x"], "add-deal needs"),
        (
            [
                "add-deal",
                "--id",
                "x",
                "--announced",
                "2025",
                "--payer",
                "Nobody",
                "--kind",
                "loan",
                "--source",
                "https://example.com/x",
            ],
            "payer",
        ),
        (["import", "/no/such/file.csv"], "no such file"),
        (["import", "file.txt"], "suffix"),
        (["export"], "give an output FILE"),
        (["delete-deal", "nope"], "no deal"),
    ],
)
def test_bad_input_exits_2_with_a_message(db: str, args: list[str], message: str) -> None:
    result = run(*args, "--db", db)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert "Traceback" not in result.stderr + result.output


def test_malformed_import_leaves_db_file_unchanged(db: str, tmp_path: Path) -> None:
    db_file = Path(db.removeprefix("sqlite:///"))
    before = hashlib.sha256(db_file.read_bytes()).hexdigest()
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "id,announced,payer,payee,kind,amount_low,source_url\n"
        "ok-1,2025-01-01,openai,oracle,loan,5,https://example.com/1\n"
        "bad-1,2025-02-30,openai,oracle,loan,5,https://example.com/2\n"
    )
    result = run("import", bad, "--db", db)
    assert result.exit_code == 2
    assert f"{bad}, line 3, field 'announced': got '2025-02-30'" in result.stderr
    assert hashlib.sha256(db_file.read_bytes()).hexdigest() == before


def test_export_import_via_cli(db: str, tmp_path: Path) -> None:
    out = tmp_path / "all.yaml"
    assert run("export", out, "--db", db).exit_code == 0
    fresh = f"sqlite:///{tmp_path / 'fresh.sqlite'}"
    imported = run("import", out, "--db", fresh)
    assert imported.exit_code == 0 and "6 deals (6 created)" in imported.output
    again = tmp_path / "again.yaml"
    run("export", again, "--db", fresh)
    assert out.read_bytes() == again.read_bytes()
    stdout = run("export", "--format", "csv", "--db", db).output
    assert stdout.startswith("id,announced,payer,payee,kind")


def test_add_deal_from_file(db: str, tmp_path: Path) -> None:
    f = tmp_path / "new.yaml"
    f.write_text(
        "- {id: new-one, announced: 2025-05, payer: Nvidia, payee: OpenAI, "
        "kind: equity_investment, sources: [{url: 'https://example.com/n'}]}\n"
    )
    result = run("add-deal", "--from-file", f, "--db", db)
    assert result.exit_code == 0 and "1 deals (1 created)" in result.output


def test_parse_assignments() -> None:
    assert parse_assignments(["a=1", "tags=x, y", "payee=", 'schedule={"2026": 1}']) == {
        "a": "1",
        "tags": ["x", "y"],
        "payee": None,
        "schedule": {"2026": 1},
    }


def test_error_messages_are_printed_verbatim(db: str, tmp_path: Path) -> None:
    # "[a-z0-9]" in the expected pattern must not be swallowed as rich markup
    bad = tmp_path / "companies.csv"
    bad.write_text("id,name\nBad Id,Foo\n")
    result = run("import", bad, "--db", db)
    assert result.exit_code == 2
    assert "line 2, field 'id': got 'Bad Id'" in result.stderr
    assert "[a-z0-9]" in result.stderr
    assert "\\[" not in result.stderr  # escaped once for rich, not twice (QA 2026-11-25)


# ---------------------------------------------------------------- QA pass 2026-11-25


def test_db_in_a_missing_directory_is_an_error_except_for_init(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'typo' / 'ledger.sqlite'}"
    result = run("summary", "--db", url)
    assert result.exit_code == 2
    assert "directory" in result.stderr and "does not exist" in result.stderr
    assert not (tmp_path / "typo").exists()  # nothing created by a read-only command
    assert run("init", "--db", url, "--data-dir", DATA).exit_code == 0  # init may create it


def test_db_that_is_not_a_database_exits_2_without_traceback(tmp_path: Path) -> None:
    junk = tmp_path / "notes.db"
    junk.write_text("hello, not SQLite\n")
    result = run("summary", "--db", f"sqlite:///{junk}")
    assert result.exit_code == 2
    assert "file is not a database" in result.stderr
    assert junk.read_text() == "hello, not SQLite\n"


def test_cross_field_error_does_not_dump_the_record(db: str) -> None:
    result = run("edit-deal", "asml-mistral-2025", "--set", "amount_low=9e12", "--db", db)
    assert result.exit_code == 2
    assert "amount_low (9e+12) is greater than amount_high" in result.stderr
    assert "'sources'" not in result.stderr  # the whole record used to be printed


def test_show_formats_a_foreign_currency_amount(db: str) -> None:
    shown = run("show", "asml-mistral-2025", "--db", db).output
    line = next(x for x in shown.splitlines() if "amount (stated)" in x)
    assert "1.3B EUR" in line and "None" not in line


def test_summary_csv_is_the_by_kind_table_and_counts_deals_with_an_amount(db: str) -> None:
    # README: "every listing takes --format table|csv|json"; summary refused csv (QA)
    result = run("summary", "--db", db, "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert list(rows[0]) == ["kind", "deals", "with_amount", "usd_low", "usd_high"]
    assert sum(int(r["deals"]) for r in rows) >= sum(int(r["with_amount"]) for r in rows)
    assert all(float(r["usd_high"]) == 0 for r in rows if r["with_amount"] == "0")


def test_export_to_a_missing_directory_names_the_path(db: str, tmp_path: Path) -> None:
    target = tmp_path / "no" / "such" / "dir" / "out.yaml"
    result = run("export", target, "--db", db)
    assert result.exit_code == 2
    assert f"{target}: No such file or directory" in result.stderr  # was the bare strerror


def test_add_deal_from_file_refuses_field_options_it_would_ignore(db: str, tmp_path: Path) -> None:
    f = tmp_path / "new.yaml"
    f.write_text(
        "- {id: new-one, announced: 2025-05, payer: Nvidia, payee: OpenAI, "
        "kind: equity_investment, sources: [{url: 'https://example.com/n'}]}\n"
    )
    result = run("add-deal", "--from-file", f, "--id", "other-id", "--db", db)
    assert result.exit_code == 2 and "drop --id" in result.stderr
    assert "new-one" not in run("deals", "--db", db, "-f", "csv").output


def test_placeholder_source_url_is_refused_on_write_only(db: str) -> None:
    # README-style "--source https://..." is a placeholder: refused when written ...
    result = run(
        "edit-deal", "asml-mistral-2025", "--set", "status=completed", "--source", "https://...",
        "--db", db,
    )
    assert result.exit_code == 2 and "a real http(s) URL" in result.stderr
    # ... but a ledger that already stores one stays readable and editable (the rule is not in
    # the model, so existing rows still load)
    import sqlalchemy as sa

    engine = sa.create_engine(db)  # a legacy placeholder, stored before this rule existed
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO sources (deal_id, position, url) "
                             "VALUES ('asml-mistral-2025', 99, 'https://...')"))
    engine.dispose()
    ledger = dealweb.open(db)
    deal = ledger.deal("asml-mistral-2025")
    assert any(str(s.url) == "https://..." for s in deal.sources)
    ledger.edit_deal(deal.id, {"status": "completed"}, reason="still editable")
    ledger.close()


def test_deals_table_keeps_more_than_and_about() -> None:
    from dealweb.ledger.commands import _qualifier

    assert _qualifier("more than $10 billion over six years", 10e9, None, False) == (
        "more than $10.0B"
    )
    assert _qualifier("About €1.3 billion", 1.4e9, 1.4e9, False) == "about $1.4B"
    assert _qualifier("about $1 billion to $2 billion", 1e9, 2e9, False) == ""
    assert _qualifier("up to $5 billion", None, 5e9, True) == ""
    assert _qualifier("$30 billion", 30e9, 30e9, False) == ""
