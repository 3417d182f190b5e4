"""Fixtures for the ledger tests: a fresh SQLite ledger per test, and PostgreSQL on demand.

PostgreSQL tests (marker ``postgres``) use ``$DEALWEB_TEST_PG_URL``; each test gets its own
schema (dropped afterwards) so parallel workers never see each other's tables. Without the
variable they are skipped — unless ``DEALWEB_REQUIRE_PG=1`` (CI), where they fail.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

import dealweb
from dealweb.ledger.dataset import load_dataset
from dealweb.ledger.store import Ledger

DATA = Path(__file__).parent / "data"


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'ledger.sqlite'}"


@pytest.fixture
def empty_ledger(db_url: str) -> Iterator[Ledger]:
    ledger = dealweb.open(db_url)
    yield ledger
    ledger.close()


@pytest.fixture(scope="session")
def _loaded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Migrating and loading once per worker, then copying the file, keeps each test fast.
    path = tmp_path_factory.mktemp("template") / "loaded.sqlite"
    ledger = dealweb.open(f"sqlite:///{path}")
    load_dataset(ledger, data_dir=DATA)
    ledger.close()
    return path


@pytest.fixture
def ledger(_loaded_template: Path, tmp_path: Path) -> Iterator[Ledger]:
    """A SQLite ledger holding the fixture dataset tests/ledger/data/*.yaml."""
    path = tmp_path / "loaded.sqlite"
    shutil.copyfile(_loaded_template, path)
    ledger = dealweb.open(f"sqlite:///{path}")
    yield ledger
    ledger.close()


@pytest.fixture
def pg_url() -> Iterator[str]:
    base = os.environ.get("DEALWEB_TEST_PG_URL")
    if not base:
        if os.environ.get("DEALWEB_REQUIRE_PG") == "1":
            pytest.fail("DEALWEB_REQUIRE_PG=1 but DEALWEB_TEST_PG_URL is not set")
        pytest.skip("PostgreSQL tests need DEALWEB_TEST_PG_URL (e.g. postgresql+psycopg://...)")
    import sqlalchemy as sa

    schema = f"dealweb_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base)
    try:
        with admin.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    except sa.exc.OperationalError as exc:
        admin.dispose()
        pytest.fail(f"cannot reach PostgreSQL at DEALWEB_TEST_PG_URL: {exc.orig}")
    url = sa.make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
