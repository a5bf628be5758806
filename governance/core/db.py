"""Declarative base, column types and mixins shared by every module's models."""

from datetime import UTC, datetime
from typing import ClassVar

from sqlalchemy import (
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    TypeDecorator,
    event,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

from governance.core import clock

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    # every column: a link within a network is (network_id, x_id), and one table may link twice
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


MAX_RECORD_ID = 2**31 - 1  # the largest INTEGER primary key on PostgreSQL; larger ids are simply not found


class UTCDateTime(TypeDecorator):
    """Stores naive UTC on every backend and hands back timezone-aware UTC datetimes."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class NetworkScoped:
    """A record that belongs to exactly one network; reads are filtered by tenancy.

    Its table is unique on (network_id, id), which is what `network_link` points at: a link
    from one record to another carries both ids, so the database refuses a link to a record of
    another network.
    """

    @declared_attr
    def network_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("networks.id", ondelete="RESTRICT"), index=True)


@event.listens_for(NetworkScoped, "instrument_class", propagate=True)
def _network_key(mapper, cls) -> None:
    # A unique index (not a constraint): SQLite can add one without rebuilding the table, and both
    # databases accept it as the parent key of a foreign key.
    table = cls.__table__
    name = f"uq_{table.name}_network_id_id"
    if not any(index.name == name for index in table.indexes):
        Index(name, table.c.network_id, table.c.id, unique=True)


def network_link(column: str, target_table: str, ondelete: str | None = None) -> ForeignKeyConstraint:
    """A link to another record of the same network, for `__table_args__`: (network_id, column).

    Declare the column as a plain integer (no ForeignKey of its own); a NULL column links nothing.
    """
    return ForeignKeyConstraint(["network_id", column], [f"{target_table}.network_id", f"{target_table}.id"],
                                ondelete=ondelete)


class Timestamped:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, onupdate=clock.now)


class Versioned:
    """An editable record with an optimistic-locking counter (see core.concurrency)."""

    version: Mapped[int] = mapped_column(Integer, default=1, nullable=False)

    @declared_attr.directive
    def __mapper_args__(cls):
        return {"version_id_col": cls.version}


class Audited:
    """Creates, updates and deletes of this model are written to the audit trail.

    `record_label` names the kind of record as users do ("Partner"); `field_labels` gives each
    field people see its form label, in the order a summary lists them; `value_labels` turns
    stored codes into words (see core.labels). `str(record)` says which record it is ("Elm Tree
    Surgery").
    """

    audit_exclude: tuple[str, ...] = ("updated_at", "version")
    record_label: ClassVar[str] = ""
    field_labels: ClassVar[dict[str, str]] = {}
    value_labels: ClassVar[dict[str, dict[str, str]]] = {}


class AppendOnly:
    """Marker: rows are never updated or deleted once written (enforced in core.audit)."""
