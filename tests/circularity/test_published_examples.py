"""Compression, round-tripped revenue and Finn cycling against numbers printed by someone else.

Every test feeds a published network to our code and asserts the published outputs, at the
precision they were printed with. Where each number is printed is cited in the test docstring,
with the translation from the source's conventions to ours:

* our edge ``(i, j, w)``: ``i`` pays (owes, sells to) ``j`` the amount ``w``; the net position
  is ``v_i = outflow_i - inflow_i`` (:func:`dealweb.circularity.compression.net_positions`);
* compnet (L. Mingarelli, github.com/LucaMingarelli/compnet, PyPI ``compnet`` 0.8.12) takes the
  same edge list ``SOURCE -> TARGET, AMOUNT``. Its *gross market size* GMS is our gross, its
  *compressed market size* ``CMS = 1/2 sum_i |net_i|`` is our non-conservative minimum, and its
  *excess* ``EMS = GMS - CMS`` is D'Errico & Roukny's excess. Its ``type='c'`` is our
  :func:`conservative`, ``'nc-max'`` / ``'nc-ed'`` are two choices of our
  :func:`non_conservative` (same gross; the edges of a non-conservative optimum are not unique).
  compnet prints ``net_flow`` as *inflow - outflow* (its README table ``OUT / IN / GROSS_TOTAL``
  for the same graph shows A: OUT 10, IN 5 next to net_flow A = -5), the opposite sign of ours.
  (The README's formula ``sum_j (A_ij - A_ji)`` does not say which index of ``A`` is the
  source; the printed table does, so we follow it.)
* ecological flow models (enaR): ``F[i, j]`` is the flow from ``i`` to ``j`` (enaR's default
  row-to-column orientation), boundary inputs ``z`` and outputs ``y``.

Inputs and expected values are copied from the sources; where an expected value is one of our
outputs turned into the source's quantity (e.g. ``1 / (1 - efficiency)`` to compare with a
printed ``n_ii``), the docstring says so; no expected number is computed here.

Searched without finding printed numbers we could use:
the D'Errico & Roukny paper's own figures (ESRB WP 44 / arXiv 1705.07155: only the opening of the
ar5iv page and of the ESRB conference slides are stored; the slides' opening prints per-node gross
and net positions of a four-node example but not its arrows nor the compressed results, so it is
not used), Veraart (2022), Schuldenzucker & Seuken, Amini & Feinstein (only abstracts stored).
"""

from __future__ import annotations

import numpy as np
import pytest

from dealweb.circularity.compression import (
    compress,
    compression_summary,
    conservative,
    net_positions,
    non_conservative,
)
from dealweb.circularity.finn import cycling
from dealweb.circularity.network import FlowNetwork
from dealweb.circularity.roundtrip import round_tripped


def _network(edges: list[tuple[str, str, float]]) -> FlowNetwork:
    src, dst, amount = zip(*edges, strict=True)
    return FlowNetwork.from_edges(src, dst, amount)


def _printed_tolerance(printed: str) -> float:
    """Half a unit in the last printed digit: the true value lies within it.

    A bare "0" or "1" in an R matrix column printed to 7 significant digits is exact there
    (R would otherwise show the digits or an exponent), so it gets a round-off tolerance only.
    """
    if "." not in printed:
        return 1e-12
    return 0.5 * 10.0 ** -len(printed.split(".")[1])


def _edges_after(net: FlowNetwork, method: str) -> dict[tuple[str, str], float]:
    frame = compress(net, method)
    kept = frame[frame["after"] > 0]
    return {(p, q): float(a) for p, q, a in zip(kept["payer"], kept["payee"], kept["after"],
                                                 strict=True)}


# --------------------------------------------------------------------------------------------
# Compression (D'Errico & Roukny 2017/2021), worked examples of compnet
# --------------------------------------------------------------------------------------------


