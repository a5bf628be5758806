"""Partner organisations of the current network."""

from sqlalchemy import select

from governance.extensions import db
from governance.partners.models import Partner


def partner_choices() -> list[tuple[int, str]]:
    """(id, name) of the current network's partners, for select boxes."""
    rows = db.session.execute(select(Partner.id, Partner.name).order_by(Partner.name))
    return [(row.id, row.name) for row in rows]
