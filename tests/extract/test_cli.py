"""`dealweb extract` through typer's CliRunner: output formats, review, acceptance, bad input."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

import dealweb
import dealweb.extract.commands  # noqa: F401  (registers the command)
import dealweb.ledger.commands  # noqa: F401  (a second command, so "extract" is a subcommand)
from dealweb.clikit import app
from dealweb.ledger.dataset import load_dataset

runner = CliRunner()
JSON_KEYS = {"payer", "payee", "kind", "amount_usd_low", "amount_usd_high", "up_to", "gigawatts",
             "status", "quote", "start", "end"}  # fmt: skip


def run(*args: object, input: str | None = None):
    return runner.invoke(app, ["extract", *[str(a) for a in args]], input=input,
                         catch_exceptions=False)  # fmt: skip


@pytest.fixture
def article(tmp_path: Path, article_text: str) -> Path:
    p = tmp_path / "article.txt"
    p.write_text(article_text, encoding="utf-8")
    return p


@pytest.fixture(scope="session")
def _templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Loaded and company-only ledgers, built once per worker and copied for each test."""
    d = tmp_path_factory.mktemp("ledgers")
    full, empty = d / "full.sqlite", d / "empty.sqlite"
    ledger = dealweb.open(f"sqlite:///{full}")
    load_dataset(ledger)
    companies = ledger.companies()
    ledger.close()
    ledger = dealweb.open(f"sqlite:///{empty}")
    for c in companies:
        ledger.upsert_company(c.model_copy(update={"figures": []}))
    ledger.close()
    return {"full": full, "empty": empty}


@pytest.fixture
def db(tmp_path: Path, _templates: dict[str, Path]) -> str:
    """The shipped dataset (companies and deals)."""
    target = tmp_path / "ledger.sqlite"
    shutil.copy(_templates["full"], target)
    return f"sqlite:///{target}"


@pytest.fixture
def empty_db(tmp_path: Path, _templates: dict[str, Path]) -> str:
    """A ledger with the shipped companies but no deals."""
    target = tmp_path / "empty.sqlite"
    shutil.copy(_templates["empty"], target)
    return f"sqlite:///{target}"


def test_json_output_has_the_scoring_keys(article: Path, db: str) -> None:
    r = run(article, "--format", "json", "--db", db)
    assert r.exit_code == 0, r.output
    records = json.loads(r.stdout)
    assert len(records) == 6
    assert all(JSON_KEYS <= set(rec) for rec in records)
    pairs = {(rec["payer"], rec["payee"], rec["kind"]) for rec in records}
    assert ("Microsoft", "Anthropic", "equity_investment") in pairs
    gw = next(rec for rec in records if rec["kind"] == "compute_capacity")
    assert gw["amount_usd_low"] is None and gw["gigawatts"] == 1.0


def test_the_reviewer_sees_which_candidates_the_learned_model_proposed(
    tmp_path: Path, db: str
) -> None:
    p = tmp_path / "a.txt"
    p.write_text("Nvidia also backs CoreWeave, a cloud provider that rents GPU capacity. "
                 "Microsoft has invested $13 billion in OpenAI.")  # fmt: skip
    records = json.loads(run(p, "--format", "json", "--db", db).stdout)
    by = {(r["payer"], r["payee"]): r["extractor"] for r in records}
    assert by[("Nvidia", "CoreWeave")] == "rules+pairs" and by[("Microsoft", "OpenAI")] == "rules"
    # anything else is the model's too (it may also read CoreWeave's GPU fleet as a purchase)
    assert {e for k, e in by.items() if k != ("Microsoft", "OpenAI")} == {"rules+pairs"}
    model = next(r for r in records if r["extractor"] == "rules+pairs")
    assert any("pair model" in n for n in model["notes"])
    r = run(p, "--db", db)
    assert r.exit_code == 0 and "│ model │" in r.stdout and "│ rules │" in r.stdout
    assert "(pair model p=" in r.stdout


def test_table_output_and_stdin(article: Path, db: str) -> None:
    r = runner.invoke(app, ["extract", "-", "--db", db], input=article.read_text())
    assert r.exit_code == 0
    assert "Anthropic" in r.stdout and "up to $5.0B" in r.stdout
    assert "[444:557] Microsoft is now investing up to $5 billion" in r.stdout


def test_gazetteer_file_instead_of_ledger(article: Path) -> None:
    gaz = Path(__file__).resolve().parents[1] / "data" / "extraction" / "_gazetteer.yaml"
    r = run(article, "--format", "json", "--gazetteer", gaz)
    assert r.exit_code == 0
    assert len(json.loads(r.stdout)) == 6


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "empty"), (b"\x00\x01\x02binary", "binary"), (b"\x89PNG\r\n\x1a\n\x00\x00", "binary")],
)
def test_bad_files_exit_2_with_a_message(tmp_path: Path, db: str, content: bytes, message: str):
    p = tmp_path / "bad.txt"
    p.write_bytes(content)
    r = run(p, "--db", db)
    assert r.exit_code == 2
    assert message in r.stderr
    assert "Traceback" not in r.output


