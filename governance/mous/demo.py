"""Riverside's MOUs: an executed frailty service MOU in force, a variation of it awaiting signatures, a draft."""

from datetime import date, timedelta

from sqlalchemy import select

from governance.core import audit, clock, tenancy, uow
from governance.extensions import db
from governance.mous import comments, services, signing, text
from governance.networks.models import Membership

DEMO_IP = "192.0.2.10"  # documentation range: the demo never had a real address
DEMO_AGENT = "Accord demo data"

FRAILTY_SCOPE = (
    "This MOU covers the Riverside **integrated frailty service**: a multidisciplinary team of GPs, "
    "community nurses, therapists and a care coordinator who support people aged 65 and over with "
    "moderate or severe frailty, registered with the network's practices.\n\n"
    "- weekly multidisciplinary team meetings to plan care for people at highest risk;\n"
    "- proactive care plans shared with the patient and their carers;\n"
    "- rapid community response within two hours of a referral.\n\n"
    "It does not cover hospital inpatient care or continuing healthcare assessments.")
FRAILTY_FINANCE = (
    "The service is funded from the network's frailty allocation of £180,000 a year. Riverside "
    "Community Health NHS Trust hosts the funds and reports spend to the board each quarter.\n\n"
    "Any underspend is shared equally between the partners and reinvested in the service; any "
    "overspend is shared equally, up to £10,000 each, above which the board agrees a recovery plan.")
VARIATION_SCOPE = FRAILTY_SCOPE.replace(
    "- rapid community response within two hours of a referral.",
    "- rapid community response within two hours of a referral, seven days a week;\n"
    "- weekend care coordinator cover from 9am to 5pm.")


# What the Riverside partners agreed in place of the clause library's placeholders.
AGREED = {
    "quarterly": "every month",
    "describe the voting rule": "a decision needs the agreement of at least three quarters of the partners "
                                "present, including at least one GP practice and one community partner",
    "describe supervision, indemnity and honorary contract arrangements":
        "each employer keeps clinical supervision and indemnity for its own staff, and staff working on "
        "another partner's premises hold an honorary contract with that partner",
    "28 days": "28 days",
    "six months'": "six months'",
}


def _fill_agreed_terms(mou) -> None:
    """Replace the library placeholders the partners have agreed on (scope and finance are set apart)."""
    for clause in mou.clauses:
        body = text.PLACEHOLDER.sub(lambda m: AGREED.get(m[1], m[0]), clause.body)
        if body != clause.body:
            services.update_clause(clause, {"heading": clause.heading, "body": body}, clause.version)


def _membership(user) -> Membership:
    return db.session.execute(select(Membership).where(Membership.user_id == user.id)).scalar_one()


def _set_clause(mou, key: str, body: str) -> None:
    clause = next(c for c in mou.clauses if c.key == key)
    services.update_clause(clause, {"heading": clause.heading, "body": body}, clause.version)


def _sign(network, version, demo, email: str) -> None:
    user = demo.users[email]
    membership = _membership(user)
    audit.set_actor(db.session, user.id)
    # The demo loads from the CLI, which commits; signing re-checks the password in its own
    # transaction (as each signature is its own request in the app), so commit what came before.
    uow.commit_outside_request()
    signing.sign_mou_version(network, version, membership, full_name=user.full_name,
                              job_title=membership.job_title, confirmed=True, password=demo.password,
                              ip_address="192.0.2.21", user_agent=DEMO_AGENT)


def _frailty(network, demo, secretary):
    parties = [demo.partners["practice"].id, demo.partners["trust"].id]
    frailty = services.create_mou(network, {
        "title": "Integrated frailty service MOU", "parties": parties,
        "purpose": "The practice and the community trust run one frailty service for older people "
                   "in the Riverside valley, sharing staff, information and the risk and gain of its budget.",
        "start_date": date(2026, 4, 1), "end_date": date(2028, 3, 31), "end_date_kind": "end"}, secretary)
    _set_clause(frailty, "scope", FRAILTY_SCOPE)
    _set_clause(frailty, "finance", FRAILTY_FINANCE)
    _fill_agreed_terms(frailty)
    version = services.issue_version(network, frailty, secretary, DEMO_IP)
    _sign(network, version, demo, "signatory@riverside.example")
    _sign(network, version, demo, "trust.signatory@riverside.example")
    return frailty, parties


def seed(demo) -> None:
    """Add Riverside's MOUs, signed through the same services the app uses."""
    network = demo.riverside
    tenancy.activate(network.id)
    secretary = demo.users["secretary@riverside.example"]
    audit.set_actor(db.session, secretary.id)
    frailty, parties = _frailty(network, demo, secretary)

    audit.set_actor(db.session, secretary.id)
    variation = services.create_mou(network, {
        "title": "weekend cover", "parties": parties,
        "varies_id": frailty.id,
        "purpose": "Extends the integrated frailty service to seven days a week from December 2026.",
        "start_date": date(2026, 12, 1), "end_date": date(2028, 3, 31), "end_date_kind": "end"}, secretary)
    _set_clause(variation, "scope", VARIATION_SCOPE)
    _set_clause(variation, "finance", FRAILTY_FINANCE)
    _fill_agreed_terms(variation)
    weekend = services.issue_version(network, variation, secretary, DEMO_IP)
    _sign(network, weekend, demo, "trust.signatory@riverside.example")  # the practice has still to sign

    draft = services.create_mou(network, {
        "title": "Social prescribing MOU", "parties": parties,
        "purpose": "The partners host link workers who connect patients with community and voluntary support.",
        "start_date": date(2027, 4, 1), "end_date": date(2028, 3, 31), "end_date_kind": "review"}, secretary)
    audit.set_actor(db.session, secretary.id)
    chair = demo.users["chair@riverside.example"]
    comments.invite_commenters(draft, [_membership(chair).id], secretary, due_on=clock.today() + timedelta(days=14))
    audit.set_actor(db.session, chair.id)
    scope = next(c for c in draft.clauses if c.key == "scope")
    question = comments.add_comment(draft, scope, "Please name the link workers' host organisation and the "
                                    "referral routes from each practice.", _membership(chair))
    audit.set_actor(db.session, secretary.id)
    comments.add_comment(draft, scope, "The community trust hosts them; I will add the referral routes once "
                         "each practice has confirmed theirs.", _membership(secretary), reply_to=question)
    audit.set_actor(db.session, None)
    db.session.flush()
