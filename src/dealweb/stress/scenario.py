"""Stress scenarios as YAML files: loading, validation and lookup of the shipped ones.

A scenario states the shocks to apply, the horizon, the clearing model and its parameters, and
the uncertainty for Monte Carlo. Every key is validated by pydantic; a bad file gives one message
naming the file, the line, the key path, the value and what was expected, e.g.::

    scenarios/bad.yaml, line 4, shocks.revenue[0].change: expected a number >= -1 (a change of
    -100% at most), got -1.5

Shocks
------
``revenue``: external revenue of a target (company id or name, a role such as ``ai_lab``, or
``all``) changes by ``change`` (-0.5 = -50 %) from ``from_year`` to ``until_year``.
``fail``: a named company fails in ``year``: it pays nothing from then on and its counterparties'
commitments to it lapse (a failed supplier delivers nothing, a failed investee is not funded).
``compute_price``: a "DeepSeek moment": compute prices change by ``change``; deals priced from
gigawatts cost that much less, and compute sellers (clouds, neoclouds, chipmakers) lose
``change x pass_through`` of their external revenue.
``equity``: equity values of a target fall by ``change``; investors lose stake x fall.

Funding
-------
``funding``: money a target raises from outside the deal network (new equity or debt) each year,
``usd_per_year`` from ``from_year`` to ``until_year``; it adds to the target's external assets.
Without it a scenario assumes no money beyond the ledger's announced deals.

Example
-------
>>> s = Scenario.model_validate({"name": "t", "horizon": 3,
...                              "shocks": {"revenue": [{"target": "ai_lab", "change": -0.5}]}})
>>> s.shocks.revenue[0].change, s.model
(-0.5, 'eisenberg-noe')
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Annotated, Any, Literal

import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

SCENARIO_DIR = Path(__file__).resolve().parent / "scenarios"

ModelName = Literal["eisenberg-noe", "rogers-veraart", "debtrank", "furfine", "cross-holdings"]
MODELS: tuple[str, ...] = ModelName.__args__  # type: ignore[attr-defined]
ROLES: frozenset[str] = frozenset({"ai_lab", "cloud", "chipmaker", "neocloud", "investor", "other"})
#: Parameters each model accepts (with their allowed range); anything else is an error.
MODEL_PARAMETERS: dict[str, dict[str, tuple[float, float]]] = {
    "eisenberg-noe": {},
    "rogers-veraart": {"alpha": (0.0, 1.0), "beta": (0.0, 1.0)},
    "debtrank": {},
    "furfine": {"recovery": (0.0, 1.0)},
    "cross-holdings": {},
}

#: Documented defaults for parameters a scenario does not set. Rogers-Veraart: a defaulting
#: company realises half of its external assets in a fire sale (alpha) and 90 % of what it is
#: owed (beta) — an illustrative middle of the range explored by Rogers & Veraart (2013, sec. 5).
DEFAULT_PARAMETERS: dict[str, dict[str, float]] = {
    "rogers-veraart": {"alpha": 0.5, "beta": 0.9},
    "furfine": {"recovery": 0.0},
}

Change = Annotated[float, Field(ge=-1.0, le=10.0, description="relative change, -0.5 = -50 %")]
Year = Annotated[int, Field(ge=1990, le=2200)]


class ScenarioError(ValueError):
    """An unusable scenario file; the message names file, line, key, value and expectation."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class YearRange(_Model):
    """``from_year`` .. ``until_year`` (either open) of a shock or of funding."""

    from_year: Year | None = None
    until_year: Year | None = None

    @model_validator(mode="after")
    def _years_in_order(self) -> YearRange:
        if self.from_year is not None and self.until_year is not None:
            if self.until_year < self.from_year:
                raise ValueError(
                    f"until_year {self.until_year} is before from_year {self.from_year}: "
                    "it would never apply"
                )
        return self


class RevenueShock(YearRange):
    target: str = Field(min_length=1, description="company id/name, role, or 'all'")
    change: Change


