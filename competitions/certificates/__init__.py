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
    """Register the public verification page alongside the others (create_app registers only ``bp``).

    Also follow final results: when a competition's results become final again
    (corrected after an appeal), its certificates are reissued in that transaction.
    """
    from competitions.certificates import services
    from competitions.results.signals import results_final

    state.app.register_blueprint(verify_bp)
    results_final.connect(services.on_results_final, weak=False)


from competitions.certificates import views  # noqa: E402,F401
