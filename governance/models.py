"""Imports every model so that SQLAlchemy and Alembic see the whole schema."""

import importlib

from governance.auth.models import LoginAttempt, PasswordResetToken, User  # noqa: F401
from governance.core.audit import AuditEntry  # noqa: F401
from governance.documents.models import IssuedDocument  # noqa: F401
from governance.networks.models import Invitation, Membership, Network  # noqa: F401
from governance.partners.models import Partner  # noqa: F401

# Modules whose models land in later issues register here.
for _module in ("governance.mous.models",):
    try:
        importlib.import_module(_module)
    except ModuleNotFoundError as exc:
        if not _module.startswith(exc.name or "?"):
            raise