def test_compression_derrico_roukny_three_cycle_as_tested_by_compnet():
    """compnet 0.8.12, compnet/tests/test_all.py, class ``Test_DErrico``,
    ``test_conservative_compression``. The network ``sample_derrico`` carries the comment
    "Compare page 64 here: https://www.esrb.europa.eu/pub/pdf/wp/esrbwp44.en.pdf" (D'Errico &
    Roukny, ESRB Working Paper 44): Node A -> Node B 5, Node B -> Node C 10, Node C -> Node A 20.
    Asserted there::

        g.GMS == 35 and g.CMS == 15 and g.EMS == 20
        c_comp.GMS == 20 and c_comp.CMS == 15 and c_comp.EMS == 5
        ncmax_comp.GMS == 15 ... ncmax_comp.EMS == 0
        nced__comp.GMS == 15 ... nced__comp.EMS == 0

    We could not read page 64 of the working paper itself (not stored), so the numbers are
    compnet's. Translation: ``GMS`` = gross, ``CMS`` = our non-conservative minimum, the
    excess of the conservatively compressed market ``c_comp.EMS`` = our conservative gross minus
    CMS (compression keeps net positions, so CMS is the same before and after). Integers, and
    compnet asserts exact equality; we allow 1e-9 for the LP solver.
    """
    net = _network([("Node A", "Node B", 5.0), ("Node B", "Node C", 10.0),
                    ("Node C", "Node A", 20.0)])
    cons = conservative(net.matrix)
    noncons = non_conservative(net.matrix)
    assert cons.gross_before == 35.0  # GMS
    assert noncons.gross_after == pytest.approx(15.0, abs=1e-9)  # CMS
    assert cons.gross_before - noncons.gross_after == pytest.approx(20.0, abs=1e-9)  # EMS
    assert cons.gross_after == pytest.approx(20.0, abs=1e-9)  # c_comp.GMS
    assert cons.gross_after - noncons.gross_after == pytest.approx(5.0, abs=1e-9)  # c_comp.EMS
    # The same figures through the headline table.
    summary = compression_summary(net).iloc[0]
    assert summary["announced"] == 35.0
    assert summary["conservative_min"] == pytest.approx(20.0, abs=1e-9)
    assert summary["non_conservative_min"] == pytest.approx(15.0, abs=1e-9)


def test_compression_compnet_readme_bilateral_example():
    """compnet README (PyPI long description of compnet 0.8.12, "How to get started"): the edge
    list A -> B 10, B -> C 15, B -> A 5. Printed there:

    * ``g.describe()``: Gross size 30, Compressed size 15, Excess size 15;
    * ``g.net_flow``: A -5.0, B -10.0, C 15.0 (inflow - outflow, see the module docstring: the
      same README prints OUT/IN 10/5, 20/10, 0/15 for A, B, C);
    * conservative (``type='c'``): A -> B 5, B -> C 15, "Compression Efficiency CE = 0.667"
      with ``CE = 1 - EMS_2 / EMS_1``;
    * maximal non-conservative (``type='nc-max'``): B -> C 10, A -> C 5, "CE = 1.0".

    The conservative optimum is unique here (the only loop is A <-> B, bottleneck 5), and so is
    the non-conservative one (a single net receiver), so the edges are compared too. CE is our
    outputs turned into compnet's quantity; it is printed to 3 decimals. Amounts are integers.
    """
    net = _network([("A", "B", 10.0), ("B", "C", 15.0), ("B", "A", 5.0)])
    ours = dict(zip(net.names, net_positions(net.matrix), strict=True))
    printed_net_flow = {"A": -5.0, "B": -10.0, "C": 15.0}
    assert {k: -v for k, v in ours.items()} == printed_net_flow

    cons = conservative(net.matrix)
    noncons = non_conservative(net.matrix)
    assert cons.gross_before == 30.0
    assert noncons.gross_after == pytest.approx(15.0, abs=1e-9)
    assert cons.gross_before - noncons.gross_after == pytest.approx(15.0, abs=1e-9)

    assert _edges_after(net, "conservative") == pytest.approx({("A", "B"): 5.0,
                                                               ("B", "C"): 15.0}, abs=1e-9)
    excess_before = cons.gross_before - noncons.gross_after
    ce_conservative = 1.0 - (cons.gross_after - noncons.gross_after) / excess_before
    assert ce_conservative == pytest.approx(0.667, abs=5e-4)

    assert _edges_after(net, "non_conservative") == pytest.approx({("B", "C"): 10.0,
                                                                   ("A", "C"): 5.0}, abs=1e-9)
    # CE = 1.0: the compressed market has no excess left (its gross is its own minimum).
    compressed = noncons.matrix(net.n_nodes)
    excess_after = noncons.gross_after - non_conservative(compressed).gross_after
    assert 1.0 - excess_after / excess_before == pytest.approx(1.0, abs=5e-2)


