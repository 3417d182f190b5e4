"""Money loops: elementary cycles of the flow network, with their deals and circular amount.

A loop is an elementary (simple) directed cycle ``c0 → c1 → … → c0`` of the
:class:`~dealweb.circularity.network.FlowNetwork`. Its **circular amount** is its bottleneck,
the smallest edge on it: that many dollars can go all the way round and come back to where
they started. Its **circular share** is ``length × circular amount / Σ edge amounts``, the
fraction of the dollars on the loop's edges that would cancel if the loop were netted out.

Search. Cycles never leave a strongly connected component, so components are found first
(``scipy.sparse.csgraph.connected_components(connection="strong")``) and only those with two
or more companies are searched. Inside a component the search is a depth-first enumeration of
simple paths back to a start node, in the spirit of Johnson (1975, SIAM J. Comput. 4:77-84)
with the length bound of Gupta & Suzumura (2021, "Finding All Bounded-Length Simple Cycles in
a Directed Graph", arXiv:2105.10094): a node is only entered when the unweighted distance from
it back to the start (one bounded backward BFS per start, as sparse matrix-vector products)
still fits in the length bound. Each cycle is reported once, from its first node in the
processing order (companies with the largest throughflow first, neighbours by descending
amount), so with a cap the biggest players' loops are found first. The search stops after
``max_cycles`` loops or ``max_steps`` search steps and says so (``frame.attrs["capped"]``,
``frame.attrs["note"]``).

Example
-------
>>> from dealweb.circularity.network import build_network, example_deals
>>> loops = find_loops(build_network(example_deals()))
>>> loops.loc[0, "loop"], float(loops.loc[0, "circular_amount"])
('B → C → A → B', 1000000000.0)
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse import csgraph

from dealweb.circularity.network import FlowNetwork

LOOP_COLUMNS = [
    "rank",
    "length",
    "loop",
    "companies",
    "circular_amount",
    "total_amount",
    "circular_share",
    "edge_amounts",
    "deals",
]


def strong_components(matrix: sp.sparray | sp.spmatrix) -> tuple[int, np.ndarray]:
    """Number of strongly connected components and the component label of each node."""
    n_comp, labels = csgraph.connected_components(matrix, directed=True, connection="strong")
    return int(n_comp), labels


def _sorted_csr(matrix: sp.csr_array) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """CSR arrays with every row's neighbours sorted by descending weight (biggest first)."""
    m = sp.csr_array(matrix)
    m.sum_duplicates()
    rows = np.repeat(np.arange(m.shape[0]), np.diff(m.indptr))
    order = np.lexsort((-m.data, rows))
    return m.indptr, m.indices[order], m.data[order]


def _distances_to(adjacency: sp.csr_array, target: int, depth: int) -> np.ndarray:
    """Edges needed from every node to reach ``target`` (inf beyond ``depth``): breadth-first
    search backwards, one sparse matrix-vector product per level."""
    dist = np.full(adjacency.shape[0], np.inf)
    dist[target] = 0.0
    frontier = np.zeros(adjacency.shape[0])
    frontier[target] = 1.0
    for level in range(1, depth + 1):
        reached = (adjacency @ frontier > 0) & np.isinf(dist)
        if not reached.any():
            break
        dist[reached] = level
        frontier = reached.astype(float)
    return dist


def cycle_search(
    matrix: sp.csr_array,
    *,
    max_length: int = 6,
    through: int | None = None,
    order: np.ndarray | None = None,
    max_cycles: int = 10_000,
    max_steps: int = 5_000_000,
) -> tuple[list[list[int]], bool]:
    """Elementary cycles of length ``2..max_length`` as node-index lists.

    Parameters
    ----------
    matrix:
        Square sparse matrix; any stored positive entry is an edge.
    through:
        Only cycles through this node (each listed starting at it).
    order:
        Processing order of start nodes (default: by index). Each cycle is listed once, from its
        first node in this order.
    max_cycles, max_steps:
        Caps on the number of cycles returned and on search steps (edges examined).

    Returns
    -------
    (cycles, capped)
        ``capped`` is True when a cap stopped the search before it was complete.

    >>> import scipy.sparse as sp
    >>> m = sp.csr_array([[0, 1, 0], [1, 0, 1], [1, 0, 0]])
    >>> sorted(map(tuple, cycle_search(m)[0]))
    [(0, 1), (0, 1, 2)]
    """
    if max_length < 2:
        raise ValueError(f"max_length must be at least 2, got {max_length}")
    if max_cycles < 1:
        raise ValueError(f"max_cycles must be positive, got {max_cycles}")
    m = sp.csr_array(matrix, dtype=float)
    m.eliminate_zeros()
    n = m.shape[0]
    _, comp = strong_components(m)
    sizes = np.bincount(comp, minlength=comp.max() + 1 if n else 0)
    in_cycle_comp = sizes[comp] > 1 if n else np.zeros(0, bool)
    indptr, indices, _ = _sorted_csr(m)
    adjacency = sp.csr_array((np.ones(m.nnz), m.indices, m.indptr), shape=m.shape)

    if through is not None:
        starts = [through] if in_cycle_comp[through] else []
    else:
        base = np.arange(n) if order is None else np.asarray(order)
        starts = [int(s) for s in base if in_cycle_comp[s]]
    rank = np.full(n, -1, dtype=np.int64)
    if through is None:
        rank[np.asarray(starts, dtype=np.int64)] = np.arange(len(starts))

    cycles: list[list[int]] = []
    steps = 0
    # Plain Python lists: the search touches single elements, where list indexing is several
    # times faster than NumPy scalar indexing.
    ptr = indptr.tolist()
    nbr = indices.tolist()
    on_path = [False] * n
    for s in starts:
        # Distance from each node back to s (edges), bounded: prunes hopeless branches.
        dist_arr = _distances_to(adjacency, s, max_length - 1)
        same = comp == comp[s]
        allowed_arr = same if through is not None else same & (rank > rank[s])
        # Budget left after reaching a node: max_length - dist (-1 where s is out of reach).
        budget = np.where(allowed_arr & np.isfinite(dist_arr),
                          max_length - np.nan_to_num(dist_arr, posinf=0), -1).astype(int).tolist()
        path = [s]
        on_path[s] = True
        cursor = [ptr[s]]
        while path:
            u = path[-1]
            pos = cursor[-1]
            if pos >= ptr[u + 1]:
                on_path[u] = False
                path.pop()
                cursor.pop()
                continue
            cursor[-1] = pos + 1
            v = nbr[pos]
            steps += 1
            if v == s:
                if len(path) >= 2:
                    cycles.append(list(path))
                    if len(cycles) >= max_cycles:
                        return cycles, True
            elif len(path) <= budget[v] and not on_path[v]:
                path.append(v)
                on_path[v] = True
                cursor.append(ptr[v])
            if steps >= max_steps:
                return cycles, True
        on_path[s] = False
    return cycles, False


