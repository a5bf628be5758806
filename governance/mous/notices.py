"""Mail about MOUs: asking signatories to sign, reminding them, and sending the executed PDF."""

from sqlalchemy import select

from governance.core.formatting import format_date
from governance.core.outbox import external_url, queue_mail
from governance.core.permissions import Role
from governance.extensions import db
from governance.mous.models import MouVersion
from governance.networks.models import Membership, Network


def signatories_by_partner(partner_ids: set[int]) -> dict[int, list[Membership]]:
    """Active authorised signatories of these partners, in one query."""
    result: dict[int, list[Membership]] = {}
    if not partner_ids:
        return result
    members = db.session.execute(
        select(Membership).where(Membership.partner_id.in_(partner_ids), Membership.active.is_(True),
                                 Membership.is_authorised_signatory.is_(True))
        .order_by(Membership.id)
    ).scalars()
    for membership in members:
        result.setdefault(membership.partner_id, []).append(membership)
    return result


def executed_filename(version: MouVersion) -> str:
    """One file name for the executed PDF, wherever it is downloaded or attached."""
    return f"mou-{version.mou_id}-version-{version.number}-executed.pdf"


def ask_to_sign(network: Network, version: MouVersion, partner_ids: set[int] | None = None, *,
                reminder: bool = False) -> dict[int, int]:
    """Email each party's signatories a link to sign; the number of emails sent, by partner."""
    partner_ids = partner_ids if partner_ids is not None else {p.partner_id for p in version.parties}
    names = {p.partner_id: p.name for p in version.parties}
    link = external_url("mous.sign", network_slug=network.slug, mou_id=version.mou_id, number=version.number)
    sent = {partner_id: 0 for partner_id in partner_ids}
    for partner_id, members in signatories_by_partner(partner_ids).items():
        for membership in members:
            queue_mail(membership.user.email, "mou_signature_request", network_id=network.id,
                       full_name=membership.user.full_name, mou_title=version.title, number=version.number,
                       partner_name=names.get(partner_id, ""), issued_on=format_date(version.issued_at),
                       reminder=reminder, link=link)
            sent[partner_id] += 1
    return sent


def _executed_recipients(version: MouVersion) -> dict[str, str]:
    """Email -> name of every party's signatories, whoever signed, and the board secretaries."""
    recipients: dict[str, str] = {}
    for members in signatories_by_partner({p.partner_id for p in version.parties}).values():
        recipients.update({m.user.email: m.user.full_name for m in members})
    recipients.update({s.user.email: s.user.full_name for s in version.signatures if s.user is not None})
    secretaries = db.session.execute(select(Membership).where(
        Membership.active.is_(True), Membership.role == Role.BOARD_SECRETARY.value)).scalars()
    recipients.update({m.user.email: m.user.full_name for m in secretaries})
    return recipients


def send_executed(network: Network, version: MouVersion, pdf: bytes) -> int:
    """Email the executed PDF to every party's signatories and the secretaries; how many were sent."""
    link = external_url("mous.version", network_slug=network.slug, mou_id=version.mou_id, number=version.number)
    attachment = ((executed_filename(version), "application/pdf", pdf),)
    parties = [p.name for p in version.parties]
    recipients = _executed_recipients(version)
    for email, name in sorted(recipients.items()):
        queue_mail(email, "mou_executed", network_id=network.id, attachments=attachment, full_name=name,
                   mou_title=version.title, number=version.number, parties=parties,
                   executed_on=format_date(version.executed_at), link=link)
    return len(recipients)
