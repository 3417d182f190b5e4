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
    importlib.import_module(_name)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
