"""News text in, candidate deals out — with provenance, review and evaluation.

* :mod:`~dealweb.extract.textio` reads plain text, Markdown or HTML (and refuses binary input);
* :mod:`~dealweb.extract.quantities` parses money and power expressions;
* :mod:`~dealweb.extract.gazetteer` resolves company names and aliases;
* :mod:`~dealweb.extract.rules` is the rule-based extractor (spaCy, blank English pipeline);
* :mod:`~dealweb.extract.llm` is an optional extractor for an OpenAI-compatible endpoint;
* :mod:`~dealweb.extract.review` turns accepted candidates into ledger deals;
* :mod:`~dealweb.extract.evaluate` scores an extractor on labelled excerpts;
* :mod:`~dealweb.extract.commands` is ``dealweb extract``.

Example
-------
>>> from dealweb.extract import Gazetteer, extract_deals
>>> g = Gazetteer.from_mapping({"OpenAI": [], "Amazon": ["AWS"]}, roles={"Amazon": "cloud"})
>>> [(c.payer, c.payee, c.kind) for c in extract_deals("OpenAI signed a $38B deal with AWS.", g)]
[('openai', 'amazon', 'cloud_commitment')]
"""

from __future__ import annotations

import datetime as dt

from dealweb.extract.base import (
    DEFAULT_EXTRACTOR,
    Candidate,
    Extractor,
    available,
    get_extractor,
    register,
)
from dealweb.extract.gazetteer import Gazetteer, shipped_gazetteer

__all__ = [
    "DEFAULT_EXTRACTOR",
    "Candidate",
    "Extractor",
    "Gazetteer",
    "available",
    "extract_deals",
    "get_extractor",
    "register",
    "shipped_gazetteer",
]


def extract_deals(
    text: str,
    gazetteer: Gazetteer | None = None,
    date: dt.date | None = None,
    extractor: str = DEFAULT_EXTRACTOR,
) -> list[Candidate]:
    """Candidate deals in ``text`` (companies from ``gazetteer``, else the shipped list)."""
    gaz = gazetteer or shipped_gazetteer()
    if gaz is None:
        raise ValueError("no gazetteer given and no shipped companies.yaml found")
    return get_extractor(extractor, gaz).extract(text, date)
