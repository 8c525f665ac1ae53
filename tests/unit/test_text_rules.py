"""review2 M4 and L17: invisible format characters and what a person's name may hold (pure rules, no app)."""

from __future__ import annotations

import pytest

from competitions.domain.inputs import InputError, bad_characters, clean_text, person_name


@pytest.mark.parametrize("typed", ["张\u00ad三\u200b", "\ufeff张三", "张\u200c三", "张\u200d三\u2060",
                                   "\u200e张三\u200f"])
def test_invisible_format_characters_pasted_from_word_or_wechat_are_removed(typed):
    assert clean_text(typed) == "张三"
    assert bad_characters(typed) == []


@pytest.mark.parametrize("char", ["\u2061", "\ufff9", "\U000e0041", "\u206a", "\u061c"])
def test_other_format_characters_are_refused_naming_them(char):
    assert bad_characters(f"张{char}三") == [char]
    with pytest.raises(InputError) as caught:
        clean_text(f"张{char}三", field="name")
    assert f"U+{ord(char):04X}" in caught.value.params["chars"]


def test_the_mongolian_vowel_separator_and_ordinary_text_are_kept():
    assert clean_text("\u1828\u180e\u1820") == "\u1828\u180e\u1820"
    assert clean_text("阿卜杜热合曼·阿卜杜克热木") == "阿卜杜热合曼·阿卜杜克热木"


def test_line_breaks_stay_allowed_in_multiline_text_only():
    assert clean_text("一\n二\u200b", multiline=True) == "一\n二"
    assert bad_characters("一\n二") == ["\n"]


@pytest.mark.parametrize("typed, stored", [
    ("王伟", "王伟"), ("  王  伟 ", "王 伟"), ("阿卜杜热合曼·阿卜杜克热木", "阿卜杜热合曼·阿卜杜克热木"),
    ("阿卜杜热合曼・阿卜杜克热木", "阿卜杜热合曼·阿卜杜克热木"), ("阿依古丽•买买提", "阿依古丽·买买提"),
    ("Jean-Luc O'Brien", "Jean-Luc O'Brien"), ("J. Smith", "J. Smith"), ("José", "José"),
    ("张\u00ad三\u200b", "张三"), ("ཀུན་", None), ("Мария", "Мария"), ("ئابدۇرېھىم", "ئابدۇرېھىم"),
])
def test_names_of_any_script_with_middle_dots_spaces_hyphens_and_apostrophes_are_names(typed, stored):
    assert person_name(typed) == (stored or typed)


@pytest.mark.parametrize("typed, named", [
    ("<img src=x onerror=alert(1)>", "“<”"), ('王<font size="40">五</font>', "“<”"), ("=赵新", "“=”"),
    ("王伟2", "“2”"), ("wang@example.com", "“@”"), ("+王伟", "“+”"), ("王伟；", "“；”"),
])
def test_what_cannot_be_a_name_is_refused_naming_the_character(typed, named):
    with pytest.raises(InputError) as caught:
        person_name(typed, field="name")
    assert named in caught.value.params["chars"] and caught.value.field == "name"


@pytest.mark.parametrize("typed", ["-王伟", "'王伟", "·王伟"])
def test_a_name_begins_with_a_letter(typed):
    with pytest.raises(InputError) as caught:
        person_name(typed)
    assert caught.value.params["char"] == typed[0]


@pytest.mark.parametrize("typed", ["", "   ", "\u200b"])
def test_an_empty_name_is_refused(typed):
    with pytest.raises(InputError):
        person_name(typed)


def test_a_name_longer_than_its_column_is_refused_not_cut():
    with pytest.raises(InputError) as caught:
        person_name("王" * 101)
    assert caught.value.params == {"length": 101, "max": 100}
