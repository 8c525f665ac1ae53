"""Build each URL rule's builder once per test process instead of once per app.

The rule: the suite creates a fresh app for nearly every test (its own database, its own config), and
``create_app`` registers ~260 URL rules. For every rule Werkzeug generates and ``compile()``s two small
Python functions that build its URLs (``Rule._compile_builder``: an AST, then ``compile``), which was
~95 % of ``create_app`` -- about half a second of one core per test, 10-15 minutes of a full run. The
generated function depends only on the rule's parsed parts, its defaults and ``append_unknown``; it
reaches the rule's converters through its ``self`` argument at call time, so one function can serve the
same rule in every app. ``MemoizedRule`` keeps them in a per-process dict keyed on exactly those inputs.

Production creates one app per process and never needs this; only the tests install it, through Flask's
documented ``Flask.url_rule_class`` hook (``install()``). URL building and matching are Werkzeug's own:
matching is untouched, and each rule still binds the shared builder to itself as ``compile()`` does.
"""

from __future__ import annotations

from typing import Any

from werkzeug.routing import Rule

_BUILDERS: dict[tuple, Any] = {}


class MemoizedRule(Rule):
    """A Werkzeug ``Rule`` whose generated URL builders are shared by every rule with the same shape."""

    def _compile_builder(self, append_unknown: bool = True):
        """Return the cached builder for this rule's parts, defaults and ``append_unknown``, making it once."""
        defaults = tuple(sorted((name, repr(value)) for name, value in (self.defaults or {}).items()))
        key = (self.rule, self.subdomain, self.host, tuple(self._trace), defaults, append_unknown)
        builder = _BUILDERS.get(key)
        if builder is None:
            builder = _BUILDERS[key] = super()._compile_builder(append_unknown)
        return builder


def install() -> bool:
    """Make every Flask app created from now on in this process use ``MemoizedRule``.

    Returns False (and changes nothing) if this Werkzeug no longer has the private method we wrap, so a
    Werkzeug upgrade makes the suite slower, never wrong.
    """
    import flask

    if not callable(getattr(Rule, "_compile_builder", None)):
        return False
    flask.Flask.url_rule_class = MemoizedRule
    return True