def test_garbage_text_finds_nothing_and_exits_cleanly(tmp_path: Path, db: str) -> None:
    p = tmp_path / "garbage.txt"
    p.write_text("lorem ipsum qwerty asdf zxcv " * 200)
    r = run(p, "--db", db)
    assert r.exit_code == 0
    assert "no candidate deals" in r.stderr


def test_huge_file_is_capped_with_a_note(tmp_path: Path, db: str) -> None:
    p = tmp_path / "huge.txt"
    p.write_text(("Quiet news day with nothing to report. " * 100 + "\n") * 2600)
    assert p.stat().st_size >= 10_000_000
    r = run(p, "--db", db, "--format", "json")
    assert r.exit_code == 0
    assert "only the first" in r.stderr
    # the file's real size, not the 4,000,017 bytes read before the cut (QA 2026-11-25)
    assert f"{p.stat().st_size:,} bytes" in r.stderr
    assert json.loads(r.stdout) == []


def test_acceptance_requires_a_source_url(article: Path, db: str) -> None:
    r = run(article, "--accept-all", "--db", db)
    assert r.exit_code == 2
    assert "--source-url" in r.stderr
    r = run(article, "--accept-all", "--db", db, "--source-url", "file:///tmp/a.txt")
    assert r.exit_code == 2


def test_acceptance_needs_a_date_when_the_article_has_none(article: Path, db: str) -> None:
    r = run(article, "--accept-all", "--db", db, "--source-url", "https://example.org/a")
    assert r.exit_code == 2
    assert "--date" in r.stderr


def test_acceptance_into_a_ledger_without_companies(article: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'blank.sqlite'}"
    r = run(article, "--accept-all", "--db", url, "--source-url", "https://example.org/a",
            "--date", "2025-11-18")  # fmt: skip
    assert r.exit_code == 2
    assert "dealweb init" in r.stderr


def test_accept_all_twice_adds_nothing_the_second_time(article: Path, empty_db: str) -> None:
    url = "https://example.org/news/microsoft-nvidia-anthropic"
    args = (article, "--accept-all", "--db", empty_db, "--source-url", url, "--date", "2025-11-18")
    r1 = run(*args)
    assert r1.exit_code == 0, r1.output
    ledger = dealweb.open(empty_db)
    first = {d.id: d for d in ledger.deals()}
    assert len(first) == 6
    assert all(d.sources[0].url == url and d.sources[0].quote for d in first.values())
    r2 = run(*args)
    assert r2.exit_code == 0
    assert "6 already recorded" in r2.stderr
    second = {d.id: d for d in ledger.deals()}
    assert second == first


def test_an_accepted_model_candidate_says_so_in_the_ledger(tmp_path: Path, empty_db: str) -> None:
    p = tmp_path / "a.txt"
    p.write_text("Nvidia also backs CoreWeave, a cloud provider that rents GPU capacity.")
    r = run(p, "--accept-all", "--db", empty_db, "--source-url", "https://example.org/a",
            "--date", "2025-11-18")  # fmt: skip
    assert r.exit_code == 0, r.output
    (deal,) = [d for d in dealweb.open(empty_db).deals() if d.kind == "equity_investment"]
    assert (deal.payer, deal.payee) == ("nvidia", "coreweave")
    assert "rules+pairs" in deal.notes and "pair model p=" in deal.notes


def test_matching_deal_is_linked_not_duplicated(article: Path, db: str) -> None:
    # The shipped dataset already has these deals (from other outlets): they gain a source.
    ledger = dealweb.open(db)
    before = {d.id: len(d.sources) for d in ledger.deals()}
    url = "https://example.org/other-outlet"
    r = run(article, "--accept-all", "--db", db, "--source-url", url, "--date", "2025-11-18")
    assert r.exit_code == 0, r.output
    after = {d.id: d for d in ledger.deals()}
    assert set(after) == set(before)
    linked = [d for d in after.values() if any(s.url == url for s in d.sources)]
    assert len(linked) == 6
    assert all(len(d.sources) == before[d.id] + 1 for d in linked)


def test_review_accept_edit_reject(article: Path, empty_db: str) -> None:
    url = "https://example.org/review"
    # 1 accept; 2 edit (change amount to 9b, keep the rest); 3 reject; then quit.
    edit = "\n".join(["", "", "", "-", "9b", "", "", ""]) + "\n"
    answers = "a\n" + "e\n" + edit + "r\n" + "q\n"
    r = run(article, "--review", "--db", empty_db, "--source-url", url, "--date", "2025-11-18",
            input=answers)  # fmt: skip
    assert r.exit_code == 0, r.output
    deals = dealweb.open(empty_db).deals()
    assert len(deals) == 2
    by_payer = {d.payer: d for d in deals}
    assert by_payer["microsoft"].amount_usd_high == 5e9
    assert by_payer["nvidia"].amount_usd_high == 9e9


