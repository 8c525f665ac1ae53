"""The OpenAPI 3 document of every JSON endpoint.

Paths are registered next to the code that serves them with ``register_path``;
``tests/web/test_openapi.py`` checks every ``/api/v1`` route in the URL map is
described here and every described path exists.
"""

from __future__ import annotations

PATHS: dict[str, dict] = {}
SCHEMAS: dict[str, dict] = {
    "Error": {
        "type": "object",
        "required": ["error", "message"],
        "properties": {
            "error": {"type": "string", "description": "Machine-readable error code."},
            "message": {"type": "string", "description": "Human-readable message in the user's language."},
            "field": {"type": "string", "nullable": True},
        },
    },
}


def register_path(path: str, operations: dict) -> None:
    """Describe the operations (get/post/...) of one OpenAPI path ("/api/v1/...")."""
    PATHS.setdefault(path, {}).update(operations)


def register_schema(name: str, schema: dict) -> None:
    """Add a reusable component schema."""
    SCHEMAS[name] = schema


def document(server_url: str = "/") -> dict:
    """The complete OpenAPI document."""
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Labor & Skills Competition Manager API",
            "version": "1",
            "description": "JSON endpoints for judging tablets, results feeds and integrations.",
        },
        "servers": [{"url": server_url}],
        "paths": dict(sorted(PATHS.items())),
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"session": {"type": "apiKey", "in": "cookie", "name": "session"}},
        },
    }


register_path("/api/v1/openapi.json", {
    "get": {
        "summary": "This document.",
        "responses": {"200": {"description": "The OpenAPI 3 document.", "content": {"application/json": {}}}},
    }
})
register_path("/api/v1/health", {
    "get": {
        "summary": "Liveness check.",
        "responses": {"200": {"description": "The service and its database answer.", "content": {
            "application/json": {"schema": {"type": "object", "properties": {"status": {"type": "string"}}}}}}},
    }
})
