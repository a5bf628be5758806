"""The published register (a page without sign-in, and its PDF) and the full register PDF for the secretary.

The published register lists the decision-makers (members with a seat on a board or committee
today) with their current interests, or their nil return. An entry withheld for a recorded reason
never appears in it. A network can stop publishing its register.
"""

from dataclasses import dataclass

from sqlalchemy import select

from governance.auth.models import User
from governance.core import clock, tenancy
from governance.core.errors import ServiceError
from governance.core.formatting import format_date
from governance.core.pdf import render_pdf
from governance.declarations import corrections, duties, register
from governance.declarations.models import DeclarationKind, InterestDeclaration, RegisterSettings
from governance.documents import jobs
from governance.documents.services import issue_document
from governance.extensions import db
from governance.meetings.models import BoardMember
from governance.networks.models import Membership, Network
from governance.networks.services import SLUG_PATTERN

FULL_KIND = "register_of_interests"
FULL_TITLE = "Register of interests (full)"


def settings_of(network: Network) -> RegisterSettings | None:
    return db.session.execute(select(RegisterSettings).where(RegisterSettings.network_id == network.id)
                              .execution_options(all_networks=True)).scalar_one_or_none()


def is_published(network: Network) -> bool:
    settings = settings_of(network)
    return settings is None or settings.published


def set_published(network: Network, published: bool) -> RegisterSettings:
    """Publish the register of interests, or stop publishing it."""
    settings = settings_of(network)
    if settings is None:
        settings = RegisterSettings(network_id=network.id, published=True)
        db.session.add(settings)
    if settings.published == published and settings.id is not None:
        raise ServiceError("The register is already published" if published else "The register is not published")
    settings.published = published
    db.session.flush()
    return settings


def published_network(slug: str) -> Network | None:
    """The network whose published register is asked for, scoped for the request; None if not published."""
    if not SLUG_PATTERN.fullmatch(slug or "") or len(slug) > 80:  # hostile addresses never reach the database
        return None
    network = db.session.execute(select(Network).where(Network.slug == slug)).scalar_one_or_none()
    if network is None or not is_published(network):
        return None
    tenancy.activate(network.id)
    return network


@dataclass
class RegisterRow:
    duty: duties.Duty
    interests: list[InterestDeclaration]  # what this version of the register shows
    withheld: int  # how many current entries are withheld (the full register only)
    last_return: InterestDeclaration | None

    @property
    def nil(self) -> bool:
        return not self.interests and self.last_return is not None and self.last_return.kind == DeclarationKind.NIL


def _rows(memberships: list[Membership], public: bool) -> list[RegisterRow]:
    rows = []
    for duty in duties.duties_for(memberships):
        shown = [r for r in duty.current if not (public and r.withheld)]
        returns = [r for r in duty.declarations if not r.is_interest]
        rows.append(RegisterRow(duty, shown, sum(1 for r in duty.current if r.withheld),
                                returns[0] if returns else None))
    return rows


def decision_makers() -> list[Membership]:
    holders = duties.current_seats_query(clock.today()).with_only_columns(BoardMember.membership_id)
    return list(db.session.execute(select(Membership).join(User, Membership.user_id == User.id)
                                   .where(Membership.id.in_(holders)).order_by(User.full_name)).scalars())


def published_rows() -> list[RegisterRow]:
    """The published register: each decision-maker's current interests, withheld entries left out."""
    return _rows(decision_makers(), public=True)


def published_pdf(network: Network) -> bytes:
    """The published register as a PDF (made on request: nothing is written for an anonymous reader)."""
    return render_pdf("declarations/pdf/published.html", title=f"Register of interests: {network.name}",
                      network_name=network.name, rows=published_rows(), today=clock.today())


# The full register, for the secretary: issued and archived ------------------------------------------

def request_full_register(network: Network, actor: User | None):
    return jobs.request_document(network, FULL_KIND, FULL_TITLE, actor)


def build_full_register(job, report):
    """The worker's side: every member on the register, past interests, withheld entries and gifts."""
    network = db.session.get(Network, job.network_id)
    report(10, "Reading the register")
    people = list(db.session.execute(duties.register_people_query()).scalars())
    rows = _rows(people, public=False)
    report(40, "Reading past interests and gifts")
    day = clock.today()
    past = {row.duty.membership.id: register.past_interests(row.duty.declarations, day) for row in rows}
    gifts = corrections.current_gifts(register.gifts_of([m.id for m in people]))
    report(70, "Making the PDF")
    actor = db.session.get(User, job.requested_by_id) if job.requested_by_id else None
    return issue_document(network, "declarations/pdf/full.html", kind=FULL_KIND, title=FULL_TITLE, actor=actor,
                          covers=f"As at {format_date(day)}", rows=rows, past=past, gifts=gifts, today=day)


jobs.register(FULL_KIND, build_full_register)
