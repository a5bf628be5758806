"""The partnership membership schedule: previewed as a draft, issued by the background worker.

Its reference identifies its content: the same partners, statuses and list sizes on the same day
give the same reference, so issuing a copy of what was already issued that day asks first.
"""

import hashlib
import json
from datetime import date

from sqlalchemy import select

from governance.auth.models import User
from governance.core import clock
from governance.core.errors import ServiceError
from governance.core.formatting import format_date, format_datetime
from governance.core.pdf import render_pdf
from governance.documents import jobs
from governance.documents.models import IssuedDocument
from governance.documents.services import issue_document
from governance.extensions import db
from governance.networks.models import Membership, Network
from governance.partners import population

SCHEDULE_KIND = "partnership_membership_schedule"
SCHEDULE_TITLE = "Partnership membership schedule"
TEMPLATE = "partners/pdf/membership_schedule.html"


class ScheduleContent:
    """What a membership schedule as at a day says, and the reference that identifies that content.

    The same partners, statuses and list sizes on the same day give the same reference, so issuing
    a schedule identical to one already issued that day is noticed before a second copy is made.
    """

    def __init__(self, network: Network, day: date):
        self.network, self.day = network, day
        self.current, self.former = population.schedule_rows(network.id, day)
        self.shares = population.practice_shares(network.id, day)
        self.profile = population.population_profile(network, day)
        fingerprint = hashlib.sha256(json.dumps(
            [network.name, network.care_model, self.profile.population,
             [list(vars(row).values()) for row in self.current + self.former],
             [(share.partner_id, share.patients, str(share.percent)) for share in self.shares]],
            default=str).encode()).hexdigest()
        self.reference = f"MS-{day:%Y%m%d}-{fingerprint[:6].upper()}"
        self.covers = f"As at {format_date(day)}. Reference {self.reference}"

    def context(self, actor: User | None, role_label: str) -> dict:
        return {"day": self.day, "current": self.current, "former": self.former, "shares": self.shares,
                "profile": self.profile, "reference": self.reference, "issuer": actor.full_name if actor else "",
                "issuer_role": role_label, "network_care_model_label": self.network.care_model_label}


def issued_schedule(content: ScheduleContent) -> IssuedDocument | None:
    """The schedule with this content issued on its day, if there is one (the latest)."""
    return db.session.execute(
        select(IssuedDocument).where(IssuedDocument.kind == SCHEDULE_KIND, IssuedDocument.covers == content.covers)
        .order_by(IssuedDocument.id.desc()).limit(1)).scalar_one_or_none()


def _role_label(actor: User | None) -> str:
    if actor is None:
        return ""
    membership = db.session.execute(select(Membership).where(Membership.user_id == actor.id)).scalars().first()
    return membership.role_label if membership is not None else ""


def schedule_to_issue(network: Network) -> tuple[ScheduleContent, IssuedDocument | None]:
    """The schedule as it would be issued today, and the identical one already issued today, if any."""
    content = ScheduleContent(network, clock.today())
    return content, issued_schedule(content)


def request_membership_schedule(network, actor: User | None, *, again: bool = False):
    """Ask the background worker for the partnership membership schedule as at today.

    When a schedule with the same content was already issued today, ask first: refuse unless
    `again` says to issue another copy.
    """
    content, issued = schedule_to_issue(network)
    if issued is not None and not again:
        by = f" by {issued.generated_by.full_name}" if issued.generated_by else ""
        raise ServiceError(f"The same schedule was issued {format_datetime(issued.generated_at)}{by} (reference "
                           f"{content.reference}), and nothing in it has changed since. To issue another copy, "
                           "select 'Issue it again'", "again")
    return jobs.request_document(network, SCHEDULE_KIND, SCHEDULE_TITLE, actor, again=again)


def preview_membership_schedule(network: Network, actor: User | None) -> bytes:
    """The schedule as it would be issued now, watermarked DRAFT; nothing is archived."""
    content = ScheduleContent(network, clock.today())
    return render_pdf(TEMPLATE, title=SCHEDULE_TITLE, network_name=network.name,
                      draft=True, **content.context(actor, _role_label(actor)))


def build_membership_schedule(job, report):
    """The worker's side: render and archive the schedule, reporting progress as it goes.

    Two requests that raced past the "already issued today" question get one document: unless
    the requester asked for another copy, an identical schedule issued meanwhile is the result.
    """
    network = db.session.get(Network, job.network_id)
    report(10, "Reading the partners and their history")
    content = ScheduleContent(network, clock.today())
    issued = issued_schedule(content)
    if issued is not None and not (job.params or {}).get("again"):
        return issued
    report(40, f"Setting out {len(content.current) + len(content.former):,} partners")
    actor = db.session.get(User, job.requested_by_id) if job.requested_by_id else None
    return issue_document(network, TEMPLATE, kind=SCHEDULE_KIND,
                          title=SCHEDULE_TITLE, actor=actor, covers=content.covers,
                          **content.context(actor, _role_label(actor)))


jobs.register(SCHEDULE_KIND, build_membership_schedule)
