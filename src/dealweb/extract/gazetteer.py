"""The company gazetteer the extractor resolves mentions against.

A gazetteer is a list of :class:`GazetteerEntry` (id, display name, aliases, role). It is built
from the ledger's :class:`~dealweb.ledger.models.Company` records (``Gazetteer.from_companies``),
from a companies YAML file (``Gazetteer.from_yaml``) or from a plain ``{name: [aliases]}``
mapping, so the extractor can be tested without a database.

Besides company names, news prose names firms by their products ("the ChatGPT maker", "the
creator of Claude"). Those descriptions are explicit, so they are resolved through
:data:`PRODUCTS` (product → owner id, only when that owner is in the gazetteer). Bare
descriptions such as "the chipmaker" are never resolved: that would be guessing.

Example
-------
>>> g = Gazetteer.from_mapping({"Amazon": ["AWS", "Amazon Web Services"], "OpenAI": []})
>>> g.resolve("aws")
'amazon'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml

#: Model and chip product names → owning company id. Used to resolve "the creator of Claude",
#: "ChatGPT maker" and the model being distributed in a distribution deal; a product name on
#: its own never becomes a deal party except in distribution deals.
PRODUCTS: dict[str, str] = {
    "Claude": "anthropic",
    "ChatGPT": "openai",
    "GPT-4": "openai",
    "GPT-5": "openai",
    "GPT": "openai",
    "Sora": "openai",
    "Gemini": "alphabet",
    "Llama": "meta",
    "Grok": "xai",
    "Copilot": "microsoft",
}

#: Words that, next to a product name, name its maker ("ChatGPT maker", "creator of Claude").
MAKER_WORDS = ("maker", "creator", "developer", "owner", "parent", "builder", "company")


@dataclass(frozen=True)
class GazetteerEntry:
    id: str
    name: str
    aliases: tuple[str, ...] = ()
    role: str = "other"

    @property
    def surface_forms(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


def slugify(name: str) -> str:
    """'Microsoft Corp.' -> 'microsoft-corp'."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "company"


@dataclass
class Gazetteer:
    entries: list[GazetteerEntry]
    _index: dict[str, str] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        for e in self.entries:
            for form in e.surface_forms:
                self._index.setdefault(form.casefold(), e.id)
            self._index.setdefault(e.id.casefold(), e.id)

    # --- construction -------------------------------------------------------------------------
    @classmethod
    def from_companies(cls, companies: Iterable[object]) -> Gazetteer:
        """From ledger ``Company`` models (anything with id, name, aliases, role)."""
        entries = [
            GazetteerEntry(
                id=str(c.id),  # type: ignore[attr-defined]
                name=str(c.name),  # type: ignore[attr-defined]
                aliases=tuple(getattr(c, "aliases", ()) or ()),
                role=str(getattr(c, "role", "other") or "other"),
            )
            for c in companies
        ]
        return cls(entries)

    @classmethod
    def from_mapping(
        cls, mapping: Mapping[str, Iterable[str]], roles: Mapping[str, str] | None = None
    ) -> Gazetteer:
        """From ``{display name: [aliases]}``; ids are slugs of the names."""
        roles = roles or {}
        return cls(
            [
                GazetteerEntry(slugify(n), n, tuple(a), roles.get(n, "other"))
                for n, a in mapping.items()
            ]
        )

    @classmethod
    def from_yaml(cls, path: str | Path) -> Gazetteer:
        """From a companies YAML file: a list (or ``companies:`` list) of id/name/aliases/role."""
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        if isinstance(data, dict):
            data = data.get("companies", data)
        if not isinstance(data, list):
            raise ValueError(f"{path}: expected a list of companies")
        entries = []
        for i, item in enumerate(data):
            if not isinstance(item, dict) or "name" not in item:
                raise ValueError(f"{path}: company #{i + 1} needs at least a 'name'")
            entries.append(
                GazetteerEntry(
                    id=str(item.get("id") or slugify(item["name"])),
                    name=str(item["name"]),
                    aliases=tuple(str(a) for a in item.get("aliases") or ()),
                    role=str(item.get("role") or "other"),
                )
            )
        return cls(entries)

    # --- lookup -------------------------------------------------------------------------------
    def resolve(self, name: str) -> str | None:
        """Company id for a name, alias or id (case-insensitive), None when unknown."""
        return self._index.get(name.strip().casefold())

    def entry(self, company_id: str) -> GazetteerEntry:
        for e in self.entries:
            if e.id == company_id:
                return e
        raise KeyError(f"unknown company id {company_id!r}")

    def name(self, company_id: str | None) -> str | None:
        if company_id is None:
            return None
        try:
            return self.entry(company_id).name
        except KeyError:
            return company_id

    def role(self, company_id: str) -> str:
        try:
            return self.entry(company_id).role
        except KeyError:
            return "other"

    def products(self) -> dict[str, str]:
        """Product names whose owner is in this gazetteer (resolved to this gazetteer's ids)."""
        out = {}
        for product, owner in PRODUCTS.items():
            owner_id = self.resolve(owner)
            if owner_id is not None and self.resolve(product) is None:
                out[product] = owner_id
        return out

    def __len__(self) -> int:
        return len(self.entries)


def shipped_gazetteer() -> Gazetteer | None:
    """The gazetteer of the shipped dataset (``dealweb/data/companies.yaml``), if present."""
    path = Path(__file__).resolve().parent.parent / "data" / "companies.yaml"
    if not path.exists():
        return None
    return Gazetteer.from_yaml(path)
