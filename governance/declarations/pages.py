"""What the register's pages show: the rules are decided here, the templates only show them."""

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from governance.core import clock
from governance.core.views import paginate
from governance.declarations import corrections, duties, register
from governance.declarations.models import GiftDeclaration, InterestDeclaration, MeetingDeclaration
from governance.extensions import db
from governance.networks.models import Membership


@dataclass
class PersonPage:
    duty: duties.Duty
    current: list[InterestDeclaration]
    past: list[InterestDeclaration]
    history: list[InterestDeclaration]  # every declaration and return, newest first, replaced versions included
    replaced: set[int]
    gifts: list[GiftDeclaration]  # every version, newest first: a corrected one shows with its correction
    at_meetings: list[MeetingDeclaration]  # likewise
    gift_corrections: dict[int, GiftDeclaration] = field(default_factory=dict)  # corrected id -> correction
    meeting_corrections: dict[int, MeetingDeclaration] = field(default_factory=dict)

    @property
    def return_words(self) -> str:
        """What the annual return button records for this member."""
        return ("My interests on the register are complete and up to date" if self.current
                else "I have no interests to declare")


def person_page(membership: Membership) -> PersonPage:
    """One member's register entry, in a fixed number of queries."""
    duty = duties.duty_of(membership)
    day = clock.today()
    rows = duty.declarations
    at_meetings = list(db.session.execute(
        select(MeetingDeclaration)
        .join(InterestDeclaration, MeetingDeclaration.declaration_id == InterestDeclaration.id)
        .where(InterestDeclaration.membership_id == membership.id)
        .options(selectinload(MeetingDeclaration.meeting), selectinload(MeetingDeclaration.item))
        .order_by(MeetingDeclaration.recorded_at.desc(), MeetingDeclaration.id.desc())).scalars())
    gifts = register.gifts_of([membership.id])
    return PersonPage(duty, duty.current, register.past_interests(rows, day), rows, register.replaced_ids(rows),
                      gifts, at_meetings, corrections.corrections_among(gifts),
                      corrections.corrections_among(at_meetings))


def register_page():
    """A page of the members on the register, each with their duty (two queries for the page, two for duties)."""
    page = paginate(duties.register_people_query())
    return page, duties.duties_for(list(page.items))


def latest_entry(entry: InterestDeclaration) -> bool:
    return db.session.execute(select(InterestDeclaration.id).where(
        InterestDeclaration.replaces_id == entry.id)).first() is None
