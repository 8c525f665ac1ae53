"""The certificates stage of the competition cycle (see DESIGN.md and services.py).

``bp`` serves the organizer's and the holder's pages under /certificates;
``verify_bp`` serves the public verification page at /verify (no login) and is
registered on the app together with ``bp``.
"""

from flask import Blueprint

bp = Blueprint("certificates", __name__, url_prefix="/certificates")
verify_bp = Blueprint("verify", __name__, url_prefix="/verify")


@bp.record_once
def _register_verify(state) -> None:
    """Register the public verification page alongside the others (create_app registers only ``bp``)."""
    state.app.register_blueprint(verify_bp)


from competitions.certificates import views  # noqa: E402,F401
