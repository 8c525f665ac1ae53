"""The judging stage of the competition cycle (see DESIGN.md)."""

from flask import Blueprint

bp = Blueprint("judging", __name__, url_prefix="/judging")
