"""Innovation contests (职工创新竞赛): entries, attachments, unit pre-review, expert review, adoption.

``bp`` serves the pages under /innovation; ``api_bp`` the JSON API under /api/v1/innovation, registered
with ``bp``. See ``services.py`` for the flow and how entries ride on judging, results and certificates.
"""

from flask import Blueprint

bp = Blueprint("innovation", __name__, url_prefix="/innovation")
api_bp = Blueprint("innovation_api", __name__, url_prefix="/api/v1/innovation")


@bp.record_once
def _register_api(state) -> None:
    """Register the JSON API alongside the pages (create_app registers only ``bp``)."""
    state.app.register_blueprint(api_bp)


from competitions.innovation import api, views  # noqa: E402,F401
