"""Riverside's six workstreams with their full RACI (the virtual ward changed Accountable in June 2026)
and its lead roles (the Caldicott Guardian is out of term, the children's safeguarding lead is vacant);
Northgate's two workstreams and its Clinical Director.

Two changes cite the board's decisions from the decisions demo (found by title, never changed here):
the pharmacy is consulted on the frailty service from the first decision to recruit clinical
pharmacists under the additional roles scheme, and the integrated care board on care planning from
the written resolution to join its shared care record pilot."""

from datetime import date

from sqlalchemy import select

from governance.accountability import lead_roles, raci, workstreams
from governance.accountability.models import LeadRole
from governance.core import audit, tenancy
from governance.decisions.models import Decision, Outcome
from governance.extensions import db
from governance.networks.models import Membership

APRIL_2025 = date(2025, 4, 1)

# name, lead partner, start, population, description
RIVERSIDE_WORKSTREAMS = [
    ("Proactive frailty service", "trust", date(2025, 10, 1),
     "People aged 65 and over with moderate or severe frailty",
     "A multidisciplinary team finds people at highest risk, plans their care with them and their carers, "
     "and responds within two hours when things change."),
    ("Virtual ward", "trust", date(2026, 1, 5),
     "Adults who would otherwise be admitted to hospital",
     "Acute care at home, with remote monitoring and daily clinical review, for people who would otherwise be "
     "in a hospital bed."),
    ("Diabetes pathway", "quayside", APRIL_2025, "Adults with type 2 diabetes",
     "Structured education, annual reviews and a shared specialist clinic across the practices."),
    ("Care planning", "practice", APRIL_2025, "People with long-term conditions and complex needs",
     "Personalised care and support plans, written with the person and shared across the partners."),
    ("Social prescribing", "voluntary", date(2025, 7, 1),
     "Adults whose health is affected by loneliness, debt or housing",
     "Link workers connect people with community groups, advice and support."),
    ("Extended access", "harbour_lane", date(2025, 10, 1),
     "Registered patients who need evening and weekend appointments",
     "Appointments from 6.30pm to 8pm on weekdays and 9am to 5pm on Saturdays, shared across the practices."),
]

# workstream, role, partner key or None, member email or None, from
RIVERSIDE_RACI = [
    ("Proactive frailty service", "A", "trust", "trust.signatory@riverside.example", date(2025, 10, 1)),
    ("Proactive frailty service", "R", "trust", None, date(2025, 10, 1)),
    ("Proactive frailty service", "R", "practice", None, date(2025, 10, 1)),
    ("Proactive frailty service", "R", "harbour_lane", None, date(2025, 10, 1)),
    ("Proactive frailty service", "C", "social_care", None, date(2025, 10, 1)),
    ("Proactive frailty service", "C", "voluntary", None, date(2025, 10, 1)),
    ("Proactive frailty service", "C", "mental_health_trust", None, date(2025, 10, 1)),
    ("Proactive frailty service", "I", "icb", None, date(2025, 10, 1)),
    ("Virtual ward", "A", "practice", "signatory@riverside.example", date(2026, 1, 5)),
    ("Virtual ward", "R", "trust", None, date(2026, 1, 5)),
    ("Virtual ward", "R", "practice", None, date(2026, 1, 5)),
    ("Virtual ward", "C", "mental_health_trust", None, date(2026, 1, 5)),
    ("Virtual ward", "C", "social_care", None, date(2026, 1, 5)),
    ("Virtual ward", "I", "icb", None, date(2026, 1, 5)),
    ("Virtual ward", "I", "quayside", None, date(2026, 1, 5)),
    ("Virtual ward", "I", "millstream", None, date(2026, 1, 5)),
    ("Diabetes pathway", "A", "quayside", "gp@riverside.example", APRIL_2025),
    ("Diabetes pathway", "R", "quayside", None, APRIL_2025),
    ("Diabetes pathway", "R", "millstream", None, APRIL_2025),
    ("Diabetes pathway", "R", "pharmacy", None, date(2025, 10, 1)),
    ("Diabetes pathway", "C", "trust", None, APRIL_2025),
    ("Diabetes pathway", "I", "icb", None, APRIL_2025),
    ("Care planning", "A", None, "chair@riverside.example", APRIL_2025),
    ("Care planning", "R", "practice", None, APRIL_2025),
    ("Care planning", "R", "quayside", None, APRIL_2025),
    ("Care planning", "R", "millstream", None, APRIL_2025),
    ("Care planning", "R", "harbour_lane", None, APRIL_2025),
    ("Care planning", "C", "social_care", None, APRIL_2025),
    ("Care planning", "C", "voluntary", None, APRIL_2025),
    ("Care planning", "I", "mental_health_trust", None, APRIL_2025),
    ("Social prescribing", "A", "voluntary", None, date(2025, 7, 1)),
    ("Social prescribing", "R", "voluntary", None, date(2025, 7, 1)),
    ("Social prescribing", "C", "practice", None, date(2025, 7, 1)),
    ("Social prescribing", "C", "quayside", None, date(2025, 7, 1)),
    ("Social prescribing", "C", None, "patient@riverside.example", date(2025, 9, 1)),
    ("Social prescribing", "I", "social_care", None, date(2025, 7, 1)),
    ("Social prescribing", "I", "icb", None, date(2025, 7, 1)),
    ("Extended access", "A", "harbour_lane", None, date(2025, 10, 1)),
    ("Extended access", "R", "harbour_lane", None, date(2025, 10, 1)),
    ("Extended access", "R", "practice", None, date(2025, 10, 1)),
    ("Extended access", "R", "pharmacy", None, date(2025, 10, 1)),
    ("Extended access", "C", "icb", None, date(2025, 10, 1)),
    ("Extended access", "I", "trust", None, date(2025, 10, 1)),
]
VIRTUAL_WARD_HANDOVER = (date(2026, 6, 1), "trust", "trust.signatory@riverside.example",
                         "The board agreed in May 2026 that the trust, which employs the virtual ward team, "
                         "answers for the service from June.")

