"""Login attempts counted in the database, so every gunicorn worker (and machine) sees the same counts.

The rule (free tries, growing waits, which keys) is ``competitions.domain.login_throttle``.
Here each attempt *reserves* a try under each of its keys before the password is
checked, with guarded single ``UPDATE`` statements (``… WHERE tries + 1 < free``
within the free budget, ``… WHERE tries = <the count just read>`` past it), so
parallel attempts cannot take more tries than the budget, on SQLite and
PostgreSQL alike (the losers are told to wait). The reservations are committed before the slow
password check, so a burst of parallel tries sees them at once. A correct
password then forgets the pair's and the device's count and gives the address
and account back the try it used.
"""

from __future__ import annotations

import hashlib
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import case, delete, select, update

from competitions.auth.models import LoginThrottle
from competitions.domain import login_throttle as rules
from competitions.domain.errors import N_, NotAllowed
from competitions.extensions import db

_table = LoginThrottle.__table__
DEVICE_COOKIE = "login_device"
DEVICE_COOKIE_DAYS = 180
_DEVICE_ACCOUNTS = 8  # accounts one shared tablet remembers


@dataclass(frozen=True)
class Key:
    """One counter: its key, its budget, and the account it belongs to (for an administrator's reset)."""

    key: str
    budget: rules.Budget
    account: str | None


def _digest(*parts: str) -> str:
    secret = str(current_app.secret_key).encode()
    return hashlib.blake2b("\x1f".join(parts).encode(), key=secret[:64], digest_size=20).hexdigest()


def account_digest(username: str) -> str:
    """The hash that stands for a typed account name (case and surrounding spaces ignored)."""
    return _digest("account", username.strip().lower())


def keys_for(username: str, address: str, *, device: str | None) -> list[Key]:
    """The counters of one attempt: pair, address, and the device (known device) or the account (otherwise)."""
    account = account_digest(username)
    keys = [Key(f"pair:{_digest('pair', account, address)}", rules.PAIR, account),
            Key(f"address:{_digest('address', address)}", rules.ADDRESS, None)]
    if device:
        keys.append(Key(f"device:{_digest('device', device, account)}", rules.DEVICE, account))
    else:
        keys.append(Key(f"account:{account}", rules.ACCOUNT, account))
    return keys


def claim_keys(user_id: int, address: str) -> list[Key]:
    """The counters of one attempt to claim a person's record: the claiming account and its address."""
    return [Key(f"claim:{_digest('claim', str(user_id))}", rules.CLAIM_ACCOUNT, None),
            Key(f"claim-address:{_digest('claim-address', address)}", rules.CLAIM_ADDRESS, None)]


def _insert_missing(key: Key) -> None:
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    db.session.execute(insert(_table).values(key=key.key, account=key.account, tries=0).on_conflict_do_nothing())


def _reserve(key: Key, now: datetime) -> float:
    """Reserve one try under ``key``: 0 when reserved, else the seconds to wait.

    Three single statements, each atomic on its own: start the count again once its window has passed;
    take a free try while the count is below the free budget (any number of parallel attempts, never
    more than the budget); past it, take the next slot only if it is due and the count is still the one
    just read (of parallel attempts, one wins the slot and the others are told to wait).
    """
    _insert_missing(key)
    c = _table.c
    db.session.execute(update(_table).where(
        c.key == key.key, c.last_try_at < now - timedelta(seconds=key.budget.window)
    ).values(tries=0, next_try_at=None))
    free = db.session.execute(update(_table).where(c.key == key.key, c.tries + 1 < key.budget.free).values(
        tries=c.tries + 1, last_try_at=now)).rowcount
    if free == 1:
        return 0
    tries, next_try_at = db.session.execute(select(c.tries, c.next_try_at).where(c.key == key.key)).one()
    if next_try_at is not None and next_try_at > now:
        return (next_try_at - now).total_seconds()
    won = db.session.execute(update(_table).where(c.key == key.key, c.tries == tries).values(
        tries=tries + 1, last_try_at=now,
        next_try_at=now + timedelta(seconds=rules.wait_after(tries + 1, key.budget)))).rowcount
    return 0 if won == 1 else 1  # a parallel attempt took this slot


TOO_MANY_LOGINS = N_("Too many login attempts. Wait %(seconds)d seconds and try again.")


def reserve(keys: list[Key], now: datetime, *, message: str = TOO_MANY_LOGINS) -> None:
    """Reserve a try under every key and commit, or give back what was taken and refuse with the wait.

    ``message`` (an untranslated msgid with ``%(seconds)d``) is what the refusal says.
    """
    taken: list[Key] = []
    for key in keys:
        wait = _reserve(key, now)
        if wait:
            for done in taken:
                _give_back(done)
            db.session.commit()
            raise NotAllowed(message, seconds=max(1, math.ceil(wait)))
        taken.append(key)
    db.session.commit()  # visible to every other attempt before the slow password check


def _give_back(key: Key) -> None:
    db.session.execute(update(_table).where(_table.c.key == key.key).values(
        tries=case((_table.c.tries > 0, _table.c.tries - 1), else_=0)))


def succeeded(keys: list[Key]) -> None:
    """A correct password: the pair and the device start again; the address and the account get their try back."""
    for key in keys:
        if key.key.startswith(("pair:", "device:")):
            db.session.execute(delete(_table).where(_table.c.key == key.key))
        else:
            _give_back(key)


def clear_account(username: str) -> int:
    """An administrator's reset: forget every count that belongs to ``username``; the number of counters."""
    return db.session.execute(delete(_table).where(_table.c.account == account_digest(username))).rowcount


# ---- the device cookie (OWASP "device cookies") -------------------------------------------------------

def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="login-device")


def read_device(cookie: str | None) -> tuple[str, list[str]] | None:
    """(device id, account digests that logged in on it) from a device cookie; None when absent or forged."""
    if not cookie:
        return None
    try:
        data = _serializer().loads(cookie)
        return str(data["d"]), [str(a) for a in data["a"]][:_DEVICE_ACCOUNTS]
    except (BadSignature, KeyError, TypeError, ValueError):
        return None


def device_for(username: str, cookie: str | None) -> str | None:
    """The device id when this device has logged in to ``username`` before (a known device), else None."""
    known = read_device(cookie)
    if known is None or account_digest(username) not in known[1]:
        return None
    return known[0]


def device_cookie_after_login(username: str, cookie: str | None) -> str:
    """The device cookie's new value once ``username`` has logged in on this device."""
    device, accounts = read_device(cookie) or (secrets.token_urlsafe(16), [])
    account = account_digest(username)
    accounts = [account] + [a for a in accounts if a != account]
    return _serializer().dumps({"d": device, "a": accounts[:_DEVICE_ACCOUNTS]})
