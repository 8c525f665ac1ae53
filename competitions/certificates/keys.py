"""The keys that sign certificate numbers: their own, never the session's SECRET_KEY, and rotatable.

``CERTIFICATE_KEYS`` maps one-character key ids (Crockford base 32: 0-9, A-Z
without I, L, O, U) to secrets of at least 16 bytes, written in the environment
as ``"A:5f0c...,B:91e2..."``; ``CERTIFICATE_KEY_ID`` names the one new numbers
are signed with. To rotate: add a new key (``flask --app wsgi certificates
new-key`` prints one), make it current, restart; numbers signed with the older
keys still verify as long as those stay listed, and removing a key makes its
numbers invalid (for a leaked key: reissue first). In development a key is
generated once into ``instance/certificate_keys``; production refuses to issue
without configured keys, because every worker and the scheduler must share them.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from flask import current_app

from competitions.domain.certificate_numbers import ALPHABET
from competitions.domain.errors import InvalidState


def parse_keys(value) -> dict[str, bytes]:
    """``{"A": b"..."}`` from a dict or an ``"A:secret,B:secret"`` string; malformed entries raise ValueError."""
    if not value:
        return {}
    items = value.items() if isinstance(value, dict) else (
        part.strip().split(":", 1) for part in str(value).split(",") if part.strip())
    keys = {}
    for item in items:
        key_id, secret = (item[0].strip().upper(), item[1]) if len(item) == 2 else ("", "")
        secret = secret.encode() if isinstance(secret, str) else bytes(secret)
        if len(key_id) != 1 or key_id not in ALPHABET or len(secret) < 16:
            raise ValueError("CERTIFICATE_KEYS: each key is ID:SECRET with a one-character ID (0-9, A-Z without "
                             "I, L, O, U) and a secret of at least 16 characters")
        keys[key_id] = secret
    return keys


def signing_keys() -> dict[str, bytes]:
    """Every configured key (id -> secret): those that verify; in development one is generated if none is."""
    keys = parse_keys(current_app.config.get("CERTIFICATE_KEYS"))
    if keys:
        return keys
    if current_app.config.get("PRODUCTION"):
        return {}
    path = Path(current_app.instance_path) / "certificate_keys"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"A:{secrets.token_hex(32)}")
        path.chmod(0o600)
    return parse_keys(path.read_text().strip())


def current_key() -> tuple[str, bytes]:
    """The key new numbers are signed with; refused plainly when none is configured."""
    keys = signing_keys()
    if not keys:
        raise InvalidState("Certificate signing keys are not configured (CERTIFICATE_KEYS); "
                           "no certificate can be issued.")
    key_id = (current_app.config.get("CERTIFICATE_KEY_ID") or sorted(keys)[-1]).upper()
    if key_id not in keys:
        raise InvalidState("The current certificate key %(key)s is not among CERTIFICATE_KEYS.", key=key_id)
    return key_id, keys[key_id]


def new_key_line(existing: dict[str, bytes]) -> str:
    """A fresh ``ID:SECRET`` to add to CERTIFICATE_KEYS, with an id not yet used."""
    free = [ch for ch in ALPHABET[10:] + ALPHABET[:10] if ch not in existing]
    if not free:
        raise ValueError("every key id is in use; remove a retired key first")
    return f"{free[0]}:{secrets.token_hex(32)}"