# role key (or the name of the network's own role), member email or person's name, partner key, term
RIVERSIDE_ROLES = [
    ("clinical_director", "chair@riverside.example", "practice", APRIL_2025, date(2028, 3, 31)),
    ("chair", "chair@riverside.example", "practice", APRIL_2025, date(2027, 3, 31)),
    ("vice_chair", "trust.signatory@riverside.example", "trust", APRIL_2025, date(2027, 3, 31)),
    ("caldicott_guardian", "signatory@riverside.example", "practice", date(2024, 10, 1), date(2026, 9, 30)),
    ("data_protection_officer", "Priya Sandhu", "icb", APRIL_2025, date(2027, 12, 31)),
    ("siro", "admin@riverside.example", None, APRIL_2025, date(2027, 3, 31)),
    ("safeguarding_adults", "gp@riverside.example", "quayside", date(2025, 1, 16), date(2027, 1, 15)),
    ("safeguarding_children", "Dr Ben Oduya", "harbour_lane", APRIL_2025, date(2027, 3, 31)),
    ("finance_lead", "Karen Doyle", "millstream", APRIL_2025, date(2027, 3, 31)),
    ("patient_engagement_lead", "Fatima Noor", "voluntary", APRIL_2025, date(2027, 3, 31)),
    ("information_governance_lead", "secretary@riverside.example", None, APRIL_2025, date(2027, 3, 31)),
    ("Medicines optimisation lead", "Raj Mehta", "pharmacy", date(2025, 10, 1), date(2027, 9, 30)),
]
# workstream, role, partner key, the title of the decision behind it (the first approved with that title)
RIVERSIDE_DECIDED = [
    ("Proactive frailty service", "C", "pharmacy", "Recruit under the additional roles scheme"),
    ("Care planning", "C", "icb", "Join the ICB's shared care record pilot"),
]
CHILDREN_LEAD_STOOD_DOWN = (date(2026, 8, 31), "Dr Oduya stood down on moving to a post outside the network.")

NORTHGATE_WORKSTREAMS = [
    ("Enhanced access", "northgate_federation", date(2024, 10, 1), "Registered patients of the three practices",
     "Evening and Saturday appointments delivered by the federation for the network."),
    ("Structured medication reviews", "northgate_pharmacy", APRIL_2025,
     "People on ten or more medicines, and care home residents",
     "Clinical pharmacists review medicines with the person and their GP."),
]
NORTHGATE_RACI = [
    ("Enhanced access", "A", "northgate_federation", None, date(2024, 10, 1)),
    ("Enhanced access", "R", "northgate_federation", None, date(2024, 10, 1)),
    ("Enhanced access", "C", "northgate_surgery", None, date(2024, 10, 1)),
    ("Enhanced access", "I", "northgate_millbrook", None, date(2024, 10, 1)),
    ("Enhanced access", "I", "northgate_family", None, date(2024, 10, 1)),
    ("Structured medication reviews", "A", "northgate_surgery", None, APRIL_2025),
    ("Structured medication reviews", "R", "northgate_pharmacy", None, APRIL_2025),
    ("Structured medication reviews", "C", "northgate_millbrook", None, APRIL_2025),
]


