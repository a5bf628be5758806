"""One unit of work per request, as Indico's RH.process does it.

A view that returns normally with a success or redirect status is committed once, after it
returns; an exception, an error status (4xx, 5xx) or a view that called `discard()` rolls back.
Views and services never commit: only this and CLI commands do. After a commit, the session's
after-commit listeners run (the outbox hands new mail to the worker there).
"""

from flask import Flask, g, has_request_context

from governance.extensions import db

_DISCARD = "accord_discard_request_changes"
_TASK = "accord_running_a_task"


def enter_task() -> None:
    """Mark the current (fresh) app context as a background task's: its steps end their own unit
    of work. In immediate mode (tests) a task runs inside the request that enqueued it, after that
    request's commit; it still owns its transactions."""
    g.setdefault(_TASK, True)


def commit_outside_request() -> None:
    """End the unit of work of something that is not a request: a background task's step (a document
    job saving its result) or the demo loader run by a CLI command. Requests never call this: the
    unit of work commits them once, after the view returns."""
    if has_request_context() and not g.get(_TASK):
        raise RuntimeError("a request is committed by its unit of work, not by the code it calls")
    db.session.commit()


def discard() -> None:
    """Roll back what this request has written so far, and commit nothing at its end."""
    db.session.rollback()
    g.setdefault(_DISCARD, True)


class UnitOfWorkFlask(Flask):
    """Flask with the request's transaction committed after the view, inside error handling.

    Committing here (not in an after-request hook) means a unique constraint or a stale version
    found at commit reaches the registered error handlers (the 409 page) like any view error.
    """

    def dispatch_request(self):
        response = self.make_response(super().dispatch_request())
        if response.status_code < 400 and not g.get(_DISCARD):
            if response.status_code in (301, 302, 303):
                from governance.core.once import remember_location

                remember_location(response.location)
            db.session.commit()
        else:
            db.session.rollback()
        return response