def test_review_reasks_a_bad_value(article: Path, empty_db: str) -> None:
    edit = "\n".join(["Nobody Corp", "Microsoft", "", "", "", "", "", "", ""]) + "\n"
    r = run(article, "--review", "--db", empty_db, "--source-url", "https://example.org/x",
            "--date", "2025-11-18", input="e\n" + edit + "q\n")  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "unknown company" in r.stderr
    assert [d.payer for d in dealweb.open(empty_db).deals()] == ["microsoft"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--date", "2025-13-01"], "--date: expected a date as YYYY-MM-DD, got '2025-13-01'"),
        (["--date", "yesterday"], "--date: expected a date as YYYY-MM-DD, got 'yesterday'"),
    ],
)
def test_bad_date_option_says_which_option(article: Path, db: str, args, message) -> None:
    r = run(article, *args, "--db", db)
    assert r.exit_code == 2 and message in r.stderr


def test_unreadable_gazetteer_names_the_file(article: Path, tmp_path: Path) -> None:
    binary = tmp_path / "gaz.yaml"
    binary.write_bytes(bytes(range(128, 256)))
    r = run(article, "--gazetteer", binary)
    assert r.exit_code == 2 and f"{binary}: not UTF-8 text" in r.stderr
    broken = tmp_path / "broken.yaml"
    broken.write_text("companies: [unclosed\n")
    r = run(article, "--gazetteer", broken)
    assert r.exit_code == 2 and f"{broken}, line 2: not valid YAML" in r.stderr
    assert "Traceback" not in r.output


def test_pdf_is_refused_with_what_to_do(tmp_path: Path, db: str) -> None:
    pdf = tmp_path / "filing.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n")
    r = run(pdf, "--db", db)
    assert r.exit_code == 2
    assert f"{pdf}: a PDF" in r.stderr and "pdftotext" in r.stderr


def test_review_at_end_of_input_exits_2_and_writes_nothing(article: Path, empty_db: str) -> None:
    # QA 2026-11-25: `--review < /dev/null` printed "Aborted." with exit status 1
    r = run(article, "--review", "--db", empty_db, "--source-url", "https://example.org/x",
            "--date", "2025-11-18", input="a\n")  # fmt: skip
    assert r.exit_code == 2
    assert "review stopped" in r.stderr and "nothing was written" in r.stderr
    assert dealweb.open(empty_db).deals() == []


def test_review_bad_amount_says_what_an_amount_looks_like(article: Path, empty_db: str) -> None:
    edit = "\n".join(["", "", "", "abc", "-", "", "", "", ""]) + "\n"
    r = run(article, "--review", "--db", empty_db, "--source-url", "https://example.org/x",
            "--date", "2025-11-18", input="e\n" + edit + "q\n")  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "expected an amount such as 5b, 350m or 1.4t (- for none), got 'abc'" in r.stderr


def test_the_reviewer_is_told_what_the_model_set_aside(
    tmp_path: Path, db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import numpy as np

    import dealweb.extract.rules.extractor as rules_extractor
    from dealweb.extract.confidence import CandidateFilter

    # a filter that finds every rules' candidate unlikely, whatever the shipped weights say
    drop_all = CandidateFilter({}, np.zeros(0), -10.0, cut=0.5)
    monkeypatch.setattr(rules_extractor, "shipped_filter", lambda: drop_all)
    p = tmp_path / "a.txt"
    p.write_text("Microsoft invested $10 billion in OpenAI.")
    r = run(p, "--db", db)
    assert r.exit_code == 0
    assert "set aside 1 of the rules' candidates" in r.stderr
    assert "Microsoft → OpenAI equity_investment" in r.stderr and "--extractor rules" in r.stderr
    rules = run(p, "--db", db, "--extractor", "rules", "--format", "json")
    assert [(d["payer"], d["payee"]) for d in json.loads(rules.stdout)] == [("Microsoft", "OpenAI")]
    assert "set aside" not in rules.stderr


def test_many_files_as_json_with_a_progress_bar(
    tmp_path: Path, article_text: str, db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dealweb.clikit import OutputFormat
    from dealweb.extract import commands

    assert commands._progress_wanted(OutputFormat.json, 4, terminal=True)
    assert not commands._progress_wanted(OutputFormat.json, 4, terminal=False)  # piped stderr
    assert not commands._progress_wanted(OutputFormat.table, 40, terminal=True)
    assert not commands._progress_wanted(OutputFormat.csv, 3, terminal=True)
    # the bar on stderr leaves stdout a clean JSON list of every file's candidates
    monkeypatch.setattr(commands, "_progress_wanted", lambda *a: True)
    files = []
    for i in range(5):
        files.append(tmp_path / f"a{i}.txt")
        files[-1].write_text(article_text, encoding="utf-8")
    r = run(*files, "--format", "json", "--db", db)
    assert r.exit_code == 0, r.output
    records = json.loads(r.stdout)
    assert len(records) == 30
