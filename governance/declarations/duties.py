"""Who must declare, and when: board and committee members declare on joining and at least once a year.

A decision-maker is a member who holds a seat on a board or committee today (anyone but those
"in attendance"). Their declaration is due 28 days after they joined if they have made none since,
and otherwise a year after their latest declaration or return.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from governance.auth.models import User
from governance.core import clock
from governance.declarations import register
from governance.declarations.models import InterestDeclaration
from governance.extensions import db
from governance.meetings.models import BoardMember, BoardRole
from governance.networks.models import Membership

ON_JOINING_DAYS = 28
DUE_SOON_DAYS = 28


def a_year_after(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def current_seats_query(day: date):
    return select(BoardMember).where(
        BoardMember.from_date <= day, or_(BoardMember.to_date.is_(None), BoardMember.to_date >= day),
        BoardMember.role != BoardRole.IN_ATTENDANCE.value)


@dataclass
class Duty:
    """A member's place on the register: their seats, their declarations and when their next is due."""

    membership: Membership
    seats: list[BoardMember]
    declarations: list[InterestDeclaration]
    today: date
    due_on: date | None = None
    current: list[InterestDeclaration] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.membership.user.full_name

    @property
    def role(self) -> str:
        return self.membership.job_title or self.membership.role_label

    @property
    def decision_maker(self) -> bool:
        return bool(self.seats)

    @property
    def last_declared(self) -> date | None:
        return max((row.declared_on for row in self.declarations), default=None)

    @property
    def overdue(self) -> bool:
        return self.due_on is not None and self.due_on < self.today

    @property
    def due_soon(self) -> bool:
        return self.due_on is not None and self.due_on <= self.today + timedelta(days=DUE_SOON_DAYS)

    @property
    def status(self) -> str:
        if self.due_on is None:
            return "Not required" if not self.seats else "Up to date"
        if self.overdue:
            return "Overdue"
        return "Due soon" if self.due_soon else "Up to date"

    @property
    def status_colour(self) -> str:
        return {"Overdue": "red", "Due soon": "yellow", "Up to date": "green"}.get(self.status, "grey")

    @property
    def seat_words(self) -> str:
        return "; ".join(f"{seat.role_label} of {seat.board.name}" for seat in self.seats)


def _due_on(seats: list[BoardMember], rows: list[InterestDeclaration]) -> date | None:
    if not seats:
        return None
    joined = min(seat.from_date for seat in seats)
    since = [row.declared_on for row in rows if row.declared_on >= joined - timedelta(days=ON_JOINING_DAYS)]
    if not since:
        return joined + timedelta(days=ON_JOINING_DAYS)
    return a_year_after(max(since))


def duties_for(memberships: list[Membership], day: date | None = None) -> list[Duty]:
    """Each member's duty, their seats and declarations loaded in two queries whatever their number."""
    day = day or clock.today()
    ids = [m.id for m in memberships]
    seats = list(db.session.execute(current_seats_query(day).where(BoardMember.membership_id.in_(ids))
                                    .options(selectinload(BoardMember.board)).order_by(BoardMember.id)).scalars()
                 ) if ids else []
    rows = register.declarations_of(ids)
    duties = []
    for membership in memberships:
        mine_seats = [s for s in seats if s.membership_id == membership.id]
        mine = [r for r in rows if r.membership_id == membership.id]
        duties.append(Duty(membership, mine_seats, mine, day, _due_on(mine_seats, mine),
                           register.current_interests(mine, day)))
    return duties


def duty_of(membership: Membership) -> Duty:
    return duties_for([membership])[0]


def register_people_query():
    """Members on the register: everyone with a declaration or a seat today, by name."""
    day = clock.today()
    seat_holders = current_seats_query(day).with_only_columns(BoardMember.membership_id)
    declared = select(InterestDeclaration.membership_id)
    return (select(Membership).join(User, Membership.user_id == User.id)
            .where(or_(Membership.id.in_(seat_holders), Membership.id.in_(declared)))
            .order_by(User.full_name, Membership.id))


def overdue_count() -> int:
    """How many decision-makers are overdue for their declaration."""
    holders = list(db.session.execute(select(Membership).where(
        Membership.id.in_(current_seats_query(clock.today()).with_only_columns(BoardMember.membership_id)))).scalars())
    return sum(1 for duty in duties_for(holders) if duty.overdue)