def test_non_conservative_compression_compnet_readme_chain():
    """compnet README (compnet 0.8.12), section "Maximal non-conservative compression": the chain
    A -> B 4, B -> C 3, C -> D 5. Printed optima, both with "Compression Efficiency CE = 1.0":

    * equally-distributed: A -> B 0.666667, A -> D 3.33333, C -> B 0.333333, C -> D 1.66667;
    * maximal: A -> D 4, C -> D 1, C -> B 1.

    A non-conservative optimum is not unique (ours matches payers to receivers greedily and is a
    third one), so we assert its gross equals the printed optima's gross (the sum of the printed
    amounts: exact for the maximal one, within the 6 significant digits printed for the
    equally-distributed one), and that both printed optima keep the net positions our
    :func:`net_positions` gives the chain (a check of our sign convention on a second graph).
    """
    net = _network([("A", "B", 4.0), ("B", "C", 3.0), ("C", "D", 5.0)])
    maximal = _network([("A", "D", 4.0), ("C", "D", 1.0), ("C", "B", 1.0)])
    equal_printed = [("A", "B", "0.666667"), ("A", "D", "3.33333"), ("C", "B", "0.333333"),
                     ("C", "D", "1.66667")]
    equal = _network([(p, q, float(a)) for p, q, a in equal_printed])
    # Rounding of the printed amounts: at most the sum of their half-units, per total or node.
    rounding = sum(_printed_tolerance(a) for _, _, a in equal_printed)
    ours = non_conservative(net.matrix)
    assert ours.gross_after == pytest.approx(maximal.gross(), abs=1e-9)
    assert ours.gross_after == pytest.approx(equal.gross(), abs=rounding)

    v = net_positions(net.matrix)
    for printed, atol in ((maximal, 1e-12), (equal, rounding)):
        assert list(printed.names) == list(net.names)  # same four companies, same order
        np.testing.assert_allclose(net_positions(printed.matrix), v, atol=atol)
    np.testing.assert_allclose(net_positions(ours.matrix(net.n_nodes)), v, atol=1e-9)


@pytest.mark.parametrize(
    ("a_to_b", "b_to_a", "gross", "compressed", "excess"),
    [(15.0, 5.0, 35.0, 15.0, 20.0), (20.0, 6.0, 41.0, 15.0, 26.0), (25.0, 7.0, 47.0, 18.0, 29.0)],
    ids=["2025-02-10", "2025-02-11", "2025-02-12"],
)
def test_excess_compnet_readme_daily_layers(a_to_b, b_to_a, gross, compressed, excess):
    """compnet README (compnet 0.8.12), section "Grouping along additional dimensions": the edge
    list (lender -> borrower, amount, date) A -> B 15 / 20 / 25, B -> C 15 / 15 / 15,
    B -> A 5 / 6 / 7 on 2025-02-10 / 11 / 12, and the printed ``g.describe()`` table::

        date        Gross size  Compressed size  Excess size
        2025-02-10          35               15           20
        2025-02-11          41               15           26
        2025-02-12          47               18           29

    Each day is its own network. Compressed size is our non-conservative minimum. Integers.
    """
    net = _network([("A", "B", a_to_b), ("B", "C", 15.0), ("B", "A", b_to_a)])
    noncons = non_conservative(net.matrix)
    assert net.gross() == gross
    assert noncons.gross_after == pytest.approx(compressed, abs=1e-9)
    assert net.gross() - noncons.gross_after == pytest.approx(excess, abs=1e-9)
    summary = compression_summary(net).iloc[0]
    assert summary["net_new"] == pytest.approx(compressed, abs=1e-9)


