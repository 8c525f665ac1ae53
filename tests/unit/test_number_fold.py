"""review2 M8: full-width digits typed with a Chinese input method are numbers, on the server and on the tablet.

The server's rule is ``inputs.fold_number_text`` (used by ``parse_decimal`` and ``parse_int``); the tablet's
JavaScript folds the same characters before sending, so what the judge sees is what is stored. The JS function
is run in Node (no browser) against the same table, so the two can never drift apart.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from competitions.domain.inputs import InputError, fold_number_text, parse_decimal, parse_int

FOLDED = [("３５", "35"), ("４５．５", "45.5"), ("４５，５", "45.5"), ("４５。５", "45.5"), ("－３", "-3"),
          ("\u3000３０\u3000", "30"), ("45,5", "45.5"), (" 7 ", "7"), ("３5", "35")]


@pytest.mark.parametrize("typed, number", FOLDED)
def test_parse_decimal_reads_what_a_chinese_input_method_types(typed, number):
    assert parse_decimal(typed) == Decimal(number)


@pytest.mark.parametrize("typed", ["١٠", "०", "３ ５", "３５．．５", "１e５", "ⅲ", "³"])
def test_other_scripts_and_shapes_stay_refused(typed):
    with pytest.raises(InputError):
        parse_decimal(typed)


def test_parse_int_folds_full_width_but_still_wants_a_whole_number():
    assert parse_int("２０２６") == 2026
    with pytest.raises(InputError):
        parse_int("１，０００")


def test_tablet_javascript_folds_as_the_server_does():
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node is not installed")
    source = (Path(__file__).parents[2] / "static/js/judging-tablet.js").read_text(encoding="utf-8")
    function = re.search(r"  function foldNumber\(text\) \{.*?\n  \}\n", source, re.S).group(0)
    typed = [t for t, _ in FOLDED] + ["abc", "３５ｘ"]
    script = function + f"\nprocess.stdout.write(JSON.stringify({json.dumps(typed)}.map(foldNumber)));"
    out = json.loads(subprocess.run([node, "-e", script], capture_output=True, check=True, text=True,
                                    timeout=30).stdout)
    server = [fold_number_text(t).strip().replace(",", ".", 1) for t in typed]
    assert out == server
    for js, (_, number) in zip(out, FOLDED, strict=False):
        assert Decimal(js) == Decimal(number)
