"""Stress tests: the shared toy network lives in three_company_toy.py (importable by tests)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
