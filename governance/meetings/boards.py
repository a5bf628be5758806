"""Boards and committees, the seats on them (with their history) and their quorum rules."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from governance.auth.models import User
from governance.core import clock, tenancy
from governance.core.concurrency import check_version
from governance.core.errors import Checks, ServiceError
from governance.core.formatting import format_date
from governance.core.forms import NO_SUCH_RECORD
from governance.core.locking import serialise_on
from governance.core.text import clean_line, clean_text
from governance.extensions import db
from governance.meetings import quorum
from governance.meetings.meeting_models import Meeting, MeetingStatus
from governance.meetings.models import (
    Board,
    BoardKind,
    BoardMember,
    BoardRole,
    MeetingFrequency,
    QuorumRule,
)
from governance.networks.models import Membership
from governance.partners.models import Partner, PartnerKind

FRACTIONS = {"1/3": (1, 3), "1/2": (1, 2), "2/3": (2, 3), "3/4": (3, 4)}
FRACTION_WORDS = {(1, 3): "a third", (1, 2): "half", (2, 3): "two thirds", (3, 4): "three quarters"}
MAX_QUORUM = 100


# Reading ------------------------------------------------------------------------------------

def boards_query():
    """Every board and committee of the network, boards first, with their seats."""
    return (select(Board).order_by(Board.kind != BoardKind.BOARD.value, func.lower(Board.name), Board.id)
            .options(selectinload(Board.seats).selectinload(BoardMember.partner), selectinload(Board.reports_to)))


def board_choices(exclude: Board | None = None) -> list[tuple[int, str]]:
    """(id, name) of the network's boards and committees, for select boxes."""
    statement = select(Board.id, Board.name).order_by(func.lower(Board.name))
    if exclude is not None:
        statement = statement.where(Board.id != exclude.id)
    return [(row.id, row.name) for row in db.session.execute(statement)]


def member_choices() -> list[tuple[int, str]]:
    """(membership id, 'Name, job title') of the network's active members."""
    rows = db.session.execute(
        select(Membership.id, User.full_name, Membership.job_title).join(User, Membership.user_id == User.id)
        .where(Membership.active.is_(True)).order_by(func.lower(User.full_name), Membership.id))
    return [(row.id, f"{row.full_name}, {row.job_title}" if row.job_title else row.full_name) for row in rows]


def load_board(board: Board) -> Board:
    """The board with its seats, their members and partners, in a fixed number of queries."""
    statement = (select(Board).where(Board.id == board.id)
                 .options(selectinload(Board.seats).selectinload(BoardMember.partner),
                          selectinload(Board.reports_to)))
    return db.session.execute(statement.execution_options(populate_existing=True)).scalar_one()


def committees_of(board: Board) -> list[Board]:
    return list(db.session.execute(select(Board).where(Board.reports_to_id == board.id)
                                   .order_by(func.lower(Board.name))).scalars())


def seats_on(board_id: int, day: date) -> list[BoardMember]:
    """Who sat on the board on a day, chair first: the answer to 'who sat on the board on 1 March?'."""
    seats = db.session.execute(
        select(BoardMember).where(BoardMember.board_id == board_id, BoardMember.from_date <= day,
                                  (BoardMember.to_date.is_(None)) | (BoardMember.to_date >= day))
        .options(selectinload(BoardMember.partner))).scalars()
    return sorted(seats, key=BoardMember.sort_key)


# Boards -------------------------------------------------------------------------------------

def _check_reports_to(board_id: int | None, reports_to_id, checks: Checks) -> int | None:
    if reports_to_id in (None, ""):
        return None
    target = db.session.get(Board, reports_to_id) if reports_to_id != NO_SUCH_RECORD else None
    if target is None or target.network_id != _network_id():
        checks.add("Choose a board or committee of this network", "reports_to_id")
        return None
    seen, step = set(), target
    while step is not None and step.id not in seen:  # no circles: A reports to B reports to A
        if step.id == board_id:
            checks.add(f"{target.name} already reports to this one: choose another", "reports_to_id")
            return None
        seen.add(step.id)
        step = db.session.get(Board, step.reports_to_id) if step.reports_to_id else None
    return target.id


def _network_id() -> int | None:
    return tenancy.active_network_id()


