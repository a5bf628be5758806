"""Riverside's year of decisions and actions, recorded through the services the app uses.

About thirty decisions on the held board meetings' items: at each meeting but the first, the approval
of the previous meeting's minutes (on its "Minutes of the previous meeting" item, which the minutes
demo cites); the finance and workforce decisions, one later superseded and one rejected on a vote; the
quality dashboard noted (information items and the risk register are minuted, not decided); a chair's
action taken between meetings and ratified at the next; a written resolution passed on votes cast
online (Dr Tom Hale, gp@riverside.example, among them) and one still open for his vote; actions, some
overdue and some done. The decisions of every held meeting but the last are locked, as they are once
minutes are approved.
"""

from datetime import timedelta

from sqlalchemy import select

from governance.core import audit, clock, tenancy
from governance.core.formatting import format_date
from governance.decisions import actions, records, resolutions
from governance.decisions.models import Decision
from governance.extensions import db
from governance.meetings import agenda, terms
from governance.meetings.demo import BOARD_TERMS
from governance.meetings.meeting_models import Meeting, MeetingStatus, StandingItem
from governance.meetings.models import Board
from governance.networks.models import Membership

WORDING = {
    "Finance report": ("Approve the month's finance report", "The board approves the finance report and the "
                       "forecast outturn.", "Spend is within the agreed budget.", "Defer to the next meeting: "
                       "rejected, the forecast is needed for the ICB return."),
    "Workforce and additional roles": ("Recruit under the additional roles scheme",
                                       "The board approves recruiting two clinical pharmacists and a first contact "
                                       "physiotherapist under the ARRS budget.", "Unspent budget is lost at year "
                                       "end; practices report long waits for medication reviews.",
                                       "Recruit one post now: rejected, the budget covers three."),
    "Quality and performance dashboard": ("Note the quality dashboard", "The board notes the quality and "
                                          "performance dashboard.", "", ""),
}
OUTCOME = {"decision": "approved", "assurance": "noted"}
NOT_DECIDED = {"Risk register"}  # minuted, not decided: keeps the demo year at about thirty decisions


def _user(demo, email):
    return demo.users[email]


def _membership(user) -> Membership:
    return db.session.execute(select(Membership).where(Membership.user_id == user.id)).scalar_one()


def _votes(context, n: int, *, by_name: bool = False) -> dict:
    voters = [s for s in context.voters if s.id not in context.excluded]
    if by_name:
        named = {s.id: ("abstain" if i == len(voters) - 1 else "for") for i, s in enumerate(voters)}
        return {"by_name": True, "named": named}
    against = 1 if n % 4 == 0 and len(voters) > 4 else 0
    return {"votes_for": str(len(voters) - against - (n % 2)), "votes_against": str(against),
            "abstentions": str(n % 2)}


def _decide(meeting, item, secretary, n: int, **overrides):
    title, resolution, reasons, options = WORDING.get(item.title, (item.title, f"The board agrees: {item.title}.",
                                                                   "", ""))
    outcome = OUTCOME.get(item.purpose)
    if outcome is None or item.title in NOT_DECIDED:
        return None
    context = records.item_context(meeting, item)
    if context.refusal:
        return None  # an item that was not quorate is not decided
    data = {"title": title, "resolution": resolution, "reasons": reasons, "options_considered": options,
            "outcome": outcome, "votes_against": "0",
            **(_votes(context, n, by_name=n % 3 == 0) if outcome == "approved" else {}),
            "effective_on": meeting.local_start.date() if outcome == "approved" else None,
            "review_on": meeting.local_start.date() + timedelta(days=365) if outcome == "approved" else None}
    data.update(overrides)
    if data["votes_against"] == "":  # the rejected one: everyone else in the room voted against
        data["votes_against"] = str(len([s for s in context.voters if s.id not in context.excluded]) - 3)
    return records.record_decision(meeting, item, data, secretary)


def _decision_items(meeting):
    return [i for i in agenda.items_of(meeting) if not i.standing_key and not i.is_withdrawn]


def minutes_approval_title(previous) -> str:
    """The title of the decision by which a meeting approves the minutes of the board's previous meeting."""
    return f"Approve the minutes of the meeting of {format_date(previous.local_start.date())}"


def minutes_correction_title(corrected) -> str:
    """The title of the decision by which a later meeting agrees a correction to approved minutes."""
    return f"Correct the minutes of the meeting of {format_date(corrected.local_start.date())}"


def minutes_to_correct(held):
    """The meeting whose approved minutes the last meeting corrects: the latest before the previous one that
    had a finance report."""
    return next((m for m in reversed(held[:-2]) if any(i.title == "Finance report" for i in agenda.items_of(m))),
                None)


