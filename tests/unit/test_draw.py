"""Station draw and anonymous codes: reproducible from the seed, independent of input order, unique."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from competitions.domain.draw import (
    DrawRow,
    code_digits,
    draw_stations,
    issue_codes,
    new_seed,
)
from competitions.domain.errors import RuleViolation

IDS = [101, 102, 103, 104, 105, 106]
id_sets = st.sets(st.integers(1, 10**6), max_size=120)


def test_a_recorded_draw_is_reproduced_exactly():
    # Pinned: an appeal years later must get the same stations and codes from the recorded seed.
    result = draw_stations(IDS, "2026-electrician", code_prefix="DG")
    assert result.seed == "2026-electrician"
    assert result.rows == (
        DrawRow(101, 1, "DG0053"),
        DrawRow(105, 2, "DG4710"),
        DrawRow(104, 3, "DG8639"),
        DrawRow(106, 4, "DG8045"),
        DrawRow(102, 5, "DG3205"),
        DrawRow(103, 6, "DG1036"),
    )


def test_labelled_stations_with_a_separate_code_seed_are_reproduced_exactly():
    result = draw_stations(
        [101, 102, 103], "2026-electrician", station_labels=["A1", "A2", "B1", "B2"], code_seed="secret-7"
    )
    assert result.rows == (DrawRow(103, "A1", "3054"), DrawRow(102, "A2", "7618"), DrawRow(101, "B2", "3084"))
    assert result.code_seed == "secret-7"


def test_rows_follow_the_order_of_the_labels_not_their_spelling():
    labels = [f"A{n}" for n in range(1, 13)]  # "A10" sorts before "A2" as text
    result = draw_stations(range(12), "s", station_labels=labels)
    assert [row.station for row in result.rows] == labels


def test_seed_as_number_or_text_is_the_same_draw():
    assert draw_stations(IDS, 42) == draw_stations(IDS, "42")


@given(ids=id_sets, seed=st.text(min_size=1, max_size=20).filter(str.strip), data=st.data())
def test_input_order_does_not_matter(ids, seed, data):
    shuffled = data.draw(st.permutations(sorted(ids)))
    assert draw_stations(shuffled, seed) == draw_stations(ids, seed)


@given(ids=id_sets, seed=st.text(min_size=1, max_size=20).filter(str.strip))
def test_every_competitor_gets_one_station_of_1_to_n_and_a_unique_code(ids, seed):
    result = draw_stations(ids, seed)
    assert sorted(row.competitor_id for row in result.rows) == sorted(ids)
    assert [row.station for row in result.rows] == list(range(1, len(ids) + 1))
    assert len({row.code for row in result.rows}) == len(ids)


def test_different_seeds_give_different_draws():
    ids = range(1, 21)
    draws = {seed: draw_stations(ids, seed) for seed in ("alpha", "beta", "gamma", "delta")}
    station_orders = {tuple(row.competitor_id for row in d.rows) for d in draws.values()}
    code_sets = {tuple(sorted(row.code for row in d.rows)) for d in draws.values()}
    assert len(station_orders) == 4
    assert len(code_sets) == 4


def test_the_code_seed_changes_codes_but_not_stations():
    a = draw_stations(range(30), "public-seed", code_seed="secret-1")
    b = draw_stations(range(30), "public-seed", code_seed="secret-2")
    assert [(r.competitor_id, r.station) for r in a.rows] == [(r.competitor_id, r.station) for r in b.rows]
    assert [r.code for r in a.rows] != [r.code for r in b.rows]


def test_codes_are_not_in_station_order():
    # Codes in station order must not count up: a judge could otherwise read the station off the code.
    numbers = [int(row.code) for row in draw_stations(range(50), "venue-3").rows]
    assert numbers != sorted(numbers)
    assert numbers != sorted(numbers, reverse=True)


def test_more_stations_than_competitors_leaves_some_empty():
    result = draw_stations(range(5), "s", station_count=8)
    stations = [row.station for row in result.rows]
    assert len(set(stations)) == 5
    assert all(1 <= station <= 8 for station in stations)
    assert stations == sorted(stations)


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"competitor_ids": [1, 2, 3], "seed": "s", "station_count": 2}, "Not enough stations"),
        ({"competitor_ids": [1, 2, 3], "seed": "s", "station_labels": ["A", "B"]}, "Not enough stations"),
        ({"competitor_ids": [1], "seed": "s", "station_labels": ["A", "A"]}, "must be unique"),
        (
            {"competitor_ids": [1], "seed": "s", "station_count": 3, "station_labels": ["A", "B"]},
            "labels given",
        ),
        ({"competitor_ids": [1, 2, 2, 3], "seed": "s"}, "Competitor 2 appears more than once"),
        ({"competitor_ids": [1, 2], "seed": "  "}, "needs a seed"),
        ({"competitor_ids": [1, 2], "seed": None}, "needs a seed"),
    ],
)
def test_impossible_draws_are_refused(kwargs, fragment):
    with pytest.raises(RuleViolation) as caught:
        draw_stations(**kwargs)
    assert fragment in str(caught.value)


def test_an_empty_field_draws_nothing():
    assert draw_stations([], "s").rows == ()


@given(ids=id_sets, seed=st.text(min_size=1, max_size=20).filter(str.strip))
def test_codes_are_unique_and_shaped_prefix_plus_digits(ids, seed):
    codes = issue_codes(ids, seed, prefix="HGW")
    assert set(codes) == set(ids)
    assert len(set(codes.values())) == len(ids)
    assert all(re.fullmatch(r"HGW[0-9]{4}", code) for code in codes.values())


@given(ids=id_sets, data=st.data())
def test_codes_do_not_depend_on_input_order(ids, data):
    shuffled = data.draw(st.permutations(sorted(ids)))
    assert issue_codes(shuffled, "seed") == issue_codes(ids, "seed")


@given(
    first=st.sets(st.integers(1, 1000), min_size=1, max_size=60),
    late=st.sets(st.integers(1001, 2000), min_size=1, max_size=60),
)
def test_late_entrants_never_get_a_code_already_issued(first, late):
    issued = issue_codes(first, "first-seed", prefix="A")
    extra = issue_codes(late, "second-seed", prefix="A", taken=set(issued.values()))
    assert not set(extra.values()) & set(issued.values())
    assert len(set(extra.values())) == len(late)


def test_a_large_field_gets_longer_codes():
    codes = issue_codes(range(1500), "city-final")
    assert {len(code) for code in codes.values()} == {5}
    assert len(set(codes.values())) == 1500


@pytest.mark.parametrize(
    ("count", "digits"),
    [(0, 4), (1, 4), (1000, 4), (1001, 5), (10_000, 5), (10_001, 6)],
)
def test_code_space_is_at_least_ten_times_the_field(count, digits):
    assert code_digits(count) == digits


def test_codes_that_cannot_fit_are_refused():
    with pytest.raises(RuleViolation):
        issue_codes(range(11), "s", digits=1)


def test_new_seeds_are_fresh_hex_strings():
    seeds = {new_seed() for _ in range(20)}
    assert len(seeds) == 20
    assert all(re.fullmatch(r"[0-9a-f]{16}", seed) for seed in seeds)
