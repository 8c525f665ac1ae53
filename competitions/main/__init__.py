"""The start page, the language switcher and health check."""

from flask import Blueprint

bp = Blueprint("main", __name__)

from competitions.main import views  # noqa: E402,F401
