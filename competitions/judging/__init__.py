"""The judging stage of the competition cycle (see DESIGN.md).

``bp`` serves the pages under /judging; ``api_bp`` serves the tablet's JSON
endpoints under /api/v1/judging and is registered on the app together with ``bp``.
"""

from flask import Blueprint

bp = Blueprint("judging", __name__, url_prefix="/judging")
api_bp = Blueprint("judging_api", __name__, url_prefix="/api/v1/judging")
bp.record_once(lambda state: state.app.register_blueprint(api_bp))

from competitions.judging import api, views  # noqa: E402,F401
