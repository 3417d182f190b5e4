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


def test_cascade_as_csv_and_json_is_machine_readable(db: str) -> None:
    result = invoke("stress", "openai-fails", "--db", db, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    first = data["cascade"][0]
    assert first["company_id"] == "openai" and first["cause"] == "fails (scenario)"
    assert first["unpaid_usd"] > 1e9 and first["year"] == 2026
    # OpenAI's failure spreads: someone else fails because OpenAI did not pay it
    assert any("OpenAI" in (row["missed_receipts_from"] or "") for row in data["cascade"])
    assert {"losses", "years", "unpaid", "balance-sheets", "defaults"} <= set(data)
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
