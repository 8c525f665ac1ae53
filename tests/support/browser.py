"""Launch Debian's Chromium through Playwright for the browser tests.

The rule: browser tests drive the system Chromium (the apt package ``chromium``), not a browser that
Playwright downloads, because the CI machine has no access to Playwright's download host. We pass the
binary as ``executable_path`` and a fixed set of flags that make headless Chromium quiet and
deterministic in a container: no sandbox when running as root (Chromium refuses otherwise), no GPU,
no /dev/shm dependency, and no background traffic (updates, sync, QUIC) on a closed network.
Judges use tablets, so tests open pages at tablet size (``TABLET_VIEWPORT``).
"""

from __future__ import annotations

import os
import shutil
from typing import Any

from . import in_ci, require

__all__ = [
    "CHROMIUM_ARGS",
    "TABLET_VIEWPORT",
    "chromium_args",
    "chromium_available",
    "find_chromium",
    "in_ci",
    "launch_browser",
    "login",
    "require",
]

TABLET_VIEWPORT = {"width": 1024, "height": 768}
_CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser")
_QUIET_FLAGS = (
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
)


def find_chromium() -> str | None:
    """Return the path of a Chromium binary (``CHROMIUM_BIN`` if set, then Debian's names), or None."""
    override = os.environ.get("CHROMIUM_BIN")
    for candidate in ((override,) if override else ()) + _CANDIDATES:
        found = shutil.which(candidate)
        if found:
            return found
    return None


def chromium_args() -> list[str]:
    """Flags for headless Chromium here; ``--no-sandbox`` only when root, where the sandbox cannot start."""
    sandbox = ["--no-sandbox"] if os.geteuid() == 0 else []
    return sandbox + list(_QUIET_FLAGS)


CHROMIUM_ARGS = chromium_args()


def chromium_available() -> tuple[bool, str]:
    """Tell whether browser tests can run here, and if not, why (for ``require``)."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False, "the playwright package is not installed in this virtualenv (pip install playwright)"
    path = find_chromium()
    if path is None:
        return (
            False,
            "no Chromium binary (/usr/bin/chromium); install Debian's chromium (scripts/system-deps.sh)",
        )
    return True, f"Chromium at {path}"


def launch_browser(playwright: Any, **options: Any) -> Any:
    """Launch headless system Chromium from a started ``sync_playwright()`` object.

    Extra keyword ``options`` go to ``playwright.chromium.launch`` (e.g. ``slow_mo``). Raises
    RuntimeError when no Chromium is installed, so callers should ``require(...)`` first.
    """
    path = find_chromium()
    if path is None:
        raise RuntimeError(chromium_available()[1])
    settings = {"executable_path": path, "args": chromium_args(), "headless": True, **options}
    return playwright.chromium.launch(**settings)


def watch_csp(page) -> list[str]:
    """Collect, from now on, what the page's Content-Security-Policy refused (console errors and reports).

    Every browser page of the suite is watched (the ``page`` fixture checks the list is empty when the test
    ends), so an inline script or handler that slips back into a template fails the test that shows it.
    """
    refused: list[str] = []

    def on_console(message):
        if message.type == "error" and "Content Security Policy" in message.text:
            refused.append(f"{page.url}: {message.text}")

    page.on("console", on_console)
    return refused


def login(page, base: str, username: str, lang: str | None = None, *, password: str | None = None) -> None:
    """Log in through the login form as a person would, wait for the role's start page, then pick ``lang``.

    The one login of every browser test (each used to carry its own copy). ``password`` defaults to the
    factories' ``PASSWORD``; ``lang`` ("zh" or "en") clicks the page's language switch.
    """
    from tests.factories import PASSWORD

    page.goto(f"{base}/auth/login")
    page.fill("#username", username)
    page.fill("#password", password or PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/auth/login" not in url)  # each role lands on its own start page
    if lang:
        page.click(f"form.langswitch button[value={lang}]")
        page.wait_for_load_state()
