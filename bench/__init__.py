"""Benchmarks: ``python -m bench list`` and ``python -m bench run NAME [--quick]``.

A benchmark is a module ``bench/bench_<name>.py`` with ``NAME`` (str),
``DESCRIPTION`` (str) and ``run(quick: bool) -> dict`` returning its figures.
The runner adds the context (when, which Python, how many cores) and prints
one JSON line on stdout; progress goes to stderr. ``bench/data.py`` writes the
synthetic data they share.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import traceback
from types import ModuleType

PREFIX = "bench_"


def discover(broken: dict[str, str] | None = None) -> dict[str, ModuleType]:
    """Every benchmark module of this package, by its NAME, sorted by name.

    A module that fails to import is left out; its error goes into ``broken``
    (keyed by the file's name without the prefix) when a dict is given, so one
    broken benchmark does not hide the others.
    """
    found = {}
    for info in pkgutil.iter_modules(__path__):
        if not info.name.startswith(PREFIX):
            continue
        try:
            module = importlib.import_module(f"{__name__}.{info.name}")
        except Exception:  # reported, not swallowed: the runner prints it
            if broken is not None:
                broken[info.name.removeprefix(PREFIX)] = traceback.format_exc()
            continue
        found[module.NAME] = module
    return dict(sorted(found.items()))


def say(message: str) -> None:
    """A progress message: to stderr, so stdout stays one JSON line."""
    print(message, file=sys.stderr, flush=True)
