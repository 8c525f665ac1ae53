"""The registration stage of the competition cycle (see DESIGN.md)."""

from flask import Blueprint

bp = Blueprint("registration", __name__, url_prefix="/registration")

from competitions.registration import views  # noqa: E402,F401
