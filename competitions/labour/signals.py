"""What the labour stage tells the publication side (rankings, the red flag), without knowing it.

``period_signed_off`` is sent by ``labour.assessment.sign_off`` with the period (sender) inside the same
transaction; ``period_reopened`` by ``labour.assessment.reopen`` with the period and ``previous`` (the
status it left). Receivers flush and never commit (the caller commits once).
"""

from blinker import Namespace

_signals = Namespace()
period_signed_off = _signals.signal("labour-period-signed-off")
period_reopened = _signals.signal("labour-period-reopened")
