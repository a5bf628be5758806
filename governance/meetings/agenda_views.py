"""Pages for a meeting's agenda and papers: items, moving them, uploads, issuing, the board pack."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from governance.core import tenancy
from governance.core.forms import ConfirmForm
from governance.core.pdf import pdf_response
from governance.core.permissions import Permission, requires
from governance.core.views import confirm, submit
from governance.documents.services import load_with_pdf
from governance.meetings import agenda, changes, issuing, packs, papers, scheduling, times
from governance.meetings.blueprint import PREFIX, bp, item_or_404, meeting_or_404, paper_or_404, viewer
from governance.meetings.meeting_forms import IssueForm, ItemForm, NewItemForm, PaperForm

MEETING = f"{PREFIX}/<int:meeting_id>"


def _back(meeting, anchor: str = "agenda"):
    return redirect(url_for("meetings.show", meeting_id=meeting.id, _anchor=anchor))


@bp.route(f"{MEETING}/items/new", methods=["GET", "POST"])
@requires(Permission.MEETINGS_MANAGE)
def new_item(meeting_id):
    meeting = meeting_or_404(meeting_id)
    form = NewItemForm()
    item = submit(form, lambda: agenda.add_item(meeting, form.data, current_user))
    if item:
        flash(f"\"{item.title}\" has been added to the agenda as item {item.position}.")
        return _back(meeting, f"item-{item.id}")
    return render_template("meetings/item_form.html", form=form, meeting=meeting, item=None)


@bp.route(f"{MEETING}/items/<int:item_id>/edit", methods=["GET", "POST"])
@requires(Permission.MEETINGS_MANAGE)
def edit_item(meeting_id, item_id):
    meeting = meeting_or_404(meeting_id)
    item = item_or_404(meeting, item_id)
    form = ItemForm(obj=item)
    if submit(form, lambda: agenda.update_item(item, form.data, form.version.data), editing=item):
        flash(f"\"{item.title}\" has been saved.")
        return _back(meeting, f"item-{item.id}")
    return render_template("meetings/item_form.html", form=form, meeting=meeting, item=item)


@bp.route(f"{MEETING}/items/<int:item_id>/move", methods=["POST"])
@requires(Permission.MEETINGS_MANAGE)
def move_item(meeting_id, item_id):
    meeting = meeting_or_404(meeting_id)
    item = item_or_404(meeting, item_id)
    direction = request.form.get("direction", "")
    moved = confirm(lambda: agenda.move_item(meeting, item.id, direction),
                    lambda moved: f"\"{moved.title}\" is now item {moved.position}.")
    return _back(meeting, f"item-{item_id}" if moved else "agenda")


@bp.route(f"{MEETING}/items/<int:item_id>/remove", methods=["POST"])
@requires(Permission.MEETINGS_MANAGE)
def remove_item(meeting_id, item_id):
    meeting = meeting_or_404(meeting_id)
    item = item_or_404(meeting, item_id)
    confirm(lambda: agenda.remove_item(meeting, item.id, current_user),
            lambda removed: f"\"{removed.title}\" has been " + ("withdrawn." if removed.is_withdrawn
                                                               else "taken off the agenda."))
    return _back(meeting)


@bp.route(f"{MEETING}/items/<int:item_id>/papers/new", methods=["GET", "POST"])
@requires(Permission.MEETINGS_MANAGE)
def new_paper(meeting_id, item_id):
    meeting = meeting_or_404(meeting_id)
    item = item_or_404(meeting, item_id)
    form = PaperForm()
    paper = submit(form, lambda: papers.add_paper(meeting, item, form.file.data, form.title.data,
                                                   form.author.data, current_user))
    if paper:
        flash(f"\"{paper.title}\" ({paper.page_count} page{'s' if paper.page_count != 1 else ''}) has been "
              f"added to item {item.position}.")
        return _back(meeting, f"item-{item.id}")
    return render_template("meetings/paper_form.html", form=form, meeting=meeting, item=item,
                           max_size=papers.max_size_words())


@bp.route(f"{MEETING}/papers/<int:paper_id>.pdf")
@requires(Permission.MEETINGS_VIEW)
def paper(meeting_id, paper_id):
    meeting = meeting_or_404(meeting_id)
    found = paper_or_404(meeting, paper_id)
    item = item_or_404(meeting, found.agenda_item_id)
    if not viewer().reads_papers_of(meeting, item):
        abort(403)
    loaded = papers.load_content(found.id)
    return pdf_response(loaded.content, loaded.filename, inline=True)


@bp.route(f"{MEETING}/papers/<int:paper_id>/remove", methods=["POST"])
@requires(Permission.MEETINGS_MANAGE)
def remove_paper(meeting_id, paper_id):
    meeting = meeting_or_404(meeting_id)
    found = paper_or_404(meeting, paper_id)
    confirm(lambda: papers.remove_paper(meeting, found, current_user),
            lambda removed: f"\"{removed.title}\" has been " + ("withdrawn." if removed.withdrawn_at
                                                               else "removed."))
    return _back(meeting, f"item-{found.agenda_item_id}")


@bp.route(f"{MEETING}/issue", methods=["GET", "POST"])
@requires(Permission.MEETINGS_MANAGE)
def issue(meeting_id):
    meeting = scheduling.load_meeting(meeting_or_404(meeting_id))
    if request.method == "GET" and meeting.papers_issued:
        return _back(meeting, "agenda")
    deadline = times.papers_deadline(meeting.starts_at)
    form = IssueForm(late_confirmed="yes" if deadline.late else "")
    told = submit(form, lambda: issuing.issue_papers(tenancy.current_network(), meeting, current_user,
                                                     late_confirmed=form.late_confirmed.data == "yes"))
    if told:
        flash(f"The papers have been issued and {told} member{'s were' if told != 1 else ' was'} told. "
              "The board pack is being made.")
        return _back(meeting, "papers")
    return render_template("meetings/issue.html", form=form, meeting=meeting, deadline=deadline,
                           summary=issuing.issue_summary(meeting))


@bp.route(f"{MEETING}/send-update", methods=["POST"])
@requires(Permission.MEETINGS_MANAGE)
def send_update(meeting_id):
    meeting = meeting_or_404(meeting_id)
    confirm(lambda: issuing.send_update(meeting, current_user),
            lambda told: f"The members have been told what changed since the papers were issued ({told} told).")
    return _back(meeting, "agenda")


# The board pack and the agenda ----------------------------------------------------------------

def _full_reader(meeting):
    if not viewer().reads_in_full(meeting):
        abort(403)


@bp.route(f"{MEETING}/board-pack")
@requires(Permission.MEETINGS_VIEW)
def board_pack(meeting_id):
    meeting = scheduling.load_meeting(meeting_or_404(meeting_id))
    _full_reader(meeting)
    state = packs.pack_state(meeting, meeting.items)
    return render_template("meetings/board_pack.html", meeting=meeting, state=state, confirm_form=ConfirmForm())


@bp.route(f"{MEETING}/board-pack.pdf")
@requires(Permission.MEETINGS_VIEW)
def board_pack_pdf(meeting_id):
    meeting = scheduling.load_meeting(meeting_or_404(meeting_id))
    _full_reader(meeting)
    state = packs.pack_state(meeting, meeting.items)
    document = load_with_pdf(state.pack.document_id) if state.ready else None
    if document is None:
        return redirect(url_for("meetings.board_pack", meeting_id=meeting.id))
    # a declared interest leaves papers out; the previous minutes lose their confidential items for some readers
    pdf = packs.copy_for(tenancy.current_network(), document.pdf, meeting, meeting.items, viewer())
    return pdf_response(pdf, document.filename)


@bp.route(f"{MEETING}/board-pack", methods=["POST"])
@requires(Permission.MEETINGS_VIEW)
def make_board_pack(meeting_id):
    meeting = meeting_or_404(meeting_id)
    _full_reader(meeting)
    job = confirm(lambda: packs.request_or_reuse(tenancy.current_network(), meeting, current_user),
                  "The board pack is being made.")
    if job:
        return redirect(url_for("documents.job", job_id=job.id))
    return redirect(url_for("meetings.board_pack", meeting_id=meeting.id))


@bp.route(f"{MEETING}/agenda.pdf")
@requires(Permission.MEETINGS_VIEW)
def agenda_pdf(meeting_id):
    meeting = scheduling.load_meeting(meeting_or_404(meeting_id))
    items = meeting.items
    visible = [item for item in items if viewer().sees_item(meeting, item)]
    pdf = packs.agenda_pdf(tenancy.current_network(), meeting, items, visible,
                           changes.changes_since_issue(meeting, items))
    return pdf_response(pdf, f"agenda-{meeting.local_start:%Y-%m-%d}-{meeting.id}.pdf", inline=True)
