"""The engagement report for a period: activities, feedback by theme and status, times against the
targets, "You said, we did", and panel representativeness. Made by the worker, issued and archived."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from statistics import median

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from governance.auth.models import User
from governance.core import clock
from governance.core.errors import Checks
from governance.core.formatting import format_date
from governance.documents import jobs
from governance.documents.services import issue_document
from governance.engagement import activities, panels, queue
from governance.engagement.feedback import settings_for
from governance.engagement.models import Feedback, FeedbackStatus
from governance.extensions import db
from governance.networks.models import Network

REPORT_KIND = "engagement_report"


def default_period() -> dict:
    """This financial year so far."""
    today = clock.today()
    return {"start": date(panels.financial_year_of(today), 4, 1), "end": today}


def request_report(network: Network, start: date | None, end: date | None, actor: User | None):
    """Ask the worker for the engagement report covering `start` to `end` (inclusive)."""
    checks = Checks()
    if start is None:
        checks.add("Enter the first day the report covers", "start")
    if end is None:
        checks.add("Enter the last day the report covers", "end")
    elif start is not None and end < start:
        checks.add("The last day must be the same as or after the first day", "end")
    for day, field in ((start, "start"), (end, "end")):
        if day is not None and not 2000 <= day.year <= 2100:
            checks.add("Enter a date between 2000 and 2100", field)
    checks.raise_any()
    title = f"Patient engagement report, {format_date(start)} to {format_date(end)}"
    return jobs.request_document(network, REPORT_KIND, title, actor, start=start.isoformat(), end=end.isoformat())


@dataclass
class Timeliness:
    received: int
    acknowledged: int
    acknowledged_in_time: int
    acknowledge_median: float | None
    responded: int
    responded_in_time: int
    respond_median: float | None
    overdue_now: int


def _moment(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=clock.LONDON)


def items_received(start: date, end: date) -> list[Feedback]:
    statement = (select(Feedback).where(Feedback.received_at >= _moment(start),
                                        Feedback.received_at < _moment(end + timedelta(days=1)))
                 .options(selectinload(Feedback.workstream)).order_by(Feedback.received_at, Feedback.id))
    return list(db.session.execute(statement).scalars())


def by_theme_and_status(items: list[Feedback]) -> list[tuple[str, list[int], int]]:
    """(theme, a count per status in order, total), themes by name with untagged last."""
    table: dict[str, list[int]] = {}
    statuses = list(FeedbackStatus)
    for item in items:
        counts = table.setdefault(item.theme or "", [0] * len(statuses))
        counts[statuses.index(item.status_enum)] += 1
    themes = sorted((t for t in table if t), key=str.lower) + ([""] if "" in table else [])
    return [(theme or "No theme yet", table[theme], sum(table[theme])) for theme in themes]


def timeliness(items: list[Feedback]) -> Timeliness:
    """How quickly items were acknowledged and answered, in working days, against the targets."""
    today = clock.today()
    ack_days, resp_days = [], []
    ack_in_time = resp_in_time = 0
    for item in items:
        acknowledged, responded = queue.days_taken(item)
        if acknowledged is not None:
            ack_days.append(acknowledged)
            ack_in_time += clock.local(item.acknowledged_at).date() <= item.acknowledge_due
        if responded is not None:
            resp_days.append(responded)
            resp_in_time += clock.local(item.responded_at).date() <= item.respond_due
    return Timeliness(len(items), len(ack_days), ack_in_time, median(ack_days) if ack_days else None,
                      len(resp_days), resp_in_time, median(resp_days) if resp_days else None,
                      sum(queue.is_overdue(item, today) for item in items))


def build_report(job, report):
    """The worker's side: gather, render and archive the report."""
    network = db.session.get(Network, job.network_id)
    start, end = date.fromisoformat(job.params["start"]), date.fromisoformat(job.params["end"])
    report(10, "Reading the activities")
    activity_rows = list(db.session.execute(activities.activities_query(start=start, end=end)).scalars())
    report(30, "Reading the feedback")
    items = items_received(start, end)
    report(50, "Working out times against the targets")
    settings = settings_for(network.id)
    published = [item for item in db.session.execute(queue.published_query()).scalars()
                 if start <= clock.local(item.published_at).date() <= end]
    report(70, "Comparing the panels with the practices' lists")
    list_profile = panels.profile_of(None)
    panel_rows = [(row, panels.representativeness(panels.profile_of(row.panel.id), list_profile))
                  for row in panels.panel_rows()]
    actor = db.session.get(User, job.requested_by_id) if job.requested_by_id else None
    report(85, "Making the PDF")
    return issue_document(
        network, "engagement/pdf/report.html", kind=REPORT_KIND, title=job.title, actor=actor,
        covers=f"{format_date(start)} to {format_date(end)}", start=start, end=end, activities=activity_rows,
        themes=by_theme_and_status(items), statuses=list(FeedbackStatus), timing=timeliness(items),
        settings=settings, published=published, panel_rows=panel_rows, has_list_profile=bool(list_profile))


jobs.register(REPORT_KIND, build_report)
