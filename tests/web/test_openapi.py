"""The OpenAPI document describes every JSON endpoint and nothing that does not exist."""

from __future__ import annotations

import re


def _api_paths(app) -> set[str]:
    paths = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            paths.add(re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule))
    return paths


def test_every_api_route_is_documented(app, client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.")
    documented = set(doc["paths"])
    routes = _api_paths(app)
    assert routes - documented == set(), f"undocumented API routes: {sorted(routes - documented)}"
    assert documented - routes == set(), f"documented paths that do not exist: {sorted(documented - routes)}"


def test_every_operation_has_responses(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            assert operation.get("responses"), f"{method.upper()} {path} documents no responses"
            for name in re.findall(r"{(\w+)}", path):
                params = {p["name"] for p in operation.get("parameters", [])}
                assert name in params, f"{method.upper()} {path} does not describe parameter {name}"


def test_api_errors_are_json(client):
    response = client.get("/api/v1/does-not-exist")
    assert response.status_code == 404 and response.is_json
