"""Core statements compiled once and run straight on the driver's cursor, for the hottest path.

A judge's tablet sends a mark every few seconds, all day, from every tablet in
the city; each mark runs a handful of small statements. For statements this
small, SQLAlchemy's per-execution work (cache key, execution context, result
object, type processing set-up) costs several times what SQLite or PostgreSQL
takes to run them. ``Prepared`` does that work once per database dialect: it
compiles the statement with SQLAlchemy, keeps the SQL text, the order of its
parameters and the type processors of its parameters and result columns, and
then runs it on the DBAPI cursor of a SQLAlchemy ``Connection``.

What stays SQLAlchemy's: the statement itself (built with Core, so it is the
same SQL SQLAlchemy would send, casts included), the connection and its pool,
and the transaction — ``Prepared`` begins it through the ``Connection`` when
none is open (so the SQLite ``BEGIN``/``BEGIN IMMEDIATE`` hook still runs) and
never commits. Driver errors are re-raised as SQLAlchemy's exception classes
(``IntegrityError`` and so on), so callers handle them as usual. Not seen by
``before_cursor_execute`` listeners; every parameter must be a named
``bindparam`` (or a literal SQLAlchemy can render); column defaults are not
applied, so inserts name every column they fill.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import exc
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.sql import ClauseElement


@dataclass
class _Plan:
    sql: str
    positional: tuple[str, ...] | None      # parameter names in order (qmark), or None for named (pyformat)
    bind_processors: dict[str, Callable[[Any], Any]]
    compiled: Any
    fixed: dict[str, Any]                   # values SQLAlchemy bound itself (literals such as coalesce's default)
    result_types: list = field(default_factory=list)
    result_processors: list[Callable[[Any], Any] | None] | None = None


class Prepared:
    """One Core statement, compiled per dialect on first use, executed on the driver's cursor."""

    def __init__(self, statement: ClauseElement) -> None:
        self.statement = statement
        self._plans: dict[str, _Plan] = {}

    def _plan(self, dialect: Dialect) -> _Plan:
        plan = self._plans.get(dialect.name)
        if plan is None:
            compiled = self.statement.compile(dialect=dialect)
            processors, fixed = {}, {}
            for bind, name in compiled.bind_names.items():
                if bind.required and name != bind.key:
                    raise ValueError(f"parameter {bind.key!r} is rendered as {name!r}; name it plainly")
                processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
                if processor is not None:
                    processors[name] = processor
                if not bind.required:
                    fixed[name] = bind.effective_value
            exported = getattr(self.statement, "exported_columns", None) or []
            plan = _Plan(str(compiled), tuple(compiled.positiontup) if compiled.positional else None, processors,
                         compiled, fixed, [column.type for column in exported])
            self._plans[dialect.name] = plan
        return plan

    def _run(self, conn: Connection, params: dict):
        plan = self._plan(conn.dialect)
        values = {**plan.fixed, **params}
        for name, processor in plan.bind_processors.items():
            values[name] = processor(values[name])
        arguments = tuple(values[name] for name in plan.positional) if plan.positional is not None else values
        if not conn.in_transaction():
            conn.begin()
        cursor = conn.connection.driver_connection.cursor()
        try:
            cursor.execute(plan.sql, arguments)
        except conn.dialect.loaded_dbapi.Error as error:
            cursor.close()
            raise exc.DBAPIError.instance(plan.sql, arguments, error, conn.dialect.loaded_dbapi.Error,
                                          dialect=conn.dialect) from error
        return plan, cursor

    @staticmethod
    def _processed(plan: _Plan, cursor, rows: Sequence[Sequence]) -> list[tuple]:
        if plan.result_processors is None:  # the driver's column types are known from the first result
            dialect = plan.compiled.dialect
            plan.result_processors = [type_.dialect_impl(dialect).result_processor(dialect, column[1])
                                      for type_, column in zip(plan.result_types, cursor.description or [],
                                                               strict=False)]
        processors = plan.result_processors
        if not any(processors):
            return [tuple(row) for row in rows]
        return [tuple(p(v) if p is not None else v for p, v in zip(processors, row, strict=False)) for row in rows]

    def all(self, conn: Connection, params: dict) -> list[tuple]:
        """Every row of the result, with SQLAlchemy's result types applied."""
        plan, cursor = self._run(conn, params)
        try:
            return self._processed(plan, cursor, cursor.fetchall())
        finally:
            cursor.close()

    def first(self, conn: Connection, params: dict) -> tuple | None:
        """The first row, or None."""
        rows = self.all(conn, params)
        return rows[0] if rows else None

    def scalar(self, conn: Connection, params: dict) -> Any:
        """The first column of the first row, or None."""
        row = self.first(conn, params)
        return row[0] if row else None

    def rowcount(self, conn: Connection, params: dict) -> int:
        """Run a statement without a result and return how many rows it changed."""
        _plan, cursor = self._run(conn, params)
        try:
            return cursor.rowcount
        finally:
            cursor.close()
