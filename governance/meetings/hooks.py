"""Where modules built on meetings plug in, without the meetings module importing them.

Declarations of interest (a later module) register who is excluded from which item: a member
who leaves the room for an item, or may not vote on it, does not count towards its quorum.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from governance.core.formatting import format_date

# provider(meeting) -> {agenda item id: {board member (seat) id: why they do not count}}
ExclusionProvider = Callable[[object], dict[int, dict[int, str]]]
_EXCLUSIONS: list[ExclusionProvider] = []


def register_exclusions(provider: ExclusionProvider) -> None:
    """Add a source of per-item exclusions from the quorum."""
    if provider not in _EXCLUSIONS:
        _EXCLUSIONS.append(provider)


def exclusions(meeting) -> dict[int, dict[int, str]]:
    """Every registered exclusion for the meeting's items, merged."""
    merged: dict[int, dict[int, str]] = {}
    for provider in _EXCLUSIONS:
        for item_id, people in provider(meeting).items():
            merged.setdefault(item_id, {}).update(people)
    return merged


# provider(meeting) -> {agenda item id: {board member (seat) id: why they may not vote on it}}
_VOTE_EXCLUSIONS: list[ExclusionProvider] = []


def register_vote_exclusions(provider: ExclusionProvider) -> None:
    """Add a source of per-item exclusions from the vote (a declared interest: may speak but not vote,
    leaves the room, or does not receive the papers)."""
    if provider not in _VOTE_EXCLUSIONS:
        _VOTE_EXCLUSIONS.append(provider)


def vote_exclusions(meeting) -> dict[int, dict[int, str]]:
    """Who may not vote on which of the meeting's items, and why, merged from every source."""
    merged: dict[int, dict[int, str]] = {}
    for provider in _VOTE_EXCLUSIONS:
        for item_id, people in provider(meeting).items():
            merged.setdefault(item_id, {}).update(people)
    return merged


# provider(meeting) -> {agenda item id: {board member (seat) id: why its papers are withheld from them}}
_WITHHELD_PAPERS: list[ExclusionProvider] = []


def register_withheld_papers(provider: ExclusionProvider) -> None:
    """Add a source of papers withheld from members (a declared interest: does not receive the papers)."""
    if provider not in _WITHHELD_PAPERS:
        _WITHHELD_PAPERS.append(provider)


def withheld_papers(meeting) -> dict[int, dict[int, str]]:
    """Whose papers are withheld for which of the meeting's items, and why, merged from every source."""
    merged: dict[int, dict[int, str]] = {}
    for provider in _WITHHELD_PAPERS:
        for item_id, people in provider(meeting).items():
            merged.setdefault(item_id, {}).update(people)
    return merged


# provider(meeting) -> {agenda item id: [lines to show under the item, e.g. declarations and who chairs it]}
NotesProvider = Callable[[object], dict[int, list[str]]]
_ITEM_NOTES: list[NotesProvider] = []


def register_item_notes(provider: NotesProvider) -> None:
    """Add a source of notes shown under a meeting's agenda items (for readers who see the item)."""
    if provider not in _ITEM_NOTES:
        _ITEM_NOTES.append(provider)


def item_notes(meeting) -> dict[int, list[str]]:
    merged: dict[int, list[str]] = {}
    for provider in _ITEM_NOTES:
        for item_id, lines in provider(meeting).items():
            merged.setdefault(item_id, []).extend(lines)
    return merged


# provider(meeting) -> [(link text, address)] for those who manage the meeting (e.g. "Record declarations")
LinksProvider = Callable[[object], list[tuple[str, str]]]
_MANAGE_LINKS: list[LinksProvider] = []


def register_manage_links(provider: LinksProvider) -> None:
    """Add links to the "Manage this meeting" list of a meeting's page."""
    if provider not in _MANAGE_LINKS:
        _MANAGE_LINKS.append(provider)


def manage_links(meeting) -> list[tuple[str, str]]:
    return [link for provider in _MANAGE_LINKS for link in provider(meeting)]


# The previous meeting's minutes, appended to a board pack: the minutes module (above meetings) finds them.

PREVIOUS_MINUTES_TITLE = "Minutes of the previous meeting"

@dataclass(frozen=True)
class PreviousMinutes:
    """The minutes of the board's latest earlier meeting that has any, as a board pack appends them."""

    meeting: object  # the earlier Meeting
    approved: bool
    fingerprint: str  # changes whenever what `render` returns would change
    render: Callable[[bool], bytes]  # in_full -> the PDF (the public version leaves out confidential items)

    @property
    def held_on(self) -> date:
        return self.meeting.local_start.date()

    @property
    def title(self) -> str:
        return f"{PREVIOUS_MINUTES_TITLE} ({format_date(self.held_on)})"


PreviousMinutesProvider = Callable[[object], PreviousMinutes | None]
_PREVIOUS_MINUTES: list[PreviousMinutesProvider] = []


def register_previous_minutes(provider: PreviousMinutesProvider) -> None:
    """Add a source of the minutes a meeting's board pack ends with."""
    if provider not in _PREVIOUS_MINUTES:
        _PREVIOUS_MINUTES.append(provider)


def previous_minutes(meeting) -> PreviousMinutes | None:
    """The minutes of the previous meeting of the same board that has minutes, if any."""
    return next((found for provider in _PREVIOUS_MINUTES if (found := provider(meeting)) is not None), None)


# A decision cited by reference (the decision that approved terms of reference): the decisions module
# (above meetings) finds it by its reference or its id, without meetings importing it.

@dataclass(frozen=True)
class CitedDecision:
    id: int
    reference: str
    title: str
    board_id: int
    board_name: str
    decided_on: date
    outcome: str  # its label: Approved, Rejected, Deferred, Noted
    approved: bool


@dataclass(frozen=True)
class DecisionFinder:
    by_reference: Callable[[str], CitedDecision | None]
    by_id: Callable[[int], CitedDecision | None]
    by_ids: Callable[[set[int]], dict[int, CitedDecision]]  # in one query, for a list


_DECISION_FINDERS: list[DecisionFinder] = []


def register_decision_finder(finder: DecisionFinder) -> None:
    if finder not in _DECISION_FINDERS:
        _DECISION_FINDERS.append(finder)


def decisions_recorded() -> bool:
    """Whether any module records decisions (so a reference can be checked)."""
    return bool(_DECISION_FINDERS)


def decision_by_reference(reference: str) -> CitedDecision | None:
    """The current network's decision with this reference (any case), if any."""
    return next((found for finder in _DECISION_FINDERS if (found := finder.by_reference(reference))), None)


def decisions_by_ids(decision_ids: set[int]) -> dict[int, CitedDecision]:
    """{id: decision} for those of the ids that are the current network's decisions."""
    found: dict[int, CitedDecision] = {}
    for finder in _DECISION_FINDERS:
        found.update(finder.by_ids(decision_ids - found.keys()) if decision_ids - found.keys() else {})
    return found


def decision_by_id(decision_id: int | None) -> CitedDecision | None:
    if decision_id is None:
        return None
    return next((found for finder in _DECISION_FINDERS if (found := finder.by_id(decision_id))), None)
