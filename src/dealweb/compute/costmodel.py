"""The sourced cost model: capex per gigawatt by hardware generation, energy, revenue-gap defaults.

The numbers live in a YAML file (``cost_model.yaml`` next to this module, or the user's file via
``--cost-model FILE`` / ``$DEALWEB_COST_MODEL``). Every figure is a range with the URLs it was
read from, or an explicit assumption with its reason; this module validates the file, reports a
bad value with its file, line and field, and turns the file into numbers:

* capex per GW split into **systems** (accelerators, servers, networking), **power equipment**
  (electrical and mechanical plant incl. cooling) and **shell** (building, site, fit-out) —
  either a sourced all-in total times a sourced split (Bernstein's GB200 rack economics, Foxconn's
  Vera Rubin rack count), or a sourced systems cost plus Cushman & Wakefield's construction cost
  per MW of critical load;
* energy per GW-year = 8,760 h x load factor x PUE x electricity price (EIA, Uptime Institute).

Example
-------
>>> model = load_cost_model()
>>> low, high = model.capex_per_gw().total
>>> low <= 20e9 and high >= 25e9
True
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, model_validator

DEFAULT_COST_MODEL_PATH = Path(__file__).with_name("cost_model.yaml")
COST_MODEL_ENV = "DEALWEB_COST_MODEL"
HOURS_PER_YEAR = 8760.0
MWH_PER_GW_HOUR = 1000.0
COMPONENTS = ("systems", "power_equipment", "shell")

Range = tuple[float, float]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Citation(_Strict):
    url: str = Field(pattern=r"^https?://[^\s/]+\.[^\s]+$")
    says: str = Field(min_length=3, description="what the source states, in our words")


class _Cited(_Strict):
    """A figure with where it came from: sources, or an assumption with its reason (or both)."""

    sources: list[Citation] = Field(default_factory=list)
    assumption: str | None = None
    basis: str | None = None
    derivation: str | None = None

    @model_validator(mode="after")
    def _has_provenance(self) -> _Cited:
        if not self.sources and not (self.assumption and self.assumption.strip()):
            raise ValueError(
                "needs 'sources' (list of {url, says}) or an 'assumption' with a reason"
            )
        return self


class RangeValue(_Cited):
    low: float = Field(ge=0)
    high: float = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> RangeValue:
        if self.low > self.high:
            raise ValueError(f"low ({self.low:g}) is greater than high ({self.high:g})")
        return self

    @property
    def range(self) -> Range:
        return (self.low, self.high)


class ScalarValue(_Cited):
    value: float


class Split(_Cited):
    systems: float = Field(0.0, ge=0, le=1)
    power_equipment: float = Field(ge=0, le=1)
    shell: float = Field(ge=0, le=1)

    @model_validator(mode="after")
    def _sums_to_one(self) -> Split:
        total = self.systems + self.power_equipment + self.shell
        if abs(total - 1.0) > 1e-3:
            raise ValueError(f"split shares must sum to 1, got {total:.4f}")
        return self


class Facility(_Strict):
    construction_usd_per_gw: RangeValue
    split: str


class Generation(_Strict):
    label: str
    years: list[int] = Field(default_factory=list)
    aliases: list[str] = Field(default_factory=list)
    capex_usd_per_gw: RangeValue | None = None
    split: str | None = None
    systems_usd_per_gw: RangeValue | None = None
    facility: Literal["default"] | None = None

    @model_validator(mode="after")
    def _one_form(self) -> Generation:
        top_down = self.capex_usd_per_gw is not None
        bottom_up = self.systems_usd_per_gw is not None
        if top_down == bottom_up:
            raise ValueError(
                "give either capex_usd_per_gw + split (all-in total) or "
                "systems_usd_per_gw + facility: default (systems plus construction)"
            )
        if top_down and not self.split:
            raise ValueError("capex_usd_per_gw needs a 'split' naming an entry of 'splits'")
        if bottom_up and self.facility is None:
            raise ValueError("systems_usd_per_gw needs 'facility: default'")
        return self


class Energy(_Strict):
    electricity_usd_per_mwh: RangeValue
    pue: RangeValue
    load_factor: RangeValue

    @model_validator(mode="after")
    def _physical(self) -> Energy:
        if self.pue.low < 1.0:
            raise ValueError(f"pue.low must be >= 1 (total power / IT power), got {self.pue.low}")
        if self.load_factor.high > 1.0:
            raise ValueError(f"load_factor.high must be <= 1, got {self.load_factor.high}")
        return self


class GapDefaults(_Strict):
    useful_life_accelerators_years: ScalarValue
    useful_life_facility_years: ScalarValue
    gross_margin: ScalarValue
    cost_of_capital: ScalarValue
    other_opex_share_of_capex: ScalarValue
    deployment_years: ScalarValue
    start_lag_years: ScalarValue
    rent_term_years: ScalarValue
    revenue_growth_per_year: ScalarValue


@dataclass(frozen=True)
class CapexBreakdown:
    """Capex per GW as (low, high) per component; ``total`` is the sourced all-in range."""

    generation: str
    label: str
    systems: Range
    power_equipment: Range
    shell: Range
    total: Range

    def component(self, name: str) -> Range:
        return getattr(self, name)


class CostModel(_Strict):
    name: str
    version: str
    as_of: str
    currency: Literal["USD"] = "USD"
    default_generation: str
    year_defaults: dict[int, str] = Field(default_factory=dict)
    splits: dict[str, Split]
    facility: Facility
    generations: dict[str, Generation]
    energy: Energy
    revenue_gap: GapDefaults

    _path: str | None = PrivateAttr(default=None)
    _digest: str | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _references(self) -> CostModel:
        if self.default_generation not in self.generations:
            raise ValueError(
                f"default_generation {self.default_generation!r} is not one of "
                f"{sorted(self.generations)}"
            )
        for year, gen in self.year_defaults.items():
            if gen not in self.generations:
                raise ValueError(f"year_defaults[{year}] names unknown generation {gen!r}")
        if self.facility.split not in self.splits:
            raise ValueError(f"facility.split {self.facility.split!r} is not one of the splits")
        if self.splits[self.facility.split].systems != 0:
            raise ValueError("the facility split must not have a systems share")
        for key, gen in self.generations.items():
            if gen.split is not None and gen.split not in self.splits:
                raise ValueError(f"generations.{key}.split {gen.split!r} is not one of the splits")
        return self

    # -- identity ---------------------------------------------------------------------------
    def info(self) -> dict[str, str]:
        """Name, version, date, file and content hash: put this in every result that uses it."""
        return {
            "cost_model": self.name,
            "cost_model_version": self.version,
            "cost_model_as_of": self.as_of,
            "cost_model_file": self._path or "<in memory>",
            "cost_model_sha256": (self._digest or "")[:12],
        }

    # -- generations ------------------------------------------------------------------------
    def resolve(self, generation: str | None = None, year: int | None = None) -> list[str]:
        """Generation keys for a name, an alias, or several joined by '+' or ','.

        No generation: the generation for ``year`` in ``year_defaults``, else the default.
        """
        if generation is None or not str(generation).strip():
            if year is not None and int(year) in self.year_defaults:
                return [self.year_defaults[int(year)]]
            return [self.default_generation]
        keys: list[str] = []
        for part in re.split(r"[+,]", str(generation)):
            key = self._lookup(part.strip())
            if key not in keys:
                keys.append(key)
        return keys

    def _lookup(self, name: str) -> str:
        wanted = name.lower().replace("_", "-")
        for key, gen in self.generations.items():
            if wanted == key or wanted in (a.lower() for a in gen.aliases):
                return key
        raise KeyError(
            f"unknown hardware generation {name!r}; expected one of {', '.join(self.generations)}"
            f" (or an alias such as h100, gb200, rubin, mi450)"
        )

    def generation_for_text(self, text: str | None) -> str | None:
        """Generations named in free text.

        'Grace Blackwell and Vera Rubin' -> 'blackwell+vera-rubin'; None when none is named.
        """
        if not text:
            return None
        lowered = text.lower()
        found = []
        for key, gen in self.generations.items():
            for alias in gen.aliases:
                # whole words, plural allowed ("TPUs", "GB200s")
                if re.search(rf"(?<![a-z0-9]){re.escape(alias.lower())}s?(?![a-z0-9])", lowered):
                    found.append(key)
                    break
        return "+".join(found) or None

    def breakdown(self, key: str) -> CapexBreakdown:
        """Capex per GW of one generation, per component."""
        gen = self.generations[key]
        if gen.capex_usd_per_gw is not None:
            split = self.splits[gen.split or ""]
            lo, hi = gen.capex_usd_per_gw.range
            parts = {c: (lo * getattr(split, c), hi * getattr(split, c)) for c in COMPONENTS}
            total = (lo, hi)
        else:
            assert gen.systems_usd_per_gw is not None
            fsplit = self.splits[self.facility.split]
            flo, fhi = self.facility.construction_usd_per_gw.range
            parts = {
                "systems": gen.systems_usd_per_gw.range,
                "power_equipment": (flo * fsplit.power_equipment, fhi * fsplit.power_equipment),
                "shell": (flo * fsplit.shell, fhi * fsplit.shell),
            }
            total = (sum(p[0] for p in parts.values()), sum(p[1] for p in parts.values()))
        return CapexBreakdown(generation=key, label=gen.label, total=total, **parts)

    def capex_per_gw(
        self, generation: str | None = None, year: int | None = None
    ) -> CapexBreakdown:
        """Capex per GW; several generations give the envelope (lowest low, highest high)."""
        parts = [self.breakdown(k) for k in self.resolve(generation, year)]
        if len(parts) == 1:
            return parts[0]

        def env(name: str) -> Range:
            rs = [p.component(name) for p in parts]
            return (min(r[0] for r in rs), max(r[1] for r in rs))

        return CapexBreakdown(
            generation="+".join(p.generation for p in parts),
            label=" / ".join(p.label for p in parts),
            systems=env("systems"),
            power_equipment=env("power_equipment"),
            shell=env("shell"),
            total=env("total"),
        )

    def systems_share(self, generation: str | None = None, year: int | None = None) -> Range:
        """Share of capex that is systems (depreciated over the accelerator life), low/high."""
        b = self.capex_per_gw(generation, year)
        return (b.systems[0] / b.total[0], b.systems[1] / b.total[1])

    # -- energy -----------------------------------------------------------------------------
    def energy_per_gw_year(self) -> Range:
        """USD of electricity per GW of IT capacity per year: 8,760 h x load x PUE x price."""
        e = self.energy
        per = HOURS_PER_YEAR * MWH_PER_GW_HOUR
        return (
            per * e.load_factor.low * e.pue.low * e.electricity_usd_per_mwh.low,
            per * e.load_factor.high * e.pue.high * e.electricity_usd_per_mwh.high,
        )

    # -- provenance -------------------------------------------------------------------------
    def assumptions(self) -> list[dict[str, Any]]:
        """Every figure with its value(s) and provenance, flattened for printing."""
        rows: list[dict[str, Any]] = []

        def add(field: str, item: _Cited, value: str) -> None:
            rows.append(
                {
                    "field": field,
                    "value": value,
                    "source": " | ".join(s.url for s in item.sources),
                    "assumption": item.assumption or "",
                    "note": item.basis or item.derivation or "",
                }
            )

        for key, gen in self.generations.items():
            for attr in ("capex_usd_per_gw", "systems_usd_per_gw"):
                rv = getattr(gen, attr)
                if rv is not None:
                    add(f"generations.{key}.{attr}", rv, f"{_num(rv.low)}–{_num(rv.high)}")
        for key, split in self.splits.items():
            value = ", ".join(f"{c}={getattr(split, c):.3g}" for c in COMPONENTS)
            add(f"splits.{key}", split, value)
        fc = self.facility.construction_usd_per_gw
        add("facility.construction_usd_per_gw", fc, f"{_num(fc.low)}–{_num(fc.high)}")
        for attr in ("electricity_usd_per_mwh", "pue", "load_factor"):
            rv = getattr(self.energy, attr)
            add(f"energy.{attr}", rv, f"{_num(rv.low)}–{_num(rv.high)}")
        for attr in GapDefaults.model_fields:
            sv = getattr(self.revenue_gap, attr)
            add(f"revenue_gap.{attr}", sv, f"{sv.value:g}")
        return rows


def _num(x: float) -> str:
    """Compact number for provenance listings: $35.0B for money, 1.58 for ratios."""
    for scale, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M")):
        if abs(x) >= scale:
            return f"${x / scale:,.1f}{suffix}"
    return f"{x:g}"


# -- loading --------------------------------------------------------------------------------
def _line_of(text: str, loc: tuple[Any, ...]) -> int | None:
    """1-based line of the YAML node at a pydantic error location (None if not found)."""
    try:
        node = yaml.compose(text)
    except yaml.YAMLError:
        return None
    line = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            match = next(((k, v) for k, v in node.value if str(k.value) == str(part)), None)
            if match is None:
                break
            node = match[1]
            line = match[0].start_mark.line + 1  # the key's line: where a reader looks
            continue
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                break
            node = node.value[part]
        else:
            break
        line = node.start_mark.line + 1
    return line


def parse_cost_model(text: str, source: str = "<string>") -> CostModel:
    """Validate cost-model YAML text; errors name the file, line, field, value and expectation."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{source}:{mark.line + 1}" if mark is not None else source
        raise ValueError(f"{where}: not valid YAML ({getattr(exc, 'problem', exc)})") from None
    if not isinstance(data, dict):
        raise ValueError(f"{source}: expected a mapping of cost-model fields at the top level")
    try:
        model = CostModel.model_validate(data)
    except ValidationError as exc:
        messages = []
        for err in exc.errors()[:5]:
            loc = tuple(p for p in err["loc"] if not str(p).startswith("function-after"))
            line = _line_of(text, loc)
            where = f"{source}:{line}" if line else source
            field = ".".join(str(p) for p in loc) or "<top level>"
            got = err.get("input")
            shown = "" if isinstance(got, dict | list) else f" (got {got!r})"
            messages.append(f"{where}: {field}: {err['msg']}{shown}")
        raise ValueError("invalid cost model\n  " + "\n  ".join(messages)) from None
    model._path = source
    model._digest = hashlib.sha256(text.encode()).hexdigest()
    return model


