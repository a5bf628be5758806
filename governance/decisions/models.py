"""Decisions of a board or committee, written resolutions and their votes, and actions arising.

Decisions are append-only (database triggers, migration 0015): a correction or reversal is a new
decision that names the one it amends, supersedes or ratifies. References are numbered per network
and year without gaps, from a counter row locked while the next number is taken.
"""

from datetime import date, datetime, timedelta
from enum import StrEnum

from sqlalchemy import JSON, Boolean, CheckConstraint, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from governance.auth.models import User
from governance.core import clock
from governance.core.db import AppendOnly, Audited, NetworkScoped, Timestamped, UTCDateTime, Versioned, network_link
from governance.core.formatting import format_date
from governance.extensions import db
from governance.meetings.meeting_models import AgendaItem, Meeting
from governance.meetings.models import Board, back_join, link_join
from governance.networks.models import Membership

LAPSES_AFTER = timedelta(days=28)


class Route(StrEnum):
    MEETING = "meeting"
    CHAIRS_ACTION = "chairs_action"
    WRITTEN_RESOLUTION = "written_resolution"

    @property
    def label(self) -> str:
        return {"meeting": "At a meeting", "chairs_action": "Chair's action",
                "written_resolution": "Written resolution"}[self.value]


class Outcome(StrEnum):
    APPROVED = "approved"
    REJECTED = "rejected"
    DEFERRED = "deferred"
    NOTED = "noted"

    @property
    def label(self) -> str:
        return self.value.capitalize()

    @property
    def tag_colour(self) -> str:
        return {"approved": "green", "rejected": "red", "deferred": "yellow", "noted": "grey"}[self.value]


class Relation(StrEnum):
    AMENDS = "amends"
    SUPERSEDES = "supersedes"
    RATIFIES = "ratifies"

    @property
    def label(self) -> str:
        return {"amends": "Amends", "supersedes": "Supersedes", "ratifies": "Ratifies"}[self.value]

    @property
    def passive(self) -> str:
        return {"amends": "Amended by", "supersedes": "Superseded by", "ratifies": "Ratified by"}[self.value]


class Vote(StrEnum):
    FOR = "for"
    AGAINST = "against"
    ABSTAIN = "abstain"

    @property
    def label(self) -> str:
        return {"for": "For", "against": "Against", "abstain": "Abstained"}[self.value]


