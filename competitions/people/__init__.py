"""People: a person's record, who may claim it (claim code or confirmed request) and who may change it."""

from flask import Blueprint

bp = Blueprint("people", __name__, url_prefix="/people")

from competitions.people import views  # noqa: E402,F401
