"""The shipped, sourced dataset (``dealweb/data/companies.yaml`` and ``deals.yaml``).

:func:`load_dataset` is what ``dealweb init`` runs: it loads both files into a ledger in one
transaction through :func:`dealweb.ledger.io.import_files`, so the shipped data gets exactly
the checks a user's import gets.

Example
-------
>>> report = load_dataset(dealweb.open("sqlite:///demo.sqlite"))     # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import os
from contextlib import ExitStack
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from dealweb.ledger.io import ImportReport, import_files
from dealweb.ledger.store import Ledger

DATASET_FILES = ("companies.yaml", "deals.yaml")
META_LOADED = "dataset_loaded_at"
META_SOURCE = "dataset_source"


@dataclass
class InitReport:
    loaded: bool  # False: the ledger was already initialised and --force was not given
    source: str
    imported: ImportReport | None
    counts: dict[str, int]


def shipped_data_dir() -> Traversable:
    """The package's ``data`` directory (works from a wheel or a source checkout)."""
    return resources.files("dealweb") / "data"


def load_dataset(
    ledger: Ledger, data_dir: str | os.PathLike[str] | None = None, force: bool = False
) -> InitReport:
    """Load ``companies.yaml`` and ``deals.yaml`` from ``data_dir`` (default: shipped data).

    Idempotent: an initialised ledger is left alone unless ``force``; with ``force`` every
    record is upserted again (unchanged records write nothing; records edited since are
    reverted to the dataset's version, keeping the edits in their history).
    """
    base = shipped_data_dir() if data_dir is None else Path(data_dir)
    source = str(base)
    if ledger.get_meta(META_LOADED) and not force:
        return InitReport(False, ledger.get_meta(META_SOURCE) or source, None, ledger.counts())
    with ExitStack() as stack:
        paths = []
        for name in DATASET_FILES:
            item = base / name
            if not item.is_file():
                raise FileNotFoundError(
                    f"dataset file not found: {item} (a dataset directory holds "
                    + " and ".join(DATASET_FILES)
                    + ")"
                )
            paths.append(stack.enter_context(resources.as_file(item)))
        reason = "reload dataset (--force)" if force else "load dataset"
        with ledger.transaction():
            report = import_files(ledger, paths, fmt="yaml", reason=f"{reason} from {source}")
            ledger.set_meta(META_LOADED, dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))
            ledger.set_meta(META_SOURCE, source)
    return InitReport(True, source, report, ledger.counts())
