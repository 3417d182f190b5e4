"""What every extractor returns, the extractor interface, and the registry of extractors.

An extractor turns article text into :class:`Candidate` deals. The built-in one is rule-based
(:mod:`dealweb.extract.rules`); an LLM-backed one (:mod:`dealweb.extract.llm`) talks to an
OpenAI-compatible endpoint the user configures. Others register with :func:`register`::

    @register("mine")
    class MyExtractor:
        def __init__(self, gazetteer, **options): ...
        def extract(self, text, date=None): ...

and are picked with ``dealweb extract --extractor mine``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Protocol, runtime_checkable

from dealweb.extract.gazetteer import Gazetteer


@dataclass(frozen=True)
class Candidate:
    """One candidate deal read from an article, with its evidence.

    Parties are gazetteer company ids. Amounts follow the ledger's conventions
    (:mod:`dealweb.ledger.models`): "up to X" is ``up_to=True, high=X, low=None``.
    ``start``/``end`` are character offsets of ``quote`` in the article text.
    """

    payer: str
    payee: str | None
    kind: str
    status: str = "announced"
    currency: str | None = None
    amount_low: float | None = None
    amount_high: float | None = None
    amount_usd_low: float | None = None
    amount_usd_high: float | None = None
    up_to: bool = False
    amount_stated: str | None = None
    gigawatts: float | None = None
    date: dt.date | None = None
    quote: str = ""
    start: int = 0
    end: int = 0
    mentions: int = 1
    extractor: str = "rules"
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def key(self) -> tuple[str, str | None, str]:
        return (self.payer, self.payee, self.kind)

    def with_(self, **changes: Any) -> Candidate:
        return replace(self, **changes)

    def as_record(self, gazetteer: Gazetteer | None = None) -> dict[str, Any]:
        """The JSON shape of ``dealweb extract --format json`` (companies by display name)."""
        name = gazetteer.name if gazetteer is not None else (lambda x: x)
        return {
            "payer": name(self.payer),
            "payee": name(self.payee),
            "kind": self.kind,
            "amount_usd_low": self.amount_usd_low,
            "amount_usd_high": self.amount_usd_high,
            "up_to": self.up_to,
            "gigawatts": self.gigawatts,
            "status": self.status,
            "currency": self.currency,
            "amount_stated": self.amount_stated,
            "date": self.date.isoformat() if self.date else None,
            "quote": self.quote,
            "start": self.start,
            "end": self.end,
            "extractor": self.extractor,  # "rules+pairs": proposed by the learned pair model
            "notes": list(self.notes),
        }

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["date"] = self.date.isoformat() if self.date else None
        d["notes"] = list(self.notes)
        return d


@runtime_checkable
class Extractor(Protocol):
    """Text in, candidate deals out. ``date`` is the article date when known."""

    name: str

    def extract(self, text: str, date: dt.date | None = None) -> list[Candidate]: ...


ExtractorFactory = Callable[..., Extractor]
_REGISTRY: dict[str, ExtractorFactory] = {}

# The rules plus the learned pair model: it beat the rules alone on three batches of unseen
# article-length passages scored once under a comparison written down before they were collected
# (F1 0.56 vs 0.49; tests/data/extraction/README.md, batches 50-52). "rules" is the rules alone.
DEFAULT_EXTRACTOR = "rules+pairs"


def register(name: str) -> Callable[[ExtractorFactory], ExtractorFactory]:
    """Class decorator: make an extractor available under ``name``."""

    def deco(factory: ExtractorFactory) -> ExtractorFactory:
        _REGISTRY[name] = factory
        return factory

    return deco


def available() -> list[str]:
    _load_builtins()
    return sorted(_REGISTRY)


def get_extractor(name: str, gazetteer: Gazetteer, **options: Any) -> Extractor:
    """Build the extractor registered as ``name`` for a gazetteer."""
    _load_builtins()
    if name not in _REGISTRY:
        raise KeyError(f"unknown extractor {name!r}; available: {', '.join(sorted(_REGISTRY))}")
    return _REGISTRY[name](gazetteer, **options)


def _load_builtins() -> None:
    # Imported lazily: the modules register themselves and import this one.
    from dealweb.extract import llm, rules  # noqa: F401
