"""Fixtures for the extraction tests: gazetteers (fixture file and shipped list) and extractors.

Building a spaCy pipeline takes ~0.1 s, so extractors are shared per session.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dealweb.extract.gazetteer import Gazetteer, shipped_gazetteer
from dealweb.extract.rules import RuleExtractor

DATA = Path(__file__).resolve().parents[1] / "data" / "extraction"
# shared/ lies beside the repository (in CI too); the copy here keeps the tests self-contained.
ARTICLE = (
    Path(__file__).resolve().parents[3] / "shared" / "data" / "articles"
    / "microsoft-nvidia-anthropic-2025-11.txt"
)
ARTICLE_COPY = Path(__file__).parent / "microsoft-nvidia-anthropic-2025-11.txt"


@pytest.fixture(scope="session")
def fixture_gazetteer() -> Gazetteer:
    return Gazetteer.from_yaml(DATA / "_gazetteer.yaml")


@pytest.fixture(scope="session", params=["fixture", "shipped"])
def gazetteer(request: pytest.FixtureRequest, fixture_gazetteer: Gazetteer) -> Gazetteer:
    """Both the small test gazetteer and the shipped companies.yaml."""
    if request.param == "fixture":
        return fixture_gazetteer
    shipped = shipped_gazetteer()
    assert shipped is not None, "src/dealweb/data/companies.yaml is missing"
    return shipped


@pytest.fixture(scope="session")
def extractor(gazetteer: Gazetteer) -> RuleExtractor:
    return RuleExtractor(gazetteer)


@pytest.fixture(scope="session")
def article_text() -> str:
    # The shared copy when present, else the copy kept with the tests (identical text).
    path = ARTICLE if ARTICLE.exists() else ARTICLE_COPY
    return path.read_text(encoding="utf-8")
