"""Fixtures shared by every area's tests."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from dealweb.cli import app


@pytest.fixture(scope="session")
def shipped_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """URL of a SQLite ledger loaded with the shipped dataset by `dealweb init` (read only)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('shipped') / 'ledger.sqlite'}"
    result = CliRunner().invoke(app, ["init", "--db", url])
    assert result.exit_code == 0, result.output
    return url
