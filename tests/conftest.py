"""Fixtures shared by every area's tests."""

from __future__ import annotations

import os

import pytest
from hypothesis import settings
from typer.testing import CliRunner

from dealweb.cli import app

# Property tests explore new random cases on every local run (and remember failures in
# .hypothesis/). CI sets HYPOTHESIS_PROFILE=ci: the same cases every time, so what lands is what
# was run; a new counterexample is found locally, kept as a regression test, then fixed.
settings.register_profile("dev", print_blob=True)
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture(scope="session")
def shipped_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """URL of a SQLite ledger loaded with the shipped dataset by `dealweb init` (read only)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('shipped') / 'ledger.sqlite'}"
    result = CliRunner().invoke(app, ["init", "--db", url])
    assert result.exit_code == 0, result.output
    return url
