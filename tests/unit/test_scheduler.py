"""The scheduler's job list and period keys (no app, no database)."""

from __future__ import annotations

import inspect
import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone

import pytest

from competitions.scheduler import JOBS, every_minutes


@pytest.mark.parametrize("minutes, now, key", [
    (1, datetime(2026, 12, 13, 8, 0, 59, tzinfo=UTC), "2026-12-13T08:00"),
    (1, datetime(2026, 12, 13, 8, 1, 0, tzinfo=UTC), "2026-12-13T08:01"),
    (5, datetime(2026, 12, 13, 8, 4, 59, tzinfo=UTC), "2026-12-13T08:00"),
    (5, datetime(2026, 12, 13, 8, 5, 0, tzinfo=UTC), "2026-12-13T08:05"),
    # The same instant in Beijing time has the same key: periods are counted in UTC.
    (5, datetime(2026, 12, 13, 16, 7, 0, tzinfo=timezone(timedelta(hours=8))), "2026-12-13T08:05"),
])
def test_period_key_is_the_start_of_the_slot_in_utc(minutes, now, key):
    assert every_minutes(minutes)(now) == key


def test_job_names_are_unique():
    names = [job.name for job in JOBS]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("job", JOBS, ids=lambda job: job.name)
def test_every_job_is_a_function_taking_now_by_keyword(job):
    function = job.function()
    parameter = inspect.signature(function).parameters["now"]
    assert parameter.kind is inspect.Parameter.KEYWORD_ONLY


def test_registration_deadline_job_is_listed():
    assert "close_due_registrations" in {job.name for job in JOBS}


def test_importing_the_app_does_not_start_a_scheduler():
    code = ("import sys; from competitions import create_app; "
            "app = create_app('testing', {'SQLALCHEMY_DATABASE_URI': 'sqlite://', 'SECRET_KEY': 'x'}); "
            "assert 'jobs' in app.cli.commands; "
            "print(any(name.startswith('apscheduler') for name in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                            cwd=str(__import__("pathlib").Path(__file__).resolve().parents[2]))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("False")
