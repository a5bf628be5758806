"""The quorum function, table by table: counts, fractions, partner-kind minimums, the chair, deputies,
late arrivals and early departures per item, and members excluded from an item."""

import pytest

from governance.meetings.quorum import Attendee, Rule, Seat, evaluate, evaluate_item, in_the_room, required

GP, TRUST, COUNCIL = "gp_practice", "community_trust", "local_authority"

# Nine seats: eight voting (four GPs), one observer in attendance without a vote.
BOARD = [
    Seat(1, "Dr Raman", True, GP, "chair"),
    Seat(2, "Dr Hale", True, GP, "vice_chair"),
    Seat(3, "Dr Marsh", True, GP),
    Seat(4, "Dr Okonjo", True, GP),
    Seat(5, "Mark Ellison", True, TRUST),
    Seat(6, "Grace Ito", True, "mental_health_trust"),
    Seat(7, "Daniel Price", True, COUNCIL),
    Seat(8, "Fatima Noor", True, "voluntary_sector"),
    Seat(9, "Olu Adeyemi", False, "commissioner", "in_attendance"),
]
HALF = (1, 2)


@pytest.mark.parametrize("rule, voting, need", [
    (Rule(minimum_present=4), 8, 4),
    (Rule(fraction=HALF), 8, 4),
    (Rule(fraction=HALF), 9, 5),  # half of 9 is 4.5: rounded up
    (Rule(fraction=(2, 3)), 9, 6),
    (Rule(fraction=(2, 3)), 10, 7),
    (Rule(fraction=(3, 4)), 8, 6),
    (Rule(fraction=(1, 3)), 3, 1),
    (Rule(fraction=HALF, minimum_present=5), 8, 5),  # the larger of the two
    (Rule(fraction=HALF, minimum_present=3), 8, 4),
    (Rule(fraction=HALF), 0, 0),
])
def test_how_many_voting_members_must_be_present(rule, voting, need):
    assert required(rule, voting) == need


@pytest.mark.parametrize("rule, present, quorate, words", [
    # counts and fractions: the observer (9) never counts
    (Rule(fraction=HALF), {1, 2, 5, 6}, True, "Quorate: 4 voting members present (at least 4 needed)."),
    (Rule(fraction=HALF), {1, 2, 5, 9}, False, "Not quorate: 3 voting members present (at least 4 needed)."),
    (Rule(minimum_present=5), {1, 2, 3, 4, 5}, True, "Quorate: 5 voting members present (at least 5 needed)."),
    (Rule(minimum_present=2), {7}, False, "Not quorate: 1 voting member present (at least 2 needed)."),
    # partner-kind minimums count voting members of that kind who are present
    (Rule(fraction=HALF, kind_minimums=((GP, 2),)), {1, 2, 5, 6, 7}, True,
     "Quorate: 5 voting members present (at least 4 needed); 2 GP practice representatives (at least 2 needed)."),
    (Rule(fraction=HALF, kind_minimums=((GP, 2),)), {1, 5, 6, 7, 8}, False,
     "Not quorate: 5 voting members present (at least 4 needed); 1 GP practice representative (at least 2 needed)."),
    (Rule(kind_minimums=((GP, 1), (COUNCIL, 1))), {3, 5}, False,
     "Not quorate: 2 voting members present (at least 0 needed); 1 GP practice representative (at least 1 needed); "
     "0 Local authority / social care representatives (at least 1 needed)."),
    # the chair or the vice-chair
    (Rule(fraction=HALF, chair_required=True), {1, 3, 5, 6}, True,
     "Quorate: 4 voting members present (at least 4 needed); the chair is present."),
    (Rule(fraction=HALF, chair_required=True), {2, 3, 5, 6}, True,
     "Quorate: 4 voting members present (at least 4 needed); the vice-chair is present to chair."),
    (Rule(fraction=HALF, chair_required=True), {3, 4, 5, 6, 7}, False,
     "Not quorate: 5 voting members present (at least 4 needed); neither the chair nor the vice-chair is present."),
    # no rule recorded: nothing to fail, said so
    (Rule(), {1}, True, "Quorate: 1 voting member present; no quorum rule is recorded."),
])
def test_quorum_in_words(rule, present, quorate, words):
    result = evaluate(rule, BOARD, present)
    assert result.quorate is quorate
    assert result.summary == words


@pytest.mark.parametrize("deputies_count, quorate", [(True, True), (False, False)])
def test_deputies_count_only_when_the_rule_says_so(deputies_count, quorate):
    rule = Rule(fraction=HALF, kind_minimums=((GP, 2),), deputies_count=deputies_count)
    result = evaluate(rule, BOARD, present={1, 5, 6}, deputised={3})
    assert result.quorate is quorate
    assert ("2 GP practice representatives" in result.summary) is deputies_count


def test_a_deputy_never_chairs():
    rule = Rule(chair_required=True, deputies_count=True)
    assert not evaluate(rule, BOARD, present={3, 4}, deputised={1, 2}).quorate


def test_members_excluded_from_an_item_do_not_count_and_are_named():
    rule = Rule(fraction=HALF, kind_minimums=((GP, 2),), chair_required=True)
    present = {1, 2, 3, 5}
    assert evaluate(rule, BOARD, present).quorate
    result = evaluate(rule, BOARD, present, excluded={3: "declared an interest and left for the item",
                                                      1: "declared an interest and left for the item"})
    assert not result.quorate
    assert result.summary == ("Not quorate: 2 voting members present (at least 4 needed); "
                              "1 GP practice representative (at least 2 needed); the vice-chair is present to chair.")
    assert result.not_counted == (("Dr Raman", "declared an interest and left for the item"),
                                  ("Dr Marsh", "declared an interest and left for the item"))
    assert result.counted == ("Dr Hale", "Mark Ellison")


# Who is in the room for each item: positions 1..6; joined at 3 counts from 3; left at 5 stops at 5.
ATTENDANCE = [
    Attendee(1, "present"),
    Attendee(2, "present", left_at=5),
    Attendee(3, "present", arrived_at=3),
    Attendee(4, "apologies"),
    Attendee(5, "present", arrived_at=2, left_at=4),
    Attendee(6, "represented"),
    Attendee(7, "absent"),
]


@pytest.mark.parametrize("position, present, deputised", [
    (1, {1, 2}, {6}),
    (2, {1, 2, 5}, {6}),
    (3, {1, 2, 3, 5}, {6}),
    (4, {1, 2, 3}, {6}),
    (5, {1, 3}, {6}),
    (6, {1, 3}, {6}),
    (None, {1, 2, 3, 5}, {6}),  # the meeting as a whole: everyone who came at some point
])
def test_who_is_in_the_room_for_each_item(position, present, deputised):
    assert in_the_room(ATTENDANCE, position) == (present, deputised)


@pytest.mark.parametrize("position, quorate", [(1, False), (2, True), (3, True), (4, True), (5, False), (6, False)])
def test_the_quorum_follows_arrivals_and_departures_item_by_item(position, quorate):
    rule = Rule(minimum_present=3, kind_minimums=((GP, 2),))
    assert evaluate_item(rule, BOARD, ATTENDANCE, position).quorate is quorate
