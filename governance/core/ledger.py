"""The governance ledger: one append-only, hash-chained record of governance events per network.

Every governance event (a decision recorded, a vote, a declaration, minutes approved, an MOU
version issued, signed or declined, a document issued) is appended with `record(...)`: the
event's canonical content, the SHA-256 of that content, and the SHA-256 of the entry chained to
the previous entry's. Modules never compute chain hashes of their own.

`verify(network_id)` walks a chain and names the first entry whose chain, content or stored
record no longer matches. Walking reads back every recorded record, so pages never walk: the
worker checks every chain hourly (`check_all`, also `flask verify-ledger`) and stores the result
(`LedgerCheck`), which pages show in a fixed number of queries (`last_check`).

A module that records events about a kind of record registers how to read that record's
canonical content back from the database (`register_subject`), so that a row changed directly in
the database is caught, not only a changed ledger entry.
"""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column

from governance.core import clock, uow
from governance.core.db import AppendOnly, NetworkScoped, UTCDateTime
from governance.core.tasks import crontab, periodic_task
from governance.extensions import db

GENESIS = "0" * 64
FORMAT = "accord-ledger/1"
_SUBJECTS: dict[str, Callable[[int], dict | None]] = {}


class LedgerEntry(NetworkScoped, AppendOnly, db.Model):
    __tablename__ = "ledger_entries"
    __table_args__ = (UniqueConstraint("network_id", "sequence"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sequence: Mapped[int] = mapped_column(Integer)
    event: Mapped[str] = mapped_column(String(60))
    subject_type: Mapped[str] = mapped_column(String(60))
    subject_id: Mapped[int | None] = mapped_column(Integer)
    summary: Mapped[str] = mapped_column(String(500))
    content: Mapped[dict] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64))
    previous_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    @property
    def short_hash(self) -> str:
        return self.entry_hash[:16]


def canonical(content) -> str:
    """The one JSON text a content hashes as: sorted keys, no spaces, dates and money as text."""
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_plain)


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"cannot put {type(value).__name__} in a ledger entry")


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def chain_hash(network_id: int, sequence: int, event: str, content_hash: str, previous_hash: str) -> str:
    """The entry's own hash: its place in the chain, what happened and the previous entry's hash."""
    return sha256(canonical({"format": FORMAT, "network": network_id, "sequence": sequence, "event": event,
                             "content": content_hash, "previous": previous_hash}))


def register_subject(subject_type: str, read_content: Callable[[int], dict | None]) -> None:
    """Tell the ledger how to read a record's canonical content back, for verification."""
    _SUBJECTS[subject_type] = read_content


def head(network_id: int) -> LedgerEntry | None:
    """The latest entry of a network's chain."""
    return db.session.execute(
        select(LedgerEntry).where(LedgerEntry.network_id == network_id)
        .order_by(LedgerEntry.sequence.desc()).limit(1).execution_options(all_networks=True)
    ).scalar_one_or_none()


def _hold_the_chain(network_id: int) -> None:
    """Serialise appends to one network's chain until commit (no gaps, no forks)."""
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        if not connection.connection.driver_connection.in_transaction:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        networks = db.metadata.tables["networks"]  # by name: core imports no module above it
        db.session.execute(select(networks.c.id).where(networks.c.id == network_id).with_for_update())


def record(network_id: int, event: str, subject_type: str, subject_id: int | None, content: dict, *,
           summary: str, actor_id: int | None = None) -> LedgerEntry:
    """Append an event to the network's chain, in the current transaction."""
    db.session.flush()
    _hold_the_chain(network_id)
    previous = head(network_id)
    sequence = previous.sequence + 1 if previous else 1
    previous_hash = previous.entry_hash if previous else GENESIS
    content = json.loads(canonical(content))  # exactly what is stored is what is hashed
    content_hash = sha256(canonical(content))
    entry = LedgerEntry(network_id=network_id, sequence=sequence, event=event, subject_type=subject_type,
                        subject_id=subject_id, summary=summary[:500], content=content, content_hash=content_hash,
                        previous_hash=previous_hash, recorded_by_id=actor_id, recorded_at=clock.now(),
                        entry_hash=chain_hash(network_id, sequence, event, content_hash, previous_hash))
    db.session.add(entry)
    db.session.flush()
    return entry