class DecisionCounter(NetworkScoped, db.Model):
    """The last decision number taken in a network's year; locked while the next is taken."""

    __tablename__ = "decision_counters"
    __table_args__ = (UniqueConstraint("network_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class Decision(NetworkScoped, AppendOnly, Audited, db.Model):
    """One decision of a board or committee, as passed; never changed once written."""

    __tablename__ = "decisions"
    __table_args__ = (
        UniqueConstraint("network_id", "year", "number"),
        UniqueConstraint("network_id", "reference"),
        network_link("board_id", "boards"),
        network_link("meeting_id", "meetings"),
        network_link("agenda_item_id", "agenda_items"),
        network_link("related_id", "decisions"),
        CheckConstraint("number >= 1", name="number_positive"),
        CheckConstraint("votes_for >= 0 AND votes_against >= 0 AND abstentions >= 0", name="votes_not_negative"),
        CheckConstraint("route <> 'meeting' OR agenda_item_id IS NOT NULL", name="meeting_decision_has_item"),
        CheckConstraint("(related_id IS NULL) = (relation IS NULL)", name="relation_whole"),
        CheckConstraint("review_on IS NULL OR effective_on IS NULL OR review_on >= effective_on",
                        name="review_after_effective"),
    )
    record_label = "Decision"
    field_labels = {"reference": "Reference", "title": "Title", "resolution": "Resolution", "reasons": "Reasons",
                    "options_considered": "Options considered and rejected", "outcome": "Outcome",
                    "votes_for": "Votes for", "votes_against": "Votes against", "abstentions": "Abstentions",
                    "effective_on": "Effective from", "review_on": "Review by"}
    value_labels = {"outcome": {o.value: o.label for o in Outcome}, "route": {r.value: r.label for r in Route}}

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    reference: Mapped[str] = mapped_column(String(30))
    route: Mapped[str] = mapped_column(String(20), index=True)
    board_id: Mapped[int] = mapped_column(Integer, index=True)
    meeting_id: Mapped[int | None] = mapped_column(Integer, index=True)
    agenda_item_id: Mapped[int | None] = mapped_column(Integer, index=True)
    decided_on: Mapped[date] = mapped_column(Date, index=True)
    title: Mapped[str] = mapped_column(String(300))
    resolution: Mapped[str] = mapped_column(Text)
    reasons: Mapped[str] = mapped_column(Text, default="")
    options_considered: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[str] = mapped_column(String(20), index=True)
    votes_for: Mapped[int] = mapped_column(Integer, default=0)
    votes_against: Mapped[int] = mapped_column(Integer, default=0)
    abstentions: Mapped[int] = mapped_column(Integer, default=0)
    # [{"seat": id, "name": "Dr Tom Hale", "vote": "for"}] when the votes were recorded by name
    named_votes: Mapped[list] = mapped_column(JSON, default=list)
    casting_vote: Mapped[str | None] = mapped_column(String(10))  # the chair's casting vote, when used
    # [{"seat": id, "name": "...", "why": "..."}] excluded from the vote by a declared conflict
    excluded: Mapped[list] = mapped_column(JSON, default=list)
    quorum_words: Mapped[str] = mapped_column(Text, default="")
    confidential: Mapped[bool] = mapped_column(Boolean, default=False)
    effective_on: Mapped[date | None] = mapped_column(Date)
    review_on: Mapped[date | None] = mapped_column(Date)
    related_id: Mapped[int | None] = mapped_column(Integer, index=True)
    relation: Mapped[str | None] = mapped_column(String(20))
    # [{"kind": "partner"|"mou", "id": 3, "name": "..."}]: what the decision affects
    affects: Mapped[list] = mapped_column(JSON, default=list)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    board: Mapped[Board] = relationship(primaryjoin=link_join("Decision", "board_id", "Board"), viewonly=True)
    meeting: Mapped[Meeting | None] = relationship(primaryjoin=link_join("Decision", "meeting_id", "Meeting"),
                                                   viewonly=True)
    item: Mapped[AgendaItem | None] = relationship(
        primaryjoin=link_join("Decision", "agenda_item_id", "AgendaItem"), viewonly=True)
    related: Mapped["Decision | None"] = relationship(
        primaryjoin="and_(foreign(Decision.related_id) == remote(Decision.id), "
                    "foreign(Decision.network_id) == remote(Decision.network_id))", viewonly=True)
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])

    @property
    def route_enum(self) -> Route:
        return Route(self.route)

    @property
    def outcome_enum(self) -> Outcome:
        return Outcome(self.outcome)

    @property
    def relation_enum(self) -> Relation | None:
        return Relation(self.relation) if self.relation else None

    @property
    def votes_words(self) -> str:
        if not (self.votes_for or self.votes_against or self.abstentions):
            return "No vote recorded"
        words = f"{self.votes_for} for, {self.votes_against} against, {self.abstentions} abstaining"
        if self.casting_vote:
            words += f"; carried on the chair's casting vote ({Vote(self.casting_vote).label.lower()})"
        return words

    def __str__(self) -> str:
        return f"Decision {self.reference}: {self.title}"


class MeetingDecisionsLock(NetworkScoped, AppendOnly, Audited, db.Model):
    """A meeting's decisions locked when its minutes were approved: no decision is added to it after."""

    __tablename__ = "meeting_decision_locks"
    __table_args__ = (network_link("meeting_id", "meetings"), UniqueConstraint("meeting_id"))
    record_label = "Lock on a meeting's decisions"
    field_labels = {"locked_at": "Locked"}

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(Integer)
    locked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    locked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    meeting: Mapped[Meeting] = relationship(
        primaryjoin=link_join("MeetingDecisionsLock", "meeting_id", "Meeting"), viewonly=True)

    def __str__(self) -> str:
        return f"Decisions of {self.meeting}" if self.meeting is not None else "A meeting's decisions"


