"""Dump the rules-only candidates of the checkout on PYTHONPATH for one batch folder (JSON).

How the files beside this one were made (session 5), for each batch and the commit that first
scored it blind (table in README.md):

    git worktree add --detach /tmp/wt_COMMIT COMMIT
    PYTHONPATH=/tmp/wt_COMMIT/src python extract_at_commit.py BATCH_DIR out.json

BATCH_DIR holds that batch's excerpt files and the development set's ``_gazetteer.yaml`` as it was
at that commit. The old commits' APIs differ a little (``pair_model`` did not exist before
ba9451b; ``excerpt_date`` neither), hence the checks below.
"""

import inspect
import json
import sys

from dealweb.extract import evaluate
from dealweb.extract.rules import RuleExtractor

FIELDS = ("payer", "payee", "kind", "amount_usd_low", "amount_usd_high", "up_to", "gigawatts",
          "status", "start", "end", "quote")  # fmt: skip


def main(src: str, out: str) -> None:
    gazetteer = evaluate.default_gazetteer(src)
    rules_only = "pair_model" in inspect.signature(RuleExtractor).parameters
    ex = RuleExtractor(gazetteer, **({"pair_model": None} if rules_only else {}))
    found = {}
    for path, data in evaluate.load_labelled(src):
        date = evaluate.excerpt_date(data) if hasattr(evaluate, "excerpt_date") else None
        try:
            cands = ex.extract(data["text"], date=date)
        except TypeError:  # before extract() took a date
            cands = ex.extract(data["text"])
        found[path.name] = [{k: getattr(c, k, None) for k in FIELDS} for c in cands]
    with open(out, "w") as fh:
        json.dump({"candidates": found}, fh, default=str, indent=1)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
