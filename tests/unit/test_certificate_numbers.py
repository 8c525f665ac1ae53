"""Certificate numbers: random, signed, forgiving to type, rotatable keys; and the public name mask."""

from __future__ import annotations

import pytest

from competitions.domain.certificate_numbers import (
    ALPHABET,
    LENGTH,
    CertificateNumber,
    Check,
    check,
    mask_name,
    new_number,
    normalize,
)

KEYS = {"A": b"first-key-of-16-bytes", "B": b"second-key-of-16-bytes"}


def test_a_new_number_verifies_with_its_key_and_shows_in_groups_of_five():
    number = new_number("B", KEYS["B"])
    assert len(number.compact) == LENGTH and set(number.compact) <= set(ALPHABET)
    assert number.key_id == "B" and number.display.count("-") == 3
    assert check(number.display, KEYS) == (Check.OK, number)


def test_numbers_are_not_sequential():
    assert len({new_number("A", KEYS["A"]).compact[:10] for _ in range(200)}) == 200


@pytest.mark.parametrize("position", range(LENGTH))
def test_changing_any_character_is_caught(position):
    number = new_number("A", KEYS["A"]).compact
    for replacement in "0Z":
        if number[position] == replacement:
            continue
        tampered = number[:position] + replacement + number[position + 1:]
        assert check(tampered, KEYS)[0] in (Check.BAD_SIGNATURE, Check.UNKNOWN_KEY)


@pytest.mark.parametrize("text, result", [
    ("", Check.MALFORMED),
    ("ABC", Check.MALFORMED),
    ("U" * LENGTH, Check.MALFORMED),          # U is not in Crockford's alphabet
    ("'; DROP TABLE certificate; --", Check.MALFORMED),
    ("0" * 10 + "C" + "0" * 9, Check.UNKNOWN_KEY),
])
def test_junk_is_refused_before_any_lookup(text, result):
    assert check(text, KEYS)[0] is result


def test_typing_is_forgiving():
    number = new_number("A", KEYS["A"])
    typed = " ".join(number.display.split("-")).lower().replace("0", "o").replace("1", "l")
    assert normalize(typed) == number.compact
    assert check(typed, KEYS)[0] is Check.OK


def test_rotation_keeps_old_numbers_while_their_key_is_listed():
    old = new_number("A", KEYS["A"])
    assert check(old.compact, {"A": KEYS["A"], "C": b"the-newest-key-16b"})[0] is Check.OK
    assert check(old.compact, {"C": b"the-newest-key-16b"})[0] is Check.UNKNOWN_KEY
    assert check(old.compact, {"A": b"another-secret-16b"})[0] is Check.BAD_SIGNATURE


def test_keys_must_be_usable():
    with pytest.raises(ValueError):
        new_number("I", KEYS["A"])
    with pytest.raises(ValueError):
        new_number("A", b"short")


@pytest.mark.parametrize("name, masked", [
    ("张伟", "张＊"), ("欧阳娜娜", "欧＊＊＊"), ("王𫖯", "王＊"), ("张𬭎明", "张＊＊"), ("Li Na", "L* N*"), ("", ""),
])
def test_public_name_mask(name, masked):
    assert mask_name(name) == masked


def test_display_of_a_stored_number():
    assert CertificateNumber("ABCDEFGHJKMNPQRSTVWX").display == "ABCDE-FGHJK-MNPQR-STVWX"
