"""`dealweb stress` and `dealweb scenarios` end to end, on a SQLite ledger loaded from the shipped
dataset with `dealweb init --db ...` (module-scoped: loaded once)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dealweb.cli import app

runner = CliRunner()
@pytest.fixture()
def db(shipped_db: str) -> str:
    return shipped_db


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tables as on a wide terminal, whatever the test runner's terminal is."""
    from dealweb import clikit

    monkeypatch.setattr(clikit.console, "width", 200)


def invoke(*args: str) -> object:
    return runner.invoke(app, list(args), env={"COLUMNS": "200"})


def test_list_shipped_scenarios() -> None:
    for args in (["stress", "--list"], ["scenarios"]):
        result = invoke(*args, "--format", "csv")
        assert result.exit_code == 0, result.output
        for name in ("baseline", "ai-revenue-shortfall", "openai-fails", "compute-price-collapse"):
            assert name in result.output


def test_ai_revenue_shortfall_prints_a_cascade_with_names_and_dollars(db: str) -> None:
    result = invoke("stress", "ai-revenue-shortfall", "--db", db)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Cascade" in out and "OpenAI" in out and "2026" in out
    assert "$" in out and "B" in out  # dollar shortfalls, compact
    assert "Year by year" in out and "Documented role defaults used" in out


def test_cascade_as_csv_and_json_is_machine_readable(db: str, tmp_path: Path) -> None:
    result = invoke("stress", "openai-fails", "--db", db, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    first = data["cascade"][0]
    assert first["company_id"] == "openai" and first["cause"] == "fails (scenario)"
    assert first["unpaid_usd"] > 1e9 and first["year"] == 2026
    assert {"losses", "years", "unpaid", "balance-sheets", "defaults"} <= set(data)
    # OpenAI's failure spreads: what it leaves unpaid is each creditor's credit loss.
    owed: dict[str, float] = {}
    for row in data["unpaid"]:
        if row["payer"] == "OpenAI":
            owed[row["payee"]] = owed.get(row["payee"], 0.0) + row["unpaid_usd"]
    assert sum(owed.values()) > 100e9
    credit_loss = {row["company"]: row["credit_loss_usd"] for row in data["losses"]}
    assert all(credit_loss[payee] >= 0.999 * usd for payee, usd in owed.items())
    # ... and takes down a creditor that lives on OpenAI's payments. Before the shipped data timed
    # Oracle's $300B contract from 2027, Oracle was that creditor here (felled in 2028 by OpenAI's
    # unpaid $60B a year); now nothing is due to Oracle in 2026 and no shipped company fails only
    # because of OpenAI, so the knock-on default is shown on a creditor given a thin balance sheet
    # (no cash or outside revenue, $6B of debt): Cerebras, owed >$10B over 2026-2028 by OpenAI.
    thin = tmp_path / "thin.yaml"
    thin.write_text(
        "extends: openai-fails\nname: openai-fails-thin-creditor\nbalance_sheets:\n  overrides:\n"
        "    cerebras: {revenue: 0, cash: 0, debt: 6.0e9, equity_value: 23.0e9, cash_margin: 1}\n"
    )
    result = invoke("stress", str(thin), "--db", db, "--format", "json")
    assert result.exit_code == 0, result.output
    rows = {row["company_id"]: row for row in json.loads(result.stdout)["cascade"]}
    assert rows["cerebras"]["year"] == 2026
    assert "OpenAI" in (rows["cerebras"]["missed_receipts_from"] or "")
    csv = invoke("stress", "openai-fails", "--db", db, "--format", "csv", "--part", "losses")
    assert csv.exit_code == 0 and csv.stdout.startswith("company_id,company,defaulted")


def test_ten_thousand_runs_print_default_probabilities(db: str) -> None:
    # Speed lives in benchmarks/stress_system_bench.py, not here.
    result = invoke(
        "stress",
        "ai-revenue-shortfall",
        "--db",
        db,
        "--runs",
        "10000",
        "--seed",
        "1",
        "--format",
        "csv",
        "--part",
        "probabilities",
    )
    assert result.exit_code == 0, result.output
    header, *rows = result.stdout.strip().splitlines()
    assert header.startswith("company_id,company,default_probability")
    probs = {r.split(",")[0]: float(r.split(",")[2]) for r in rows}
    assert probs["openai"] > 0.5 and all(0.0 <= p <= 1.0 for p in probs.values())
    table = invoke("stress", "ai-revenue-shortfall", "--db", db, "--runs", "500", "--seed", "1")
    assert "Monte Carlo: 500 runs" in table.output and "P(default)" in table.output
    assert "ES 95% loss" in table.output


def test_model_override_and_scenario_file_path(db: str, tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text("extends: baseline\nname: mine\nshocks:\n  fail: [{company: CoreWeave}]\n")
    result = invoke(
        "stress", str(path), "--db", db, "--model", "rogers-veraart", "--format", "json"
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["scenario"]["model"] == "rogers-veraart"
    assert any(r["company_id"] == "coreweave" for r in data["cascade"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("horizon: 3\nshockz: {}\n", "line 2, (top level): unknown key 'shockz'"),
        ("horizon: three\n", "line 1, horizon"),
        ("horizon: -1\n", "horizon: expected a number >= 1, got -1"),
        (
            "shocks:\n  fail: [{company: Nobody Inc}]\n",
            "shocks.fail[0].company: unknown company 'Nobody Inc'",
        ),
    ],
)
def test_bad_scenario_file_exits_2_with_a_clear_message(
    db: str, tmp_path: Path, text: str, expected: str
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    result = invoke("stress", str(path), "--db", db)
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert expected in " ".join(result.output.split())
    assert "bad.yaml" in result.output


def test_unknown_scenario_name_and_missing_argument() -> None:
    result = invoke("stress", "no-such-scenario")
    assert result.exit_code == 2 and "no scenario named 'no-such-scenario'" in result.output
    result = invoke("stress")
    assert result.exit_code == 2 and "give a scenario" in result.output


def test_rounding_noise_in_a_loss_prints_as_zero_dollars() -> None:
    # Monte Carlo averages gave OpenAI an expected loss of -1.5e-07 USD, printed "$-0" (QA)
    from dealweb.stress.commands import _usd

    assert (_usd(-1.495e-07), _usd(0.3), _usd(-2.5e9)) == ("$0", "$0", "$-2.5B")


def test_scenario_heading_prints_its_name_verbatim_and_no_dangling_colon(
    db: str, tmp_path: Path
) -> None:
    path = tmp_path / "odd.yaml"
    path.write_text('name: "x [bold]y[/]"\nhorizon: 1\n')
    result = invoke("stress", str(path), "--db", db)
    assert result.exit_code == 0, result.output
    assert "Scenario x [bold]y[/]\n" in result.stdout  # no ": " before an empty description
