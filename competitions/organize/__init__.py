"""The organizer's side: competitions, events and marking schemes.

``bp`` serves the pages under /organize; ``api_bp`` serves the marking scheme's
scoring rules as JSON under /api/v1/organize and is registered with ``bp``.
"""

from flask import Blueprint

bp = Blueprint("organize", __name__, url_prefix="/organize")
api_bp = Blueprint("organize_api", __name__, url_prefix="/api/v1/organize")


@bp.record_once
def _register_api(state) -> None:
    """Register the JSON API alongside the pages (create_app registers only ``bp``)."""
    state.app.register_blueprint(api_bp)


from competitions.organize import api, views  # noqa: E402,F401
