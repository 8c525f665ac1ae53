"""Labour competitions' operations, in one place for views, the API and the CLI.

Setting up (units, members, periods, the scorecard, assessors) lives in ``labour.setup``; assessing a
period (scores, bonus and deductions, vetoes, completeness, close, sign-off, reopen, ``period_scores``)
in ``labour.assessment``. Both are re-exported here.
"""

from competitions.labour.assessment import *  # noqa: F403
from competitions.labour.setup import *  # noqa: F403
