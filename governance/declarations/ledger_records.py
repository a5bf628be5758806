"""What the governance ledger holds about each declaration, read back from the database when verifying."""

from governance.core import ledger
from governance.declarations.models import GiftDeclaration, InterestDeclaration, MeetingDeclaration
from governance.extensions import db


def interest_content(row: InterestDeclaration) -> dict:
    return {"membership": row.membership_id, "kind": row.kind, "role": row.role, "category": row.category,
            "description": row.description, "organisation": row.organisation, "direct": row.direct,
            "from": row.from_date, "to": row.to_date, "management": row.management, "declared_on": row.declared_on,
            "withheld_reason": row.withheld_reason, "replaces": row.replaces_id}


def _correction(row, content: dict) -> dict:
    """A correction's link and reason (absent from entries that correct nothing, so older entries still verify)."""
    if row.corrects_id is not None or row.correction_reason:
        content.update(corrects=row.corrects_id, correction_reason=row.correction_reason)
    return content


def gift_content(row: GiftDeclaration) -> dict:
    return _correction(row, {"membership": row.membership_id, "received_on": row.received_on, "giver": row.giver,
                             "description": row.description, "value_pence": row.value_pence,
                             "accepted": row.accepted, "declared_on": row.declared_on})


def meeting_content(row: MeetingDeclaration) -> dict:
    return _correction(row, {"meeting": row.meeting_id, "agenda_item": row.agenda_item_id,
                             "seat": row.board_member_id, "declaration": row.declaration_id,
                             "management": row.management, "note": row.note})


SUBJECTS = {"InterestDeclaration": (InterestDeclaration, interest_content),
            "GiftDeclaration": (GiftDeclaration, gift_content),
            "MeetingDeclaration": (MeetingDeclaration, meeting_content)}


def record(row, event: str, summary: str, actor_id: int | None) -> None:
    """Append a declaration's event to the network's chain, with the row's canonical content."""
    _, content = SUBJECTS[type(row).__name__]
    ledger.record(row.network_id, event, type(row).__name__, row.id, content(row), summary=summary,
                  actor_id=actor_id)


def _reader(model, content):
    def read(record_id: int) -> dict | None:
        row = db.session.get(model, record_id)
        return None if row is None else content(row)
    return read


for _name, (_model, _content) in SUBJECTS.items():
    ledger.register_subject(_name, _reader(_model, _content))