class Funding(YearRange):
    """Money a company raises from outside the deal network (new equity or debt), per year.

    Announced investments between companies in the ledger are already obligations
    (``funding_commitments``); this is money from investors *outside* it, an assumption the
    scenario states, e.g. "the labs keep raising $40B a year".
    """

    target: str = Field(min_length=1, description="company id/name, role, or 'all'")
    usd_per_year: Annotated[float, Field(ge=0.0, le=1e13)]


class EquityShock(_Model):
    target: str = Field(min_length=1)
    change: Change


class FailShock(_Model):
    company: str = Field(min_length=1)
    year: Year | None = Field(None, description="default: the first year of the horizon")


class ComputePriceShock(_Model):
    change: Annotated[float, Field(ge=-1.0, le=1.0)]
    from_year: Year | None = None
    pass_through: Annotated[float, Field(ge=0.0, le=1.0)] = 1.0
    sellers: list[str] = Field(default_factory=lambda: ["cloud", "neocloud", "chipmaker"])


class Shocks(_Model):
    revenue: list[RevenueShock] = Field(default_factory=list)
    fail: list[FailShock] = Field(default_factory=list)
    compute_price: ComputePriceShock | None = None
    equity: list[EquityShock] = Field(default_factory=list)


class Uncertainty(_Model):
    """What Monte Carlo samples. Point runs use the means."""

    up_to_floor: Annotated[float, Field(ge=0.0, le=1.0)] = Field(
        0.25, description="'up to X' amounts range from up_to_floor * X to X"
    )
    amount_distribution: Literal["uniform", "triangular"] = "uniform"
    revenue_growth_sd: dict[str, Annotated[float, Field(ge=0.0, le=5.0)]] = Field(
        default_factory=dict, description="target -> sd of annual revenue growth (normal)"
    )


class BalanceSheetSettings(_Model):
    overrides: dict[
        str,
        dict[
            Literal["revenue", "cash", "debt", "equity_value", "cash_margin"],
            Annotated[float, Field(ge=0.0)],
        ],
    ] = Field(default_factory=dict)
    defaults: dict[
        str,
        dict[
            Literal["revenue", "cash", "debt", "equity_value", "cash_margin"],
            Annotated[float, Field(ge=0.0)],
        ],
    ] = Field(default_factory=dict)
    debt_term_years: Annotated[float, Field(gt=0.0, le=50.0)] = 5.0