@lru_cache(maxsize=8)
def _load_cached(path: str, mtime: float) -> CostModel:
    return parse_cost_model(Path(path).read_text(encoding="utf-8"), source=path)


def load_cost_model(path: str | os.PathLike[str] | None = None) -> CostModel:
    """Load a cost model: ``path``, else ``$DEALWEB_COST_MODEL``, else the shipped file."""
    chosen = Path(path or os.environ.get(COST_MODEL_ENV) or DEFAULT_COST_MODEL_PATH)
    if not chosen.is_file():
        raise ValueError(f"cost model file not found: {chosen}")
    return _load_cached(str(chosen.resolve()), chosen.stat().st_mtime)


_ACTIVE: CostModel | None = None


def get_cost_model() -> CostModel:
    """The cost model in use (set by :func:`set_cost_model`, else :func:`load_cost_model`)."""
    return _ACTIVE if _ACTIVE is not None else load_cost_model()


def set_cost_model(model: CostModel | str | os.PathLike[str] | None) -> CostModel:
    """Make ``model`` (or the file at that path; None = back to default) the one in use."""
    global _ACTIVE
    _ACTIVE = model if isinstance(model, CostModel) or model is None else load_cost_model(model)
    return get_cost_model()


@contextmanager
def use_cost_model(model: CostModel | str | os.PathLike[str] | None) -> Iterator[CostModel]:
    """Temporarily use another cost model (e.g. for one command)."""
    global _ACTIVE
    previous = _ACTIVE
    try:
        yield set_cost_model(model)
    finally:
        _ACTIVE = previous


def cost_model_info() -> dict[str, str]:
    """Identity of the cost model in use; analyses add it to their results."""
    return get_cost_model().info()
