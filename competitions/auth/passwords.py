"""The password rule: long enough, and not one that attackers try first.

It follows NIST SP 800-63B (5.1.1.2, memorized secrets): at least 8 characters
(up to 128 are accepted, any characters, no composition rules), and a new
password is compared with a list of commonly used and breached passwords —
here the 30,000 most common passwords that the zxcvbn library ships (its
``passwords`` frequency list) — and with words of the context (the account's
own username). The comparison ignores case. The rule applies wherever a
password is set: the own-password form, the admin's user form, ``flask users``
commands and the demo data, because all of them go through ``check_password``.
"""

from __future__ import annotations

from functools import cache

from competitions.domain.errors import RuleViolation

MIN_LENGTH = 8
MAX_LENGTH = 128


@cache
def common_passwords() -> frozenset[str]:
    """The common passwords refused, in lower case (loaded once per process)."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(word.lower() for word in FREQUENCY_LISTS["passwords"])


def check_password(password: str, *, username: str = "", field: str = "password") -> None:
    """Raise RuleViolation (on ``field``) when ``password`` breaks the rule; say which part."""
    if len(password) < MIN_LENGTH:
        raise RuleViolation("A password needs at least %(n)d characters.", field=field, n=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        raise RuleViolation("A password can have at most %(n)d characters.", field=field, n=MAX_LENGTH)
    if password.isdigit():
        raise RuleViolation("A password cannot be digits only.", field=field)
    lowered = password.lower()
    if lowered in common_passwords():
        raise RuleViolation("This password is one of the most common passwords. Choose another one.", field=field)
    name = username.strip().lower()
    if len(name) >= 3 and name in lowered:
        raise RuleViolation("A password cannot contain the username.", field=field)
    if len(set(lowered)) < 3:
        raise RuleViolation("A password needs at least three different characters.", field=field)