class Scenario(_Model):
    name: str = Field("custom", min_length=1)
    description: str = ""
    start_year: Year = 2026
    horizon: Annotated[int, Field(ge=1, le=30, description="years")] = 5
    model: ModelName = "eisenberg-noe"
    parameters: dict[str, float] = Field(default_factory=dict)
    amount_basis: Literal["low", "mid", "high"] = "mid"
    statuses: list[Literal["in_talks", "reported", "announced", "completed"]] = Field(
        default_factory=lambda: ["announced", "completed", "reported"]
    )
    funding_commitments: bool = True
    default_terms: dict[str, Annotated[float, Field(gt=0.0, le=50.0)]] = Field(default_factory=dict)
    revenue_growth: dict[str, Annotated[float, Field(ge=-1.0, le=10.0)]] = Field(
        default_factory=dict, description="target -> mean annual growth of external revenue"
    )
    balance_sheets: BalanceSheetSettings = Field(default_factory=BalanceSheetSettings)
    funding: list[Funding] = Field(
        default_factory=list, description="new money from outside the network, per year"
    )
    shocks: Shocks = Field(default_factory=Shocks)
    uncertainty: Uncertainty = Field(default_factory=Uncertainty)
    runs: Annotated[int, Field(ge=0, le=10_000_000)] = 0
    seed: int | None = None

    @model_validator(mode="after")
    def _check_parameters(self) -> Scenario:
        allowed = MODEL_PARAMETERS[self.model]
        for key, value in self.parameters.items():
            if key not in allowed:
                expected = ", ".join(allowed) or "no parameters"
                raise ValueError(
                    f"unknown parameter {key!r} for model {self.model}; expected {expected}"
                )
            lo, hi = allowed[key]
            if not lo <= value <= hi:
                raise ValueError(
                    f"parameter {key} of {self.model} must be in [{lo}, {hi}], got {value}"
                )
        end = self.start_year + self.horizon - 1
        for i, f in enumerate(self.shocks.fail):
            if f.year is not None and not self.start_year <= f.year <= end:
                raise ValueError(
                    f"shocks.fail[{i}].year {f.year} is outside the horizon {self.start_year}-{end}"
                )
        # A shock that starts after the last year, or ends before the first, changes nothing:
        # almost surely a typo in a year, so say so rather than print an unshocked result.
        for i, r in enumerate(self.shocks.revenue):
            if (r.from_year is not None and r.from_year > end) or (
                r.until_year is not None and r.until_year < self.start_year
            ):
                raise ValueError(
                    f"shocks.revenue[{i}] ({r.from_year or '…'}-{r.until_year or '…'}) lies "
                    f"outside the horizon {self.start_year}-{end}: it would have no effect"
                )
        cp = self.shocks.compute_price
        if cp is not None and cp.from_year is not None and cp.from_year > end:
            raise ValueError(
                f"shocks.compute_price.from_year {cp.from_year} is after the horizon "
                f"{self.start_year}-{end}: it would have no effect"
            )
        return self

    def model_parameters(self) -> dict[str, float]:
        """The scenario's parameters on top of the model's :data:`DEFAULT_PARAMETERS`."""
        return {**DEFAULT_PARAMETERS.get(self.model, {}), **self.parameters}

    @property
    def years(self) -> list[int]:
        return list(range(self.start_year, self.start_year + self.horizon))

    def company_references(self) -> Iterator[tuple[str, str, bool]]:
        """(key path, value, may be a role or 'all') for every place a company is named."""
        for i, s in enumerate(self.shocks.revenue):
            yield f"shocks.revenue[{i}].target", s.target, True
        for i, s in enumerate(self.shocks.equity):
            yield f"shocks.equity[{i}].target", s.target, True
        for i, f in enumerate(self.shocks.fail):
            yield f"shocks.fail[{i}].company", f.company, False
        for key in self.revenue_growth:
            yield f"revenue_growth.{key}", key, True
        for key in self.uncertainty.revenue_growth_sd:
            yield f"uncertainty.revenue_growth_sd.{key}", key, True
        for key in self.balance_sheets.overrides:
            yield f"balance_sheets.overrides.{key}", key, False
        for i, f in enumerate(self.funding):
            yield f"funding[{i}].target", f.target, True
        if self.shocks.compute_price:
            for i, r in enumerate(self.shocks.compute_price.sellers):
                yield f"shocks.compute_price.sellers[{i}]", r, True


# ---------------------------------------------------------------------------------------------
# Loading and error messages


def _loc_text(loc: Iterable[object]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"


def _line_of(root: yaml.Node | None, loc: Iterable[object]) -> int | None:
    """1-based line of the YAML node at ``loc`` (or of its nearest existing parent)."""
    node, line = root, (root.start_mark.line + 1 if root is not None else None)
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            nxt = next((v for k, v in node.value if k.value == str(part)), None)
            key = next((k for k, _ in node.value if k.value == str(part)), None)
            if key is None:
                break
            node, line = nxt, key.start_mark.line + 1
        elif (
            isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value)
        ):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line


def _expected(err: dict[str, Any]) -> str:
    kind, ctx = err["type"], err.get("ctx") or {}
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "missing":
        return "required key is missing"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        op = {
            "greater_than_equal": ">=",
            "greater_than": ">",
            "less_than_equal": "<=",
            "less_than": "<",
        }[kind]
        bound = next(iter(ctx.values()), "?")
        return f"expected a number {op} {bound}"
    if kind == "value_error":
        return err["msg"].removeprefix("Value error, ")
    if kind == "literal_error":
        return f"expected one of {ctx.get('expected', '?')}"
    return err["msg"][0].lower() + err["msg"][1:] if err["msg"] else kind