@dataclass
class Verification:
    network_id: int
    checked: int
    head: LedgerEntry | None
    broken: LedgerEntry | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.broken is None


def verify(network_id: int, batch: int = 500) -> Verification:
    """Walk a network's chain from the start; stop at the first entry that no longer matches."""
    previous_hash, expected, checked, last = GENESIS, 1, 0, None
    while True:
        entries = db.session.execute(
            select(LedgerEntry).where(LedgerEntry.network_id == network_id, LedgerEntry.sequence >= expected)
            .order_by(LedgerEntry.sequence).limit(batch).execution_options(all_networks=True)).scalars().all()
        if not entries:
            return Verification(network_id, checked, last)
        for entry in entries:
            problem = _problem(entry, expected, previous_hash)
            if problem:
                return Verification(network_id, checked, last, entry, problem)
            previous_hash, expected, checked, last = entry.entry_hash, expected + 1, checked + 1, entry
        for entry in entries[:-1]:  # memory stays flat on a long chain; the caller's objects stay loaded
            db.session.expunge(entry)


def _problem(entry: LedgerEntry, sequence: int, previous_hash: str) -> str:
    if entry.sequence != sequence:
        return f"entry {sequence} is missing"
    if entry.previous_hash != previous_hash:
        return "it does not follow the entry before it"
    if sha256(canonical(entry.content)) != entry.content_hash:
        return "its content has been changed"
    if chain_hash(entry.network_id, entry.sequence, entry.event, entry.content_hash, entry.previous_hash) \
            != entry.entry_hash:
        return "its hash does not match"
    read = _SUBJECTS.get(entry.subject_type)
    if read is not None and entry.subject_id is not None:
        stored = read(entry.subject_id)
        if stored is None:
            return f"the {entry.subject_type} it records has been deleted"
        if canonical(stored) != canonical(entry.content):
            return f"the {entry.subject_type} it records has been changed in the database"
    return ""


class LedgerCheck(NetworkScoped, db.Model):
    """The result of the latest walk of a network's chain: what pages show instead of walking it."""

    __tablename__ = "ledger_checks"
    __table_args__ = (UniqueConstraint("network_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    checked: Mapped[int] = mapped_column(Integer)  # entries verified, in order, from the first
    head_sequence: Mapped[int | None] = mapped_column(Integer)  # the last entry verified
    head_hash: Mapped[str | None] = mapped_column(String(64))
    ok: Mapped[bool] = mapped_column(Boolean)
    broken_sequence: Mapped[int | None] = mapped_column(Integer)  # the first entry that no longer matches
    problem: Mapped[str] = mapped_column(Text, default="")

    @property
    def short_hash(self) -> str:
        return (self.head_hash or "")[:12]


def last_check(network_id: int) -> LedgerCheck | None:
    return db.session.execute(select(LedgerCheck).where(LedgerCheck.network_id == network_id)
                              .execution_options(all_networks=True)).scalar_one_or_none()


def check(network_id: int) -> LedgerCheck:
    """Walk the network's chain now and store the result for pages to show."""
    result = verify(network_id)
    stored = last_check(network_id) or LedgerCheck(network_id=network_id)
    stored.checked_at = clock.now()
    stored.checked = result.checked
    stored.head_sequence = result.head.sequence if result.head else None
    stored.head_hash = result.head.entry_hash if result.head else None
    stored.ok = result.ok
    stored.broken_sequence = result.broken.sequence if result.broken else None
    stored.problem = result.problem
    db.session.add(stored)
    db.session.flush()
    return stored


def check_all() -> list[tuple[int, Verification]]:
    """Walk every network's chain and store each result; returns each network's verification."""
    network_ids = db.session.execute(select(LedgerEntry.network_id).distinct()
                                     .execution_options(all_networks=True)).scalars().all()
    results = []
    for network_id in sorted(network_ids):
        results.append((network_id, verify(network_id)))
        check(network_id)
    return results


@periodic_task(crontab(minute="7"))
def check_hourly() -> None:
    """The worker's hourly walk of every chain (a row edited in the database shows within the hour)."""
    check_all()
    uow.commit_outside_request()
