"""Counters for the cost targets: SQL statements sent to PostgreSQL, requests
sent to Solr, and calls of named functions, while a block runs.

The SQL counter listens on SQLAlchemy's engine events (every statement the
session sends, also those of CKAN's core); the Solr counter wraps pysolr's one
request method; a call counter wraps a module attribute for the block only.
"""
from __future__ import annotations

import contextlib
import functools
import importlib
from dataclasses import dataclass, field
from typing import Any, Iterator

import pysolr
import sqlalchemy as sa
from ckan import model


@dataclass
class Counts:
    sql: list[str] = field(default_factory=list)
    solr: list[str] = field(default_factory=list)
    calls: dict[str, int] = field(default_factory=dict)

    def sql_count(self, starting: str = "") -> int:
        return sum(1 for statement in self.sql if statement.lstrip().upper().startswith(starting.upper()))

    def report(self) -> str:
        return "\n".join([f"{len(self.sql)} SQL, {len(self.solr)} Solr, calls {self.calls}", *self.sql])


@contextlib.contextmanager
def counting(*calls: str) -> Iterator[Counts]:
    """Count while the block runs. `calls` are "module.path:attribute"
    names (attribute may be "Class.method") whose calls are counted."""
    counts = Counts(calls={name: 0 for name in calls})
    engine = model.meta.engine

    def on_statement(conn, cursor, statement, parameters, context, executemany):
        counts.sql.append(" ".join(statement.split()))

    original_send = pysolr.Solr._send_request

    def send(self, method, path="", *args, **kwargs):
        counts.solr.append(f"{method} {path}")
        return original_send(self, method, path, *args, **kwargs)

    restore: list[tuple[Any, str, Any]] = []
    for name in calls:
        module_name, _, attribute = name.partition(":")
        owner: Any = importlib.import_module(module_name)
        *path, last = attribute.split(".")
        for part in path:
            owner = getattr(owner, part)
        original = owner.__dict__[last] if isinstance(owner, type) else getattr(owner, last)
        function = original.__func__ if isinstance(original, (staticmethod, classmethod)) else original

        def make(function=function, name=name):
            @functools.wraps(function)
            def counted(*args, **kwargs):
                counts.calls[name] += 1
                return function(*args, **kwargs)

            return counted

        wrapped = make()
        if isinstance(original, staticmethod):
            wrapped = staticmethod(wrapped)
        elif isinstance(original, classmethod):
            wrapped = classmethod(wrapped)
        setattr(owner, last, wrapped)
        restore.append((owner, last, original))

    sa.event.listen(engine, "before_cursor_execute", on_statement)
    pysolr.Solr._send_request = send
    try:
        yield counts
    finally:
        sa.event.remove(engine, "before_cursor_execute", on_statement)
        pysolr.Solr._send_request = original_send
        for owner, last, original in reversed(restore):
            setattr(owner, last, original)
