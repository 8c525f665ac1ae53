"""The promotion stage of the competition cycle (see DESIGN.md): rules engine, flags, review, roster, history.

``bp`` serves the organizer's and the worker's pages under /promotion;
``api_bp`` serves the JSON under /api/v1/promotion and is registered together
with ``bp``. When results become final (``results.signals.results_final``)
the competition is evaluated automatically.
"""

from flask import Blueprint

bp = Blueprint("promotion", __name__, url_prefix="/promotion")
api_bp = Blueprint("promotion_api", __name__, url_prefix="/api/v1/promotion")


@bp.record_once
def _register(state) -> None:
    """Register the JSON endpoints and the automatic run on final results (the CLI comes with competitions.cli)."""
    from competitions.promotion import services
    from competitions.results.signals import results_final

    state.app.register_blueprint(api_bp)
    results_final.connect(services.on_results_final, weak=False)


from competitions.promotion import api, views  # noqa: E402,F401
