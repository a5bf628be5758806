"""Small helpers views share: the client's address, safe redirects, form errors, paging."""

from urllib.parse import urlsplit

from flask import current_app, request

from governance.extensions import db


def client_ip() -> str:
    return request.remote_addr or "unknown"


def safe_next(default: str) -> str:
    """The ?next= target when it stays on this site, otherwise the default."""
    target = request.args.get("next") or request.form.get("next") or ""
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and not parts.netloc and not parts.scheme:
        return target
    return default


def add_form_error(form, error) -> None:
    """Put a ServiceError on its field, or on the form as a whole."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = list(field.errors) + [error.message]
    else:
        form.form_errors.append(error.message)


def paginate(statement, per_page: int | None = None):
    """One page of a select: always two queries (the page and the count)."""
    page = request.args.get("page", 1, type=int)
    page = page if 0 < page <= 1_000_000 else 1
    return db.paginate(statement, page=page,
                       per_page=per_page or current_app.config["PER_PAGE"], max_per_page=100,
                       error_out=False)
