"""The statistics stage of the competition cycle (see DESIGN.md).

It reads every other stage's tables and writes only its snapshots
(``models.py``): the yearly figures compiled by ``services.compile_year`` --
nightly and on 1 January by the scheduler (``jobs.py``), or by
``flask --app wsgi stats compile --year N`` -- and shown by the dashboard, its
chart data and the annual report (``views.py``, ``exports.py``, ``pdf.py``).
The admin's job runs page lives here too.
"""

from flask import Blueprint

bp = Blueprint("stats", __name__, url_prefix="/stats")

from competitions.stats import views  # noqa: E402,F401
