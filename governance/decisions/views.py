from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from governance.core import cards, clock, tenancy
from governance.core.cards import DashboardCard
from governance.core.forms import ConfirmForm
from governance.core.permissions import Permission, can, requires
from governance.core.views import paginate, submit
from governance.decisions import (  # noqa: F401  citations: hooks
    actions,
    affected,
    citations,
    logs,
    pages,
    records,
    resolutions,
)
from governance.decisions.forms import (
    ActionForm,
    ActionSearchForm,
    ChairsActionForm,
    DecisionSearchForm,
    NewActionForm,
    ProgressForm,
    VoteForm,
    WrittenResolutionForm,
    meeting_decision_form,
    with_affected_choices,
    with_choices,
)
from governance.decisions.models import BoardAction, Decision, WrittenResolution
from governance.meetings import agenda
from governance.meetings.meeting_models import AgendaItem, Meeting
from governance.meetings.models import Board
from governance.mous.services import mou_choices
from governance.partners import sections as partner_sections
from governance.partners.sections import PartnerSection
from governance.partners.services import partner_choices

bp = Blueprint("decisions", __name__)
BASE = "/n/<network_slug>/decisions"
ACTIONS = "/n/<network_slug>/actions"


def _decision_or_404(decision_id) -> Decision:
    decision = tenancy.get_or_404(Decision, decision_id)
    if not pages.may_read(decision, pages.viewer()):
        abort(404)
    return decision


def _item_or_404(meeting: Meeting, item_id) -> AgendaItem:
    item = tenancy.get_or_404(AgendaItem, item_id)
    if item.meeting_id != meeting.id or item.is_withdrawn:
        abort(404)
    return item


def _affects(form):
    with_affected_choices(form, affected.choice_groups())
    return with_choices(form, partner_ids=partner_choices(), mou_ids=mou_choices())


def _search():
    form = with_choices(DecisionSearchForm(request.args), board=logs.board_choices())
    form.validate()
    return form, logs.DecisionFilters(form.board.data if form.board.data and form.board.data > 0 else None,
                                      form.outcome.data or None, form.start.data, form.end.data,
                                      (form.q.data or "").strip() if not form.q.errors else "",
                                      form.affects.data if affected.parse_key(form.affects.data) else "")


# ------------------------------------------------------------------------------------ the decision log

@bp.route(f"{BASE}/")
@requires(Permission.DECISIONS_VIEW)
def index():
    form, filters = _search()
    page = paginate(logs.decisions_query(filters, pages.viewer()))
    return render_template("decisions/index.html", page=page, form=form, followed=logs.followed_by(page.items),
                           affecting=affected.describe(filters.affects), filtered=bool(filters.affects),
                           head=logs.verified_head(tenancy.active_network_id()), confirm_form=ConfirmForm(),
                           pending=records.pending_chairs_actions())


