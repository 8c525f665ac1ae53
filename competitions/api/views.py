"""The API's own endpoints: its description and a health check."""

from __future__ import annotations

from flask import jsonify, request
from sqlalchemy import text

from competitions.api import bp
from competitions.api.openapi import document
from competitions.auth.permissions import public
from competitions.extensions import db


@bp.route("/openapi.json")
@public
def openapi():
    """The OpenAPI 3 document of every JSON endpoint."""
    return jsonify(document(request.host_url))


@bp.route("/health")
@public
def health():
    """Liveness check including the database."""
    db.session.execute(text("SELECT 1"))
    return jsonify(status="ok")
