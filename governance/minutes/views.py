from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from governance.core import tenancy
from governance.core.forms import ConfirmForm
from governance.core.pdf import pdf_response
from governance.core.permissions import Permission, requires
from governance.core.views import confirm, paginate_rows, submit
from governance.meetings import agenda
from governance.meetings.meeting_models import Meeting
from governance.meetings.models import Board
from governance.minutes import corrections, in_packs, pages, services  # noqa: F401  in_packs: board packs
from governance.minutes.forms import ApprovalForm, CorrectionForm, minutes_form

bp = Blueprint("minutes", __name__)
BASE = "/n/<network_slug>/minutes"


def _meeting(meeting_id) -> Meeting:
    return tenancy.get_or_404(Meeting, meeting_id)


def _minutes_or_404(meeting: Meeting):
    minutes = services.minutes_of(meeting)
    if minutes is None:
        abort(404)
    return minutes


def _approval_form(page) -> ApprovalForm:
    form = ApprovalForm()
    form.decision.choices = [("", "Choose a decision")] + [
        (str(d.id), f"{d.reference}: {d.title} ({d.decided_on:%d %B %Y})") for d in page.choices]
    return form


@bp.route(f"{BASE}/boards/<int:board_id>")
@requires(Permission.DECISIONS_VIEW)
def board(board_id):
    record = tenancy.get_or_404(Board, board_id)
    page = paginate_rows(services.board_minutes_query(record.id))
    return render_template("minutes/board.html", board=record, page=page, status_of=services.status_of)


@bp.route(f"{BASE}/meetings/<int:meeting_id>")
@requires(Permission.MEETINGS_VIEW)
def show(meeting_id):
    page = pages.minutes_page(_meeting(meeting_id), pages.viewer())
    return render_template("minutes/show.html", page=page, meeting=page.meeting, confirm_form=ConfirmForm(),
                           approval_form=_approval_form(page))


@bp.route(f"{BASE}/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@requires(Permission.DECISIONS_RECORD)
def edit(meeting_id):
    meeting = _meeting(meeting_id)
    minutes = services.minutes_of(meeting)
    items = [item for item in agenda.items_of(meeting) if not item.is_withdrawn]
    form = minutes_form(items, obj=minutes, data={f"summary_{i.id}": minutes.summary_of(i.id) for i in items}
                        if minutes else None)
    saved = submit(form, lambda: services.save_minutes(meeting, form.data, form.version.data, current_user),
                   editing=minutes)
    if saved:
        flash("The draft minutes have been saved.")
        return redirect(url_for("minutes.show", meeting_id=meeting.id))
    return render_template("minutes/form.html", form=form, meeting=meeting, items=items,
                           content=services.content(meeting, minutes), held=services.is_held(meeting))


@bp.route(f"{BASE}/meetings/<int:meeting_id>/draft.pdf")
@requires(Permission.DECISIONS_VIEW)
def draft_pdf(meeting_id):
    meeting = _meeting(meeting_id)
    if not pages.viewer().reads_in_full(meeting) or not services.is_held(meeting):
        abort(404)
    pdf = services.draft_pdf(tenancy.current_network(), meeting, services.minutes_of(meeting))
    return pdf_response(pdf, f"draft-minutes-{meeting.local_start:%Y-%m-%d}.pdf", inline=False)


@bp.route(f"{BASE}/meetings/<int:meeting_id>/circulate", methods=["POST"])
@requires(Permission.DECISIONS_RECORD)
def circulate(meeting_id):
    minutes = _minutes_or_404(_meeting(meeting_id))
    confirm(lambda: services.circulate(tenancy.current_network(), minutes, current_user),
            lambda sent: f"The draft minutes have been sent to {sent} members of the board.")
    return redirect(url_for("minutes.show", meeting_id=meeting_id))


@bp.route(f"{BASE}/meetings/<int:meeting_id>/approve", methods=["POST"])
@requires(Permission.DECISIONS_RECORD)
def approve(meeting_id):
    meeting = _meeting(meeting_id)
    minutes = _minutes_or_404(meeting)
    page = pages.minutes_page(meeting, pages.viewer())
    form = _approval_form(page)
    done = submit(form, lambda: services.approve(tenancy.current_network(), minutes, form.decision.data,
                                                 current_user))
    if done:
        flash("The minutes have been approved, locked and issued.")
        return redirect(url_for("minutes.show", meeting_id=meeting.id))
    return render_template("minutes/show.html", page=page, meeting=meeting, confirm_form=ConfirmForm(),
                           approval_form=form), 400


@bp.route(f"{BASE}/meetings/<int:meeting_id>/public")
@requires(Permission.MEETINGS_VIEW)
def public(meeting_id):
    meeting = _meeting(meeting_id)
    approved = services.approved_of(meeting)
    if approved is None:
        abort(404)
    return render_template("minutes/public.html", meeting=meeting, approved=approved,
                           content=services.public_content(approved.content),
                           corrections=pages.public_corrections(approved))


@bp.route(f"{BASE}/meetings/<int:meeting_id>/corrections/new", methods=["GET", "POST"])
@requires(Permission.DECISIONS_RECORD)
def correct(meeting_id):
    meeting = _meeting(meeting_id)
    approved = services.approved_of(meeting) or abort(404)
    form = CorrectionForm()
    form.section.choices = [("", "Choose a part")] + [(s.key, s.title) for s in corrections.sections_of(approved)]
    form.decision.choices = [("", "Choose a decision")] + [
        (str(d.id), f"{d.reference}: {d.title} ({d.decided_on:%d %B %Y})")
        for d in corrections.decision_choices(meeting, approved)]
    done = submit(form, lambda: corrections.record_correction(tenancy.current_network(), approved, form.data,
                                                              current_user), every_error=True)
    if done:
        flash("The correction is recorded and the minutes are issued again with it. The approved text is unchanged.")
        return redirect(url_for("minutes.show", meeting_id=meeting.id, _anchor="corrections"))
    return render_template("minutes/correction_form.html", form=form, meeting=meeting, approved=approved)
