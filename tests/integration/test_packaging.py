"""Every data file the package reads at run time is declared as package data.

A file missing from ``[tool.setuptools.package-data]`` works in the editable install the tests
use and is silently absent from a built wheel (the candidate filter's weights were, until
session 6: a pip-installed dealweb extracted without its filter).
"""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "dealweb"


def _data_files() -> set[Path]:
    skip = {"__pycache__"}
    return {
        p for p in PACKAGE.rglob("*")
        if p.is_file() and p.suffix not in {".py", ".pyc"} and not skip & set(p.parts)
    }  # fmt: skip


def test_every_data_file_is_package_data() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns = config["tool"]["setuptools"]["package-data"]["dealweb"]
    declared = {p for pattern in patterns for p in PACKAGE.glob(pattern) if p.is_file()}
    missing = sorted(str(p.relative_to(PACKAGE)) for p in _data_files() - declared)
    assert not missing, f"not in [tool.setuptools.package-data] of pyproject.toml: {missing}"


def test_the_extractor_weights_are_among_the_data_files() -> None:
    names = {p.name for p in _data_files()}
    assert {"pair_model.json", "candidate_filter.json"} <= names
