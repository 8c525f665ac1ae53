"""The results stage of the competition cycle (see DESIGN.md).

``bp`` serves the organizer's, the chief judge's and the public pages under
/results; ``api_bp`` serves the JSON feed under /api/v1/results and is
registered on the app together with ``bp``.
"""

from flask import Blueprint

bp = Blueprint("results", __name__, url_prefix="/results")
api_bp = Blueprint("results_api", __name__, url_prefix="/api/v1/results")


@bp.record_once
def _register_api(state) -> None:
    """Register the JSON feed alongside the pages (create_app registers only ``bp``)."""
    state.app.register_blueprint(api_bp)


from competitions.results import api, views  # noqa: E402,F401