# --------------------------------------------------------------------------------------------
# Finn cycling and round-tripped revenue per node: the oyster reef model as printed by enaR
# --------------------------------------------------------------------------------------------

OYSTER_NODES = ["Filter Feeders", "Microbiota", "Meiofauna", "Deposit Feeders", "Predators",
                "Deposited Detritus"]
# Flows F[i, j] from row i to column j, boundary inputs z and outputs y, as printed in the first
# table of MKLau/enaR_development, data/test_base.txt (unpack(oyster), enaR 2.10.0).
OYSTER_FLOWS = [
    ("Filter Feeders", "Predators", 0.5135), ("Filter Feeders", "Deposited Detritus", 15.7910),
    ("Microbiota", "Meiofauna", 1.2060), ("Microbiota", "Deposit Feeders", 1.2060),
    ("Meiofauna", "Deposit Feeders", 0.6609), ("Meiofauna", "Deposited Detritus", 4.2403),
    ("Deposit Feeders", "Predators", 0.1721), ("Deposit Feeders", "Deposited Detritus", 1.9076),
    ("Predators", "Deposited Detritus", 0.3262),
    ("Deposited Detritus", "Microbiota", 8.1721), ("Deposited Detritus", "Meiofauna", 7.2745),
    ("Deposited Detritus", "Deposit Feeders", 0.6431),
]
OYSTER_INPUTS = {"Filter Feeders": 41.47}
OYSTER_OUTPUTS = [25.1650, 5.7600, 3.5794, 0.4303, 0.3594, 6.1759]

# enaFlow(oyster), same file: "$flow$T" (node throughflows), the diagonal of "$flow$N" (integral
# flow matrix) and of "$flow$TCC" (total contribution coefficients, Szyrmer & Ulanowicz 1987),
# and "$flow$ns" (TST 83.5833, FCI 0.1101686), each as printed (strings keep the precision).
ENAR_T = ["41.4700", "8.1721", "8.4805", "2.5100", "0.6856", "22.2651"]
ENAR_N_DIAG = ["1", "1.1018630", "1.2971032", "1.12406883", "1.00510642", "1.3885039"]
ENAR_TCC_DIAG = ["0", "0.09244615", "0.2290513", "0.11037476", "0.005080476", "0.2798004"]


def _assert_printed(values: np.ndarray, printed: list[str]) -> None:
    for value, text in zip(values, printed, strict=True):
        assert value == pytest.approx(float(text), abs=_printed_tolerance(text)), text


