"""Journeys on the demo data: the secretary records a decision with votes by name (a conflicted member shown as
excluded) and an action at a meeting; gp@riverside.example votes on a written resolution and updates an action
on a phone-sized screen."""

import re

import pytest
from sqlalchemy import select

from governance.core import tenancy
from governance.extensions import db
from governance.meetings import agenda, hooks
from governance.meetings.meeting_models import Meeting, MeetingStatus
from governance.meetings.models import Board
from tests import factories
from tests.e2e.conftest import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.demo]


@pytest.fixture
def demo_data(live_app):
    return factories.demo_records()


def _last_held_board_meeting(seeded):
    tenancy.activate(seeded.riverside.id)
    try:
        board = db.session.execute(select(Board).where(Board.kind == "board")).scalar_one()
        meeting = db.session.execute(select(Meeting).where(
            Meeting.board_id == board.id, Meeting.status == MeetingStatus.HELD.value)
            .order_by(Meeting.starts_at.desc()).limit(1)).scalar_one()
        items = [i for i in agenda.items_of(meeting) if not i.standing_key]
        seat = next(s for s in board.seats if s.membership.user.email == "gp@riverside.example")
        return meeting, items[0], seat
    finally:
        tenancy.activate(None)


def test_secretary_records_a_decision_with_votes_and_an_action(demo_data, live_server, browser_page):
    meeting, item, hale = _last_held_board_meeting(demo_data)

    def conflicted(of_meeting):
        why = "Dr Tom Hale may speak but not vote: a partner in a practice named in the item"
        return {item.id: {hale.id: why}} if of_meeting.id == meeting.id else {}

    hooks.register_vote_exclusions(conflicted)
    try:
        page = browser_page
        sign_in(page, "secretary@riverside.example", factories.PASSWORD)
        page.get_by_role("link", name="Decisions", exact=True).first.click()
        page.check()
        assert page.get_by_text(re.compile(r"Record verified up to entry \d+")).is_visible()
        page.visit(f"/n/riverside/meetings/{meeting.id}")
        page.get_by_role("link", name="Decisions and actions of this meeting").click()
        page.check()
        page.get_by_role("link", name=f"Record a decision on {item.title}").click()
        page.check()
        assert page.get_by_text("Dr Tom Hale: may not vote").is_visible()
        page.get_by_role("button", name="Record the decision").click()  # nothing filled in: every problem at once
        page.check()
        assert page.get_by_role("link", name="Select the outcome").is_visible()
        page.get_by_label("Title", exact=True).fill("Approve the urgent care hub business case")
        page.get_by_label("Resolution as passed").fill("The board approves the business case.")
        page.get_by_label("Reasons (optional)").fill("Demand at the hub has doubled since April.")
        page.get_by_label("Approved").check()
        page.get_by_label("By name").check()
        page.get_by_label("Dr Priya Raman").select_option("for")
        page.get_by_label("Mark Ellison").select_option("against")
        page.get_by_label("Grace Ito").select_option("for")
        page.get_by_role("button", name="Record the decision").click()
        page.check()
        assert page.get_by_text(re.compile(r"Decision RIV-\d{4}-\d{3} has been recorded")).is_visible()
        page.get_by_role("row", name=re.compile("Approve the urgent care hub business case")).get_by_role(
            "link").click()
        page.check()
        assert page.get_by_text("2 for, 1 against, 0 abstaining").is_visible()
        assert page.get_by_text("Dr Tom Hale may speak but not vote").is_visible()

        page.get_by_role("link", name="Add an action arising from this decision").click()
        page.check()
        page.get_by_label("Action", exact=True).fill("Tell the practices the hub's new opening hours")
        page.get_by_label("Owner").select_option(label="Dr Tom Hale")
        page.locator('input[name="due_on[day]"]').fill("18")
        page.locator('input[name="due_on[month]"]').fill("12")
        page.locator('input[name="due_on[year]"]').fill("2026")
        page.get_by_role("button", name="Add the action").click()
        page.check()
        assert page.get_by_text(re.compile(r"Action A\d{4} has been recorded for Dr Tom Hale")).is_visible()
        page.get_by_role("link", name="Decision log").last.click()
        page.check()
        page.get_by_role("link", name="Action log").first.click()
        page.check()
        assert page.get_by_text("Tell the practices the hub's new opening hours").is_visible()
    finally:
        hooks._VOTE_EXCLUSIONS.remove(conflicted)


def test_gp_votes_on_a_written_resolution_and_updates_an_action_on_a_phone(demo_data, live_server, phone_page):
    page = phone_page
    sign_in(page, "gp@riverside.example", factories.PASSWORD)  # a member of two networks: he chooses
    page.get_by_role("link", name="Riverside Primary Care Home").first.click()
    page.check()
    assert page.get_by_text("Your vote is needed on the written resolution").is_visible()
    page.get_by_role("link", name="My actions").first.click()
    page.check()
    page.get_by_role("link", name="Adopt the network's information sharing agreement").click()
    page.check()
    page.get_by_label("I agree").check()
    page.get_by_role("button", name="Send my vote").click()
    page.check()
    assert page.get_by_text("Your vote has been recorded.").is_visible()
    assert page.get_by_text("You have voted on this resolution.").is_visible()

    page.visit("/n/riverside/actions/mine")
    assert page.get_by_text("Overdue").first.is_visible()
    page.get_by_role("link", name=re.compile(r"^A\d{4}$")).first.click()
    page.check()
    page.get_by_label("In progress").check()
    page.get_by_label("What has happened (optional when only the status changes)").fill(
        "Spoke to the community trust; a review is booked.")
    page.get_by_role("button", name="Save the update").click()
    page.check()
    assert page.get_by_text(re.compile(r"Action A\d{4} has been updated")).is_visible()
    assert page.get_by_text("Spoke to the community trust; a review is booked.").is_visible()
