"""dealweb: map, measure and stress-test the web of deals that finances the AI industry.

Open the ledger of companies and deals::

    import dealweb
    ledger = dealweb.open()            # $DEALWEB_DB, else SQLite in the user data dir
    frame = ledger.deals_frame(kind="cloud_commitment")
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dealweb.ledger.store import Ledger

__version__ = "0.1.0"
__all__ = ["open", "__version__"]


def open(url: str | None = None) -> Ledger:  # noqa: A001 - `dealweb.open` is the public name
    """Open (creating and migrating if needed) the ledger at ``url``.

    Parameters
    ----------
    url:
        A SQLAlchemy URL (``sqlite:///path``, ``postgresql+psycopg://user:pw@host/db``) or a
        plain file path for SQLite. Defaults to ``$DEALWEB_DB``, else
        ``platformdirs.user_data_dir("dealweb")/dealweb.sqlite``.

    Example
    -------
    >>> ledger = dealweb.open("sqlite://")   # in-memory  # doctest: +SKIP
    """
    # Imported lazily so that `import dealweb.compute` etc. does not pull in SQLAlchemy.
    from dealweb.ledger.store import open_ledger

    return open_ledger(url)
