"""The statistics stage of the competition cycle (see DESIGN.md).

It reads every other stage's tables and writes only its snapshots
(``models.py``): the yearly figures compiled by ``services.compile_year`` --
nightly and on 1 January by the scheduler (``jobs.py``), or by
``flask --app wsgi stats compile --year N`` -- and shown by the dashboard
(``views.py``), its chart data (``api.py``, /api/v1/stats), and the annual
report as a spreadsheet and a PDF (``exports.py``, ``pdf.py``). The admin's
job runs page lives here too.
"""

from flask import Blueprint

bp = Blueprint("stats", __name__, url_prefix="/stats")
api_bp = Blueprint("stats_api", __name__, url_prefix="/api/v1/stats")


@bp.record_once
def _register_api(state) -> None:
    """Register the JSON endpoint alongside the pages (create_app registers only ``bp``)."""
    state.app.register_blueprint(api_bp)


from competitions.stats import api, views  # noqa: E402,F401