@bp.route(f"{BASE}/log.csv")
@requires(Permission.DECISIONS_VIEW)
def log_csv():
    _, filters = _search()
    body = logs.decisions_csv(filters, pages.viewer())
    filename = f"{tenancy.current_network().slug}-decision-log-{clock.today().isoformat()}.csv"
    return Response("\ufeff" + body, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.route(f"{BASE}/log.pdf", methods=["POST"])
@requires(Permission.DECISIONS_RECORD)
def log_pdf():
    _, filters = _search()
    if not ConfirmForm().validate_on_submit():
        abort(400)
    job = logs.request_decision_log(tenancy.current_network(), filters, current_user)
    return redirect(url_for("documents.job", job_id=job.id))


@bp.route(f"{BASE}/<int:decision_id>")
@requires(Permission.DECISIONS_VIEW)
def show(decision_id):
    page = pages.decision_page(_decision_or_404(decision_id))
    return render_template("decisions/show.html", page=page, decision=page.decision)


# ------------------------------------------------------------------------------------ at a meeting

@bp.route(f"{BASE}/meetings/<int:meeting_id>")
@requires(Permission.DECISIONS_VIEW)
def meeting(meeting_id):
    record = tenancy.get_or_404(Meeting, meeting_id)
    return render_template("decisions/meeting.html", page=pages.meeting_decisions(record, pages.viewer()))


@bp.route(f"{BASE}/meetings/<int:meeting_id>/items/<int:item_id>/decide", methods=["GET", "POST"])
@requires(Permission.DECISIONS_RECORD)
def decide(meeting_id, item_id):
    record = tenancy.get_or_404(Meeting, meeting_id)
    item = _item_or_404(record, item_id)
    context = records.item_context(record, item)
    form = _affects(meeting_decision_form(context.voters, title=item.title))
    data = lambda: {**form.data, "by_name": form.by_name.data == "y",  # noqa: E731
                    "named": {s.id: form[f"vote_{s.id}"].data for s in context.voters}}
    decision = submit(form, lambda: records.record_decision(record, item, data(), current_user))
    if decision:
        flash(f"Decision {decision.reference} has been recorded.")
        return redirect(url_for("decisions.meeting", meeting_id=record.id, _anchor=f"item-{item.id}"))
    return render_template("decisions/decide.html", form=form, meeting=record, item=item, context=context)


@bp.route(f"{BASE}/meetings/<int:meeting_id>/actions/new", methods=["GET", "POST"])
@requires(Permission.DECISIONS_RECORD)
def new_meeting_action(meeting_id):
    record = tenancy.get_or_404(Meeting, meeting_id)
    items = [(i.id, i.title) for i in agenda.items_of(record) if not i.is_withdrawn]
    form = with_choices(NewActionForm(agenda_item_id=request.args.get("item", type=int)),
                        owner_id=actions.member_choices(), agenda_item_id=items)
    item = tenancy.get_or_404(AgendaItem, form.agenda_item_id.data) if form.agenda_item_id.data else None
    action = submit(form, lambda: actions.create_action(record, item, None, form.data, current_user))
    if action:
        flash(f"Action {action.reference} has been recorded for {action.owner_name}.")
        return redirect(url_for("decisions.meeting", meeting_id=record.id))
    return render_template("decisions/action_form.html", form=form, meeting=record, decision=None, action=None)


@bp.route(f"{BASE}/<int:decision_id>/actions/new", methods=["GET", "POST"])
@requires(Permission.DECISIONS_RECORD)
def new_decision_action(decision_id):
    decision = _decision_or_404(decision_id)
    form = with_choices(NewActionForm(), owner_id=actions.member_choices())
    action = submit(form, lambda: actions.create_action(None, None, decision, form.data, current_user))
    if action:
        flash(f"Action {action.reference} has been recorded for {action.owner_name}.")
        return redirect(url_for("decisions.show", decision_id=decision.id))
    return render_template("decisions/action_form.html", form=form, meeting=None, decision=decision, action=None)


# ------------------------------------------------------------------------------------ between meetings

@bp.route(f"{BASE}/chairs-actions/new", methods=["GET", "POST"])
@requires(Permission.DECISIONS_RECORD)
def new_chairs_action():
    form = _affects(with_choices(ChairsActionForm(decided_on=clock.today()), board_id=logs.board_choices()))
    board = tenancy.get_or_404(Board, form.board_id.data) if form.board_id.data else None
    decision = submit(form, lambda: records.record_chairs_action(board, form.data, current_user) if board
                      else records.refuse("Choose the board or committee", "board_id"))
    if decision:
        flash(f"Chair's action {decision.reference} has been recorded. It is listed until the board ratifies it.")
        return redirect(url_for("decisions.show", decision_id=decision.id))
    return render_template("decisions/between_form.html", form=form, kind="chairs_action")


@bp.route(f"{BASE}/resolutions")
@requires(Permission.DECISIONS_VIEW)
def resolutions_index():
    page = paginate(resolutions.resolutions_query())
    return render_template("decisions/resolutions.html", page=page,
                           open=pages.open_resolutions(g.get("membership")))


@bp.route(f"{BASE}/resolutions/new", methods=["GET", "POST"])
@requires(Permission.DECISIONS_RECORD)
def new_resolution():
    form = _affects(with_choices(WrittenResolutionForm(), board_id=logs.board_choices()))
    board = tenancy.get_or_404(Board, form.board_id.data) if form.board_id.data else None
    resolution = submit(form, lambda: resolutions.circulate(board, form.data, current_user) if board
                        else records.refuse("Choose the board or committee", "board_id"))
    if resolution:
        flash(f"The written resolution has been sent to {len(resolution.voters)} voting members.")
        return redirect(url_for("decisions.resolution", resolution_id=resolution.id))
    return render_template("decisions/between_form.html", form=form, kind="written_resolution")


@bp.route(f"{BASE}/resolutions/<int:resolution_id>", methods=["GET", "POST"])
@requires(Permission.DECISIONS_VIEW)
def resolution(resolution_id):
    record = tenancy.get_or_404(WrittenResolution, resolution_id)
    form = VoteForm()
    membership = g.get("membership")
    if submit(form, lambda: resolutions.cast_vote(record, membership, form.vote.data, current_user)):
        flash("Your vote has been recorded.")
        return redirect(url_for("decisions.resolution", resolution_id=record.id))
    page = pages.resolution_page(record, membership)
    return render_template("decisions/resolution.html", page=page, resolution=record, form=form)


# ------------------------------------------------------------------------------------ actions

def _action_search():
    form = with_choices(ActionSearchForm(request.args), board=logs.board_choices(),
                        owner=actions.member_choices(), meeting=logs.meeting_choices())
    form.validate()
    positive = lambda value: value if value and value > 0 else None  # noqa: E731
    return form, logs.ActionFilters(positive(form.board.data), positive(form.owner.data), form.status.data or None,
                                    positive(form.meeting.data))


@bp.route(f"{ACTIONS}/")
@requires(Permission.DECISIONS_VIEW)
def actions_index():
    form, filters = _action_search()
    page = paginate(logs.actions_query(filters, pages.viewer()))
    return render_template("decisions/actions.html", page=page, form=form, today=clock.today(),
                           confirm_form=ConfirmForm())


@bp.route(f"{ACTIONS}/log.pdf", methods=["POST"])
@requires(Permission.DECISIONS_RECORD)
def actions_pdf():
    _, filters = _action_search()
    if not ConfirmForm().validate_on_submit():
        abort(400)
    job = logs.request_action_log(tenancy.current_network(), filters, current_user)
    return redirect(url_for("documents.job", job_id=job.id))


@bp.route(f"{ACTIONS}/mine")
@requires(Permission.NETWORK_VIEW)
def my_actions():
    membership = g.get("membership")
    page = paginate(logs.my_actions_query(membership))
    return render_template("decisions/my_actions.html", page=page, today=clock.today(),
                           votes=pages.awaiting_my_vote(membership))


def _action_or_404(action_id) -> BoardAction:
    action = tenancy.get_or_404(BoardAction, action_id)
    if not pages.may_see_action(action, g.get("membership"), pages.viewer(), can(Permission.DECISIONS_VIEW)):
        abort(404)
    return action


@bp.route(f"{ACTIONS}/<int:action_id>", methods=["GET", "POST"])
@requires(Permission.NETWORK_VIEW)
def action(action_id):
    record = _action_or_404(action_id)
    manages = can(Permission.DECISIONS_RECORD)
    form = ProgressForm(status=record.status)
    if submit(form, lambda: actions.record_progress(record, form.data, current_user,
                                                     membership=g.get("membership"), manages=manages)):
        flash(f"Action {record.reference} has been updated.")
        return redirect(url_for("decisions.action", action_id=record.id))
    return render_template("decisions/action.html", action=record, form=form, today=clock.today(),
                           may_update=actions.may_update(record, g.get("membership"), manages), manages=manages)


@bp.route(f"{ACTIONS}/<int:action_id>/edit", methods=["GET", "POST"])
@requires(Permission.DECISIONS_RECORD)
def edit_action(action_id):
    record = _action_or_404(action_id)
    form = with_choices(ActionForm(obj=record), owner_id=actions.member_choices())
    if submit(form, lambda: actions.update_action(record, form.data, form.version.data), editing=record):
        flash(f"Action {record.reference} has been saved.")
        return redirect(url_for("decisions.action", action_id=record.id))
    return render_template("decisions/action_form.html", form=form, meeting=None, decision=None, action=record)


def _load_my_card(membership):
    data = pages.my_actions_card(membership)
    return None if data is None else {"mine": data}


cards.register(DashboardCard("my_actions", "decisions/_my_actions_card.html", _load_my_card, order=30,
                             audience=cards.EVERYONE))


def _partner_decisions(partner):
    if not can(Permission.DECISIONS_VIEW):
        return None
    return {"found": logs.linked_decisions("partner", partner.id, pages.viewer())}


partner_sections.register(PartnerSection(key="decisions", title="Decisions", template="decisions/_partner_section.html",
                                         load=_partner_decisions, order=30))
