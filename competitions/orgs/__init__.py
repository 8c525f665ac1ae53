"""The union tree (federation -> district -> enterprise union) and the workers of each enterprise."""

from flask import Blueprint

bp = Blueprint("orgs", __name__, url_prefix="/orgs")

from competitions.orgs import views  # noqa: E402,F401
