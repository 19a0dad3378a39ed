"""A request that fails with an exception CKAN does not handle never reaches
CKAN's `after_request`, the only place that removes the database session;
the session, stuck in its failed transaction, then failed every later
request of the same worker (PendingRollbackError), whoever sent it."""
from __future__ import annotations

from ckan import model


def remove_failed_session(error: BaseException | None) -> None:
    """A teardown_request: rolls the failed transaction back and gives the
    next request a new session."""
    if error is not None:
        model.Session.remove()