def _correct_earlier_minutes(held, secretary):
    """The last meeting agrees a correction to minutes approved earlier (the minutes demo records it)."""
    corrected = minutes_to_correct(held)
    if corrected is None:
        return None
    meeting = held[-1]
    item = next((i for i in agenda.items_of(meeting) if i.standing_key == StandingItem.PREVIOUS_MINUTES), None)
    if item is None or records.item_context(meeting, item).refusal:
        return None
    return _decide(meeting, item, secretary, 2, title=minutes_correction_title(corrected),
                   resolution="The board agrees that the approved minutes of the meeting of "
                              f"{format_date(corrected.local_start.date())} are corrected: the finance report "
                              "recorded an underspend that was in fact an overspend on locum cover.",
                   reasons="The finance lead found the error when preparing the year-end forecast.",
                   options_considered="", review_on=None)


def _approve_previous_minutes(meeting, previous, secretary):
    """The meeting's "Minutes of the previous meeting" item: the board approves them as a true record (carried)."""
    item = next((i for i in agenda.items_of(meeting) if i.standing_key == StandingItem.PREVIOUS_MINUTES
                 and not i.is_withdrawn), None)
    if item is None or previous is None or records.item_context(meeting, item).refusal:
        return None
    return _decide(meeting, item, secretary, 1, title=minutes_approval_title(previous),  # 1: one abstains
                   resolution=f"The board approves the minutes of the meeting of "
                              f"{format_date(previous.local_start.date())} as a true record.",
                   reasons="", options_considered="", review_on=None)


def _year(demo, board, secretary):
    held = list(db.session.execute(select(Meeting).where(
        Meeting.board_id == board.id, Meeting.status == MeetingStatus.HELD.value)
        .order_by(Meeting.starts_at)).scalars())
    made, n = [], 0
    chairs_action, rejected = None, False
    for index, meeting in enumerate(held):
        _approve_previous_minutes(meeting, held[index - 1] if index else None, secretary)
        items = _decision_items(meeting)
        for item in items:
            n += 1
            extra = {}
            if chairs_action is not None and item.purpose == "decision":
                extra = {"title": f"Ratify the chair's action {chairs_action.reference}",
                         "resolution": f"The board ratifies the chair's action {chairs_action.reference}: "
                                       f"{chairs_action.title.lower()}.",
                         "relation": "ratifies", "related_reference": chairs_action.reference}
                chairs_action = None
            elif index == 6 and item.purpose == "decision" and not rejected:
                rejected = True
                extra = {"title": "Recruit a care coordinator from the ARRS budget", "outcome": "rejected",
                         "resolution": "The board does not approve recruiting a care coordinator this year.",
                         "reasons": "The social prescribing link workers already cover the role.",
                         "by_name": False, "votes_for": "2", "votes_against": "", "abstentions": "1"}
            decision = _decide(meeting, item, secretary, n, **extra)
            if decision is not None:
                made.append(decision)
        if index == len(held) - 4:
            chairs_action = records.record_chairs_action(board, {
                "decided_on": meeting.local_start.date() + timedelta(days=12),
                "title": "Extend the winter vaccination clinic lease by one month",
                "resolution": "The chair agrees to extend the lease of the Quay Street clinic to 31 January.",
                "reasons": "The landlord needed an answer within a week, before the next board meeting."},
                secretary)
            made.append(chairs_action)
    return held, made


def _supersede(held, made, secretary):
    """A later meeting replaces an earlier finance decision with corrected figures."""
    first = next(d for d in made if d.title.startswith("Approve the month's finance"))
    later_meeting = held[-2]
    item = next((i for i in _decision_items(later_meeting) if i.purpose in ("decision", "assurance")), None)
    if item is None:
        return
    records.record_decision(later_meeting, item, {
        "title": "Correct the finance report's forecast", "outcome": "approved", "votes_for": "6",
        "votes_against": "0", "abstentions": "0",
        "resolution": f"The board replaces decision {first.reference} with the corrected forecast outturn.",
        "reasons": "The ICB revised the enhanced access allocation after the report was approved.",
        "relation": "supersedes", "related_reference": first.reference}, secretary)


def _terms_review(network, board, held, secretary):
    """The board's yearly review of its terms of reference: version 2, approved by a decision of the board."""
    meeting = held[-3]
    item = next(i for i in _decision_items(meeting) if i.purpose == "decision" and not i.confidential
                and not records.item_context(meeting, i).refusal)
    decision = records.record_decision(meeting, item, {
        "title": "Approve the board's revised terms of reference", "outcome": "approved",
        "resolution": "The board approves version 2 of its terms of reference, adding its yearly review.",
        "reasons": "The terms of reference are reviewed every year.", "votes_against": "0",
        **_votes(records.item_context(meeting, item), 2)}, secretary)
    draft = terms.save_draft(board, BOARD_TERMS + "\n\n# Review\n\nThe board reviews these terms of reference "
                             "every year.", None, secretary)
    terms.approve(network, board, draft, None, "", secretary, decision.reference)


