"""The results stage of the competition cycle (see DESIGN.md)."""

from flask import Blueprint

bp = Blueprint("results", __name__, url_prefix="/results")
