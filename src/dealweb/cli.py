"""The ``dealweb`` command line. Each area registers its commands on the shared app."""

from __future__ import annotations

import importlib

from dealweb.clikit import app

# Area command modules; each registers its commands on `app` when imported.
_COMMAND_MODULES = [
    "dealweb.ledger.commands",
    "dealweb.compute.commands",
    "dealweb.circularity.commands",
    "dealweb.stress.commands",
    "dealweb.extract.commands",
]

for _name in _COMMAND_MODULES:
    try:
        importlib.import_module(_name)
    except ModuleNotFoundError as exc:  # an area not built yet
        if exc.name != _name:
            raise


def main() -> None:
    app()


if __name__ == "__main__":
    main()
