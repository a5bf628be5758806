"""What a decision affects, and the decisions that affect a record.

A decision's `affects` lists partners and MOUs, and kinds of record that modules above decisions
register here (accountability registers workstreams when it is imported), so decisions never import
them. Reading "the decisions that affect this partner" looks inside the JSON list in SQL, on SQLite
and PostgreSQL alike, so a page lists them in a fixed number of queries.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import exists, func, or_, select

from governance.decisions.models import Decision
from governance.extensions import db
from governance.mous.models import Mou
from governance.partners.models import Partner

KEY_SHAPE = re.compile(r"([a-z_]{1,30}):(\d{1,10})")


@dataclass(frozen=True)
class AffectedKind:
    kind: str  # as stored in Decision.affects, e.g. "workstream"
    label: str  # the checkbox group's legend on the decision forms, e.g. "Workstreams it affects"
    noun: str  # said after the record's name on the decision page, e.g. "workstream"
    choices: Callable[[], list[tuple[int, str]]]  # the current network's records a decision may affect
    names: Callable[[set[int]], dict[int, str]]  # id -> name, for those ids that are the current network's
    endpoint: str  # the record's page, e.g. "accountability.workstream"
    id_arg: str  # the endpoint's argument, e.g. "workstream_id"
    # decision ids the record links to from its own side (e.g. the decision that established a workstream)
    linked_ids: Callable[[int], object] | None = None


_KINDS: dict[str, AffectedKind] = {}


def register(kind: AffectedKind) -> None:
    """Offer a kind of record on the decision forms (or replace it)."""
    _KINDS[kind.kind] = kind


def kinds() -> list[AffectedKind]:
    return sorted(_KINDS.values(), key=lambda k: k.kind)


def get(kind: str) -> AffectedKind | None:
    return _KINDS.get(kind)


# Choosing what a decision affects ----------------------------------------------------------------

def choice_groups() -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(kind, legend, [("workstream:3", "Virtual ward"), ...]) for each registered kind with records."""
    groups = []
    for kind in kinds():
        options = [(f"{kind.kind}:{i}", name) for i, name in kind.choices()]
        if options:
            groups.append((kind.kind, kind.label, options))
    return groups


def chosen(values) -> tuple[list[dict], bool]:
    """The registered records a form chose, as `affects` entries, and whether every choice was good."""
    wanted: dict[str, set[int]] = {}
    good = True
    for value in values or []:
        match = KEY_SHAPE.fullmatch(str(value))
        if match is None or match.group(1) not in _KINDS:
            good = False
            continue
        wanted.setdefault(match.group(1), set()).add(int(match.group(2)))
    entries = []
    for kind_name, ids in sorted(wanted.items()):
        found = _KINDS[kind_name].names(ids)
        good = good and len(found) == len(ids)
        entries += [{"kind": kind_name, "id": i, "name": found[i]} for i in sorted(found)]
    return entries, good


# Reading the decisions that affect a record ------------------------------------------------------

def affects_clause(kind: str, record_id: int):
    """SQL: the decision's affects list names this record."""
    if db.session.get_bind().dialect.name == "postgresql":
        items = func.json_array_elements(Decision.affects).table_valued("value").alias("affected")
        return exists(select(1).select_from(items).where(items.c.value.op("->>")("kind") == kind,
                                                          items.c.value.op("->>")("id") == str(record_id)))
    items = func.json_each(Decision.affects).table_valued("value").alias("affected")
    return exists(select(1).select_from(items).where(func.json_extract(items.c.value, "$.kind") == kind,
                                                      func.json_extract(items.c.value, "$.id") == record_id))


def record_clause(kind: str, record_id: int):
    """SQL: the decision affects this record, or the record cites the decision (registered kinds say how)."""
    clause = affects_clause(kind, record_id)
    registered = _KINDS.get(kind)
    if registered is not None and registered.linked_ids is not None:
        clause = or_(clause, Decision.id.in_(registered.linked_ids(record_id)))
    return clause


def parse_key(key: str | None) -> tuple[str, int] | None:
    """("partner", 3) from "partner:3", or None for anything else."""
    match = KEY_SHAPE.fullmatch(key or "")
    return (match.group(1), int(match.group(2))) if match else None


def describe(key: str | None) -> str | None:
    """The name of the record a decision log filter asks about ("Riverside Medical Centre"), or None."""
    parsed = parse_key(key)
    if parsed is None:
        return None
    kind, record_id = parsed
    if kind == "partner":
        return db.session.execute(select(Partner.name).where(Partner.id == record_id)).scalar_one_or_none()
    if kind == "mou":
        return db.session.execute(select(Mou.title).where(Mou.id == record_id)).scalar_one_or_none()
    registered = _KINDS.get(kind)
    return registered.names({record_id}).get(record_id) if registered else None
