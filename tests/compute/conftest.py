"""Fixtures for the compute tests; helpers live in compute_frames.py (importable by tests)."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).parent))

from compute_frames import reference_deals, reference_figures  # noqa: E402


@pytest.fixture
def ref_deals() -> pd.DataFrame:
    return reference_deals()


@pytest.fixture
def ref_figures() -> pd.DataFrame:
    return reference_figures()
