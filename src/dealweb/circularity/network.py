"""The money-flow network of the ledger as of a date.

Every circularity measure works on a :class:`FlowNetwork`: companies are nodes, and a weighted
edge ``payer → payee`` carries the dollars the payer has committed to the payee (the sum of all
the deals between the pair that count as money flows). The network is built from the tabular
contract :data:`dealweb.ledger.frames.DEAL_COLUMNS`, so it works the same on the real ledger
and on a hand-made frame.

Choices, all explicit parameters of :func:`build_network`:

* **kinds** — which deal kinds move money (default :data:`DEFAULT_FLOW_KINDS`: spending kinds,
  equity and acquisitions, loans and "other"; a distribution agreement or a warrant has no dollar
  flow and is left out).
* **basis** — ``low``, ``mid`` or ``high`` end of each amount range
  (:func:`dealweb.ledger.frames.deal_amounts`; an "up to X" deal is ``up_to_floor * X`` at the
  low end).
* **annualize** — whole amounts (default) or the amount per year of the contract term.
* **statuses** — default: every status except ``cancelled``.
* **usd_per_gw** — deals stated only in gigawatts are priced by the ledger
  (``usd_basis="gw_estimate"``); a ``(low, high)`` dollars-per-GW pair re-prices them here.

Example
-------
>>> import pandas as pd
>>> from dealweb.circularity.network import build_network, example_deals
>>> net = build_network(example_deals())
>>> net.n_nodes, net.n_edges
(3, 3)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from dealweb.ledger.frames import DEAL_COLUMNS, AmountBasis, deal_amounts, double_counted

#: Deal kinds counted as money flows by default.
DEFAULT_FLOW_KINDS: frozenset[str] = frozenset(
    {
        "cloud_commitment",
        "hardware_purchase",
        "compute_capacity",
        "revenue_share",
        "equity_investment",
        "acquisition",
        "loan",
        "other",
    }
)
#: Every deal kind the ledger knows (see :class:`dealweb.ledger.models.DealKind`).
ALL_KINDS: frozenset[str] = DEFAULT_FLOW_KINDS | {"warrant", "distribution"}
#: Statuses counted by default: everything but cancelled deals.
DEFAULT_STATUSES: frozenset[str] = frozenset(
    {"in_talks", "reported", "announced", "completed"}
)
ALL_STATUSES: frozenset[str] = DEFAULT_STATUSES | {"cancelled"}

_REQUIRED = ["id", "announced", "payer_id", "payee_id", "kind", "amount_usd_low",
             "amount_usd_high", "up_to", "status"]


@dataclass(frozen=True)
class FlowNetwork:
    """A weighted directed network of money flows between companies.

    Attributes
    ----------
    ids, names:
        Node labels (company id and display name), index ``i`` is row/column ``i``.
    matrix:
        ``scipy.sparse.csr_array`` of shape ``(n, n)``; ``matrix[i, j]`` dollars flow ``i → j``.
    edges:
        One row per edge: ``src``, ``dst`` (node indices), ``payer``, ``payee`` (names),
        ``payer_id``, ``payee_id``, ``amount``, ``n_deals``, ``deal_ids`` (tuple of deal ids).
    deals:
        The deals that made the edges, with their ``flow`` amount on the chosen basis.
    excluded:
        Deals left out and why (``id``, ``reason``).
    params:
        The parameters the network was built with (recorded in every result).
    """

    ids: np.ndarray
    names: np.ndarray
    matrix: sp.csr_array
    edges: pd.DataFrame
    deals: pd.DataFrame = field(default_factory=pd.DataFrame)
    excluded: pd.DataFrame = field(default_factory=pd.DataFrame)
    params: dict[str, Any] = field(default_factory=dict)

    # -- size and lookup -------------------------------------------------------------------
    @property
    def n_nodes(self) -> int:
        return int(self.matrix.shape[0])

    @property
    def n_edges(self) -> int:
        return int(self.matrix.nnz)

    def index(self, key: str) -> int:
        """Node index of a company given by id or display name (case-insensitive).

        Raises ``KeyError`` with the closest names when the company is not in the network.
        """
        wanted = str(key).strip().casefold()
        for labels in (self.ids, self.names):
            for i, label in enumerate(labels):
                if str(label).casefold() == wanted:
                    return i
        known = ", ".join(sorted(map(str, self.names))[:20])
        raise KeyError(
            f"company {key!r} has no money flows in this network (as of "
            f"{self.params.get('as_of') or 'today'}); companies in it: {known}"
        )

    # -- flows -----------------------------------------------------------------------------
    def outflow(self) -> np.ndarray:
        return np.asarray(self.matrix.sum(axis=1)).ravel()

    def inflow(self) -> np.ndarray:
        return np.asarray(self.matrix.sum(axis=0)).ravel()

    def gross(self) -> float:
        return float(self.matrix.sum())

    def edge_deals(self) -> dict[tuple[int, int], tuple[str, ...]]:
        """Deal ids behind each edge, keyed by ``(src, dst)`` node indices."""
        return dict(
            zip(
                zip(self.edges["src"].to_numpy(), self.edges["dst"].to_numpy(), strict=True),
                self.edges["deal_ids"],
                strict=True,
            )
        )

    # -- conversions -----------------------------------------------------------------------
    def to_pandas(self) -> pd.DataFrame:
        """Dense adjacency matrix labelled by company name (rows pay columns)."""
        return pd.DataFrame(self.matrix.toarray(), index=self.names, columns=self.names)

    def to_networkx(self) -> Any:
        """A ``networkx.DiGraph`` keyed by company id with ``weight`` and ``deal_ids`` on edges."""
        import networkx as nx

        graph = nx.DiGraph()
        for i, (cid, name) in enumerate(zip(self.ids, self.names, strict=True)):
            graph.add_node(str(cid), name=str(name), index=i)
        for row in self.edges.itertuples(index=False):
            graph.add_edge(
                str(row.payer_id), str(row.payee_id), weight=float(row.amount),
                deal_ids=tuple(row.deal_ids),
            )
        return graph

    def relabel(self, order: Sequence[int]) -> FlowNetwork:
        """The same network with nodes renumbered: new node ``k`` is old node ``order[k]``."""
        order = np.asarray(order, dtype=np.int64)
        if order.size != self.n_nodes or not np.array_equal(np.sort(order),
                                                            np.arange(self.n_nodes)):
            raise ValueError("order must be a permutation of the node indices")
        if order.size == 0:
            return self
        inverse = np.empty_like(order)
        inverse[order] = np.arange(order.size)
        perm = sp.csr_array(self.matrix[order][:, order])
        edges = self.edges.copy()
        edges["src"] = inverse[edges["src"].to_numpy()]
        edges["dst"] = inverse[edges["dst"].to_numpy()]
        return FlowNetwork(
            self.ids[order], self.names[order], perm, edges.reset_index(drop=True),
            self.deals, self.excluded, dict(self.params),
        )

    @classmethod
    def from_edges(
        cls,
        src: Iterable[Any],
        dst: Iterable[Any],
        amount: Iterable[float],
        *,
        deal_ids: Iterable[Sequence[str]] | None = None,
        names: dict[Any, str] | None = None,
    ) -> FlowNetwork:
        """Build a network straight from edge lists (labels of any hashable type).

        Parallel edges are summed and their deal ids concatenated. Used for synthetic and
        ecological networks.

        >>> net = FlowNetwork.from_edges(["a", "b"], ["b", "a"], [3.0, 1.0])
        >>> float(net.matrix[0, 1]), float(net.matrix[1, 0])
        (3.0, 1.0)
        """
        src_a = np.asarray(list(src), dtype=object)
        dst_a = np.asarray(list(dst), dtype=object)
        amt = np.asarray(list(amount), dtype=float)
        if not (src_a.size == dst_a.size == amt.size):
            raise ValueError("src, dst and amount must have the same length")
        if np.any(~np.isfinite(amt)) or np.any(amt < 0):
            raise ValueError("edge amounts must be finite and non-negative")
        if deal_ids is None:
            ids_list: list[tuple[str, ...]] = [(f"e{k}",) for k in range(amt.size)]
        else:
            ids_list = [tuple(d) for d in deal_ids]
        frame = pd.DataFrame(
            {"payer_id": src_a, "payee_id": dst_a, "flow": amt, "deal_ids": ids_list}
        )
        if (frame["payer_id"] == frame["payee_id"]).any():
            raise ValueError("an edge cannot go from a company to itself")
        labels = pd.unique(np.concatenate([src_a, dst_a]))
        name_map = {k: str(names.get(k, k)) if names else str(k) for k in labels}
        return _assemble(frame, labels, name_map, deals=frame, excluded=pd.DataFrame(),
                         params={"source": "edges"})


def _assemble(
    frame: pd.DataFrame,
    labels: np.ndarray,
    name_map: dict[Any, str],
    *,
    deals: pd.DataFrame,
    excluded: pd.DataFrame,
    params: dict[str, Any],
) -> FlowNetwork:
    """Sum parallel deals into edges and lay them out as a sparse matrix."""
    labels = np.asarray(sorted(labels, key=str), dtype=object)
    position = {label: i for i, label in enumerate(labels)}
    n = labels.size
    if frame.empty:
        edges = pd.DataFrame(
            columns=["src", "dst", "payer", "payee", "payer_id", "payee_id", "amount",
                     "n_deals", "deal_ids"]
        )
        return FlowNetwork(labels.astype(str), _names(labels, name_map),
                           sp.csr_array((n, n)), edges, deals, excluded, params)
    src = frame["payer_id"].map(position).to_numpy(dtype=np.int64)
    dst = frame["payee_id"].map(position).to_numpy(dtype=np.int64)
    keyed = pd.DataFrame(
        {"src": src, "dst": dst, "amount": frame["flow"].to_numpy(float),
         "deal_ids": list(frame["deal_ids"])}
    )
    grouped = keyed.groupby(["src", "dst"], sort=True)
    edges = grouped["amount"].sum().reset_index()
    edges["n_deals"] = grouped.size().to_numpy()
    edges["deal_ids"] = grouped["deal_ids"].agg(
        lambda s: tuple(d for ids in s for d in ids)).to_numpy()
    edges["payer_id"] = labels[edges["src"].to_numpy()].astype(str)
    edges["payee_id"] = labels[edges["dst"].to_numpy()].astype(str)
    edges["payer"] = [name_map[labels[i]] for i in edges["src"]]
    edges["payee"] = [name_map[labels[j]] for j in edges["dst"]]
    edges = edges[["src", "dst", "payer", "payee", "payer_id", "payee_id", "amount",
                   "n_deals", "deal_ids"]]
    matrix = sp.csr_array(
        (edges["amount"].to_numpy(float), (edges["src"].to_numpy(), edges["dst"].to_numpy())),
        shape=(n, n),
    )
    matrix.sum_duplicates()
    return FlowNetwork(labels.astype(str), _names(labels, name_map), matrix, edges, deals,
                       excluded, params)


def _names(labels: np.ndarray, name_map: dict[Any, str]) -> np.ndarray:
    return np.array([name_map[k] for k in labels], dtype=str)


def parse_date(value: str | dt.date | pd.Timestamp | None) -> pd.Timestamp | None:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` → the *last* day of that period (as-of semantics).

    >>> parse_date("2024")
    Timestamp('2024-12-31 00:00:00')
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, pd.Timestamp):
        return value.normalize()
    if isinstance(value, dt.date):
        return pd.Timestamp(value)
    text = str(value).strip()
    try:
        if len(text) == 4 and text.isdigit():
            return pd.Timestamp(f"{text}-12-31")
        if len(text) in (6, 7) and text[4] == "-":
            return pd.Timestamp(f"{text}-01") + pd.offsets.MonthEnd(0)
        return pd.Timestamp(dt.date.fromisoformat(text))
    except ValueError:
        raise ValueError(
            f"as-of date: expected YYYY, YYYY-MM or YYYY-MM-DD, got {text!r}") from None


def check_frame(deals: pd.DataFrame) -> None:
    """Raise ``ValueError`` naming the missing columns when ``deals`` breaks the contract."""
    missing = [c for c in _REQUIRED if c not in deals.columns]
    if missing:
        raise ValueError(
            f"deals frame is missing column(s) {', '.join(missing)}; expected the columns of "
            f"dealweb.ledger.frames.DEAL_COLUMNS"
        )


def build_network(
    deals: pd.DataFrame,
    *,
    as_of: str | dt.date | pd.Timestamp | None = None,
    kinds: Iterable[str] | None = None,
    statuses: Iterable[str] | None = None,
    basis: AmountBasis = "mid",
    up_to_floor: float = 0.0,
    annualize: bool = False,
    usd_per_gw: tuple[float, float] | None = None,
    include_double_counted: bool = False,
) -> FlowNetwork:
    """Build the money-flow network from a deals frame (columns of ``DEAL_COLUMNS``).

    Parameters
    ----------
    deals:
        ``Ledger.deals_frame()`` or any frame with the same columns.
    as_of:
        Keep deals announced on or before this date (``YYYY``/``YYYY-MM`` mean the end of that
        period). ``None``: all deals.
    kinds, statuses:
        Deal kinds and statuses that count (defaults :data:`DEFAULT_FLOW_KINDS`,
        :data:`DEFAULT_STATUSES`).
    basis, up_to_floor:
        Which end of each amount range (see :func:`dealweb.ledger.frames.deal_amounts`).
    annualize:
        Use ``amount / term_years`` for deals with a stated term, and drop term deals whose term
        ended before ``as_of``; deals without a term keep their whole amount (a one-off
        payment counts as that year's flow).
    usd_per_gw:
        ``(low, high)`` dollars per gigawatt to re-price deals stated only in gigawatts
        (``usd_basis == "gw_estimate"`` or no dollar figure at all).
    include_double_counted:
        Keep umbrella totals and stake valuations that restate money already in other deals
        (:func:`dealweb.ledger.frames.double_counted`); left out by default.

    Returns
    -------
    FlowNetwork
        Deals without a counterparty or a dollar value are listed in ``excluded`` with the reason.

    Example
    -------
    >>> net = build_network(example_deals(), basis="high")
    >>> round(net.gross() / 1e9, 1)
    17.0
    """
    check_frame(deals)
    kinds_set = set(DEFAULT_FLOW_KINDS if kinds is None else kinds)
    unknown = kinds_set - ALL_KINDS
    if unknown:
        raise ValueError(
            f"unknown deal kind(s) {sorted(unknown)}; expected some of {sorted(ALL_KINDS)}")
    status_set = set(DEFAULT_STATUSES if statuses is None else statuses)
    unknown = status_set - ALL_STATUSES
    if unknown:
        raise ValueError(
            f"unknown status(es) {sorted(unknown)}; expected some of {sorted(ALL_STATUSES)}")
    if basis not in ("low", "mid", "high"):
        raise ValueError(f"amount basis must be low, mid or high, got {basis!r}")
    if usd_per_gw is not None:
        lo, hi = (float(v) for v in usd_per_gw)
        if not (0 <= lo <= hi) or not np.isfinite(hi):
            raise ValueError(f"usd_per_gw must be 0 <= low <= high, got {usd_per_gw}")
    cutoff = parse_date(as_of)

    frame = deals.copy()
    frame["announced"] = pd.to_datetime(frame["announced"])
    reasons = pd.Series(pd.NA, index=frame.index, dtype=object)

    def _exclude(mask: pd.Series, reason: str) -> None:
        reasons.loc[mask & reasons.isna()] = reason

    if cutoff is not None:
        _exclude(frame["announced"] > cutoff, "announced after as-of date")
    _exclude(~frame["kind"].isin(kinds_set), "kind not counted as a money flow")
    _exclude(~frame["status"].isin(status_set), "status not counted")
    _exclude(frame["payee_id"].isna(), "no single counterparty")
    if not include_double_counted and "tags" in frame.columns:
        _exclude(double_counted(frame), "umbrella total or stake value (would double count)")
    _exclude(frame["payer_id"] == frame["payee_id"], "payer and payee are the same")

    if usd_per_gw is not None and "gigawatts" in frame.columns:
        gw = frame["gigawatts"].astype(float)
        basis_col = frame["usd_basis"] if "usd_basis" in frame.columns else pd.Series(
            "none", index=frame.index)
        no_dollars = frame["amount_usd_low"].isna() & frame["amount_usd_high"].isna()
        reprice = gw.notna() & ((basis_col == "gw_estimate") | no_dollars)
        frame.loc[reprice, "amount_usd_low"] = gw[reprice] * lo
        frame.loc[reprice, "amount_usd_high"] = gw[reprice] * hi
    amount = deal_amounts(frame, basis, up_to_floor)

    if annualize:
        term = frame["term_years"].astype(float) if "term_years" in frame.columns else (
            pd.Series(np.nan, index=frame.index))
        has_term = term.notna() & (term > 0)
        amount = amount.where(~has_term, amount / term)
        if cutoff is not None:
            start = frame["announced"]
            if "term_start" in frame.columns:
                start = pd.to_datetime(frame["term_start"]).fillna(start)
            end = start + pd.to_timedelta(term.fillna(0) * 365.25, unit="D")
            _exclude(has_term & (end < cutoff), "term ended before as-of date")

    _exclude(amount.isna(), "no dollar value")
    _exclude(amount.notna() & (amount <= 0), "zero amount on this basis")
    keep = reasons.isna()
    used = frame.loc[keep].copy()
    used["flow"] = amount[keep].astype(float)
    used["deal_ids"] = [(str(i),) for i in used["id"]]
    excluded = pd.DataFrame({"id": frame.loc[~keep, "id"].astype(str),
                             "reason": reasons[~keep].astype(str)}).reset_index(drop=True)

    names: dict[Any, str] = {}
    for id_col, name_col in (("payer_id", "payer"), ("payee_id", "payee")):
        if name_col in used.columns:
            names.update(zip(used[id_col], used[name_col].fillna(used[id_col]), strict=True))
        else:
            names.update((k, str(k)) for k in used[id_col])
    labels = pd.unique(pd.concat([used["payer_id"], used["payee_id"]]).to_numpy(dtype=object))
    params = {
        "as_of": None if cutoff is None else cutoff.date().isoformat(),
        "basis": basis,
        "up_to_floor": up_to_floor,
        "annualize": annualize,
        "kinds": sorted(kinds_set),
        "statuses": sorted(status_set),
        "usd_per_gw": usd_per_gw,
    }
    used_cols = [c for c in DEAL_COLUMNS if c in used.columns] + ["flow"]
    return _assemble(used, labels, {k: str(v) for k, v in names.items()},
                     deals=used[used_cols].reset_index(drop=True), excluded=excluded,
                     params=params)


def example_deals() -> pd.DataFrame:
    """A three-company toy ledger (A invests in B, B buys from C, C buys from A), for examples."""
    rows = [
        ("a-b-equity", "2024-01-10", "A", "B", "equity_investment", 5e9, 5e9, False),
        ("b-c-cloud", "2024-03-01", "B", "C", "cloud_commitment", 10e9, 10e9, False),
        ("c-a-chips", "2024-06-01", "C", "A", "hardware_purchase", None, 2e9, True),
    ]
    return make_deals_frame(rows)


def make_deals_frame(
    rows: Sequence[tuple[Any, ...]], *, extra: dict[str, Sequence[Any]] | None = None
) -> pd.DataFrame:
    """A deals frame with every ``DEAL_COLUMNS`` column from compact tuples.

    Each row is ``(id, announced, payer, payee, kind, usd_low, usd_high, up_to)``; payer and payee
    serve as both id and display name. ``extra`` overrides whole columns (e.g. ``status``).
    """
    n = len(rows)
    frame = pd.DataFrame({c: [None] * n for c in DEAL_COLUMNS})
    frame["id"] = [r[0] for r in rows]
    frame["announced"] = pd.to_datetime([r[1] for r in rows])
    frame["date_precision"] = "day"
    frame["payer"] = frame["payer_id"] = [r[2] for r in rows]
    frame["payee"] = frame["payee_id"] = [r[3] for r in rows]
    frame["kind"] = [r[4] for r in rows]
    frame["amount_usd_low"] = np.array([np.nan if r[5] is None else r[5] for r in rows], float)
    frame["amount_usd_high"] = np.array([np.nan if r[6] is None else r[6] for r in rows], float)
    frame["up_to"] = [bool(r[7]) for r in rows]
    frame["usd_basis"] = "stated"
    frame["gigawatts"] = np.nan
    frame["currency"] = "USD"
    frame["term_start"] = pd.NaT
    frame["term_years"] = np.nan
    frame["stake_pct"] = np.nan
    frame["status"] = "announced"
    frame["n_sources"] = 1
    frame["tags"] = ""
    for col, values in (extra or {}).items():
        frame[col] = list(values)
    return frame[DEAL_COLUMNS]
