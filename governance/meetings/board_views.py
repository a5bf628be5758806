"""Pages for boards and committees: details, seats and their history, quorum rule, terms of reference,
attendance register."""

import csv
import io

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from governance.core import clock, tenancy
from governance.core.formatting import format_date
from governance.core.forms import ConfirmForm
from governance.core.pdf import pdf_response
from governance.core.permissions import Permission, requires
from governance.core.views import paginate, submit
from governance.documents.services import load_with_pdf
from governance.meetings import boards, register, terms
from governance.meetings.blueprint import PREFIX, board_or_404, bp, seat_or_404, viewer
from governance.meetings.forms import (
    ApproveTermsForm,
    BoardForm,
    EndSeatForm,
    NewBoardForm,
    NewSeatForm,
    QuorumForm,
    SeatForm,
    SeatsOnForm,
    TermsForm,
    kind_minimum_fields,
)
from governance.meetings.meeting_forms import DateRangeForm
from governance.partners.models import PartnerKind
from governance.partners.services import partner_choices

BOARDS = f"{PREFIX}/boards"


@bp.route(f"{BOARDS}/")
@requires(Permission.MEETINGS_VIEW)
def boards_index():
    page = paginate(boards.boards_query())
    return render_template("meetings/boards/index.html", page=page, today=clock.today())


def _board_form(form_class, board=None):
    form = form_class(obj=board)
    form.reports_to_id.choices = [(None, "Nothing: it is the network's board")] + boards.board_choices(board)
    return form


@bp.route(f"{BOARDS}/new", methods=["GET", "POST"])
@requires(Permission.MEETINGS_MANAGE)
def new_board():
    form = _board_form(NewBoardForm)
    board = submit(form, lambda: boards.create_board(tenancy.current_network(), form.data, current_user))
    if board:
        flash(f"{board.name} has been set up. Add its members and its quorum rule next.")
        return redirect(url_for("meetings.board", board_id=board.id))
    return render_template("meetings/boards/form.html", form=form, board=None)


@bp.route(f"{BOARDS}/<int:board_id>")
@requires(Permission.MEETINGS_VIEW)
def board(board_id):
    page = boards.board_page(board_or_404(board_id))
    versions = terms.versions_of(page.board)
    return render_template("meetings/boards/show.html", page=page, board=page.board,
                           current_terms=terms.current_terms(versions), draft_terms=terms.draft_of(versions),
                           sits_on=viewer().sits_on(page.board.id))


@bp.route(f"{BOARDS}/<int:board_id>/edit", methods=["GET", "POST"])
@requires(Permission.MEETINGS_MANAGE)
def edit_board(board_id):
    board = board_or_404(board_id)
    form = _board_form(BoardForm, board)
    if submit(form, lambda: boards.update_board(board, form.data, form.version.data), editing=board):
        flash(f"{board.name} has been saved.")
        return redirect(url_for("meetings.board", board_id=board.id))
    return render_template("meetings/boards/form.html", form=form, board=board)


@bp.route(f"{BOARDS}/<int:board_id>/members")
@requires(Permission.MEETINGS_VIEW)
def board_members(board_id):
    board = boards.load_board(board_or_404(board_id))
    form = SeatsOnForm(request.args)
    day = form.on.data if form.on.data and not form.on.process_errors else None
    return render_template("meetings/boards/members.html", board=board, form=form, day=day,
                           seated=boards.seats_on(board.id, day) if day else None, today=clock.today())


def _seat_form(form_class, seat=None, **defaults):
    form = form_class(obj=seat, **defaults)
    form.partner_id.choices = [(None, "No partner")] + partner_choices()
    if hasattr(form, "membership_id"):
        form.membership_id.choices = [(None, "Choose a member")] + boards.member_choices()
    return form


