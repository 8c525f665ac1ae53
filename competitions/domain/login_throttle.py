"""How fast login attempts may come: slow an attacker down without letting anyone lock a user out.

The practice: OWASP's Authentication and Credential Stuffing cheat sheets and
NIST SP 800-63B 5.2.2 (rate limiting) — limit failed attempts, prefer growing
delays to hard lockouts, because a lockout that anonymous tries can trigger is
itself an attack: a stranger could keep a judge out of the tablet on judging
day. OWASP's "device cookie" scheme keeps a user's own devices out of the
account-wide limit.

Every attempt is counted under several keys before the password is checked,
each with its own ``Budget``:

* the pair (account name as typed, client address): a few free tries, then a
  delay that doubles with each further try, up to a cap — guessing one account
  from one place becomes slow;
* the client address alone: a larger budget, so one place cannot spray many
  accounts (a venue's tablets share one address, hence "larger");
* the account name, across all addresses — only for devices the account has
  not logged in from (no valid device cookie): a distributed guess slows down,
  but the real user on a known device is never slowed by it;
* the device cookie, instead of the account key, on a known device.

Nothing here locks an account: the longest wait is a budget's ``max_wait``, and
a correct password on a known device gets through whatever strangers do. An
administrator's deactivation stays the one deliberate lock. Unknown account
names are counted exactly like known ones, so the answers reveal nothing.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Budget:
    """Free tries per key, then a wait of ``first_wait`` seconds doubling per further try, at most ``max_wait``.

    A key's count starts again once ``window`` seconds have passed since its last try.
    """

    free: int
    first_wait: float
    max_wait: float
    window: float


PAIR = Budget(free=5, first_wait=2, max_wait=15 * 60, window=60 * 60)
ADDRESS = Budget(free=300, first_wait=1, max_wait=5 * 60, window=15 * 60)
ACCOUNT = Budget(free=20, first_wait=2, max_wait=5 * 60, window=60 * 60)
DEVICE = Budget(free=10, first_wait=2, max_wait=5 * 60, window=60 * 60)
# Claiming a person's record (people.services): per claiming account and per address. Every try counts, found or
# not, so the claim page can be neither a fast oracle of which ID numbers are on file nor a way to guess codes;
# wrong codes never void the record's code, so nobody can spoil another person's claim by failing on purpose.
CLAIM_ACCOUNT = Budget(free=5, first_wait=60, max_wait=60 * 60, window=24 * 60 * 60)
CLAIM_ADDRESS = Budget(free=30, first_wait=60, max_wait=60 * 60, window=24 * 60 * 60)


def wait_after(tries: int, budget: Budget) -> float:
    """Seconds to wait before the next try once ``tries`` tries have been counted (0 while some are free).

    >>> [wait_after(n, Budget(free=2, first_wait=1, max_wait=5, window=60)) for n in range(6)]
    [0, 0, 1, 2, 4, 5]
    """
    if tries < budget.free:
        return 0
    return min(budget.first_wait * 2 ** min(tries - budget.free, 30), budget.max_wait)


def tries_counted(tries: int, seconds_since_last: float | None, budget: Budget) -> int:
    """The tries that still count: none once ``budget.window`` has passed since the last one."""
    if seconds_since_last is None or seconds_since_last >= budget.window:
        return 0
    return tries
