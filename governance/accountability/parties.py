"""Who can hold an accountability: the network's partners and its named members; and shared checks."""

from datetime import date, timedelta

from flask import current_app, has_app_context, request
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from governance.auth.models import User
from governance.core import clock
from governance.core.errors import Checks
from governance.core.formatting import format_date
from governance.core.forms import NO_SUCH_RECORD
from governance.extensions import db
from governance.networks.models import Membership
from governance.partners.models import MembershipStatus, Partner

FURTHEST_AHEAD = timedelta(days=366)


def member_choices() -> list[tuple[int, str]]:
    """(membership id, 'Name, job title') of the network's active members, for select boxes."""
    rows = db.session.execute(
        select(Membership.id, User.full_name, Membership.job_title)
        .join(User, Membership.user_id == User.id)
        .where(Membership.active.is_(True), User.active.is_(True))
        .order_by(func.lower(User.full_name), Membership.id))
    return [(row.id, f"{row.full_name}, {row.job_title}" if row.job_title else row.full_name) for row in rows]


def find_partner(network_id: int, partner_id: int | None, field: str, checks: Checks,
                 day: date | None = None) -> Partner | None:
    """The chosen partner of this network (None when none was chosen); refused when it had left by `day`."""
    if partner_id is None:
        return None
    partner = None
    if partner_id != NO_SUCH_RECORD:
        partner = db.session.execute(select(Partner).where(Partner.id == partner_id)
                                     .options(selectinload(Partner.status_changes))).scalar_one_or_none()
    if partner is None or partner.network_id != network_id:
        checks.add("Choose a partner of this network", field)
        return None
    if day is not None and partner.status_on(day) == MembershipStatus.LEFT:
        left = partner.status_change_on(day).effective_on
        checks.add(f"{partner.name} left the partnership on {format_date(left)}: choose a current partner", field)
        return None
    return partner


def find_member(network_id: int, membership_id: int | None, field: str, checks: Checks) -> Membership | None:
    """The chosen active member of this network (None when none was chosen)."""
    if membership_id is None:
        return None
    member = None
    if membership_id != NO_SUCH_RECORD:
        member = db.session.execute(select(Membership).where(Membership.id == membership_id)).scalar_one_or_none()
    if member is None or member.network_id != network_id:
        checks.add("Choose a member of this network", field)
        return None
    if not member.active or not member.user.active:
        checks.add(f"{member.user.full_name} is no longer an active member of the network", field)
        return None
    return member


def check_day(day: date | None, field: str, checks: Checks, missing: str) -> date | None:
    """A date that is given and no more than a year ahead (a typed 2062 is a typo, not a plan)."""
    if day is None:
        checks.add(missing, field)
        return None
    if day > clock.today() + FURTHEST_AHEAD:
        checks.add("The date must be no more than a year from today", field)
        return None
    return day


def is_gone(membership: Membership | None) -> bool:
    """Whether a named member has left the network or had their account deactivated."""
    return membership is not None and not (membership.active and membership.user.active)


def gone_wording(membership: Membership) -> str:
    if not membership.active:
        return "has left the network"
    return "has had their account deactivated"


class ListPage(Pagination):
    """One page of a list already worked out in Python, with the same interface as a database page."""

    def _query_items(self) -> list:
        items = self._query_args["items"]
        return items[self._query_offset:self._query_offset + self.per_page]

    def _query_count(self) -> int:
        return len(self._query_args["items"])


def page_of(items: list, per_page: int | None = None, arg: str = "page") -> ListPage:
    """Page `?page=N` (or another argument) of a list, as core.views.paginate pages a query."""
    page = request.args.get(arg, 1, type=int) if request else 1
    page = page if 0 < page <= 1_000_000 else 1
    size = per_page or (current_app.config["PER_PAGE"] if has_app_context() else 25)
    return ListPage(page=page, per_page=size, max_per_page=100, error_out=False, items=items)
