"""Test infrastructure shared by the web, browser and PostgreSQL suites.

The rule: a test that needs a real Chromium or a real PostgreSQL server must never pass silently
without one. In CI (``CI=true``) a missing dependency fails the run; on a developer machine it skips
with a reason that says what to install. This follows the practice of projects that test against real
database servers in CI (CTFd runs its suite on SQLite *and* PostgreSQL) while keeping a laptop run
cheap.

Modules:
    postgres    -- a throwaway PostgreSQL cluster per test session (initdb into a temp dir).
    browser     -- find Debian's Chromium and launch it through Playwright.
    liveserver  -- serve a Flask app on a free local port in a background thread.

Modules import each other relatively, so this package works both as ``tests.support`` and as
``support`` (when ``tests/`` itself is on ``sys.path``).
"""

from __future__ import annotations

import os

import pytest

_TRUTHY = {"true", "1", "yes"}


def in_ci() -> bool:
    """Tell whether we run under CI, where a missing dependency is a failure rather than a skip."""
    return os.environ.get("CI", "").strip().lower() in _TRUTHY


def require(what: str, ok: bool, reason: str) -> None:
    """Stop the current test when ``what`` is unavailable: fail in CI, skip elsewhere.

    ``reason`` should tell a developer how to get the dependency (for example which apt package or
    script installs it), because it is the only thing they will read in the skip summary.
    """
    if ok:
        return
    message = f"{what} unavailable: {reason}"
    if in_ci():
        pytest.fail(f"{message} (CI=true, so this is a failure, not a skip)", pytrace=False)
    pytest.skip(message)
