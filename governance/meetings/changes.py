"""What changed since the papers were issued, against the snapshot taken when they were sent."""

from dataclasses import dataclass, field

from governance.core.formatting import format_date
from governance.meetings.meeting_models import AgendaItem, Meeting

ITEM_FIELDS = {"title": "title", "presenter": "presenter", "purpose": "purpose",
               "duration_minutes": "time allowed", "confidential": "confidential"}


@dataclass
class AfterIssue:
    """What changed since the papers were issued, in words, by item and by paper."""

    items: dict[int, list[str]] = field(default_factory=dict)
    papers: dict[int, str] = field(default_factory=dict)

    @property
    def any(self) -> bool:
        return bool(self.items or self.papers)


def _item_changes(item: AgendaItem, sent: dict) -> list[str]:
    notes = []
    if sent["position"] != item.position:
        notes.append(f"Moved from item {sent['position']} after the papers were issued")
    changed = [label for key, label in ITEM_FIELDS.items() if sent.get(key) != getattr(item, key)]
    if changed:
        notes.append(f"Changed after the papers were issued ({', '.join(changed)}), on "
                     f"{format_date(item.updated_at)}")
    return notes


def changes_since_issue(meeting: Meeting, items: list[AgendaItem]) -> AfterIssue:
    """Each item and paper added, moved, changed or withdrawn since the papers were issued."""
    result = AfterIssue()
    if not meeting.issued_snapshot:
        return result
    sent_items = {entry["id"]: entry for entry in meeting.issued_snapshot["items"]}
    sent_papers = {paper["id"] for entry in sent_items.values() for paper in entry["papers"]}
    for item in items:
        sent = sent_items.get(item.id)
        if item.is_withdrawn:
            notes = [f"Withdrawn after the papers were issued, on {format_date(item.withdrawn_at)}"]
        elif sent is None:
            notes = [f"Added after the papers were issued, on {format_date(item.created_at)}"]
        else:
            notes = _item_changes(item, sent)
        if notes:
            result.items[item.id] = notes
        for paper in item.papers:
            if paper.withdrawn_at is not None:
                result.papers[paper.id] = f"Withdrawn after issue on {format_date(paper.withdrawn_at)}"
            elif paper.id not in sent_papers:
                result.papers[paper.id] = f"Paper added after issue on {format_date(paper.uploaded_at)}"
    return result
