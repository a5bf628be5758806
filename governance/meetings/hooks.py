"""Where modules built on meetings plug in, without the meetings module importing them.

Declarations of interest (a later module) register who is excluded from which item: a member
who leaves the room for an item, or may not vote on it, does not count towards its quorum.
"""

from collections.abc import Callable

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
