"""Who has not signed yet, and reminding them: at most once a day per party, problems named."""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from governance.auth.models import User
from governance.core import audit, clock
from governance.core.errors import ServiceError
from governance.core.formatting import format_date
from governance.core.locking import serialise_on
from governance.extensions import db
from governance.mous import notices
from governance.mous.models import AWAITING, Mou, MouDecline, MouReminder, MouSignature, MouVersion, MouVersionParty
from governance.networks.models import Membership, Network

NO_SIGNATORY = ("no authorised signatory is recorded. Ask a network admin to record one, or record a "
                "wet-ink signature")


def reminders_query():
    """MOUs waiting for signatures, longest waiting first, with the current version's answers."""
    return (select(Mou).join(MouVersion, (MouVersion.mou_id == Mou.id) & (MouVersion.number == Mou.issued_count))
            .where(Mou.status.in_([s.value for s in AWAITING]))
            .options(selectinload(Mou.current_version).options(
                selectinload(MouVersion.parties), selectinload(MouVersion.signatures),
                selectinload(MouVersion.declines)))
            .order_by(MouVersion.issued_at, Mou.id))


def last_reminders(version_ids: list[int]) -> dict[tuple[int, int], date]:
    """The date each party of these versions was last reminded, by (version id, partner id), in one query."""
    if not version_ids:
        return {}
    rows = db.session.execute(
        select(MouReminder.version_id, MouReminder.partner_id, func.max(MouReminder.reminded_on))
        .where(MouReminder.version_id.in_(version_ids))
        .group_by(MouReminder.version_id, MouReminder.partner_id))
    return {(version_id, partner_id): day for version_id, partner_id, day in rows}


@dataclass
class Outstanding:
    mou: Mou
    version: MouVersion
    party: MouVersionParty
    declined: MouDecline | None
    days: int
    signatories: list[Membership] = field(default_factory=list)
    last_reminded: date | None = None

    @property
    def problem(self) -> str:
        """What stops this party being reminded, in words; empty when nothing does."""
        return "" if self.declined or self.signatories else f"{self.party.name}: {NO_SIGNATORY}"

    @property
    def reminded_today(self) -> bool:
        return self.last_reminded == clock.today()


def outstanding_parties(mous: list[Mou]) -> list[Outstanding]:
    """Who has not signed each MOU's current version, for how long, who can sign and when last reminded."""
    rows = []
    for mou in mous:
        version = mou.current_version
        for party in version.parties:
            answer = version.answer_for(party.partner_id)
            if isinstance(answer, MouSignature):
                continue
            rows.append(Outstanding(mou, version, party, answer, (clock.now() - version.issued_at).days))
    by_partner = notices.signatories_by_partner({row.party.partner_id for row in rows})
    reminded = last_reminders(list({row.version.id for row in rows}))
    for row in rows:
        row.signatories = by_partner.get(row.party.partner_id, [])
        row.last_reminded = reminded.get((row.version.id, row.party.partner_id))
    return rows


@dataclass
class Reminded:
    emails: int
    parties: list[str]
    not_reminded: list[str]  # a problem each, in words

    @property
    def message(self) -> str:
        sent = (f"Reminder sent to {self.emails} signator{'y' if self.emails == 1 else 'ies'} of "
                f"{', '.join(self.parties)}.")
        return " ".join([sent, *(f"Not reminded: {problem}." for problem in self.not_reminded)])


def _problem(row: Outstanding) -> str:
    if row.problem:
        return row.problem
    return f"{row.party.name}: already reminded today; a party is reminded at most once a day"


def send_reminders(network: Network, mou: Mou, actor: User | None = None) -> Reminded:
    """Email the signatories of each party still to sign; each party at most once a day."""
    serialise_on(mou)  # two clicks at once remind once
    version = mou.current_version
    if version is None or mou.status not in AWAITING:
        raise ServiceError("This MOU is not waiting for signatures")
    rows = [row for row in outstanding_parties([mou]) if row.declined is None]
    due = [row for row in rows if row.signatories and not row.reminded_today]
    not_reminded = [_problem(row) for row in rows if row not in due]
    if not due:
        raise ServiceError("No reminder was sent. " + " ".join(f"{problem}." for problem in not_reminded))
    sent = notices.ask_to_sign(network, version, {row.party.partner_id for row in due}, reminder=True)
    today = clock.today()
    db.session.add_all([MouReminder(network_id=mou.network_id, version_id=version.id, partner_id=row.party.partner_id,
                                    reminded_on=today, sent_at=clock.now(), sent_by_id=actor.id if actor else None,
                                    emails=sent.get(row.party.partner_id, 0)) for row in due])
    db.session.flush()
    result = Reminded(sum(sent.values()), [row.party.name for row in due], not_reminded)
    audit.record_event(mou, "reminded", f"Signature reminders sent for version {version.number}",
                       {"emails": result.emails, "parties": result.parties, "not_reminded": not_reminded,
                        "on": format_date(today)})
    return result