def _written_resolutions(demo, board, secretary):
    passed = resolutions.circulate(board, {
        "title": "Join the ICB's shared care record pilot",
        "resolution": "The network joins the integrated care board's shared care record pilot from 1 January.",
        "reasons": "Partners asked for it; the ICB meets the costs for the first year."}, secretary)
    for email, vote in (("gp@riverside.example", "for"), ("chair@riverside.example", "for"),
                        ("signatory@riverside.example", "for"), ("trust.signatory@riverside.example", "against"),
                        ("grace.ito@riverside.example", "for"), ("fatima.noor@riverside.example", "for")):
        user = _user(demo, email)
        member = _membership(user)
        if resolutions.voter_seat(passed, member) and passed.is_open:
            resolutions.cast_vote(passed, member, vote, user)
    waiting = resolutions.circulate(board, {
        "title": "Adopt the network's information sharing agreement",
        "resolution": "The board adopts version 2 of the information sharing agreement.",
        "reasons": "The Caldicott Guardian has reviewed it; the previous version expires on 31 December."},
        secretary)
    for email in ("chair@riverside.example", "daniel.price@riverside.example"):
        user = _user(demo, email)
        resolutions.cast_vote(waiting, _membership(user), "for", user)


ACTIONS = [  # (description, owner email, days from the meeting to the due date, progress)
    ("Send the revised forecast to the ICB", "secretary@riverside.example", 14, "done"),
    ("Draft the job descriptions for the new ARRS roles", "chair@riverside.example", 30, "done"),
    ("Review the frailty service's waiting list with the community trust", "gp@riverside.example", 21, "open"),
    ("Write to practices about the winter clinic rota", "gp@riverside.example", 60, "in_progress"),
    ("Update the risk register with the premises risk", "secretary@riverside.example", 10, "done"),
    ("Agree the data sharing schedule with the mental health trust", "grace.ito@riverside.example", 28, "open"),
    ("Report on social prescribing referrals by practice", "daniel.price@riverside.example", 45, "in_progress"),
    ("Publish the You said, we did poster in every practice", "fatima.noor@riverside.example", 14, "dropped"),
    ("Circulate the quality dashboard a week before each meeting", "gp@riverside.example", 90, "open"),
    ("Check the lease break clause with the landlord", "chair@riverside.example", 7, "open"),
]


def _actions(demo, held, made, secretary):
    for n, (description, email, days, status) in enumerate(ACTIONS):
        meeting = held[min(len(held) - 1, 2 + n)]
        decision = next((d for d in made if d.meeting_id == meeting.id), None)
        items = _decision_items(meeting)
        owner = _membership(_user(demo, email))
        due = meeting.local_start.date() + timedelta(days=days)
        action = actions.create_action(meeting if decision is None else None, items[0] if decision is None else None,
                                       decision, {"description": description, "owner_id": owner.id, "due_on": due},
                                       secretary)
        if status != "open":
            on = min(clock.today(), due - timedelta(days=2))
            note = {"done": "Done and reported to the board.", "in_progress": "Started; a draft is with partners.",
                    "dropped": "Overtaken by the ICB's own campaign."}[status]
            actions.record_progress(action, {"status": status, "note": note, "recorded_on": on}, secretary,
                                    membership=None, manages=True)


def _riverside(demo):
    network = demo.riverside
    tenancy.activate(network.id)
    secretary = demo.users["secretary@riverside.example"]
    audit.set_actor(db.session, secretary.id)
    board = db.session.execute(select(Board).where(Board.name == "Riverside Primary Care Home Board")).scalar_one()
    held, made = _year(demo, board, secretary)
    _supersede(held, made, secretary)
    _terms_review(network, board, held, secretary)
    _correct_earlier_minutes(held, secretary)
    _written_resolutions(demo, board, secretary)
    _actions(demo, held, made, secretary)
    for meeting in held[:-1]:
        records.lock_meeting_decisions(meeting, secretary)


def seed(demo) -> None:
    """Riverside's decisions, written resolutions and actions for its year of board meetings."""
    _riverside(demo)
    audit.set_actor(db.session, None)
    tenancy.activate(None)
    db.session.flush()
    assert db.session.execute(select(Decision.id).limit(1)).first() is not None
