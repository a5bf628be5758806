"""The quorum: one pure function that evaluates a board's rule against who is in the room.

Nothing here touches the database. The rule is data (a minimum number and/or a fraction of the
voting members, minimums by kind of partner, the chair or vice-chair present, whether deputies
count); `evaluate` says whether the meeting, or one agenda item of it, is quorate and why, in words.
Who is in the room for an item follows from the attendance: a member who joined late counts from
the item they joined at, one who left early stops counting at the item they left at, and anyone
excluded from an item (for example a member who declared a conflict and left for it) is not
counted for that item.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from governance.partners.models import PartnerKind

CHAIRING_ROLES = ("chair", "vice_chair")


@dataclass(frozen=True)
class Rule:
    minimum_present: int | None = None
    fraction: tuple[int, int] | None = None  # (numerator, denominator) of the voting members
    kind_minimums: tuple[tuple[str, int], ...] = ()  # (partner kind, minimum voting members of that kind)
    chair_required: bool = False
    deputies_count: bool = False

    @property
    def is_empty(self) -> bool:
        return not (self.minimum_present or self.fraction or self.kind_minimums or self.chair_required)


@dataclass(frozen=True)
class Seat:
    """One seat on the board at the meeting's date."""

    key: int
    name: str
    voting: bool = True
    partner_kind: str | None = None
    role: str = "member"


@dataclass(frozen=True)
class Attendee:
    """A seat's attendance: its status and the agenda positions at which the person joined or left."""

    key: int
    status: str  # present, represented, apologies, absent
    arrived_at: int | None = None  # counted from this position on
    left_at: int | None = None  # not counted from this position on


@dataclass(frozen=True)
class Check:
    met: bool
    words: str


@dataclass(frozen=True)
class Result:
    quorate: bool
    checks: tuple[Check, ...]
    counted: tuple[str, ...] = ()
    not_counted: tuple[tuple[str, str], ...] = field(default=())  # (name, why) of voting members away

    @property
    def summary(self) -> str:
        """'Quorate: 5 voting members present (at least 4 needed); ...' or 'Not quorate: ...'."""
        opening = "Quorate" if self.quorate else "Not quorate"
        return f"{opening}: " + "; ".join(check.words for check in self.checks) + "."

    @property
    def shortfalls(self) -> list[str]:
        return [check.words for check in self.checks if not check.met]


def required(rule: Rule, voting_members: int) -> int:
    """How many voting members must be present: the larger of the minimum and the fraction (rounded up)."""
    needs = [rule.minimum_present or 0]
    if rule.fraction:
        numerator, denominator = rule.fraction
        needs.append(-(-voting_members * numerator // denominator))
    return max(needs)


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def kind_words(kind: str, count: int) -> str:
    """'2 GP practice representatives'."""
    label = PartnerKind(kind).label if kind in PartnerKind._value2member_map_ else kind
    return _plural(count, f"{label} representative", f"{label} representatives")


def _chair_check(seats: list[Seat], in_room: set[int]) -> Check:
    roles = {seat.role for seat in seats if seat.key in in_room}
    if "chair" in roles:
        return Check(True, "the chair is present")
    if "vice_chair" in roles:
        return Check(True, "the vice-chair is present to chair")
    return Check(False, "neither the chair nor the vice-chair is present")


def evaluate(rule: Rule, seats: Iterable[Seat], present: Iterable[int], deputised: Iterable[int] = (),
             excluded: Mapping[int, str] | None = None) -> Result:
    """Whether the people present (and counted deputies) make a quorum under the rule, and why.

    `present` and `deputised` are seat keys; `excluded` maps seat keys to why they do not count
    for this item (they may be in the room). The fraction is of every voting seat, counted or not.
    """
    seats = list(seats)
    excluded = dict(excluded or {})
    in_room = set(present) - set(excluded)
    counting = in_room | (set(deputised) - set(excluded) if rule.deputies_count else set())
    voting = [seat for seat in seats if seat.voting]
    counted = [seat for seat in voting if seat.key in counting]
    need = required(rule, len(voting))
    if rule.is_empty:
        words = f"{_plural(len(counted), 'voting member', 'voting members')} present; no quorum rule is recorded"
        return Result(quorate=True, checks=(Check(True, words),), counted=tuple(seat.name for seat in counted))
    checks = [Check(len(counted) >= need, f"{_plural(len(counted), 'voting member', 'voting members')} "
                                          f"present (at least {need} needed)")]
    for kind, minimum in rule.kind_minimums:
        have = sum(1 for seat in counted if seat.partner_kind == kind)
        checks.append(Check(have >= minimum, f"{kind_words(kind, have)} (at least {minimum} needed)"))
    if rule.chair_required:
        checks.append(_chair_check(seats, in_room))
    away = [(seat.name, excluded[seat.key]) for seat in voting if seat.key in excluded]
    return Result(quorate=all(check.met for check in checks), checks=tuple(checks),
                  counted=tuple(seat.name for seat in counted), not_counted=tuple(away))


def in_the_room(attendees: Iterable[Attendee], position: int | None) -> tuple[set[int], set[int]]:
    """(present, deputised) seat keys for the agenda item at `position` (None: the meeting as a whole).

    Joining at an item counts from that item; leaving at an item stops counting from that item.
    A deputy counts, or not, as the rule says; they come and go like the member would.
    """
    present, deputised = set(), set()
    for attendee in attendees:
        if attendee.status not in ("present", "represented"):
            continue
        if position is not None:
            if attendee.arrived_at is not None and position < attendee.arrived_at:
                continue
            if attendee.left_at is not None and position >= attendee.left_at:
                continue
        (present if attendee.status == "present" else deputised).add(attendee.key)
    return present, deputised


def evaluate_item(rule: Rule, seats: Iterable[Seat], attendees: Iterable[Attendee], position: int | None,
                  excluded: Mapping[int, str] | None = None) -> Result:
    """The quorum for one agenda item (or, with position None, the meeting)."""
    present, deputised = in_the_room(attendees, position)
    return evaluate(rule, seats, present, deputised, excluded)
