"""Certificate numbers (证书编号) that cannot be guessed and carry their own signature.

Anyone holding a printed certificate can type its number on the public
verification page (证书查验), as employers and skill-appraisal centres do with
vocational certificates. A number therefore must not be guessable or
enumerable (a running number would let anyone walk through every winner) and a
forged or mistyped one should be refused before any database lookup.

A number is 20 characters of Crockford's base 32 (digits and capitals without
I, L, O, U, so it survives being read aloud and typed), shown in four groups of
five: ``7K3QD-M2XJ9-AH5TR-8WZPC``:

* 10 characters (50 bits) drawn at random (``secrets``): the serial;
* 1 character: the id of the signing key, so keys can be rotated — numbers
  signed with an older key still verify while that key is kept;
* 9 characters (45 bits): the start of HMAC-SHA256(key, serial + key id).

Typing is forgiving as in Crockford's scheme: lower case, spaces, hyphens and
the look-alikes O (0), I and L (1) are accepted. Verification compares the MAC
in constant time (``hmac.compare_digest``).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
SERIAL_LENGTH = 10
MAC_LENGTH = 9
LENGTH = SERIAL_LENGTH + 1 + MAC_LENGTH
_LOOK_ALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
_DROPPED = str.maketrans("", "", " -_\t\u3000")


class Check(Enum):
    """What checking a typed number found, before any database lookup."""

    OK = "ok"
    MALFORMED = "malformed"        # wrong length or characters: a typing mistake or junk
    UNKNOWN_KEY = "unknown_key"    # signed with a key that is not (or no longer) configured
    BAD_SIGNATURE = "bad_signature"  # well formed, but the MAC does not match: tampered or mistyped


@dataclass(frozen=True)
class CertificateNumber:
    """A signed number: ``compact`` is the 20 characters stored; ``display`` groups them in fives."""

    compact: str

    @property
    def key_id(self) -> str:
        """The id of the key that signed it."""
        return self.compact[SERIAL_LENGTH]

    @property
    def display(self) -> str:
        """``XXXXX-XXXXX-XXXXX-XXXXX`` as printed on the certificate."""
        return "-".join(self.compact[i:i + 5] for i in range(0, LENGTH, 5))


def _mac(key: bytes, body: str) -> str:
    digest = hmac.new(key, b"certificate:" + body.encode("ascii"), hashlib.sha256).digest()
    value = int.from_bytes(digest[:8], "big") >> (64 - 5 * MAC_LENGTH)
    return "".join(ALPHABET[(value >> (5 * (MAC_LENGTH - 1 - i))) & 31] for i in range(MAC_LENGTH))


def new_number(key_id: str, key: bytes) -> CertificateNumber:
    """A fresh random number signed with ``key`` (whose id, one base-32 character, is ``key_id``)."""
    if len(key_id) != 1 or key_id not in ALPHABET:
        raise ValueError("a key id is one character of the Crockford base-32 alphabet")
    if len(key) < 16:
        raise ValueError("a certificate signing key needs at least 16 bytes")
    body = "".join(secrets.choice(ALPHABET) for _ in range(SERIAL_LENGTH)) + key_id
    return CertificateNumber(body + _mac(key, body))


def normalize(text: str) -> str | None:
    """The 20 compact characters of a typed number, or None when it cannot be one."""
    compact = (text or "").upper().translate(_DROPPED).translate(_LOOK_ALIKES)
    if len(compact) != LENGTH or any(ch not in ALPHABET for ch in compact):
        return None
    return compact


def check(text: str, keys: Mapping[str, bytes]) -> tuple[Check, CertificateNumber | None]:
    """Check a typed number against the configured ``keys`` (id -> secret); the number when well formed."""
    compact = normalize(text)
    if compact is None:
        return Check.MALFORMED, None
    number = CertificateNumber(compact)
    key = keys.get(number.key_id)
    if key is None:
        return Check.UNKNOWN_KEY, number
    if not hmac.compare_digest(_mac(key, compact[:SERIAL_LENGTH + 1]), compact[SERIAL_LENGTH + 1:]):
        return Check.BAD_SIGNATURE, number
    return Check.OK, number


def mask_name(name: str) -> str:
    """A holder's name as the public verification page shows it: the family name, the rest as ＊.

    Chinese practice for public lists (e.g. 张＊＊ for a three-character name,
    王＊ for two); a name in Latin letters keeps each word's first letter.
    """
    name = (name or "").strip()
    if not name:
        return ""
    if any(ch.isascii() and ch.isalpha() for ch in name):
        return " ".join(word[0] + "*" * (len(word) - 1) for word in name.split())
    characters = list(name)  # one element per code point, so 王𫖯 masks as 王＊
    return characters[0] + "＊" * (len(characters) - 1)