def _member(network, email: str | None, demo) -> int | None:
    if email is None:
        return None
    user = demo.users[email]
    return db.session.execute(select(Membership.id).where(Membership.network_id == network.id,
                                                          Membership.user_id == user.id)).scalar_one()


def _partner(key: str | None, demo) -> int | None:
    return demo.partners[key].id if key else None


def _workstreams(network, entries, demo, actor) -> dict:
    made = {}
    for name, lead, start, population, description in entries:
        made[name] = workstreams.create_workstream(network, {
            "name": name, "lead_partner_id": _partner(lead, demo), "status": "active", "start_date": start,
            "population": population, "description": description}, actor)
    return made


def _raci(network, made, entries, demo, actor) -> None:
    for name, role, partner, email, start in entries:
        data = {"partner_id": _partner(partner, demo), "membership_id": _member(network, email, demo),
                "valid_from": start, "role": role}
        if role == "A":
            raci.assign_accountable(made[name], data, actor)
        else:
            raci.add_assignment(made[name], data, actor)


def _appoint(network, roles, entry, demo, actor):
    key, holder, partner, start, end = entry
    role = roles.get(key) or lead_roles.create_lead_role(network, {"name": key, "required": True, "description":
                                                                   "Leads on safe and cost-effective prescribing "
                                                                   "across the practices and the pharmacy."})
    data = {"partner_id": _partner(partner, demo), "term_start": start, "term_end": end}
    if "@" in holder:
        data["membership_id"] = _member(network, holder, demo)
    else:
        data["person_name"] = holder
    lead_roles.appoint(role, data, actor)
    return role


def _decided(made, demo, actor) -> None:
    """RACI changes made by the demo's decisions, from the day each took effect (skipped if it is not there)."""
    for name, role, partner, title in RIVERSIDE_DECIDED:
        decision = db.session.execute(select(Decision).where(Decision.title == title,
                                                             Decision.outcome == Outcome.APPROVED.value)
                                      .order_by(Decision.decided_on, Decision.number).limit(1)).scalar_one_or_none()
        if decision is not None:
            raci.add_assignment(made[name], {"role": role, "partner_id": _partner(partner, demo),
                                             "valid_from": decision.effective_on or decision.decided_on,
                                             "decision_reference": decision.reference}, actor)


def _riverside(demo) -> None:
    network = demo.riverside
    tenancy.activate(network.id)
    secretary = demo.users["secretary@riverside.example"]
    audit.set_actor(db.session, secretary.id)
    made = _workstreams(network, RIVERSIDE_WORKSTREAMS, demo, secretary)
    _raci(network, made, RIVERSIDE_RACI, demo, secretary)
    day, partner, email, note = VIRTUAL_WARD_HANDOVER
    raci.assign_accountable(made["Virtual ward"], {"partner_id": _partner(partner, demo), "note": note,
                                                   "membership_id": _member(network, email, demo), "valid_from": day},
                            secretary)
    _decided(made, demo, secretary)
    roles = {role.key: role for role in db.session.execute(select(LeadRole)).scalars()}
    appointed = {entry[0]: _appoint(network, roles, entry, demo, secretary) for entry in RIVERSIDE_ROLES}
    last_day, note = CHILDREN_LEAD_STOOD_DOWN
    lead_roles.end_appointment(appointed["safeguarding_children"], last_day, note, secretary)


def _northgate(demo) -> None:
    network = demo.northgate
    tenancy.activate(network.id)
    secretary = demo.users["secretary@northgate.example"]
    audit.set_actor(db.session, secretary.id)
    made = _workstreams(network, NORTHGATE_WORKSTREAMS, demo, secretary)
    _raci(network, made, NORTHGATE_RACI, demo, secretary)
    roles = {role.key: role for role in db.session.execute(select(LeadRole)).scalars()}
    _appoint(network, roles, ("clinical_director", "Dr Omar Farouk", "northgate_surgery", date(2024, 7, 1),
                              date(2027, 6, 30)), demo, secretary)


def seed(demo) -> None:
    """Add each network's workstreams, RACI and lead role holders through the services the app uses."""
    _riverside(demo)
    _northgate(demo)
    audit.set_actor(db.session, None)
    tenancy.activate(None)
    db.session.flush()