def _clean_board(data: dict, board_id: int | None) -> dict:
    checks = Checks()
    name = clean_line(data.get("name"))[:200]
    if not name:
        checks.add("Enter the name of the board or committee", "name")
    else:
        same = select(Board.id).where(func.lower(Board.name) == name.lower())
        if board_id is not None:
            same = same.where(Board.id != board_id)
        if db.session.execute(same).first():
            checks.add(f"There is already a board or committee called {name}", "name")
    if data.get("kind") not in BoardKind._value2member_map_:
        checks.add("Select whether it is a board, a committee or a subgroup", "kind")
    if data.get("frequency") not in MeetingFrequency._value2member_map_:
        checks.add("Select how often it meets", "frequency")
    reports_to_id = _check_reports_to(board_id, data.get("reports_to_id"), checks)
    if data.get("kind") == BoardKind.BOARD and reports_to_id:
        checks.add("A board does not report to another board: make it a committee or a subgroup",
                   "reports_to_id")
    checks.raise_any()
    return {"name": name, "kind": data["kind"], "frequency": data["frequency"], "reports_to_id": reports_to_id,
            "purpose": clean_text(data.get("purpose"))}


def create_board(network, data: dict, actor: User | None) -> Board:
    """Set up a board, committee or subgroup."""
    board = Board(network_id=network.id, **_clean_board(data, None))
    db.session.add(board)
    db.session.flush()
    return board


def update_board(board: Board, data: dict, version) -> Board:
    """Edit a board's details, refusing to overwrite someone else's save."""
    check_version(board, version)
    for key, value in _clean_board(data, board.id).items():
        setattr(board, key, value)
    db.session.flush()
    return board


# Seats --------------------------------------------------------------------------------------

def _check_membership(membership_id, checks: Checks) -> Membership | None:
    membership = db.session.get(Membership, membership_id) if membership_id not in (None, NO_SUCH_RECORD) else None
    if membership is None or membership.network_id != _network_id():
        checks.add("Choose a member of this network", "membership_id")
        return None
    return membership


def _check_partner(partner_id, checks: Checks) -> int | None:
    if partner_id in (None, ""):
        return None
    partner = db.session.get(Partner, partner_id) if partner_id != NO_SUCH_RECORD else None
    if partner is None or partner.network_id != _network_id():
        checks.add("Choose a partner of this network, or none", "partner_id")
        return None
    return partner.id


def _check_period(start: date | None, end: date | None, checks: Checks) -> None:
    if start is None:
        checks.add("Enter the date they joined", "from_date")
    elif end is not None and end < start:
        checks.add("The date they left must be the same as or after the date they joined", "to_date")


def _check_clashes(board: Board, seat_id: int | None, membership_id: int, role: str, start, end,
                   checks: Checks) -> None:
    others = [s for s in db.session.execute(select(BoardMember).where(BoardMember.board_id == board.id)).scalars()
              if s.id != seat_id and s.overlaps(start, end)]
    same_person = next((s for s in others if s.membership_id == membership_id), None)
    if same_person is not None:
        checks.add(f"{same_person.name} already sits on {board.name} then ({same_person.period.lower()}). "
                   "End that seat first, or change it", "membership_id")
    if role in (BoardRole.CHAIR, BoardRole.VICE_CHAIR):
        holder = next((s for s in others if s.role == role), None)
        if holder is not None:
            checks.add(f"{holder.name} is {holder.role_label.lower()} then ({holder.period.lower()}). "
                       f"End their seat first, or choose another role", "role")


def _clean_seat(board: Board, data: dict, seat: BoardMember | None) -> dict:
    checks = Checks()
    membership = seat.membership if seat is not None else _check_membership(data.get("membership_id"), checks)
    partner_id = _check_partner(data.get("partner_id"), checks)
    role = data.get("role")
    if role not in BoardRole._value2member_map_:
        checks.add("Select their role", "role")
    voting = bool(data.get("voting"))
    if role == BoardRole.IN_ATTENDANCE and voting:
        checks.add("Someone in attendance does not vote: choose member, or untick voting", "voting")
    start, end = data.get("from_date"), data.get("to_date")
    _check_period(start, end, checks)
    if membership is not None and role in BoardRole._value2member_map_ and start is not None:
        _check_clashes(board, seat.id if seat else None, membership.id, role, start, end, checks)
    checks.raise_any()
    return {"membership_id": membership.id, "partner_id": partner_id, "role": role, "voting": voting,
            "from_date": start, "to_date": end, "note": clean_text(data.get("note"))[:2000]}


