"""The shipped dataset (dealweb/data/*.yaml) loads through the same checks as any import."""

from __future__ import annotations

from pathlib import Path

import yaml

import dealweb
from dealweb.ledger.dataset import load_dataset, shipped_data_dir
from dealweb.ledger.io import export_file, import_file
from dealweb.ledger.summary import summarize

SHIPPED = shipped_data_dir()


def test_shipped_dataset_loads_completely_and_round_trips(tmp_path: Path) -> None:
    companies = yaml.safe_load((SHIPPED / "companies.yaml").read_text())
    deals = yaml.safe_load((SHIPPED / "deals.yaml").read_text())
    ledger = dealweb.open(f"sqlite:///{tmp_path / 'shipped.sqlite'}")
    report = load_dataset(ledger)
    assert report.loaded
    assert report.counts["companies"] == len(companies)
    assert report.counts["deals"] == len(deals)
    # loading again is a no-op; --force rewrites nothing that is unchanged
    assert not load_dataset(ledger).loaded
    forced = load_dataset(ledger, force=True)
    assert forced.imported is not None
    assert forced.imported.deals == {"unchanged": len(deals)}
    # summary agrees with the frame
    s = summarize(ledger)
    assert s.deals == len(deals) and s.companies == len(companies)
    assert s.stated_low <= s.stated_high
    first = export_file(ledger, tmp_path / "first.yaml")
    fresh = dealweb.open(f"sqlite:///{tmp_path / 'fresh.sqlite'}")
    import_file(fresh, first)
    second = export_file(fresh, tmp_path / "second.yaml")
    assert first.read_bytes() == second.read_bytes()
