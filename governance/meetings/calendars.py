"""Calendars: one meeting as an .ics file, and each member's personal subscription feed.

Events have stable UIDs, a SEQUENCE that rises when the meeting moves or is cancelled,
STATUS:CANCELLED for cancelled meetings and UK times with a VTIMEZONE, so Outlook, Google and
Apple calendars update in place. Nothing confidential goes in: the title, the place, the video
link and a link to the meeting's page, never the agenda.

The feed's address carries a secret token; only its SHA-256 is stored, so the address is shown
once, when it is made. Making a new one replaces the hash, and the old address stops working.
"""

import hmac
from datetime import timedelta

from flask import current_app
from icalendar import Calendar, Event
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from governance.core import clock, tenancy, tokens
from governance.core.outbox import external_url
from governance.extensions import db
from governance.meetings.access import viewer_for
from governance.meetings.meeting_models import CalendarFeed, Meeting
from governance.networks.models import Membership, Network

PRODUCT_ID = "-//Accord//Board meetings//EN"
FEED_HISTORY_DAYS = 366


def meeting_link(meeting: Meeting, network: Network | None = None) -> str:
    """The meeting's page as an absolute link, for mail and calendars."""
    network = network or db.session.get(Network, meeting.network_id)
    return external_url("meetings.show", network_slug=network.slug, meeting_id=meeting.id)


def meeting_uid(meeting: Meeting, network: Network) -> str:
    """Stable for the meeting's lifetime, whatever changes: calendars match updates by it."""
    host = current_app.config["EXTERNAL_URL"].split("://")[-1].split("/")[0].split(":")[0] or "accord"
    return f"meeting-{meeting.id}.{network.slug}@{host}"


def _event(meeting: Meeting, network: Network, with_link: bool) -> Event:
    event = Event()
    event.add("uid", meeting_uid(meeting, network))
    event.add("dtstamp", clock.now())
    event.add("last-modified", meeting.updated_at)
    event.add("sequence", meeting.calendar_sequence)
    event.add("dtstart", clock.local(meeting.starts_at))
    event.add("dtend", clock.local(meeting.ends_at))
    event.add("summary", ("Cancelled: " if meeting.is_cancelled else "") + meeting.title)
    event.add("location", meeting.place or ("Online" if meeting.video_link else ""))
    link = meeting_link(meeting, network)
    lines = [f"{meeting.board.name}, {network.name}."]
    if meeting.is_cancelled:
        lines.append(f"This meeting has been cancelled. {meeting.cancelled_reason}".strip())
    if meeting.video_link and with_link:
        lines.append(f"Join online: {meeting.video_link}")
    lines.append(f"Agenda and papers: {link}")
    event.add("description", "\n\n".join(lines))
    event.add("url", link)
    event.add("status", "CANCELLED" if meeting.is_cancelled else "CONFIRMED")
    event.add("transp", "TRANSPARENT" if meeting.is_cancelled else "OPAQUE")
    return event


def to_ics(meetings: list[Meeting], network: Network, name: str, with_links: bool = True) -> bytes:
    """A calendar of meetings, with the Europe/London time zone it uses; video links only when `with_links`."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/London")
    calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    for meeting in meetings:
        calendar.add_component(_event(meeting, network, with_links))
    if meetings:
        days = [clock.local(m.starts_at).date() for m in meetings]
        calendar.add_missing_timezones(first_date=min(days) - timedelta(days=366),
                                       last_date=max(days) + timedelta(days=366))
    return calendar.to_ical()


def meeting_ics(meeting: Meeting, with_link: bool = True) -> bytes:
    """One meeting as a calendar file; the video link only for those who may join."""
    network = db.session.get(Network, meeting.network_id)
    return to_ics([meeting], network, meeting.title, with_link)


# The personal feed ----------------------------------------------------------------------------

def feed_of(membership: Membership) -> CalendarFeed | None:
    return db.session.execute(select(CalendarFeed).where(CalendarFeed.membership_id == membership.id)
                              ).scalar_one_or_none()


def new_feed_token(membership: Membership) -> tuple[CalendarFeed, str]:
    """Make the member's calendar address (or a new one, which stops the old): (feed, secret token)."""
    raw, hashed = tokens.new_token()
    feed = feed_of(membership)
    if feed is None:
        feed = CalendarFeed(network_id=membership.network_id, membership_id=membership.id, token_hash=hashed)
        db.session.add(feed)
    else:
        feed.token_hash = hashed
        feed.created_at = clock.now()
    db.session.flush()
    return feed, raw


def feed_url(feed: CalendarFeed, raw: str) -> str:
    return external_url("meetings.calendar_feed", feed_id=feed.id, token=raw)


def find_feed(feed_id: int, raw: str) -> CalendarFeed | None:
    """The feed whose token this is, compared in constant time; None for anything else."""
    feed = db.session.execute(select(CalendarFeed).where(CalendarFeed.id == feed_id)
                              .execution_options(all_networks=True)).scalar_one_or_none()
    expected = feed.token_hash if feed is not None else "0" * 64
    matches = hmac.compare_digest(tokens.hash_token(raw or ""), expected)
    return feed if feed is not None and matches else None


def feed_ics(feed: CalendarFeed) -> bytes | None:
    """The subscriber's meetings for the last year and to come; None when they are no longer a member."""
    tenancy.activate(feed.network_id)
    membership = db.session.execute(select(Membership).where(Membership.id == feed.membership_id)
                                    ).scalar_one_or_none()
    if membership is None or not membership.active or not membership.user.active:
        return None
    viewer = viewer_for(membership)
    since = clock.now() - timedelta(days=FEED_HISTORY_DAYS)
    statement = (select(Meeting).where(Meeting.ends_at >= since).order_by(Meeting.starts_at)
                 .options(selectinload(Meeting.board)))
    if not viewer.manages:
        statement = statement.where(Meeting.board_id.in_(viewer.current_board_ids() or {-1}))
    meetings = list(db.session.execute(statement).scalars())
    return to_ics(meetings, membership.network, f"{membership.network.name} meetings")

