"""Schemathesis over ``/api/v1/openapi.json`` (issue 9 §7): every described operation, in-process (WSGI, no
network), with data that fits the schema and data that does not, as each role.

The properties: no answer is a server error (5xx), and a refused request (any 4xx) leaves the whole database
unchanged, row for row. Path ids are sometimes real ones (so checks past "not found" run too) and otherwise
whatever schemathesis draws (0, negative, 2**63, ...). The figures go to ``tests/artifacts/fuzz-api.json``.
"""

from __future__ import annotations

import os
from collections import Counter

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from tests import factories as f
from tests.support import fuzz
from tests.web.test_fuzz_forms import _write_figures

EXAMPLES = int(os.environ.get("FUZZ_API_EXAMPLES", "25"))   # per operation, mode and way of choosing ids
_SETTINGS = dict(deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck),
                 max_examples=EXAMPLES)


def _cookies(app) -> dict[str, dict]:
    jars = {"anonymous": {}}
    for role in ("chief", "j2", "cityorg", "worker"):
        client = app.test_client()
        client.post("/auth/login", data={"username": role, "password": f.PASSWORD})
        jars[role] = {c.key: c.value for c in client._cookies.values()}
    return jars


def _real_ids(w) -> dict[str, list[int]]:
    events = [ev.id for comp in w["comps"].values() for ev in comp.events]
    return {"event_id": events, "competition_id": [c.id for c in w["comps"].values()]}


def _fuzz(operation, strategy, jars: dict, figures: Counter) -> None:
    """Run one operation's cases as every role: no 5xx, and no change to the database when refused."""

    @settings(**_SETTINGS)
    @given(case=strategy, role=st.sampled_from(sorted(jars)))
    def call(case, role):
        before = fuzz.fingerprint()
        response = case.call(cookies=jars[role])
        figures["inputs"] += 1
        figures[f"status {response.status_code // 100}xx"] += 1
        if response.status_code >= 500:
            figures["5xx"] += 1
        assert response.status_code < 500, (operation.method, operation.path, role, case.body)
        if response.status_code >= 400:
            assert fuzz.fingerprint() == before, ("partial write", operation.path, role, case.body)

    try:
        call()
    except Unsatisfiable:   # nothing to make invalid (no parameters, no body): the positive cases covered it
        figures["operations with no negative cases"] += 1


def test_api_answers_schema_fuzzing_without_5xx_or_partial_write(app_factory):
    app = app_factory()
    with app.app_context():
        w = fuzz.world()
        jars = _cookies(app)
        ids = _real_ids(w)
        schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
        figures = Counter()
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) >= 5
        for operation in operations:
            params = [p["name"] for p in operation.definition.raw.get("parameters", []) if p.get("in") == "path"]
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                strategies = [operation.as_strategy(generation_mode=mode)]
                if params and all(p in ids for p in params):
                    for combination in ids[params[0]]:
                        strategies.append(operation.as_strategy(generation_mode=mode,
                                                                path_parameters={params[0]: combination}))
                _fuzz(operation, st.one_of(*strategies), jars, figures)
        figures["operations"] = len(operations)
        _write_figures("fuzz-api.json", dict(figures))
        assert figures["5xx"] == 0