def format_validation_error(exc: ValidationError, source: str, root: yaml.Node | None) -> str:
    lines = []
    for err in exc.errors():
        loc = [p for p in err["loc"]]
        where = source
        line = _line_of(root, loc)
        if line is not None:
            where += f", line {line}"
        got = (
            ""
            if err["type"] == "missing" or isinstance(err.get("input"), dict)
            else (f", got {err.get('input')!r}")
        )
        if err["type"] == "extra_forbidden":
            got = f" {loc[-1]!r}" if loc else ""
            lines.append(f"{where}, {_loc_text(loc[:-1])}: unknown key{got}")
            continue
        lines.append(f"{where}, {_loc_text(loc)}: {_expected(err)}{got}")
    return "\n".join(lines)


def _deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """``override`` on top of ``base``: mappings merge key by key, anything else is replaced."""
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def parse_scenario(
    text: str, source: str = "<scenario>", *, _seen: tuple[str, ...] = ()
) -> Scenario:
    """Validate YAML text as a scenario; :class:`ScenarioError` names source, line, key, value.

    ``extends: NAME_OR_PATH`` starts from another scenario (a shipped name, or a path relative to
    this file) and overrides its keys: mappings merge key by key, lists and values are replaced.
    """
    try:
        root = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ScenarioError(f"{source}: not valid YAML: {exc}") from None
    if data is None:
        # an empty file is more likely a save gone wrong than a wish for the default scenario
        raise ScenarioError(
            f"{source}: empty scenario; expected keys such as name, horizon, shocks "
            "(or 'extends: baseline')"
        )
    if not isinstance(data, dict):
        raise ScenarioError(f"{source}: a scenario is a mapping of keys, got {type(data).__name__}")
    if "extends" in data:
        parent = data.pop("extends")
        line = _line_of(root, ["extends"])
        if not isinstance(parent, str) or not parent:
            raise ScenarioError(
                f"{source}, line {line}, extends: expected a scenario name or path, got {parent!r}"
            )
        relative = Path(source).parent / parent
        target = relative if relative.suffix in (".yaml", ".yml") and relative.is_file() else parent
        try:
            path = find_scenario(target)
        except ScenarioError as exc:
            raise ScenarioError(f"{source}, line {line}, extends: {exc}") from None
        if str(path.resolve()) in _seen:
            raise ScenarioError(f"{source}, line {line}, extends: circular reference to {path}")
        base = parse_scenario(_read_text(path), str(path), _seen=(*_seen, str(path.resolve())))
        if "name" in data and "description" not in data and base.description:
            # the parent's description would describe a different scenario under the new name
            data["description"] = f"{parent} with changes: {base.description}"
        data = _deep_merge(base.model_dump(exclude_unset=True), data)
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(format_validation_error(exc, source, root)) from None


def find_scenario(name_or_path: str | Path) -> Path:
    """Path of a scenario given as a file path or the name of a shipped scenario."""
    path = Path(name_or_path)
    if path.suffix in (".yaml", ".yml") or path.exists():
        if not path.is_file():
            raise ScenarioError(f"scenario file not found: {path}")
        return path
    shipped = SCENARIO_DIR / f"{name_or_path}.yaml"
    if shipped.is_file():
        return shipped
    names = shipped_names()
    close = difflib.get_close_matches(str(name_or_path), names, n=1)
    hint = f" (did you mean {close[0]}?)" if close else ""
    raise ScenarioError(f"no scenario named {name_or_path!r}{hint}; shipped: {', '.join(names)}")


def load_scenario(name_or_path: str | Path) -> Scenario:
    """Load and validate a scenario by shipped name or file path."""
    path = find_scenario(name_or_path)
    return parse_scenario(_read_text(path), str(path))


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ScenarioError(f"{path}: not UTF-8 text; expected a scenario YAML file") from None


def shipped_names() -> list[str]:
    return sorted(p.stem for p in SCENARIO_DIR.glob("*.yaml"))


def list_scenarios() -> pd.DataFrame:
    """The shipped scenarios: name, model, horizon, description."""
    rows = []
    for name in shipped_names():
        s = load_scenario(name)
        rows.append(
            {
                "name": name,
                "model": s.model,
                "horizon": s.horizon,
                "start_year": s.start_year,
                "description": s.description,
            }
        )
    return pd.DataFrame(rows, columns=["name", "model", "horizon", "start_year", "description"])


