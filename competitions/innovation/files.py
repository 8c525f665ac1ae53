"""Where attachment bytes live: ``instance/innovation_files/`` (never under ``static/``), by random names.

A file is written when its row is added and removed when its row is deleted — but a transaction can
still roll back after that. So the session remembers what this transaction wrote and what it wants
gone: a rollback deletes the files written (nothing half-saved: no file without its row), a commit
deletes the files whose rows were removed (no row without its file). Names are 32 random hex digits,
so the stored name reveals nothing and cannot be guessed or steered by the uploader.
"""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

_NAME = re.compile(r"[0-9a-f]{32}")
_WRITTEN = "innovation_files_written"
_DROPPED = "innovation_files_dropped"


def storage_dir() -> Path:
    """The directory of stored attachments (``INNOVATION_FILES_DIR`` or ``<instance>/innovation_files``)."""
    configured = current_app.config.get("INNOVATION_FILES_DIR")
    path = Path(configured) if configured else Path(current_app.instance_path) / "innovation_files"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def path_of(stored_name: str) -> Path:
    """The stored file's path; ValueError for a name this module did not make."""
    if not _NAME.fullmatch(stored_name or ""):
        raise ValueError("not a stored attachment name")
    return storage_dir() / stored_name


def write(session: Session, data: bytes) -> str:
    """Store ``data`` under a new random name (removed again if ``session``'s transaction rolls back)."""
    name = secrets.token_hex(16)
    path = path_of(name)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    session.info.setdefault(_WRITTEN, []).append(path)
    with os.fdopen(descriptor, "wb") as out:
        out.write(data)
    return name


def drop_after_commit(session: Session, stored_name: str) -> None:
    """Delete the stored file once ``session``'s transaction commits (kept if it rolls back)."""
    session.info.setdefault(_DROPPED, []).append(path_of(stored_name))


def read(stored_name: str) -> bytes:
    """The stored bytes."""
    return path_of(stored_name).read_bytes()


def _unlink(paths: list[Path]) -> None:
    for path in paths:
        try:
            path.unlink()
        except FileNotFoundError:
            pass


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    session.info.pop(_WRITTEN, None)
    _unlink(session.info.pop(_DROPPED, []))


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:   # the outermost transaction, not a savepoint
        _unlink(session.info.pop(_WRITTEN, []))
        session.info.pop(_DROPPED, None)