def add_seat(board: Board, data: dict) -> BoardMember:
    """Give a member a seat on the board from a date (and, if known, to a date)."""
    serialise_on(board)
    seat = BoardMember(network_id=board.network_id, board_id=board.id, **_clean_seat(board, data, None))
    db.session.add(seat)
    db.session.flush()
    return seat


def update_seat(seat: BoardMember, data: dict, version) -> BoardMember:
    """Correct a seat's details; a change of role from a date is better recorded as a new seat."""
    check_version(seat, version)
    board = seat.board
    serialise_on(board)
    values = _clean_seat(board, data, seat)
    for key, value in values.items():
        setattr(seat, key, value)
    db.session.flush()
    return seat


def end_seat(seat: BoardMember, to_date: date | None) -> BoardMember:
    """Record the last day someone sat on the board; their seat stays in the history."""
    if to_date is None:
        raise ServiceError("Enter the last day they sat on the board", "to_date")
    if to_date < seat.from_date:
        raise ServiceError(f"The last day must be on or after {format_date(seat.from_date)}, when they joined",
                           "to_date")
    if seat.to_date is not None:
        raise ServiceError(f"{seat.name}'s seat already ended on {format_date(seat.to_date)}", "to_date")
    seat.to_date = to_date
    db.session.flush()
    return seat


# Quorum rules -------------------------------------------------------------------------------

def rule_in_force(board_id: int, day: date) -> QuorumRule | None:
    """The board's quorum rule on a day: the latest that took effect by then."""
    return db.session.execute(
        select(QuorumRule).where(QuorumRule.board_id == board_id, QuorumRule.effective_from <= day)
        .order_by(QuorumRule.effective_from.desc(), QuorumRule.id.desc()).limit(1)).scalar_one_or_none()


def rules_of(board: Board) -> list[QuorumRule]:
    return list(db.session.execute(select(QuorumRule).where(QuorumRule.board_id == board.id)
                                   .order_by(QuorumRule.effective_from.desc())).scalars())


def as_rule(row: QuorumRule | None) -> quorum.Rule:
    """The stored rule as the quorum function's input (an empty rule when none is recorded)."""
    if row is None:
        return quorum.Rule()
    fraction = (row.fraction_numerator, row.fraction_denominator) if row.fraction_numerator else None
    minimums = tuple(sorted((kind, int(n)) for kind, n in (row.kind_minimums or {}).items() if n))
    return quorum.Rule(minimum_present=row.minimum_present, fraction=fraction, kind_minimums=minimums,
                       chair_required=row.chair_required, deputies_count=row.deputies_count)


def describe_rule(rule: quorum.Rule, voting_members: int | None = None) -> list[str]:
    """The rule in words, one line per condition."""
    if rule.is_empty:
        return ["No quorum rule is recorded."]
    lines = []
    parts = []
    if rule.fraction:
        words = FRACTION_WORDS.get(rule.fraction) or "{}/{}".format(*rule.fraction)
        parts.append(f"{words} of the voting members")
    if rule.minimum_present:
        parts.append(f"{rule.minimum_present} voting member{'s' if rule.minimum_present != 1 else ''}")
    if parts:
        line = "At least " + (" and at least ".join(parts))
        if voting_members is not None:
            line += f": {quorum.required(rule, voting_members)} of the {voting_members} voting members today"
        lines.append(line)
    for kind, minimum in rule.kind_minimums:
        lines.append(f"At least {quorum.kind_words(kind, minimum)} among the voting members present")
    if rule.chair_required:
        lines.append("The chair or the vice-chair present")
    lines.append("Deputies count towards the quorum" if rule.deputies_count
                 else "Deputies attend but do not count towards the quorum")
    return lines


def rule_form_data(rule: QuorumRule | None) -> dict:
    """What the quorum form starts with: the rule in force, from today."""
    data = {"effective_from": clock.today()}
    if rule is None:
        return data
    fraction = next((key for key, value in FRACTIONS.items()
                     if value == (rule.fraction_numerator, rule.fraction_denominator)), "")
    data.update(minimum_present=str(rule.minimum_present or ""), fraction=fraction,
                chair_required=rule.chair_required, deputies_count=rule.deputies_count)
    data.update({f"min_{kind}": str(minimum) for kind, minimum in (rule.kind_minimums or {}).items()})
    return data