def test_finn_per_node_cycling_matches_enar_oyster_reef():
    """Dame & Patten (1981) oyster reef model (kcal m^-2 d^-1), enaR's ``oyster`` data set;
    outputs of enaR 2.10.0 stored as the regression baseline of its development repository,
    github.com/MKLau/enaR_development, data/test_base.txt (generated 2017-02-19): the blocks
    ``$flow$T``, ``$flow$N``, ``$flow$TCC`` and ``$flow$ns`` of ``enaFlow(oyster)``.

    Per node, ``TCC[i, i]`` is the total contribution of compartment ``i`` to itself, "the
    fraction of total output of i which reaches" ``i`` (enaR R/enaFlow.R:
    ``TCC = diag(T)^-1 (NP' - I) diag(NP)^-1 diag(T)``, diagonal ``(n_ii - 1) / n_ii``), i.e.
    Finn's cycling efficiency; our per-node cycled throughflow is ``T_i`` times it. We assert
    our ``throughflow`` against ``$flow$T``, ``cycled_throughflow / throughflow`` against the
    TCC diagonal and our ``n_ii`` against the N diagonal, each within half a unit of the last
    printed digit (R prints 7 significant digits per column, so the decimals vary by node).
    """
    index = {name: k for k, name in enumerate(OYSTER_NODES)}
    f = np.zeros((6, 6))
    for src, dst, amount in OYSTER_FLOWS:
        f[index[src], index[dst]] = amount
    z = np.array([OYSTER_INPUTS.get(name, 0.0) for name in OYSTER_NODES])
    result = cycling(f, z, np.array(OYSTER_OUTPUTS), labels=OYSTER_NODES)
    nodes = result.nodes.set_index("node").loc[OYSTER_NODES]
    _assert_printed(nodes["throughflow"].to_numpy(), ENAR_T)
    _assert_printed(nodes["n_ii"].to_numpy(), ENAR_N_DIAG)
    _assert_printed((nodes["cycled_throughflow"] / nodes["throughflow"]).to_numpy(),
                    ENAR_TCC_DIAG)


def test_round_tripped_revenue_per_node_matches_enar_oyster_reef():
    """The same enaR baseline (MKLau/enaR_development, data/test_base.txt, ``enaFlow(oyster)``),
    reached through the deal-network path of :func:`round_tripped` (throughflow
    ``max(inflow, outflow)``, no boundary vectors).

    Translation of the boundary flows: a deal network has no input vector, so the one boundary
    input (41.47 into Filter Feeders) becomes a payment from an extra ``outside`` company that
    receives nothing (it is in no loop). The outputs ``y`` (respiration) are *not* payments: what
    a company receives and does not pass on stays with it, which is how :mod:`roundtrip` reads
    kept inflow. With that, ``max(inflow, outflow)`` is enaR's input-side throughflow
    ``T_i = sum_k F[k, i] + z_i`` for every compartment. (Modelling ``y`` as payments to an
    outside sink would not: the published model balances only to rounding, e.g. Deposited
    Detritus receives 22.2651 but passes on 22.2656 including respiration, and max would pick
    the output side.)

    Asserted per compartment: our ``throughflow`` against ``$flow$T``, ``round_tripped /
    throughflow`` against the TCC diagonal (the round-tripped share of what passes through),
    ``1 / (1 - cycling_efficiency)`` against the N diagonal; and over the six compartments
    ``sum(round_tripped) / sum(throughflow)`` against ``FCI`` 0.1101686 and
    ``sum(throughflow)`` against ``TST`` 83.5833, to the printed precision.
    """
    src = [s for s, _, _ in OYSTER_FLOWS] + ["outside"] * len(OYSTER_INPUTS)
    dst = [d for _, d, _ in OYSTER_FLOWS] + list(OYSTER_INPUTS)
    amount = [a for _, _, a in OYSTER_FLOWS] + list(OYSTER_INPUTS.values())
    frame = round_tripped(FlowNetwork.from_edges(src, dst, amount)).set_index("company")
    assert frame.loc["outside", "round_tripped"] == 0.0
    nodes = frame.loc[OYSTER_NODES]
    _assert_printed(nodes["throughflow"].to_numpy(), ENAR_T)
    _assert_printed((nodes["round_tripped"] / nodes["throughflow"]).to_numpy(), ENAR_TCC_DIAG)
    _assert_printed((1.0 / (1.0 - nodes["cycling_efficiency"])).to_numpy(), ENAR_N_DIAG)
    fci = nodes["round_tripped"].sum() / nodes["throughflow"].sum()
    assert fci == pytest.approx(0.1101686, abs=_printed_tolerance("0.1101686"))
    assert nodes["throughflow"].sum() == pytest.approx(83.5833, abs=_printed_tolerance("83.5833"))
