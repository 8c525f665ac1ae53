"""Resident identity numbers: check character, birth date, gender, contradictions, masking."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from competitions.domain.errors import RuleViolation
from competitions.domain.identity import (
    check_character,
    check_consistent,
    is_valid_national_id,
    make_national_id,
    mask_national_id,
    normalize_national_id,
    parse_national_id,
)

TODAY = date(2026, 5, 1)


@pytest.mark.parametrize(
    ("first17", "expected"),
    [
        # The two samples of GB 11643-1999 itself; worked by hand:
        # 1*7+1*9+0+1*5+0+5*4+1*2+9*1+4*6+9*3+1*7+2*9+3*10+1*5+0+0+2*2 = 167, 167 % 11 = 2 -> "X"
        ("11010519491231002", "X"),
        # 4*7+4*9+0+5*5+2*8+4*4+1*2+8*1+8*6+0+0+1*9+0+1*5+0+0+1*2 = 195, 195 % 11 = 8 -> "4"
        ("44052418800101001", "4"),
        # 3*7+7*9+0+1*5+0+2*4+1*2+9*1+9*6+0+0+1*9+0+1*5+1*8+2*4+3*2 = 198, 198 % 11 = 0 -> "1"
        ("37010219900101123", "1"),
        # all zeros: sum 0 -> "1"; all ones: the sum of the weights, 100, 100 % 11 = 1 -> "0"
        ("00000000000000000", "1"),
        ("11111111111111111", "0"),
        # a single 1 in first place: 7 -> "10X98765432"[7] = "5"
        ("10000000000000000", "5"),
    ],
)
def test_check_character_follows_iso_7064_mod_11_2(first17, expected):
    assert check_character(first17) == expected


def test_the_standard_sample_parses_with_lowercase_x():
    parsed = parse_national_id("11010519491231002x", today=TODAY)
    assert parsed.number == "11010519491231002X"
    assert parsed.region_code == "110105"
    assert parsed.birth_date == date(1949, 12, 31)
    assert parsed.order_code == "002"
    assert parsed.gender == "female"


def test_odd_17th_digit_is_male():
    assert parse_national_id("370102199001011231", today=TODAY).gender == "male"


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("  11010519491231002x ", "11010519491231002X"),
        ("１１０１０５１９４９１２３１００２Ｘ", "11010519491231002X"),  # typed with a Chinese input method
        ("\u300011010519491231002X\u3000", "11010519491231002X"),  # full-width spaces around it
        (None, ""),
    ],
)
def test_normalize_folds_case_width_and_blanks(raw, normalized):
    assert normalize_national_id(raw) == normalized


@pytest.mark.parametrize(
    ("text", "fragment", "params"),
    [
        ("", "must be 18 characters", {"length": 0}),
        ("11010519491231002", "must be 18 characters", {"length": 17}),
        ("11010519491231002X1", "must be 18 characters", {"length": 19}),
        ("110105194912310021X", "must be 18 characters", {"length": 19}),
        ("1101051949123100X2", "only digits", {}),  # X not in last place
        ("11010519491231 02X", "only digits", {}),
        ("11010519491231002Y", "only digits", {}),
        ("110105194912310٠2X", "only digits", {}),  # an Arabic-Indic zero is a digit to Python, not here
        ("110105194902300021", "not a real date", {"date": "1949-02-30"}),
        ("110105194913010021", "not a real date", {"date": "1949-13-01"}),
        ("110105000001010021", "not a real date", {"date": "0000-01-01"}),
        ("110105189912310021", "before 1900", {"date": "1899-12-31", "year": 1900}),
        ("110105194912310021", "check digit is wrong", {"expected": "X"}),
        # 1949 -> 1948 lowers the sum by 3 (weight of the 10th digit): 164 % 11 = 10 -> "2"
        ("11010519481231002X", "check digit is wrong", {"expected": "2"}),
    ],
)
def test_invalid_numbers_say_what_is_wrong(text, fragment, params):
    with pytest.raises(RuleViolation) as caught:
        parse_national_id(text, today=TODAY)
    assert fragment in str(caught.value)
    assert caught.value.field == "national_id"
    assert caught.value.params == params


def test_birth_date_in_the_future_is_refused():
    number = make_national_id("370102", date(2026, 5, 2), 0, "male")
    with pytest.raises(RuleViolation) as caught:
        parse_national_id(number, today=TODAY)
    assert str(caught.value) == "The birth date 2026-05-02 in the identity number lies in the future."
    assert caught.value.params == {"date": date(2026, 5, 2)}


def test_born_today_is_not_in_the_future():
    number = make_national_id("370102", TODAY, 0, "female")
    assert parse_national_id(number, today=TODAY).birth_date == TODAY


def test_a_typo_fails_even_when_the_date_is_real():
    # 1949 -> 1948 keeps a real date; only the check character catches it.
    assert not is_valid_national_id("11010519481231002X", today=TODAY)
    assert is_valid_national_id("11010519491231002X", today=TODAY)


@pytest.mark.parametrize(
    ("date_of_birth", "gender", "codes"),
    [
        (date(1949, 12, 31), "female", []),
        (None, None, []),
        (date(1949, 12, 13), "female", ["birth_date_contradicts_id"]),  # day and month typed the other way
        (date(1949, 12, 31), "male", ["gender_contradicts_id"]),
        (date(1950, 1, 1), "male", ["birth_date_contradicts_id", "gender_contradicts_id"]),
    ],
)
def test_check_consistent_lists_each_contradiction(date_of_birth, gender, codes):
    parsed = parse_national_id("11010519491231002X", today=TODAY)
    problems = check_consistent(parsed, date_of_birth, gender)
    assert [problem["code"] for problem in problems] == codes


def test_contradiction_names_the_field_and_both_values():
    parsed = parse_national_id("11010519491231002X", today=TODAY)
    (problem,) = check_consistent(parsed, date(1950, 1, 1), None)
    assert problem["field"] == "date_of_birth"
    assert problem["params"] == {"given": date(1950, 1, 1), "in_id": date(1949, 12, 31)}
    assert problem["message"] % problem["params"] == (
        "The date of birth 1950-01-01 contradicts the identity number, which says 1949-12-31."
    )


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("370102199001011234", "370102********1234"),
        ("11010519491231002x", "110105********002X"),
        (" 370102199001011234 ", "370102********1234"),
        ("370102900101123", "3701********123"),  # 15-digit pre-1999 number: birth date stays hidden
        ("12345678", "********"),
        ("1234", "****"),
        ("3701021990010112345678", "370102************5678"),
        ("", ""),
        (None, ""),
        (370102199001011234, "370102********1234"),  # a number read from a spreadsheet cell
    ],
)
def test_mask_shows_first_six_and_last_four(text, masked):
    assert mask_national_id(text) == masked


@given(st.text(alphabet=st.characters(blacklist_characters="*"), max_size=40))
def test_mask_never_reveals_more_than_ten_characters_nor_hides_fewer_than_eight(text):
    masked = mask_national_id(text)
    normalized = normalize_national_id(text)
    assert len(masked) == len(normalized)
    shown = len(masked) - masked.count("*")
    assert shown <= 10
    assert len(normalized) - shown >= min(8, len(normalized))


@pytest.mark.parametrize(
    ("args", "number"),
    [
        (("370102", date(1990, 1, 1), 61, "male"), "370102199001011231"),
        (("110105", date(1949, 12, 31), 1, "female"), "11010519491231002X"),
    ],
)
def test_make_national_id_builds_known_numbers(args, number):
    assert make_national_id(*args) == number


@given(
    region=st.from_regex(r"[1-8][0-9]{5}", fullmatch=True),
    birth_date=st.dates(min_value=date(1900, 1, 1), max_value=TODAY),
    sequence=st.integers(0, 499),
    gender=st.sampled_from(["male", "female"]),
)
def test_made_numbers_parse_back_to_what_went_in(region, birth_date, sequence, gender):
    parsed = parse_national_id(make_national_id(region, birth_date, sequence, gender), today=TODAY)
    assert (parsed.region_code, parsed.birth_date, parsed.gender) == (region, birth_date, gender)
    assert check_consistent(parsed, birth_date, gender) == []


@given(
    birth_date=st.dates(min_value=date(1900, 1, 1), max_value=TODAY),
    sequence=st.integers(0, 499),
    position=st.integers(0, 16),
    shift=st.integers(1, 9),
)
def test_any_single_digit_typo_is_caught(birth_date, sequence, position, shift):
    number = make_national_id("370102", birth_date, sequence, "male")
    typo = number[:position] + str((int(number[position]) + shift) % 10) + number[position + 1 :]
    assert not is_valid_national_id(typo, today=TODAY)


@given(
    birth_date=st.dates(min_value=date(1900, 1, 1), max_value=TODAY),
    sequence=st.integers(0, 499),
    position=st.integers(0, 15),
)
def test_any_swap_of_two_neighbouring_digits_is_caught(birth_date, sequence, position):
    number = make_national_id("370102", birth_date, sequence, "female")
    a, b = number[position], number[position + 1]
    swapped = number[:position] + b + a + number[position + 2 :]
    assert is_valid_national_id(swapped, today=TODAY) == (a == b)


@pytest.mark.parametrize(
    "args",
    [
        ("37010", date(1990, 1, 1), 0, "male"),
        ("370102", date(1990, 1, 1), 500, "male"),
        ("370102", date(1990, 1, 1), -1, "male"),
        ("370102", date(1990, 1, 1), 0, "M"),
        ("370102", date(1899, 1, 1), 0, "male"),
    ],
)
def test_make_national_id_refuses_bad_arguments(args):
    with pytest.raises(ValueError):
        make_national_id(*args)
