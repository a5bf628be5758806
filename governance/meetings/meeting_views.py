"""Pages for meetings: upcoming, past and 'my meetings', one meeting, scheduling, changes, .ics."""

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from governance.core import tenancy
from governance.core.forms import ConfirmForm, optional_int
from governance.core.permissions import Permission, requires
from governance.core.views import confirm, paginate, submit
from governance.meetings import attendance, boards, calendars, pages, scheduling
from governance.meetings.blueprint import PREFIX, bp, meeting_or_404, viewer
from governance.meetings.meeting_forms import CancelForm, MeetingForm, NewMeetingForm


def _board_filter():
    choices = boards.board_choices()
    board_id = optional_int(request.args.get("board"))
    return choices, board_id if board_id in {choice[0] for choice in choices} else None


@bp.route(f"{PREFIX}/")
@requires(Permission.MEETINGS_VIEW)
def index():
    choices, board_id = _board_filter()
    page = paginate(scheduling.upcoming_query(board_id))
    return render_template("meetings/index.html", page=page, choices=choices, board_id=board_id, past=False,
                           my_boards=viewer().current_board_ids())


@bp.route(f"{PREFIX}/past")
@requires(Permission.MEETINGS_VIEW)
def past():
    choices, board_id = _board_filter()
    page = paginate(scheduling.past_query(board_id))
    return render_template("meetings/index.html", page=page, choices=choices, board_id=board_id, past=True,
                           my_boards=viewer().current_board_ids())


@bp.route(f"{PREFIX}/mine")
@requires(Permission.MEETINGS_VIEW)
def mine():
    page = paginate(scheduling.my_meetings_query(viewer()))
    return render_template("meetings/mine.html", page=page, seats=viewer().seats, viewer=viewer())


@bp.route(f"{PREFIX}/new", methods=["GET", "POST"])
@requires(Permission.MEETINGS_MANAGE)
def new():
    form = NewMeetingForm(**scheduling.new_meeting_defaults(optional_int(request.args.get("board_id"))))
    form.board_id.choices = [(None, "Choose a board or committee")] + boards.board_choices()
    meeting = submit(form, lambda: scheduling.create_meeting(tenancy.current_network(), form.data, current_user))
    if meeting:
        flash(f"{meeting.title} on {meeting.when} has been scheduled with the standing items on its agenda.")
        return redirect(url_for("meetings.show", meeting_id=meeting.id))
    return render_template("meetings/form.html", form=form, meeting=None)


@bp.route(f"{PREFIX}/<int:meeting_id>")
@requires(Permission.MEETINGS_VIEW)
def show(meeting_id):
    page = pages.meeting_page(meeting_or_404(meeting_id), viewer())
    return render_template("meetings/show.html", page=page, meeting=page.meeting, confirm_form=ConfirmForm())


@bp.route(f"{PREFIX}/<int:meeting_id>/edit", methods=["GET", "POST"])
@requires(Permission.MEETINGS_MANAGE)
def edit(meeting_id):
    meeting = meeting_or_404(meeting_id)
    form = MeetingForm(obj=meeting, **scheduling.meeting_form_data(meeting))
    if submit(form, lambda: scheduling.update_meeting(meeting, form.data, form.version.data, current_user),
              editing=meeting):
        flash(f"{meeting.title} has been saved.")
        return redirect(url_for("meetings.show", meeting_id=meeting.id))
    return render_template("meetings/form.html", form=form, meeting=meeting)


@bp.route(f"{PREFIX}/<int:meeting_id>/cancel", methods=["GET", "POST"])
@requires(Permission.MEETINGS_MANAGE)
def cancel(meeting_id):
    meeting = meeting_or_404(meeting_id)
    form = CancelForm()
    if submit(form, lambda: scheduling.cancel_meeting(meeting, form.reason.data, current_user)):
        flash(f"{meeting.title} on {meeting.when} has been cancelled. Its members have been told.")
        return redirect(url_for("meetings.show", meeting_id=meeting.id))
    return render_template("meetings/cancel.html", form=form, meeting=meeting)


@bp.route(f"{PREFIX}/<int:meeting_id>/held", methods=["POST"])
@requires(Permission.MEETINGS_MANAGE)
def held(meeting_id):
    meeting = meeting_or_404(meeting_id)
    confirm(lambda: scheduling.mark_held(meeting, current_user), f"{meeting.title} is recorded as held.")
    return redirect(url_for("meetings.show", meeting_id=meeting.id))


@bp.route(f"{PREFIX}/<int:meeting_id>/apologies", methods=["POST"])
@requires(Permission.MEETINGS_VIEW)
def apologies(meeting_id):
    meeting = meeting_or_404(meeting_id)
    confirm(lambda: attendance.send_apologies(meeting, viewer(), current_user),
            "Your apologies have been recorded. The board secretary can see them.")
    return redirect(url_for("meetings.show", meeting_id=meeting.id))


@bp.route(f"{PREFIX}/<int:meeting_id>/meeting.ics")
@requires(Permission.MEETINGS_VIEW)
def ics(meeting_id):
    meeting = meeting_or_404(meeting_id)
    body = calendars.meeting_ics(meeting, with_link=viewer().may_join(meeting))
    return Response(body, mimetype="text/calendar",
                    headers={"Content-Disposition": f'attachment; filename="meeting-{meeting.id}.ics"'})


@bp.route(f"{PREFIX}/<int:meeting_id>/as-issued")
@requires(Permission.MEETINGS_VIEW)
def as_issued(meeting_id):
    meeting = meeting_or_404(meeting_id)
    sent = pages.as_issued(meeting, viewer())
    if sent is None:
        abort(404)
    return render_template("meetings/as_issued.html", meeting=meeting, sent=sent)
