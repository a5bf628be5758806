"""Pages for recording a meeting's attendance and the people in attendance who are not members."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from governance.core.forms import ConfirmForm
from governance.core.permissions import Permission, requires
from governance.core.views import confirm, submit
from governance.meetings import agenda, attendance
from governance.meetings.blueprint import PREFIX, bp, guest_or_404, meeting_or_404
from governance.meetings.meeting_forms import GuestForm, attendance_entries, attendance_form

MEETING = f"{PREFIX}/<int:meeting_id>"


def _sheet(meeting):
    seats = attendance.seats_for(meeting)
    items = [item for item in agenda.items_of(meeting) if not item.is_withdrawn]
    choices = [(None, "Not applicable")] + [(item.id, f"{item.position}. {item.title}") for item in items]
    return seats, attendance_form(seats, choices, attendance.records_of(meeting))


@bp.route(f"{MEETING}/attendance", methods=["GET", "POST"])
@requires(Permission.MEETINGS_MANAGE)
def attendance_page(meeting_id):
    meeting = meeting_or_404(meeting_id)
    seats, form = _sheet(meeting)
    if submit(form, lambda: attendance.record_attendance(meeting, attendance_entries(form, seats), current_user)):
        flash("The attendance has been saved. The quorum below is worked out from it.")
        return redirect(url_for("meetings.show", meeting_id=meeting.id, _anchor="quorum"))
    guests = [record for record in attendance.records_of(meeting) if record.board_member_id is None]
    return render_template("meetings/attendance.html", form=form, meeting=meeting, seats=seats, guests=guests,
                           guest_form=GuestForm(formdata=None), confirm_form=ConfirmForm())


@bp.route(f"{MEETING}/attendance/everyone-present", methods=["POST"])
@requires(Permission.MEETINGS_MANAGE)
def everyone_present(meeting_id):
    meeting = meeting_or_404(meeting_id)
    confirm(lambda: attendance.everyone_present(meeting),
            lambda count: f"{count} member{'s' if count != 1 else ''} recorded as present. Change anyone who was not.")
    return redirect(url_for("meetings.attendance_page", meeting_id=meeting.id))


@bp.route(f"{MEETING}/attendance/guests", methods=["POST"])
@requires(Permission.MEETINGS_MANAGE)
def add_guest(meeting_id):
    meeting = meeting_or_404(meeting_id)
    guest_form = GuestForm()
    guest = submit(guest_form, lambda: attendance.add_guest(meeting, guest_form.guest_name.data,
                                                             guest_form.guest_role.data))
    if guest:
        flash(f"{guest.guest_name} is recorded as in attendance.")
        return redirect(url_for("meetings.attendance_page", meeting_id=meeting.id, _anchor="guests"))
    seats, form = _sheet(meeting)
    guests = [record for record in attendance.records_of(meeting) if record.board_member_id is None]
    return render_template("meetings/attendance.html", form=form, meeting=meeting, seats=seats, guests=guests,
                           guest_form=guest_form, confirm_form=ConfirmForm())


@bp.route(f"{MEETING}/attendance/guests/<int:guest_id>/remove", methods=["POST"])
@requires(Permission.MEETINGS_MANAGE)
def remove_guest(meeting_id, guest_id):
    meeting = meeting_or_404(meeting_id)
    guest = guest_or_404(meeting, guest_id)
    confirm(lambda: attendance.remove_guest(guest), f"{guest.guest_name} is no longer listed as in attendance.")
    return redirect(url_for("meetings.attendance_page", meeting_id=meeting.id, _anchor="guests"))
