"""Rounds: a preliminary and a final of one trade inside one competition (``services`` says the rules).

``bp`` serves the organizer's and chief judge's pages under /rounds and the
public preliminary standing; ``api_bp`` serves the same operations as JSON
under /api/v1/rounds and is registered with ``bp``.
"""

from flask import Blueprint

bp = Blueprint("rounds", __name__, url_prefix="/rounds")
api_bp = Blueprint("rounds_api", __name__, url_prefix="/api/v1/rounds")


@bp.record_once
def _register_api(state) -> None:
    """Register the JSON API alongside the pages (create_app registers only ``bp``)."""
    state.app.register_blueprint(api_bp)


from competitions.rounds import api, views  # noqa: E402,F401
