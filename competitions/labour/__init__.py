"""Labour competitions (劳动竞赛) on key projects: participating units, assessment periods, scorecards,
assessors scoring on the tablet, per-period sign-off (see ``models``, ``setup`` and ``assessment``).

``bp`` serves the organizer's and the assessors' pages under /labour; ``api_bp`` the JSON under
/api/v1/labour, registered together with ``bp``.
"""

from flask import Blueprint

bp = Blueprint("labour", __name__, url_prefix="/labour")
api_bp = Blueprint("labour_api", __name__, url_prefix="/api/v1/labour")


@bp.record_once
def _register(state) -> None:
    """Register the JSON endpoints (the CLI comes with competitions.cli)."""
    state.app.register_blueprint(api_bp)


from competitions.labour import api, views  # noqa: E402,F401