class ResolutionStatus(StrEnum):
    OPEN = "open"
    PASSED = "passed"
    NOT_PASSED = "not_passed"
    LAPSED = "lapsed"

    @property
    def label(self) -> str:
        return {"open": "Open for votes", "passed": "Passed", "not_passed": "Not passed",
                "lapsed": "Lapsed"}[self.value]

    @property
    def tag_colour(self) -> str:
        return {"open": "blue", "passed": "green", "not_passed": "red", "lapsed": "grey"}[self.value]


class WrittenResolution(NetworkScoped, Audited, Versioned, Timestamped, db.Model):
    """A resolution circulated between meetings to the voting members fixed on the day it was sent."""

    __tablename__ = "written_resolutions"
    __table_args__ = (network_link("board_id", "boards"), network_link("decision_id", "decisions"),
                      CheckConstraint("closes_at > circulated_at", name="closes_after_circulated"))
    record_label = "Written resolution"
    field_labels = {"title": "Title", "resolution": "Resolution", "reasons": "Reasons",
                    "options_considered": "Options considered and rejected", "status": "Status"}
    value_labels = {"status": {s.value: s.label for s in ResolutionStatus}}

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(Integer, index=True)
    title: Mapped[str] = mapped_column(String(300))
    resolution: Mapped[str] = mapped_column(Text)
    reasons: Mapped[str] = mapped_column(Text, default="")
    options_considered: Mapped[str] = mapped_column(Text, default="")
    effective_on: Mapped[date | None] = mapped_column(Date)
    review_on: Mapped[date | None] = mapped_column(Date)
    affects: Mapped[list] = mapped_column(JSON, default=list)
    # [{"seat": id, "membership": id, "name": "..."}]: the voting members on the day it was sent
    voters: Mapped[list] = mapped_column(JSON, default=list)
    circulated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    status: Mapped[str] = mapped_column(String(20), default=ResolutionStatus.OPEN.value, index=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_id: Mapped[int | None] = mapped_column(Integer)
    circulated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    board: Mapped[Board] = relationship(primaryjoin=link_join("WrittenResolution", "board_id", "Board"),
                                        viewonly=True)
    votes: Mapped[list["ResolutionVote"]] = relationship(
        primaryjoin=back_join("WrittenResolution", "ResolutionVote", "resolution_id"), viewonly=True,
        order_by="ResolutionVote.id")
    decision: Mapped[Decision | None] = relationship(
        primaryjoin=link_join("WrittenResolution", "decision_id", "Decision"), viewonly=True)

    @property
    def status_enum(self) -> ResolutionStatus:
        return ResolutionStatus(self.status)

    @property
    def is_open(self) -> bool:
        return self.status == ResolutionStatus.OPEN

    @property
    def needed(self) -> int:
        """More than half of the voting members fixed on the day it was sent."""
        return len(self.voters) // 2 + 1

    def __str__(self) -> str:
        return f"Written resolution \"{self.title}\""


class ResolutionVote(NetworkScoped, AppendOnly, Audited, db.Model):
    """One voting member's vote on a written resolution, cast in the app; never changed."""

    __tablename__ = "resolution_votes"
    __table_args__ = (network_link("resolution_id", "written_resolutions"),
                      network_link("membership_id", "memberships"),
                      UniqueConstraint("resolution_id", "seat_id"))
    record_label = "Vote on a written resolution"
    field_labels = {"name": "Voting member", "vote": "Vote"}
    value_labels = {"vote": {"for": "Agreed", "against": "Did not agree", "abstain": "Abstained"}}

    id: Mapped[int] = mapped_column(primary_key=True)
    resolution_id: Mapped[int] = mapped_column(Integer, index=True)
    seat_id: Mapped[int] = mapped_column(Integer)
    membership_id: Mapped[int] = mapped_column(Integer, index=True)
    name: Mapped[str] = mapped_column(String(200))
    vote: Mapped[str] = mapped_column(String(10))
    cast_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    resolution: Mapped[WrittenResolution] = relationship(
        primaryjoin=link_join("ResolutionVote", "resolution_id", "WrittenResolution"), viewonly=True)

    @property
    def vote_label(self) -> str:
        return Vote(self.vote).label

    def __str__(self) -> str:
        title = self.resolution.title if self.resolution is not None else "a written resolution"
        return f"{self.name}'s vote on \"{title}\""


class ActionStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DROPPED = "dropped"

    @property
    def label(self) -> str:
        return {"open": "Open", "in_progress": "In progress", "done": "Done", "dropped": "Dropped"}[self.value]

    @property
    def tag_colour(self) -> str:
        return {"open": "blue", "in_progress": "yellow", "done": "green", "dropped": "grey"}[self.value]

    @property
    def is_closed(self) -> bool:
        return self in (ActionStatus.DONE, ActionStatus.DROPPED)


class BoardAction(NetworkScoped, Audited, Versioned, Timestamped, db.Model):
    """An action arising from an agenda item or a decision: who does what by when."""

    __tablename__ = "board_actions"
    __table_args__ = (
        network_link("board_id", "boards"),
        network_link("meeting_id", "meetings"),
        network_link("agenda_item_id", "agenda_items"),
        network_link("decision_id", "decisions"),
        network_link("owner_id", "memberships"),
        CheckConstraint("(status IN ('done', 'dropped')) = (completed_on IS NOT NULL)",
                        name="completed_when_closed"),
    )
    record_label = "Action"
    field_labels = {"description": "Action", "owner_id": "Owner", "due_on": "Due by", "status": "Status",
                    "completed_on": "Completed on"}
    value_labels = {"status": {s.value: s.label for s in ActionStatus}}
    linked_fields = {"owner_id": "owner"}

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(Integer, index=True)
    meeting_id: Mapped[int | None] = mapped_column(Integer, index=True)
    agenda_item_id: Mapped[int | None] = mapped_column(Integer, index=True)
    decision_id: Mapped[int | None] = mapped_column(Integer, index=True)
    description: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[int] = mapped_column(Integer, index=True)
    due_on: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(20), default=ActionStatus.OPEN.value, index=True)
    completed_on: Mapped[date | None] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    board: Mapped[Board] = relationship(primaryjoin=link_join("BoardAction", "board_id", "Board"), viewonly=True)
    meeting: Mapped[Meeting | None] = relationship(
        primaryjoin=link_join("BoardAction", "meeting_id", "Meeting"), viewonly=True)
    item: Mapped[AgendaItem | None] = relationship(
        primaryjoin=link_join("BoardAction", "agenda_item_id", "AgendaItem"), viewonly=True)
    decision: Mapped[Decision | None] = relationship(
        primaryjoin=link_join("BoardAction", "decision_id", "Decision"), viewonly=True)
    owner: Mapped[Membership] = relationship(
        primaryjoin=link_join("BoardAction", "owner_id", "Membership"), viewonly=True)
    updates: Mapped[list["ActionUpdate"]] = relationship(
        primaryjoin=back_join("BoardAction", "ActionUpdate", "action_id"), viewonly=True,
        order_by="(ActionUpdate.recorded_at.desc(), ActionUpdate.id.desc())")

    @property
    def status_enum(self) -> ActionStatus:
        return ActionStatus(self.status)

    @property
    def reference(self) -> str:
        return f"A{self.id:04d}"

    @property
    def is_overdue(self) -> bool:
        return not self.status_enum.is_closed and self.due_on < clock.today()

    @property
    def owner_name(self) -> str:
        return self.owner.user.full_name if self.owner is not None else ""

    def __str__(self) -> str:
        return f"Action {self.reference}, due {format_date(self.due_on)}"


class ActionUpdate(NetworkScoped, AppendOnly, Audited, db.Model):
    """A dated progress note on an action, with the status it left the action in."""

    __tablename__ = "action_updates"
    __table_args__ = (network_link("action_id", "board_actions"),)
    record_label = "Progress on an action"
    field_labels = {"recorded_on": "Date", "status": "Status", "note": "What has happened"}
    value_labels = {"status": {s.value: s.label for s in ActionStatus}}

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(Integer, index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20))
    recorded_on: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])

    @property
    def status_label(self) -> str:
        return ActionStatus(self.status).label

    def __str__(self) -> str:
        return f"Progress on action A{self.action_id:04d}"