def _clean_rule(data: dict) -> dict:
    checks = Checks()
    minimum = data.get("minimum_present")
    if minimum is not None and not 1 <= minimum <= MAX_QUORUM:
        checks.add(f"The minimum number must be between 1 and {MAX_QUORUM}", "minimum_present")
    fraction = FRACTIONS.get(data.get("fraction") or "")
    if data.get("fraction") and fraction is None:
        checks.add("Select a fraction of the voting members, or none", "fraction")
    minimums = {}
    for kind in PartnerKind:
        value = (data.get("kind_minimums") or {}).get(kind.value)
        if value is None:
            continue
        if not 0 <= value <= MAX_QUORUM:
            checks.add(f"The minimum for {kind.label} must be between 0 and {MAX_QUORUM}", f"min_{kind.value}")
        elif value:
            minimums[kind.value] = value
    if data.get("effective_from") is None:
        checks.add("Enter the date the rule takes effect", "effective_from")
    if minimum is None and fraction is None and not minimums and not data.get("chair_required"):
        checks.add("Set at least one condition: a minimum number, a fraction, a minimum by kind of partner, "
                   "or the chair present", "minimum_present")
    checks.raise_any()
    return {"minimum_present": minimum, "fraction_numerator": fraction[0] if fraction else None,
            "fraction_denominator": fraction[1] if fraction else None, "kind_minimums": minimums,
            "chair_required": bool(data.get("chair_required")), "deputies_count": bool(data.get("deputies_count"))}


def set_quorum_rule(board: Board, data: dict, actor: User | None) -> QuorumRule:
    """Record the board's quorum rule from a date; a rule from the same date is replaced."""
    values = _clean_rule(data)
    serialise_on(board)
    day = data["effective_from"]
    rule = db.session.execute(select(QuorumRule).where(QuorumRule.board_id == board.id,
                                                       QuorumRule.effective_from == day)).scalar_one_or_none()
    if rule is None:
        rule = QuorumRule(network_id=board.network_id, board_id=board.id, effective_from=day)
        db.session.add(rule)
    for key, value in values.items():
        setattr(rule, key, value)
    rule.recorded_by_id = actor.id if actor else None
    db.session.flush()
    return rule


# The board's page ---------------------------------------------------------------------------

@dataclass
class BoardPage:
    board: Board
    seats: list[BoardMember]
    voting_count: int
    rule: QuorumRule | None
    rule_lines: list[str]
    committees: list[Board]
    upcoming: list[Meeting]
    recent: list[Meeting]


def board_page(board: Board) -> BoardPage:
    """What the board's page shows, loaded in a fixed number of queries."""
    board = load_board(board)
    today = clock.today()
    seats = board.seats_on(today)
    voting = sum(1 for seat in seats if seat.voting)
    rule = rule_in_force(board.id, today)
    now = clock.now()
    meetings = select(Meeting).where(Meeting.board_id == board.id)
    upcoming = db.session.execute(meetings.where(Meeting.ends_at >= now).order_by(Meeting.starts_at).limit(5))
    recent = db.session.execute(meetings.where(Meeting.ends_at < now, Meeting.status != MeetingStatus.CANCELLED)
                                .order_by(Meeting.starts_at.desc()).limit(5))
    return BoardPage(board=board, seats=seats, voting_count=voting, rule=rule,
                     rule_lines=describe_rule(as_rule(rule), voting), committees=committees_of(board),
                     upcoming=list(upcoming.scalars()), recent=list(recent.scalars()))


def partner_seats(partner_id: int) -> list[BoardMember]:
    """Today's seats held for a partner, with their boards, for the partner's page."""
    day = clock.today()
    seats = db.session.execute(
        select(BoardMember).where(BoardMember.partner_id == partner_id, BoardMember.from_date <= day,
                                  (BoardMember.to_date.is_(None)) | (BoardMember.to_date >= day))
        .options(selectinload(BoardMember.board))).scalars()
    return sorted(seats, key=lambda seat: (seat.board.name.lower(), BoardMember.sort_key(seat)))
