"""Accounts, roles and logging in."""

from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/auth")

from competitions.auth import views  # noqa: E402,F401
