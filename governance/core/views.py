"""Helpers every view uses: submitting a form to a service, the client's address, redirects, paging."""

from collections.abc import Callable
from urllib.parse import urlsplit

from flask import current_app, flash, request
from flask_login import current_user
from flask_sqlalchemy.pagination import SelectPagination
from flask_wtf import FlaskForm

from governance.core import uow
from governance.core.errors import EditConflict, ServiceError
from governance.core.forms import ConfirmForm
from governance.core.labels import saved_details
from governance.core.once import AlreadySent, OnceForm, claim
from governance.extensions import db


def submit(form: FlaskForm, action: Callable[[], object], *, editing=None, every_error: bool = False):
    """Validate the form and run `action`, the one service call; its result, or None on failure.

    On a ServiceError the request's writes are rolled back and every problem goes on its field
    (or on the form). On an EditConflict the form also takes the record's saved version, so the
    next save wins, and `form.latest_saved` lists what the colleague saved, for the panel the
    error summary shows. The unit of work commits after the view returns.

    With `every_error`, a form that fails its own checks (a date that is not a real date) is still
    checked by the service, whose writes are then rolled back, so that the person sees every
    problem in one round. Only for services whose only effects are database writes.
    """
    if not form.validate_on_submit():
        if every_error and form.is_submitted() and not _csrf_failed(form):
            _check_anyway(form, action)
        return None
    try:
        if isinstance(form, OnceForm):
            claim(form, current_user.id if current_user.is_authenticated else None)
        result = action()
    except AlreadySent:
        return None
    except EditConflict as error:
        uow.discard()
        add_form_error(form, error)
        record = editing if editing is not None else error.current
        form.version.data = record.version
        form.latest_saved = saved_details(record)
        return None
    except ServiceError as error:
        uow.discard()
        for problem in getattr(error, "problems", [error]):
            add_form_error(form, problem)
        return None
    return True if result is None else result


def _csrf_failed(form) -> bool:
    return "csrf_token" in form and bool(form.csrf_token.errors)


def _check_anyway(form: FlaskForm, action: Callable[[], object]) -> None:
    """Run the service on an invalid form to collect its problems; keep none of its writes.

    A field that already has the form's own error keeps that one (it says more precisely what is
    wrong with what was typed).
    """
    try:
        action()
    except EditConflict:
        pass  # shown, with the colleague's saved details, once the form itself is right
    except ServiceError as error:
        for problem in getattr(error, "problems", [error]):
            field = getattr(form, problem.field, None) if problem.field else None
            if field is None or not field.errors:
                add_form_error(form, problem)
    finally:
        uow.discard()


def confirm(action: Callable[[], object], done: str | Callable[[object], str]):
    """For one-button forms: run the service and flash `done`, or roll back and flash its refusal.

    Returns the service's result (True when it returns nothing), or None when nothing was done.
    """
    if not ConfirmForm().validate_on_submit():
        return None
    try:
        result = action()
    except ServiceError as error:
        uow.discard()
        flash(error.message, "error")
        return None
    flash(done(result) if callable(done) else done)
    return True if result is None else result


def add_form_error(form, error: ServiceError) -> None:
    """Put a ServiceError on its field, or on the form as a whole."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = list(field.errors) + [error.message]
    else:
        form.form_errors.append(error.message)


def client_ip() -> str:
    return request.remote_addr or "unknown"


def safe_next(default: str) -> str:
    """The ?next= target when it stays on this site, otherwise the default."""
    target = request.args.get("next") or request.form.get("next") or ""
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and not parts.netloc and not parts.scheme:
        return target
    return default


def paginate(statement, per_page: int | None = None):
    """One page of a select: always two queries (the page and the count)."""
    page = request.args.get("page", 1, type=int)
    page = page if 0 < page <= 1_000_000 else 1
    return db.paginate(statement, page=page,
                       per_page=per_page or current_app.config["PER_PAGE"], max_per_page=100,
                       error_out=False)


class _RowPagination(SelectPagination):
    def _query_items(self) -> list:
        select = self._query_args["select"].limit(self.per_page).offset(self._query_offset)
        return list(db.session.execute(select).all())

    def _query_count(self) -> int:
        counting = self._query_args.get("count_select")
        return super()._query_count() if counting is None else db.session.execute(counting).scalar_one()


def paginate_rows(statement, per_page: int | None = None, count_select=None):
    """As `paginate`, for a select of columns (aggregates, window functions): items are rows.

    `count_select`, when given, is a cheaper select of how many rows `statement` gives.
    """
    page = request.args.get("page", 1, type=int)
    page = page if 0 < page <= 1_000_000 else 1
    return _RowPagination(select=statement, session=db.session, page=page, count_select=count_select,
                          per_page=per_page or current_app.config["PER_PAGE"], max_per_page=100, error_out=False)
