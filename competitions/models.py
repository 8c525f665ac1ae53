"""Every table of the application, imported in one place for migrations and tests.

Each stage owns its ``models.py``; importing the modules registers their tables.
"""

import competitions.audit.models  # noqa: F401
import competitions.auth.models  # noqa: F401
import competitions.certificates.models  # noqa: F401
import competitions.innovation.models  # noqa: F401
import competitions.judging.models  # noqa: F401
import competitions.labour.models  # noqa: F401
import competitions.labour_results.models  # noqa: F401
import competitions.organize.models  # noqa: F401
import competitions.orgs.models  # noqa: F401
import competitions.promotion.models  # noqa: F401
import competitions.registration.models  # noqa: F401
import competitions.results.models  # noqa: F401
import competitions.rounds.models  # noqa: F401
import competitions.scheduler  # noqa: F401  (JobRun: scheduled jobs run once per period)
import competitions.stats.models  # noqa: F401
