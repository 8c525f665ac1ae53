"""The organizer's side: competitions, events and marking schemes."""

from flask import Blueprint

bp = Blueprint("organize", __name__, url_prefix="/organize")

from competitions.organize import views  # noqa: E402,F401
