"""Decision references: `RIV-2026-014`, unique per network and year, with no gaps.

The next number comes from the network's counter row for the year, held (`serialise_on`) until
the request commits, so two secretaries saving at once get consecutive numbers; a rolled-back
save gives its number back with everything else. The unique constraints on decisions back it up.
"""

import re

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from governance.core.locking import serialise_on
from governance.decisions.models import DecisionCounter
from governance.extensions import db
from governance.networks.models import Network


def prefix(network: Network) -> str:
    """Three capital letters from the network's short name: 'riverside' gives RIV."""
    letters = re.sub(r"[^A-Za-z]", "", network.slug or network.name or "")
    return (letters[:3] or "DEC").upper()


def reference(network: Network, year: int, number: int) -> str:
    return f"{prefix(network)}-{year}-{number:03d}"


def _counter(network_id: int, year: int) -> DecisionCounter:
    found = db.session.execute(select(DecisionCounter).where(
        DecisionCounter.network_id == network_id, DecisionCounter.year == year)).scalar_one_or_none()
    if found is not None:
        return found
    dialect = postgresql if db.session.connection().dialect.name == "postgresql" else sqlite
    db.session.execute(dialect.insert(DecisionCounter).values(network_id=network_id, year=year, last_number=0)
                       .on_conflict_do_nothing(index_elements=["network_id", "year"]))
    return db.session.execute(select(DecisionCounter).where(
        DecisionCounter.network_id == network_id, DecisionCounter.year == year)).scalar_one()


def take_next(network_id: int, year: int) -> int:
    """The next decision number of the network's year, held until the transaction ends."""
    counter = _counter(network_id, year)
    serialise_on(counter)
    counter = db.session.get(DecisionCounter, counter.id, populate_existing=True)
    counter.last_number += 1
    db.session.flush()
    return counter.last_number
