"""The circularity CLI on the shipped dataset: ``dealweb init`` into a temporary SQLite file,
then the loops the issue names must be found with their deals and amounts."""

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


def run_json(*args: str) -> list[dict]:
    result = runner.invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def loop(rows: list[dict], companies: str) -> dict:
    found = [r for r in rows if r["companies"] == companies]
    assert found, f"no loop {companies}; found {[r['loop'] for r in rows]}"
    return found[0]


def test_anthropic_loops_with_microsoft_and_nvidia(db: str) -> None:
    rows = run_json("loops", "--company", "Anthropic", "--db", db)
    ms = loop(rows, "anthropic,microsoft")
    assert ms["loop"] == "Anthropic → Microsoft → Anthropic"
    assert "anthropic-azure-2025" in ms["deals"] and "msft-anthropic-equity-2025" in ms["deals"]
    # $30B Azure commitment one way, up to $5B equity (mid $2.5B) the other.
    assert sorted(ms["edge_amounts"]) == [2.5e9, 30e9]
    assert ms["circular_amount"] == 2.5e9
    nv = loop(rows, "anthropic,nvidia")
    assert "nvda-anthropic-equity-2025" in nv["deals"]
    assert "anthropic-nvidia-1gw-2025" in nv["deals"]  # priced from gigawatts
    assert nv["circular_amount"] == min(nv["edge_amounts"]) > 0


def test_oracle_loop_through_nvidia_and_openai(db: str) -> None:
    rows = run_json("loops", "--company", "Oracle", "--db", db)
    top = loop(rows, "oracle,nvidia,openai")
    assert top["loop"] == "Oracle → Nvidia → OpenAI → Oracle"
    assert "openai-oracle-300b-2025" in top["deals"]
    assert "oracle-nvidia-40b-2025" in top["deals"]
    assert top["circular_amount"] == min(top["edge_amounts"])


def test_loops_as_of_before_the_deals(db: str) -> None:
    rows = run_json("loops", "--company", "Oracle", "--as-of", "2024", "--db", db)
    assert rows == []


def test_circularity_compress_concentration_timeline_run(db: str) -> None:
    circ = run_json("circularity", "--db", db)
    assert 0 < circ[0]["network_fci"] < 1
    one = run_json("circularity", "--company", "Anthropic", "--db", db)
    assert [r["company"] for r in one] == ["Anthropic"]
    assert one[0]["network_fci"] == circ[0]["network_fci"]
    assert 0 < one[0]["round_tripped"] <= one[0]["inflow"]
    summary = run_json("compress", "--db", db, "--amounts", "high")[0]
    assert summary["announced"] == pytest.approx(
        summary["net_new"] + summary["circular"] + summary["intermediated"])
    conc = run_json("concentration", "--company", "OpenAI", "--db", db)
    assert conc[0]["company"] == "OpenAI"
    t = run_json("timeline", "--measure", "counterparty-share", "--company", "Microsoft",
                 "--counterparty", "OpenAI", "--among-role", "ai_lab", "--start", "2019",
                 "--as-of", "2025-12-31", "--db", db)
    assert t[0]["date"] == "2019-12-31" and t[0]["value"] == 1.0
    assert (t[0]["company"], t[0]["company_id"]) == ("Microsoft", "microsoft")
    assert t[-1]["value"] < 1.0  # Anthropic joined Microsoft's AI-lab exposure in 2025


@pytest.mark.parametrize(
    "args",
    [
        ["loops", "--company", "Nobody"],
        ["loops", "--as-of", "yesterday"],
        ["loops", "--usd-per-gw", "cheap"],
        ["loops", "--kinds", "gifts"],
        ["compress", "--status", "done"],
        ["timeline", "--measure", "vibes"],
        ["timeline", "--measure", "hhi-in"],
    ],
)
def test_bad_input_exits_2_without_traceback(db: str, args: list[str]) -> None:
    result = runner.invoke(app, [*args, "--db", db])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output


def test_table_output(db: str) -> None:
    result = runner.invoke(app, ["loops", "--company", "Anthropic", "--db", db])
    assert result.exit_code == 0 and "Anthropic" in result.stdout
    assert Path(db.removeprefix("sqlite:///")).exists()


def test_loops_title_names_the_company_as_displayed(db: str) -> None:
    # QA 2026-11-25: `loops --company Oracle` was titled "Money loops through oracle" (the id)
    result = runner.invoke(app, ["loops", "--company", "ORACLE", "--db", db])
    assert result.exit_code == 0 and "Money loops through Oracle (" in result.stdout
