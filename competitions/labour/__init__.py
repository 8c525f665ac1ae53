"""Labour competitions (劳动竞赛) on key projects: participating units, assessment periods, scorecards,
assessors scoring on the tablet, per-period sign-off (see ``models`` and ``services``)."""
