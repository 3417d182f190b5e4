"""Quality gates for the shipped, sourced dataset (src/dealweb/data/*.yaml).

These tests read the YAML exactly as shipped in the package, validate every row through the
pydantic domain model, and pin the facts the rest of dealweb relies on (the Microsoft-Nvidia-
Anthropic deals of 18 Nov 2025, OpenAI's Oracle contract and $1.4T/30 GW statement, the
Nvidia -> OpenAI -> Oracle -> Nvidia money loop, the big stakes). They fail when the data regresses.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from importlib.resources import files
from pathlib import Path

import networkx as nx
import pytest
import yaml

from dealweb.ledger.models import EQUITY_KINDS, Company, Deal, DealKind

DATA = files("dealweb") / "data"

#: Every deal id of the shared reference list (/work/shared/data/ai_deals_reference.csv).
#: The shipped dataset extends that list and must never silently drop a row of it.
REFERENCE_DEAL_IDS = {
    "msft-anthropic-equity-2025",
    "nvda-anthropic-equity-2025",
    "anthropic-azure-2025",
    "anthropic-nvidia-1gw-2025",
    "anthropic-msft-foundry-2025",
    "openai-oracle-300b-2025",
    "openai-1.4t-30gw-2025",
    "nvda-openai-100b-2025",
    "openai-nvidia-10gw-2025",
    "amd-openai-warrant-2025",
    "openai-amd-6gw-2025",
    "openai-broadcom-10gw-2025",
    "openai-coreweave-11.9b-2025",
    "openai-coreweave-equity-2025",
    "openai-coreweave-4b-2025",
    "openai-coreweave-6.5b-2025",
    "nvda-coreweave-6.3b-2025",
    "meta-coreweave-14.2b-2025",
    "meta-coreweave-21b-2026",
    "meta-google-10b-2025",
    "msft-nebius-17.4b-2025",
    "msft-iren-9.7b-2025",
    "iren-dell-5.8b-2025",
    "msft-openai-1b-2019",
    "msft-openai-10b-2023",
    "openai-azure-250b-2025",
    "msft-openai-stake-2025",
    "openai-aws-38b-2025",
    "softbank-openai-40b-2025",
    "amzn-anthropic-4b-2023",
    "amzn-anthropic-4b-2024",
    "anthropic-aws-primary-2023",
    "goog-anthropic-0.3b-2023",
    "goog-anthropic-3b-2023-2025",
    "anthropic-google-tpu-2025",
    "oracle-nvidia-40b-2025",
    "nvda-intel-5b-2025",
    "stargate-500b-2025",
    "nvda-openai-30b-2026",
    "amzn-openai-50b-2026",
}
HTTP_URL = re.compile(r"^https?://[^\s/]+\.[^\s]+$")
LATEST_PLAUSIBLE_DATE = dt.date(2026, 12, 31)


def _load(name: str) -> list[dict]:
    rows = yaml.safe_load((DATA / name).read_text(encoding="utf-8"))
    assert isinstance(rows, list), f"{name}: expected a YAML list at top level"
    return rows


@pytest.fixture(scope="module")
def companies() -> list[Company]:
    out = []
    for i, row in enumerate(_load("companies.yaml")):
        try:
            out.append(Company.model_validate(row))
        except Exception as exc:  # pragma: no cover - message only
            pytest.fail(f"companies.yaml item {i} ({row.get('id')!r}): {exc}")
    return out


@pytest.fixture(scope="module")
def deals() -> list[Deal]:
    out = []
    for i, row in enumerate(_load("deals.yaml")):
        try:
            out.append(Deal.model_validate(row))
        except Exception as exc:  # pragma: no cover - message only
            pytest.fail(f"deals.yaml item {i} ({row.get('id')!r}): {exc}")
    return out


@pytest.fixture(scope="module")
def by_id(deals: list[Deal]) -> dict[str, Deal]:
    return {d.id: d for d in deals}


@pytest.fixture(scope="module")
def company_ids(companies: list[Company]) -> set[str]:
    return {c.id for c in companies}


# --- counts and identity -------------------------------------------------------------------


def test_counts(companies, deals):
    assert len(deals) >= 60, f"only {len(deals)} deals"
    assert len(companies) >= 25, f"only {len(companies)} companies"


def test_unique_ids(companies, deals):
    for what, ids in (("deal", [d.id for d in deals]), ("company", [c.id for c in companies])):
        dupes = [k for k, n in Counter(ids).items() if n > 1]
        assert not dupes, f"duplicate {what} ids: {dupes}"


def test_names_and_aliases_resolve_to_one_company(companies):
    owner: dict[str, str] = {}
    for c in companies:
        for key in {c.id, c.name, *c.aliases}:
            k = key.casefold()
            assert owner.setdefault(k, c.id) == c.id, (
                f"{key!r} names both {owner[k]!r} and {c.id!r}"
            )


@pytest.mark.parametrize(
    "alias, company",
    [
        ("AWS", "amazon"),
        ("Amazon Web Services", "amazon"),
        ("Azure", "microsoft"),
        ("Google", "alphabet"),
        ("Google Cloud", "alphabet"),
        ("OCI", "oracle"),
        ("NVIDIA", "nvidia"),
    ],
)
def test_required_aliases(companies, alias, company):
    hits = [c.id for c in companies if alias.casefold() in {a.casefold() for a in c.aliases}]
    assert hits == [company]


def test_reference_deals_kept(by_id):
    missing = REFERENCE_DEAL_IDS - set(by_id)
    assert not missing, f"reference deals dropped: {sorted(missing)}"


# --- referential integrity and sources -----------------------------------------------------


def test_payer_and_payee_are_companies(deals, company_ids):
    bad = [
        (d.id, p)
        for d in deals
        for p in (d.payer, d.payee)
        if p is not None and p not in company_ids
    ]
    assert not bad, f"unknown company ids: {bad}"


def test_every_deal_has_an_http_source(deals):
    for d in deals:
        assert d.sources, d.id
        assert all(HTTP_URL.match(s.url) for s in d.sources), d.id


def test_every_figure_has_a_source(companies, company_ids):
    for c in companies:
        for f in c.figures:
            assert f.source is not None and HTTP_URL.match(f.source.url), (c.id, f.label)
            if f.counterparty is not None:
                assert f.counterparty in company_ids, (c.id, f.label, f.counterparty)
            if f.name == "stake":
                assert f.counterparty, f"{c.id}: stake figure {f.label!r} without counterparty"


def test_dates_plausible(deals):
    for d in deals:
        assert dt.date(2015, 1, 1) <= d.announced <= LATEST_PLAUSIBLE_DATE, d.id
        if "aggregate" in d.tags:
            continue  # sums several tranches: its sources may predate the summary date
        for s in d.sources:
            if s.date is not None:
                # a source cannot report a deal long before it was announced
                assert s.date >= d.announced - dt.timedelta(days=400), (d.id, s.url)


# --- amount conventions ---------------------------------------------------------------------


def test_usd_amounts_equal_stated_amounts_for_usd_deals(deals):
    for d in deals:
        if d.currency == "USD":
            assert (d.amount_usd_low, d.amount_usd_high) == (d.amount_low, d.amount_high), d.id


def test_non_usd_deals_have_usd_values(deals):
    for d in deals:
        if d.currency != "USD" and (d.amount_low or d.amount_high):
            assert d.amount_usd_high is not None or d.amount_usd_low is not None, d.id


def test_amounts_are_in_dollars_not_billions(deals):
    # a deal stated in billions but typed as "5" would pass the model; catch it here
    for d in deals:
        for v in (d.amount_usd_low, d.amount_usd_high):
            assert v is None or v >= 1e6, f"{d.id}: implausibly small amount {v}"


def test_every_deal_says_what_was_stated(deals):
    for d in deals:
        assert d.amount_stated or d.kind == DealKind.distribution, d.id


# --- the facts the rest of dealweb relies on --------------------------------------------------


def _one(deals, payer, payee, kind):
    hits = [d for d in deals if d.payer == payer and d.payee == payee and d.kind == kind]
    assert hits, f"no {kind} deal {payer} -> {payee}"
    return hits


def test_microsoft_nvidia_anthropic_nov_2025(by_id):
    msft = by_id["msft-anthropic-equity-2025"]
    assert (msft.payer, msft.payee, msft.kind) == ("microsoft", "anthropic", "equity_investment")
    assert msft.up_to and msft.amount_usd_low is None and msft.amount_usd_high == 5e9

    nvda = by_id["nvda-anthropic-equity-2025"]
    assert (nvda.payer, nvda.payee, nvda.kind) == ("nvidia", "anthropic", "equity_investment")
    assert nvda.up_to and nvda.amount_usd_low is None and nvda.amount_usd_high == 10e9

    azure = by_id["anthropic-azure-2025"]
    assert (azure.payer, azure.payee, azure.kind) == ("anthropic", "microsoft", "cloud_commitment")
    assert azure.amount_usd_low == azure.amount_usd_high == 30e9

    gw = by_id["anthropic-nvidia-1gw-2025"]
    assert (gw.payer, gw.payee, gw.kind) == ("anthropic", "nvidia", "compute_capacity")
    assert gw.gigawatts == 1 and gw.amount_usd_low is None and gw.amount_usd_high is None

    foundry = by_id["anthropic-msft-foundry-2025"]
    assert (foundry.payer, foundry.payee) == ("anthropic", "microsoft")
    assert foundry.kind == "distribution"

    for d in (msft, nvda, azure, gw, foundry):
        assert d.announced == dt.date(2025, 11, 18) and d.date_precision == "day", d.id


def test_openai_commitments(by_id, deals):
    oracle = by_id["openai-oracle-300b-2025"]
    assert (oracle.payer, oracle.payee, oracle.kind) == ("openai", "oracle", "cloud_commitment")
    assert oracle.amount_usd_low == oracle.amount_usd_high == 300e9

    total = by_id["openai-1.4t-30gw-2025"]
    assert total.payer == "openai" and total.payee is None
    assert total.amount_usd_high == 1.4e12 and total.gigawatts == 30


def test_money_loop_nvidia_openai_oracle(deals):
    """Nvidia invests in OpenAI, OpenAI buys Oracle cloud, Oracle buys Nvidia chips."""
    _one(deals, "nvidia", "openai", DealKind.equity_investment)
    _one(deals, "openai", "oracle", DealKind.cloud_commitment)
    _one(deals, "oracle", "nvidia", DealKind.hardware_purchase)
    graph = nx.DiGraph((d.payer, d.payee) for d in deals if d.payee is not None)
    cycles = {frozenset(c) for c in nx.simple_cycles(graph) if len(c) == 3}
    assert frozenset({"nvidia", "openai", "oracle"}) in cycles


def test_2026_openai_round_parts(deals):
    amazon = [
        d
        for d in _one(deals, "amazon", "openai", DealKind.equity_investment)
        if d.announced.year == 2026
    ]
    assert amazon and amazon[0].amount_usd_high == 50e9
    nvidia = [
        d
        for d in _one(deals, "nvidia", "openai", DealKind.equity_investment)
        if d.announced.year == 2026
    ]
    assert nvidia and nvidia[0].amount_usd_high == 30e9


def test_nvidia_100b_letter_keeps_its_revisions_in_notes(by_id):
    d = by_id["nvda-openai-100b-2025"]
    assert d.amount_usd_high == 100e9 and d.up_to
    assert "never a commitment" in (d.notes or "")


def test_no_zero_or_negative_equity(deals):
    for d in deals:
        if d.kind in EQUITY_KINDS and d.amount_usd_high is not None:
            assert d.amount_usd_high > 0, d.id


@pytest.mark.parametrize(
    "holder, held, low, high",
    [
        ("microsoft", "openai", 0.26, 0.28),
        ("alphabet", "anthropic", 0.13, 0.15),
        ("nvidia", "coreweave", 0.05, 0.07),
    ],
)
def test_required_stakes(companies, holder, held, low, high):
    c = next(c for c in companies if c.id == holder)
    stakes = [f.value_usd for f in c.figures if f.name == "stake" and f.counterparty == held]
    assert stakes and all(low <= s <= high for s in stakes), (holder, held, stakes)


@pytest.mark.parametrize("company", ["microsoft", "nvidia", "oracle", "coreweave", "openai"])
def test_stress_test_companies_have_revenue(companies, company):
    c = next(c for c in companies if c.id == company)
    assert any(f.name == "revenue" for f in c.figures), company


def test_conflicting_figures_keep_both_sources(companies):
    """Where two sources disagree we keep both (e.g. Oracle's long-term debt)."""
    oracle = next(c for c in companies if c.id == "oracle")
    debts = {f.value_usd: f.source.url for f in oracle.figures if f.name == "debt"}
    assert len(debts) >= 2 and len(set(debts.values())) >= 2


# --- curation conventions -------------------------------------------------------------------


def test_reference_rows_are_tagged(by_id):
    untagged = [i for i in REFERENCE_DEAL_IDS if i in by_id and "reference" not in by_id[i].tags]
    assert not untagged, f"reference deals without the 'reference' tag: {untagged}"


def test_conflicts_cite_more_than_one_source(deals):
    for d in deals:
        if "conflicting-amounts" in d.tags:
            urls = {s.url for s in d.sources}
            assert len(urls) >= 2, f"{d.id}: a conflict needs both sources"


def test_gw_only_deals_are_tagged_and_carry_no_dollars(deals):
    for d in deals:
        no_dollars = d.amount_usd_low is None and d.amount_usd_high is None
        if d.gigawatts is not None and no_dollars:
            assert "gw-only" in d.tags, f"{d.id}: GW-only deal should be tagged gw-only"
        if "gw-only" in d.tags:
            assert d.gigawatts is not None and no_dollars, d.id


def test_up_to_without_floor_has_no_low(deals):
    for d in deals:
        if d.up_to and d.amount_usd_high is not None and d.amount_usd_low is not None:
            # a stated floor is allowed, but it must be below the ceiling
            assert d.amount_usd_low < d.amount_usd_high, d.id


def test_reported_deals_explain_themselves(deals):
    for d in deals:
        if d.status == "reported":
            assert d.notes, f"{d.id}: a press-reported deal needs a note on who reported it"


def test_figure_dates_plausible(companies):
    for c in companies:
        for f in c.figures:
            year = int(f.as_of[:4])
            assert 2015 <= year <= LATEST_PLAUSIBLE_DATE.year, (c.id, f.label, f.as_of)


def test_every_deal_party_has_a_role(companies, deals):
    used = {p for d in deals for p in (d.payer, d.payee) if p}
    roles = {c.id: c.role for c in companies}
    assert used <= set(roles)
    # the companies the stress tests start from are classified, not left as 'other'
    for cid, role in (
        ("openai", "ai_lab"),
        ("anthropic", "ai_lab"),
        ("microsoft", "cloud"),
        ("oracle", "cloud"),
        ("nvidia", "chipmaker"),
        ("coreweave", "neocloud"),
    ):
        assert roles[cid] == role, cid


def test_every_source_names_its_publisher(companies, deals):
    """Aggregator copies must say whose reporting they carry, so every source names one."""
    sources = [s for d in deals for s in d.sources] + [
        f.source for c in companies for f in c.figures
    ]
    missing = [s.url for s in sources if not s.publisher]
    assert not missing, missing[:5]


def test_annual_rates_are_flagged(deals):
    for d in deals:
        if d.amount_stated and "a year" in d.amount_stated and d.term_years is None:
            assert "annual-rate" in d.tags, f"{d.id}: a per-year amount needs the annual-rate tag"


def test_every_reference_source_url_is_kept():
    listed = (files("dealweb") / "data" / "NOTES.md").read_text(encoding="utf-8")
    for name in ("companies.yaml", "deals.yaml"):
        listed += (DATA / name).read_text(encoding="utf-8")
    ref = Path(__file__).with_name("reference_source_urls.txt").read_text(encoding="utf-8")
    urls = [u for u in ref.splitlines() if u and not u.startswith("#")]
    assert len(urls) > 40
    dropped = [u for u in urls if u not in listed]
    assert not dropped, f"reference source URLs dropped: {dropped}"


# --- fact-check 2026-11-25: conventions an analysis relies on ---------------------------------

FLOOR_WORDS = re.compile(r"^(more than|at least|over) \$", re.IGNORECASE)
DEAL_ID = re.compile(r"\b[a-z0-9]+(?:-[a-z0-9.]+)+-20\d\d\b")


def test_stated_floors_have_no_ceiling(deals):
    """'More than $10B' is a floor: amount_low is the figure and amount_high stays empty."""
    floors = [d for d in deals if d.amount_stated and FLOOR_WORDS.match(d.amount_stated)]
    assert len(floors) >= 3, [d.id for d in floors]
    for d in floors:
        assert d.amount_usd_low is not None and d.amount_usd_high is None, d.id


@pytest.mark.parametrize("deal_id", ["stargate-500b-2025", "openai-1.4t-30gw-2025"])
def test_umbrella_totals_are_excludable(by_id, deal_id):
    assert {"aggregate", "overlaps"} <= set(by_id[deal_id].tags), deal_id


def test_overlapping_deals_name_what_they_overlap(deals, by_id):
    """A deal tagged 'overlaps' names, in its notes, another deal it double counts with."""
    for d in deals:
        if "overlaps" not in d.tags:
            continue
        named = {m for m in DEAL_ID.findall(d.notes or "") if m != d.id}
        assert named & set(by_id), f"{d.id}: 'overlaps' without naming another deal id in notes"


def test_superseded_revenue_share_is_capped(by_id):
    """Microsoft-OpenAI revenue share: the 2026 amendment caps it (reported $38B) and the 2025
    uncapped entry is marked as overlapping so the two are never summed."""
    cap = by_id["openai-msft-revenue-share-cap-2026"]
    assert cap.kind == "revenue_share" and cap.up_to and cap.amount_usd_low is None
    assert "overlaps" in by_id["openai-msft-revenue-share-2025"].tags


# --- timing of commitments ------------------------------------------------------------------

#: "starts 2027", "starting in 2027", "from early 2027", "begin in the second half of 2026",
#: "from Q3 2026", "ships from 2H 2026": a verb of starting, then the year.
START_PHRASE = re.compile(
    r"\b(?:starts?|starting|from|begins?|beginning|commenc\w*)\s+(?:in\s+)?"
    r"(?:early\s+|late\s+|mid-?|the\s+)?"
    r"(?:(?:first|second)\s+half\s+of\s+|[HQ][1-4]\s+|[12]H\s+)?(20\d\d)\b",
    re.IGNORECASE,
)
#: Kinds the stress model spreads over time (commitments, and unpaid equity as funding).
TIMED_KINDS = {
    DealKind.cloud_commitment,
    DealKind.compute_capacity,
    DealKind.hardware_purchase,
    DealKind.revenue_share,
    DealKind.loan,
    DealKind.equity_investment,
}


def stated_start_years(text: str | None) -> list[int]:
    return [int(y) for y in START_PHRASE.findall(text or "")]


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("starts 2027; about 4.5 GW", [2027]),
        ("deployment is to begin in the second half of 2026", [2026]),
        ("Vera Rubin clusters from early 2027", [2027]),
        ("Texas services from Q3 2026", [2026]),
        ("First 1 GW of custom MI450 ships from 2H 2026", [2026]),
        ("expected to come online starting in 2027", [2027]),
        ("round announced 2026-02-27 as $110B", []),
        ("first GW on Vera Rubin in 2H 2026", []),
    ],
)
def test_start_phrases_are_read(text, years):
    assert stated_start_years(text) == years


def test_stated_start_year_is_not_before_the_modelled_start(deals):
    """A commitment whose notes say when it starts ('starts 2027', 'from early 2027') carries that
    timing: the stress model spreads the amount from `term_start` (else the announcement date) or
    by `schedule`, so payments must not begin before the earliest start year the notes state. In
    practice `term_start` or a `schedule` is set whenever that year is after the announcement.
    Deals without a dollar amount or gigawatts, and completed investments (holdings), are not
    timed by the model and are left out."""
    checked = []
    for d in deals:
        if d.kind not in TIMED_KINDS or d.status == "completed":
            continue
        if d.amount_usd_low is None and d.amount_usd_high is None and d.gigawatts is None:
            continue
        years = stated_start_years(d.notes)
        if not years:
            continue
        if d.schedule:
            begin = min(year for year, share in d.schedule.items() if share > 0)
        else:
            begin = (d.term_start or d.announced).year
        assert begin >= min(years), (
            f"{d.id}: notes say it starts in {min(years)} but payments are modelled from {begin};"
            " set term_start (first day of the stated year/half) or a schedule"
        )
        checked.append(d.id)
    assert len(checked) >= 8, checked
