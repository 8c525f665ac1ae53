"""The JSON API under /api/v1/ and its OpenAPI 3 document.

Each blueprint that offers JSON endpoints registers its routes on this
blueprint's ``bp`` and describes them in ``competitions/api/openapi.py``.
"""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from competitions.api import views  # noqa: E402,F401