def find_loops(
    net: FlowNetwork,
    *,
    company: str | None = None,
    max_length: int = 6,
    max_cycles: int = 10_000,
    max_steps: int = 5_000_000,
    min_amount: float = 0.0,
) -> pd.DataFrame:
    """Money loops of the network, ranked by circular amount (largest first).

    Parameters
    ----------
    net:
        The flow network (:func:`dealweb.circularity.network.build_network`).
    company:
        Only loops through this company (id or name), each written starting from it.
    max_length:
        Longest loop searched (number of companies on it).
    max_cycles, max_steps:
        Search caps; when one is hit ``attrs["capped"]`` is True and ``attrs["note"]`` says so.
    min_amount:
        Drop loops whose circular amount is below this (after the search).

    Returns
    -------
    DataFrame with :data:`LOOP_COLUMNS`: ``loop`` ("A → B → A"), ``companies`` (ids),
    ``circular_amount`` (bottleneck), ``total_amount`` (sum of the loop's edges),
    ``circular_share``, ``edge_amounts`` (list, in loop order) and ``deals`` (deal ids per edge,
    edges separated by `` | ``).
    """
    through = None if company is None else net.index(company)
    throughflow = np.maximum(net.inflow(), net.outflow())
    order = np.lexsort((np.arange(net.n_nodes), -throughflow))
    cycles, capped = cycle_search(
        net.matrix, max_length=max_length, through=through, order=order,
        max_cycles=max_cycles, max_steps=max_steps,
    )
    frame = _loops_frame(net, cycles)
    if min_amount > 0:
        frame = frame[frame["circular_amount"] >= min_amount].reset_index(drop=True)
        frame["rank"] = np.arange(1, len(frame) + 1)
    frame.attrs["capped"] = capped
    frame.attrs["note"] = (
        f"search capped after {len(cycles)} loops (max_cycles={max_cycles}, "
        f"max_steps={max_steps}): the list is incomplete; raise the caps or lower "
        f"--max-length" if capped else ""
    )
    frame.attrs["params"] = dict(net.params, max_length=max_length, company=company)
    return frame


def _loops_frame(net: FlowNetwork, cycles: list[list[int]]) -> pd.DataFrame:
    if not cycles:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in LOOP_COLUMNS})
    lengths = np.fromiter((len(c) for c in cycles), dtype=np.int64, count=len(cycles))
    flat = np.concatenate([np.asarray(c) for c in cycles])
    nxt = np.concatenate([np.roll(np.asarray(c), -1) for c in cycles])
    # Edge amounts in loop order, looked up in one vectorised sparse gather.
    amounts = np.asarray(net.matrix[flat, nxt]).ravel()
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    bottleneck = np.minimum.reduceat(amounts, starts)
    total = np.add.reduceat(amounts, starts)
    deal_map = net.edge_deals()
    names = net.names
    loops, companies, edge_amounts, deals = [], [], [], []
    for cyc, a in zip(cycles, np.split(amounts, starts[1:]), strict=True):
        ring = [*cyc, cyc[0]]
        loops.append(" → ".join(str(names[i]) for i in ring))
        companies.append(",".join(str(net.ids[i]) for i in cyc))
        edge_amounts.append([float(x) for x in a])
        deals.append(" | ".join(",".join(deal_map.get((u, v), ())) for u, v in
                                zip(ring[:-1], ring[1:], strict=True)))
    frame = pd.DataFrame(
        {
            "length": lengths,
            "loop": loops,
            "companies": companies,
            "circular_amount": bottleneck,
            "total_amount": total,
            "circular_share": lengths * bottleneck / total,
            "edge_amounts": edge_amounts,
            "deals": deals,
        }
    )
    frame = frame.sort_values(["circular_amount", "length", "loop"],
                              ascending=[False, True, True], kind="stable").reset_index(drop=True)
    frame.insert(0, "rank", np.arange(1, len(frame) + 1))
    return frame[LOOP_COLUMNS]
