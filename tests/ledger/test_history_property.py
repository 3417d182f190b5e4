"""Property: whatever sequence of edits, deletes and restores, the history replays exactly.

Invariants checked after every random sequence:
* versions are 1..n without gaps; the first revision is a create;
* each revision's ``changes`` go from the previous snapshot's values to its own snapshot's;
* the last snapshot is the current deal (unless the deal is deleted);
* ``deals(as_of=t)`` at each revision time returns that revision's snapshot.
"""

from __future__ import annotations

import itertools
import time

from hypothesis import given, settings
from hypothesis import strategies as st

import dealweb
from dealweb.ledger.models import Company, Deal

_LEDGER = None
_IDS = itertools.count()


def ledger():  # one in-memory ledger for all examples (opening one costs a migration)
    global _LEDGER
    if _LEDGER is None:
        _LEDGER = dealweb.open("sqlite://")
        _LEDGER.upsert_company(Company(id="a", name="A"))
        _LEDGER.upsert_company(Company(id="b", name="B"))
    return _LEDGER


edit = st.one_of(
    st.fixed_dictionaries({"status": st.sampled_from(["announced", "completed", "reported"])}),
    st.fixed_dictionaries({"amount_high": st.floats(1, 1e12)}),
    st.fixed_dictionaries({"notes": st.one_of(st.none(), st.text(max_size=20))}),
    st.fixed_dictionaries({"tags": st.lists(st.sampled_from(["x", "y", "z"]), max_size=3)}),
    st.just("delete"),
    st.just("restore"),
)


@settings(max_examples=25, deadline=None)
@given(ops=st.lists(edit, min_size=1, max_size=8))
def test_history_replays_every_change(ops: list) -> None:
    led = ledger()
    deal_id = f"deal-{next(_IDS)}"
    led.upsert_deal(
        Deal(
            id=deal_id,
            announced="2025-01-02",
            payer="a",
            payee="b",
            kind="loan",
            sources=[{"url": "https://example.com/h"}],
        )
    )
    deleted = False
    for op in ops:
        time.sleep(0.001)  # distinct timestamps for as_of
        if op == "delete":
            if not deleted:
                led.delete_deal(deal_id)
                deleted = True
        elif op == "restore":
            if deleted:
                led.restore_deal(deal_id)
                deleted = False
        elif not deleted:
            led.edit_deal(deal_id, op, reason="property")
    revs = led.history(deal_id)
    assert [r.version for r in revs] == list(range(1, len(revs) + 1))
    assert revs[0].action == "create"
    for prev, rev in itertools.pairwise(revs):
        for field, (old, new) in rev.changes.items():
            if field == "deleted":
                continue
            assert prev.snapshot.get(field) == old
            assert rev.snapshot.get(field) == new
    current = {d.id: d for d in led.deals(include_deleted=True)}[deal_id]
    assert current.model_dump(mode="json") == revs[-1].snapshot
    assert (revs[-1].action == "delete") == deleted
    for rev in revs:
        past = {d.id: d for d in led.deals(as_of=rev.changed_at, include_deleted=True)}
        assert past[deal_id].model_dump(mode="json") == rev.snapshot
