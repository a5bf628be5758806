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
