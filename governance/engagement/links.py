"""What a response led to: links from feedback to records of other modules, by kind.

Engagement does not import the modules it links to (they may sit above or beside it). A module
registers a kind of link with a loader, and feedback pages resolve their links through it:

    register_link_kind("decision", "Decision", load_many, choices=decision_choices)

`load_many(ids)` returns {id: LinkTarget-like (title, status_text, url)} for the current network;
`choices()` (optional) lists (id, title) a response may link to. A link whose kind is not
registered (or whose record is gone) still shows, as "no longer available".
"""

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select

from governance.core.db import MAX_RECORD_ID
from governance.core.errors import ServiceError
from governance.engagement.models import Feedback, FeedbackLink
from governance.extensions import db


@dataclass(frozen=True)
class LinkKind:
    kind: str
    label: str
    load_many: Callable[[list[int]], dict]
    choices: Callable[[], list[tuple[int, str]]] | None = None


@dataclass(frozen=True)
class ShownLink:
    link_id: int
    kind_label: str
    title: str
    status_text: str
    url: str | None


_KINDS: dict[str, LinkKind] = {}


def register_link_kind(kind: str, label: str, load_many, choices=None) -> None:
    """Let responses link to records of this kind."""
    _KINDS[kind] = LinkKind(kind, label, load_many, choices)


def unregister_link_kind(kind: str) -> None:
    _KINDS.pop(kind, None)


def link_choices() -> list[tuple[str, str]]:
    """("kind:id", "Kind: title") for every record a response may link to, kind by kind."""
    found = []
    for kind in _KINDS.values():
        if kind.choices is not None:
            found.extend((f"{kind.kind}:{record_id}", f"{kind.label}: {title}") for record_id, title in kind.choices())
    return found


def resolve(links: list[FeedbackLink]) -> dict[int, list[ShownLink]]:
    """Each item's links with their titles and statuses: one load per kind, whatever the number of items."""
    wanted: dict[str, set[int]] = {}
    for link in links:
        wanted.setdefault(link.kind, set()).add(link.target_id)
    loaded = {kind: (_KINDS[kind].load_many(sorted(ids)) if kind in _KINDS else {}) for kind, ids in wanted.items()}
    shown: dict[int, list[ShownLink]] = {}
    for link in links:
        target = loaded[link.kind].get(link.target_id)
        label = _KINDS[link.kind].label if link.kind in _KINDS else link.kind.replace("_", " ").capitalize()
        if target is None:
            item = ShownLink(link.id, label, f"{label} {link.target_id}", "No longer available", None)
        else:
            title, status, url = target
            item = ShownLink(link.id, label, title, status, url)
        shown.setdefault(link.feedback_id, []).append(item)
    return shown


def links_for(feedback_ids: list[int]) -> dict[int, list[ShownLink]]:
    """The links of these items, resolved (one query for the links, one per kind for the records)."""
    if not feedback_ids:
        return {}
    rows = db.session.execute(select(FeedbackLink).where(FeedbackLink.feedback_id.in_(feedback_ids))
                              .order_by(FeedbackLink.id)).scalars()
    return resolve(list(rows))


def add_link(feedback: Feedback, choice: str | None) -> FeedbackLink:
    """Link a response to the record it led to; `choice` is "kind:id" from `link_choices`."""
    kind, _, raw_id = (choice or "").partition(":")
    target_id = int(raw_id) if raw_id.isdigit() and len(raw_id) < 11 else 0
    if kind not in _KINDS or not 0 < target_id <= MAX_RECORD_ID:
        raise ServiceError("Select what the response led to", "target")
    if target_id not in _KINDS[kind].load_many([target_id]):
        raise ServiceError("Select what the response led to", "target")
    exists = db.session.execute(select(FeedbackLink.id).where(
        FeedbackLink.feedback_id == feedback.id, FeedbackLink.kind == kind,
        FeedbackLink.target_id == target_id)).first()
    if exists:
        raise ServiceError("The response is already linked to that", "target")
    link = FeedbackLink(network_id=feedback.network_id, feedback_id=feedback.id, kind=kind, target_id=target_id)
    db.session.add(link)
    db.session.flush()
    return link


def remove_link(link: FeedbackLink) -> None:
    db.session.delete(link)
    db.session.flush()