# ---------------------------------------------------------------------------------------------
# Company references


def company_lookup(companies: pd.DataFrame) -> dict[str, str]:
    """Lower-cased id, name and aliases -> company id."""
    lookup: dict[str, str] = {}
    for row in companies.itertuples(index=False):
        names = [row.id, row.name]
        aliases = getattr(row, "aliases", None)
        if isinstance(aliases, str):
            names += [a.strip() for a in aliases.split(",") if a.strip()]
        elif isinstance(aliases, list | tuple):
            names += list(aliases)
        for n in names:
            if isinstance(n, str):
                lookup.setdefault(n.strip().lower(), row.id)
    return lookup


def _reference_lines(source: str) -> Callable[[str], int | None]:
    """Key path ('shocks.fail[0].company') -> its line in the scenario file ``source``.

    None when ``source`` is not a readable file or the key is not written in it (inherited
    through ``extends:``): no line is better than the line of a parent key.
    """
    try:
        root = yaml.compose(find_scenario(source).read_text(encoding="utf-8"))
    except (OSError, ScenarioError, yaml.YAMLError):
        return lambda _path: None

    def line(path: str) -> int | None:
        node = root
        lineno = None
        for part in re.findall(r"[^.\[\]]+", path):
            if isinstance(node, yaml.MappingNode):
                hit = next(((k, v) for k, v in node.value if k.value == part), None)
                if hit is None:
                    return None
                lineno, node = hit[0].start_mark.line + 1, hit[1]
            elif isinstance(node, yaml.SequenceNode) and part.isdigit():
                if int(part) >= len(node.value):
                    return None
                node = node.value[int(part)]
                lineno = node.start_mark.line + 1
            else:
                return None
        return lineno

    return line


def resolve_companies(
    scenario: Scenario, companies: pd.DataFrame, source: str = "scenario"
) -> Scenario:
    """Check that every company the scenario names exists; return it with names turned into ids.

    Targets may also be a role (``ai_lab`` ...) or ``all`` where that makes sense.
    """
    lookup = company_lookup(companies)
    where = _reference_lines(source)
    errors = []
    mapping: dict[str, str] = {}
    for path, value, role_ok in scenario.company_references():
        key = value.strip().lower()
        if role_ok and (key in ROLES or key == "all"):
            continue
        if key in lookup:
            mapping[value] = lookup[key]
            continue
        close = difflib.get_close_matches(key, list(lookup), n=1)
        if not close and role_ok:  # 'ai-lab' for ai_lab; strict, or 'theranos' becomes 'other'
            close = difflib.get_close_matches(key, sorted(ROLES | {"all"}), n=1, cutoff=0.8)
        hint = f" (did you mean {lookup.get(close[0], close[0])}?)" if close else ""
        what = "a company id/name in the ledger" + (", a role or 'all'" if role_ok else "")
        line = where(path)
        at = f"{source}, line {line}" if line else source
        errors.append(f"{at}, {path}: unknown company {value!r}{hint}; expected {what}")
    if errors:
        raise ScenarioError("\n".join(errors))

    def fix(v: str) -> str:
        return mapping.get(v, v.strip().lower() if v.strip().lower() in ROLES | {"all"} else v)

    data = scenario.model_dump()
    for s in data["shocks"]["revenue"] + data["shocks"]["equity"] + data["funding"]:
        s["target"] = fix(s["target"])
    for f in data["shocks"]["fail"]:
        f["company"] = fix(f["company"])
    data["revenue_growth"] = {fix(k): v for k, v in data["revenue_growth"].items()}
    sd = data["uncertainty"]["revenue_growth_sd"]
    data["uncertainty"]["revenue_growth_sd"] = {fix(k): v for k, v in sd.items()}
    bs = data["balance_sheets"]
    bs["overrides"] = {fix(k): v for k, v in bs["overrides"].items()}
    return Scenario.model_validate(data)
