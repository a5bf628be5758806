"""Workstreams: the network's services, pathways and initiatives, which other modules link to."""

from sqlalchemy import exists, func, or_, select, union
from sqlalchemy.orm import selectinload

from governance.accountability.decision_refs import decision_id, find_decision
from governance.accountability.models import Workstream, WorkstreamAssignment, WorkstreamStatus
from governance.accountability.parties import find_partner
from governance.auth.models import User
from governance.core import clock
from governance.core.concurrency import check_version
from governance.core.errors import Checks
from governance.core.text import clean_line, clean_text
from governance.extensions import db
from governance.networks.models import Network

NAME_LIMIT, POPULATION_LIMIT = 200, 300


def workstream_choices(include_closed: bool = False) -> list[tuple[int, str]]:
    """(id, name) of the current network's workstreams, for other modules' select boxes."""
    statement = select(Workstream.id, Workstream.name).order_by(func.lower(Workstream.name), Workstream.id)
    if not include_closed:
        statement = statement.where(Workstream.status != WorkstreamStatus.CLOSED.value)
    return [(row.id, row.name) for row in db.session.execute(statement)]


def workstreams_by_id(ids) -> dict[int, Workstream]:
    """The current network's workstreams with these ids (and their lead partners), in one query."""
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    rows = db.session.execute(select(Workstream).where(Workstream.id.in_(ids))
                              .options(selectinload(Workstream.lead_partner))).scalars()
    return {workstream.id: workstream for workstream in rows}


def names_by_id(ids) -> dict[int, str]:
    """id -> name of the current network's workstreams among these ids (for what a decision affects)."""
    ids = [i for i in ids if i is not None]
    if not ids:
        return {}
    return dict(db.session.execute(select(Workstream.id, Workstream.name).where(Workstream.id.in_(ids))).all())


def cited_decision_ids(workstream_id: int):
    """A query of the decisions a workstream cites: the one that established it and those behind its RACI."""
    return union(
        select(Workstream.established_by_decision_id).where(Workstream.id == workstream_id),
        select(WorkstreamAssignment.started_by_decision_id).where(WorkstreamAssignment.workstream_id == workstream_id),
        select(WorkstreamAssignment.ended_by_decision_id).where(WorkstreamAssignment.workstream_id == workstream_id))


def workstreams_query(search: str | None = None, status: str | None = None, partner_id: int | None = None):
    """The workstream list, by name; optionally searched, and filtered by status or by a partner's part in it."""
    statement = (select(Workstream).options(selectinload(Workstream.lead_partner))
                 .order_by(func.lower(Workstream.name), Workstream.id))
    term = clean_line(search)[:100]
    if term:
        statement = statement.where(or_(Workstream.name.icontains(term, autoescape=True),
                                        Workstream.population.icontains(term, autoescape=True),
                                        Workstream.description.icontains(term, autoescape=True)))
    if status in WorkstreamStatus._value2member_map_:
        statement = statement.where(Workstream.status == status)
    if partner_id is not None:
        statement = statement.where(or_(Workstream.lead_partner_id == partner_id, _partner_takes_part(partner_id)))
    return statement


def _partner_takes_part(partner_id: int):
    today = clock.today()
    return exists().where(WorkstreamAssignment.workstream_id == Workstream.id,
                          WorkstreamAssignment.partner_id == partner_id,
                          WorkstreamAssignment.valid_from <= today,
                          or_(WorkstreamAssignment.valid_to.is_(None), WorkstreamAssignment.valid_to > today))


def _clean(network_id: int, data: dict, checks: Checks, current: Workstream | None = None) -> dict:
    name = clean_line(data.get("name"))
    if not name:
        checks.add("Enter the workstream's name", "name")
    elif len(name) > NAME_LIMIT:
        checks.add(f"Name must be {NAME_LIMIT} characters or fewer", "name")
    elif _name_taken(network_id, name, current.id if current else None):
        checks.add(f"There is already a workstream called {name}", "name")
    population = clean_line(data.get("population"))
    if len(population) > POPULATION_LIMIT:
        checks.add(f"Target population group must be {POPULATION_LIMIT} characters or fewer", "population")
    status = data.get("status")
    if status not in WorkstreamStatus._value2member_map_:
        checks.add("Select the workstream's status", "status")
    start, end = data.get("start_date"), data.get("end_date")
    if start and end and end < start:
        checks.add("The end date must be the same as or after the start date", "end_date")
    if status == WorkstreamStatus.CLOSED and end is None:
        checks.add("Enter the date the workstream closed", "end_date")
    lead_id = data.get("lead_partner_id")
    # A partner that has left cannot become the lead; one that left while leading shows as a gap.
    unchanged = current is not None and lead_id == current.lead_partner_id
    lead = find_partner(network_id, lead_id, "lead_partner_id", checks, None if unchanged else clock.today())
    decision = find_decision(data.get("decision_reference"), "decision_reference",
                             "the decision that established the workstream", checks)
    return {"name": name, "population": population, "description": clean_text(data.get("description")),
            "status": status, "start_date": start, "end_date": end, "lead_partner_id": lead.id if lead else None,
            "established_by_decision_id": decision_id(decision)}


def _name_taken(network_id: int, name: str, workstream_id: int | None) -> bool:
    statement = select(Workstream.id).where(Workstream.network_id == network_id,
                                            func.lower(Workstream.name) == name.lower())
    if workstream_id is not None:
        statement = statement.where(Workstream.id != workstream_id)
    return db.session.execute(statement.limit(1)).first() is not None


def create_workstream(network: Network, data: dict, actor: User | None) -> Workstream:
    """Add a workstream; who is accountable for it is assigned next."""
    checks = Checks()
    values = _clean(network.id, data, checks)
    checks.raise_any()
    workstream = Workstream(network_id=network.id, **values)
    db.session.add(workstream)
    db.session.flush()
    return workstream


def update_workstream(workstream: Workstream, data: dict, version) -> Workstream:
    """Edit a workstream's details and status, refusing to overwrite someone else's save."""
    check_version(workstream, version)
    checks = Checks()
    values = _clean(workstream.network_id, data, checks, workstream)
    checks.raise_any()
    for key, value in values.items():
        setattr(workstream, key, value)
    db.session.flush()  # a save that raced past the version check is a StaleDataError: the 409 page
    db.session.expire(workstream, ["lead_partner", "established_by"])
    return workstream
