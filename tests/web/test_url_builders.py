"""The suite's shared URL builders (tests/support/routing.py) build exactly the URLs Werkzeug's own rules do."""

from __future__ import annotations

import flask
from werkzeug.routing import Rule

from competitions import create_app
from tests.support.routing import MemoizedRule

_SAMPLES = {"IdConverter": 7, "UnicodeConverter": "名 a/b?", "PathConverter": "a/b c"}


def _app(rule_class, monkeypatch):
    monkeypatch.setattr(flask.Flask, "url_rule_class", rule_class)
    return create_app("testing", {"SQLALCHEMY_DATABASE_URI": "sqlite://", "SERVER_NAME": "example.org"})


def _built(app) -> dict[tuple[str, str], str]:
    """Every rule built with sample values, with and without an extra query argument."""
    adapter = app.url_map.bind("example.org")
    urls = {}
    for rule in app.url_map.iter_rules():
        values = {name: _SAMPLES[type(converter).__name__] for name, converter in rule._converters.items()}
        urls[(rule.rule, "plain")] = adapter.build(rule.endpoint, values, method=sorted(rule.methods)[0])
        urls[(rule.rule, "query")] = adapter.build(rule.endpoint, {**values, "lang": "en", "q": "a b"},
                                                   method=sorted(rule.methods)[0])
    return urls


def test_shared_builders_build_the_same_urls_as_werkzeugs_rules(monkeypatch):
    shared = _app(MemoizedRule, monkeypatch)
    again = _app(MemoizedRule, monkeypatch)
    plain = _app(Rule, monkeypatch)
    assert all(type(rule) is MemoizedRule for rule in shared.url_map.iter_rules())
    assert all(type(rule) is Rule for rule in plain.url_map.iter_rules())
    expected = _built(plain)
    assert len(expected) > 400
    assert _built(shared) == expected
    assert _built(again) == expected
    one = next(rule for rule in shared.url_map.iter_rules() if rule.endpoint == "static")
    two = next(rule for rule in again.url_map.iter_rules() if rule.endpoint == "static")
    assert one._build.__func__ is two._build.__func__  # made once, bound to each app's rule