@bp.route(f"{BOARDS}/<int:board_id>/members/new", methods=["GET", "POST"])
@requires(Permission.MEETINGS_MANAGE)
def new_seat(board_id):
    board = board_or_404(board_id)
    form = _seat_form(NewSeatForm, from_date=clock.today())
    seat = submit(form, lambda: boards.add_seat(board, form.data))
    if seat:
        flash(f"{seat.name} now sits on {board.name} as {seat.role_label.lower()}.")
        return redirect(url_for("meetings.board_members", board_id=board.id))
    return render_template("meetings/boards/seat_form.html", form=form, board=board, seat=None)


@bp.route(f"{BOARDS}/<int:board_id>/members/<int:seat_id>/edit", methods=["GET", "POST"])
@requires(Permission.MEETINGS_MANAGE)
def edit_seat(board_id, seat_id):
    board = board_or_404(board_id)
    seat = seat_or_404(board, seat_id)
    form = _seat_form(SeatForm, seat)
    if submit(form, lambda: boards.update_seat(seat, form.data, form.version.data), editing=seat):
        flash(f"{seat.name}'s seat has been saved.")
        return redirect(url_for("meetings.board_members", board_id=board.id))
    return render_template("meetings/boards/seat_form.html", form=form, board=board, seat=seat)


@bp.route(f"{BOARDS}/<int:board_id>/members/<int:seat_id>/end", methods=["GET", "POST"])
@requires(Permission.MEETINGS_MANAGE)
def end_seat(board_id, seat_id):
    board = board_or_404(board_id)
    seat = seat_or_404(board, seat_id)
    form = EndSeatForm(to_date=clock.today())
    if submit(form, lambda: boards.end_seat(seat, form.to_date.data)):
        flash(f"{seat.name} sat on {board.name} until {format_date(form.to_date.data)}.")
        return redirect(url_for("meetings.board_members", board_id=board.id))
    return render_template("meetings/boards/end_seat.html", form=form, board=board, seat=seat)


def _rule_data(form) -> dict:
    data = form.data
    data["kind_minimums"] = {kind.value: form[f"min_{kind.value}"].data for kind in PartnerKind}
    return data


@bp.route(f"{BOARDS}/<int:board_id>/quorum", methods=["GET", "POST"])
@requires(Permission.MEETINGS_MANAGE)
def quorum_rule(board_id):
    board = board_or_404(board_id)
    form = QuorumForm(data=boards.rule_form_data(boards.rule_in_force(board.id, clock.today())))
    if submit(form, lambda: boards.set_quorum_rule(board, _rule_data(form), current_user)):
        flash(f"The quorum rule of {board.name} has been saved.")
        return redirect(url_for("meetings.board", board_id=board.id))
    return render_template("meetings/boards/quorum.html", form=form, board=board,
                           kind_fields=kind_minimum_fields(form), rules=boards.rules_of(board))


# Terms of reference ---------------------------------------------------------------------------

def _terms_readable(board, version) -> None:
    if version is None or (version.is_draft and not (viewer().manages or viewer().sits_on(board.id))):
        abort(404)


@bp.route(f"{BOARDS}/<int:board_id>/terms")
@requires(Permission.MEETINGS_VIEW)
def board_terms(board_id):
    board = board_or_404(board_id)
    versions = terms.versions_of(board)
    current = terms.current_terms(versions)
    return render_template("meetings/boards/terms.html", board=board, versions=versions, current=current,
                           draft=terms.draft_of(versions), body=terms.render(current.body) if current else None,
                           decisions=terms.approving_decisions(versions),
                           may_read_drafts=viewer().manages or viewer().sits_on(board.id))


@bp.route(f"{BOARDS}/<int:board_id>/terms/<int:number>")
@requires(Permission.MEETINGS_VIEW)
def terms_version(board_id, number):
    board = board_or_404(board_id)
    version = terms.get_version(board, number)
    _terms_readable(board, version)
    return render_template("meetings/boards/terms_version.html", board=board, version=version,
                           body=terms.render(version.body), confirm_form=ConfirmForm(),
                           decision=terms.approving_decisions([version]).get(version.id))


