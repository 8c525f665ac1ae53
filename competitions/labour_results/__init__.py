"""Publication side of labour competitions (劳动竞赛): period rankings, the rotating red flag, money by rank,
cumulative standings and final honours with their certificates.

``bp`` serves the organizer's pages and the public pages under /labour-results; ``api_bp`` the JSON API
under /api/v1/labour-results, registered together with ``bp``. The core (units, periods, scorecards,
assessment, sign-off) is ``competitions.labour``; this stage reads its signed-off periods and owns the
published snapshots and honours.
"""

from flask import Blueprint

bp = Blueprint("labour_results", __name__, url_prefix="/labour-results")
api_bp = Blueprint("labour_results_api", __name__, url_prefix="/api/v1/labour-results")


@bp.record_once
def _register_api(state) -> None:
    """Register the JSON API alongside the pages (create_app registers only ``bp``)."""
    state.app.register_blueprint(api_bp)


from competitions.labour_results import api, labels, views  # noqa: E402,F401
