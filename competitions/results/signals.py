"""What the results stage tells later stages, without knowing them (data flows one way: DESIGN.md).

``results_final`` is sent by ``results.services.finalize_results`` (the
organizer's button and the scheduled ``finalize_due_results`` job alike) with
the snapshot that became final, inside the same transaction; receivers flush
and never commit (the caller commits once). Promotion evaluates the competition
on it.
"""

from blinker import Namespace

_signals = Namespace()
results_final = _signals.signal("results-final")