@bp.route(f"{BOARDS}/<int:board_id>/terms/<int:number>/draft.pdf")
@requires(Permission.MEETINGS_VIEW)
def terms_draft_pdf(board_id, number):
    board = board_or_404(board_id)
    version = terms.get_version(board, number)
    _terms_readable(board, version)
    if not version.is_draft:
        abort(404)
    pdf = terms.draft_pdf(tenancy.current_network(), board, version)
    return pdf_response(pdf, f"draft-terms-of-reference-{board.id}-v{number}.pdf", inline=True)


@bp.route(f"{BOARDS}/<int:board_id>/terms/draft", methods=["GET", "POST"])
@requires(Permission.MEETINGS_MANAGE)
def edit_terms(board_id):
    board = board_or_404(board_id)
    draft = terms.draft_of(terms.versions_of(board))
    form = TermsForm(obj=draft, body=None if draft else terms.draft_text(board))
    saved = submit(form, lambda: terms.save_draft(board, form.body.data, form.version.data, current_user),
                   editing=draft)
    if saved:
        flash(f"Draft version {saved.number} has been saved.")
        return redirect(url_for("meetings.terms_version", board_id=board.id, number=saved.number))
    return render_template("meetings/boards/terms_form.html", form=form, board=board, draft=draft)


@bp.route(f"{BOARDS}/<int:board_id>/terms/<int:number>/approve", methods=["GET", "POST"])
@requires(Permission.MEETINGS_MANAGE)
def approve_terms(board_id, number):
    board = board_or_404(board_id)
    version = terms.get_version(board, number)
    if version is None or not version.is_draft:
        abort(404)
    form = ApproveTermsForm()
    job = submit(form, lambda: terms.approve(tenancy.current_network(), board, version, form.approved_on.data,
                                             form.note.data, current_user, form.decision_reference.data))
    if job:
        flash(f"Version {number} of the terms of reference is approved. Its PDF is being made.")
        return redirect(url_for("documents.job", job_id=job.id))
    return render_template("meetings/boards/terms_approve.html", form=form, board=board, version=version,
                           approvers=[b.name for b in terms.approving_boards(board)])


@bp.route(f"{BOARDS}/<int:board_id>/terms.pdf")
@requires(Permission.MEETINGS_VIEW)
def terms_pdf(board_id):
    board = board_or_404(board_id)
    current = terms.current_terms(terms.versions_of(board))
    document = load_with_pdf(current.document_id) if current and current.document_id else None
    if document is None:
        abort(404)
    return pdf_response(document.pdf, document.filename)


# Attendance register --------------------------------------------------------------------------

def _register(board):
    form = DateRangeForm(request.args)
    start, end = register.financial_year(tenancy.current_network().financial_year_start)
    if form.start.data and form.end.data and not (form.start.process_errors or form.end.process_errors):
        start, end = min(form.start.data, form.end.data), max(form.start.data, form.end.data)
    form.start.process(None, start)
    form.end.process(None, end)
    return form, register.attendance_register(board, start, end)


@bp.route(f"{BOARDS}/<int:board_id>/register")
@requires(Permission.MEETINGS_VIEW)
def attendance_register(board_id):
    form, result = _register(board_or_404(board_id))
    return render_template("meetings/boards/register.html", form=form, register=result)


def _spreadsheet_safe(text: str) -> str:
    """Text a spreadsheet will not run as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@bp.route(f"{BOARDS}/<int:board_id>/register.csv")
@requires(Permission.MEETINGS_VIEW)
def attendance_register_csv(board_id):
    board = board_or_404(board_id)
    _, result = _register(board)
    out = io.StringIO()
    writer = csv.writer(out)
    cell = _spreadsheet_safe
    writer.writerow(["Member", "Role", "Partner", "Meetings while a member", "Present", "Represented",
                     "Apologies", "Absent", "Not recorded", "Attendance rate (%)"])
    for row in result.rows:
        writer.writerow([cell(row.name), cell("; ".join(row.roles)), cell(row.partner), row.expected, row.present,
                         row.counts.get("represented", 0), row.counts.get("apologies", 0),
                         row.counts.get("absent", 0), row.not_recorded, "" if row.rate is None else row.rate])
    filename = f"{tenancy.current_network().slug}-attendance-{result.start}-to-{result.end}.csv"
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
