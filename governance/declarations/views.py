"""Pages for the register of interests, members' own declarations, declarations at meetings, the published register."""

from flask import Blueprint, abort, flash, g, redirect, render_template, url_for
from flask_login import current_user

from governance.core import cards, clock, tenancy
from governance.core.cards import DashboardCard
from governance.core.formatting import format_date
from governance.core.forms import ConfirmForm
from governance.core.pdf import pdf_response
from governance.core.permissions import Permission, can, requires
from governance.core.views import confirm, submit
from governance.declarations import at_meetings, corrections, duties, pages, publishing, register
from governance.declarations.forms import (
    EndForm,
    GiftCorrectionForm,
    GiftForm,
    InterestForm,
    MeetingDeclarationCorrectionForm,
    MeetingDeclarationForm,
    PublishForm,
    WithholdForm,
)
from governance.declarations.models import GiftDeclaration, InterestDeclaration, MeetingDeclaration
from governance.documents import services as documents_services
from governance.meetings.meeting_models import Meeting
from governance.networks.models import Membership

bp = Blueprint("declarations", __name__)
BASE = "/n/<network_slug>/declarations"


def _entry_or_404(entry_id) -> InterestDeclaration:
    """The latest version of an interest that the reader may change (their own, or any for the secretary)."""
    entry = tenancy.get_or_404(InterestDeclaration, entry_id)
    mine = entry.membership_id == g.membership.id
    if not entry.is_interest or not (mine or can(Permission.DECLARATIONS_MANAGE)) or not pages.latest_entry(entry):
        abort(404)
    return entry


def _gift_or_404(gift_id) -> GiftDeclaration:
    """The latest version of a gift entry that the reader may correct (their own, or any for the secretary)."""
    gift = tenancy.get_or_404(GiftDeclaration, gift_id)
    mine = gift.membership_id == g.membership.id
    if not (mine or can(Permission.DECLARATIONS_MANAGE)) or not corrections.is_latest(GiftDeclaration, gift):
        abort(404)
    return gift


def _back(entry_or_membership_id) -> str:
    membership_id = getattr(entry_or_membership_id, "membership_id", entry_or_membership_id)
    if membership_id == g.membership.id:
        return url_for("declarations.mine")
    return url_for("declarations.person", membership_id=membership_id)


# ------------------------------------------------------------------------------ the register (secretary)

@bp.route(f"{BASE}/")
@requires(Permission.DECLARATIONS_MANAGE)
def index():
    page, rows = pages.register_page()
    network = tenancy.current_network()
    return render_template("declarations/index.html", page=page, rows=rows, overdue=duties.overdue_count(),
                           published=publishing.is_published(network), publish_form=PublishForm(),
                           confirm_form=ConfirmForm())


@bp.route(f"{BASE}/people/<int:membership_id>")
@requires(Permission.DECLARATIONS_MANAGE)
def person(membership_id):
    membership = tenancy.get_or_404(Membership, membership_id)
    return render_template("declarations/person.html", view=pages.person_page(membership), own=False,
                           confirm_form=ConfirmForm())


@bp.route(f"{BASE}/people/<int:membership_id>/interests/new", methods=["GET", "POST"])
@requires(Permission.DECLARATIONS_MANAGE)
def new_interest_for(membership_id):
    membership = tenancy.get_or_404(Membership, membership_id)
    return _new_interest(membership)


@bp.route(f"{BASE}/people/<int:membership_id>/gifts/new", methods=["GET", "POST"])
@requires(Permission.DECLARATIONS_MANAGE)
def new_gift_for(membership_id):
    return _new_gift(tenancy.get_or_404(Membership, membership_id))


@bp.route(f"{BASE}/people/<int:membership_id>/return", methods=["POST"])
@requires(Permission.DECLARATIONS_MANAGE)
def return_for(membership_id):
    membership = tenancy.get_or_404(Membership, membership_id)
    confirm(lambda: register.annual_return(tenancy.current_network(), membership, current_user),
            lambda row: f"{row.kind_enum.label} recorded for {membership.user.full_name}.")
    return redirect(url_for("declarations.person", membership_id=membership.id))


@bp.route(f"{BASE}/entries/<int:entry_id>/withhold", methods=["GET", "POST"])
@requires(Permission.DECLARATIONS_MANAGE)
def withhold(entry_id):
    entry = _entry_or_404(entry_id)
    form = WithholdForm(reason=entry.withheld_reason)
    row = submit(form, lambda: register.withhold(entry, form.reason.data, current_user))
    if row:
        flash("The entry is withheld from the published register." if row.withheld
              else "The entry is shown on the published register again.")
        return redirect(_back(row))
    return render_template("declarations/withhold.html", form=form, entry=entry, back=_back(entry))


@bp.route(f"{BASE}/published", methods=["POST"])
@requires(Permission.DECLARATIONS_MANAGE)
def set_published():
    form = PublishForm()
    if submit(form, lambda: publishing.set_published(tenancy.current_network(), form.published.data == "yes")):
        flash("The register of interests is published." if form.published.data == "yes"
              else "The register of interests is no longer published.")
    else:
        flash("Select whether to publish the register of interests.", "error")
    return redirect(url_for("declarations.index"))


@bp.route(f"{BASE}/register.pdf", methods=["POST"])
@requires(Permission.DECLARATIONS_MANAGE)
def full_register():
    job = confirm(lambda: publishing.request_full_register(tenancy.current_network(), current_user),
                  "The full register of interests is being made.")
    return redirect(url_for("documents.job", job_id=job.id) if job else url_for("declarations.index"))


# ------------------------------------------------------------------------------ a member's own declarations

@bp.route(f"{BASE}/mine")
@requires(Permission.NETWORK_VIEW)
def mine():
    return render_template("declarations/person.html", view=pages.person_page(g.membership), own=True,
                           confirm_form=ConfirmForm())


@bp.route(f"{BASE}/mine/return", methods=["POST"])
@requires(Permission.NETWORK_VIEW)
def my_return():
    confirm(lambda: register.annual_return(tenancy.current_network(), g.membership, current_user),
            lambda row: f"Thank you. Your {row.kind_enum.label.lower()} is recorded on "
                        f"{format_date(row.declared_on)}.")
    return redirect(url_for("declarations.mine"))


@bp.route(f"{BASE}/mine/interests/new", methods=["GET", "POST"])
@requires(Permission.NETWORK_VIEW)
def new_interest():
    return _new_interest(g.membership)


@bp.route(f"{BASE}/mine/gifts/new", methods=["GET", "POST"])
@requires(Permission.NETWORK_VIEW)
def new_gift():
    return _new_gift(g.membership)


@bp.route(f"{BASE}/entries/<int:entry_id>/edit", methods=["GET", "POST"])
@requires(Permission.NETWORK_VIEW)
def edit_interest(entry_id):
    entry = _entry_or_404(entry_id)
    form = InterestForm(obj=entry, direct="direct" if entry.direct else "indirect")
    row = submit(form, lambda: register.update_interest(entry, form.data, current_user))
    if row:
        flash("The interest is updated. Its earlier version stays on the register.")
        return redirect(_back(row))
    return render_template("declarations/interest_form.html", form=form, entry=entry, who=entry.membership,
                           back=_back(entry))


@bp.route(f"{BASE}/entries/<int:entry_id>/end", methods=["GET", "POST"])
@requires(Permission.NETWORK_VIEW)
def end_interest(entry_id):
    entry = _entry_or_404(entry_id)
    form = EndForm(to_date=clock.today())
    row = submit(form, lambda: register.end_interest(entry, form.to_date.data, current_user))
    if row:
        flash("The interest has ended. It stays on the register as a past interest.")
        return redirect(_back(row))
    return render_template("declarations/end_form.html", form=form, entry=entry, back=_back(entry))


def _new_interest(membership):
    form = InterestForm()
    row = submit(form, lambda: register.declare_interest(tenancy.current_network(), membership, form.data,
                                                         current_user))
    if row:
        flash(f"The {row.category_label.lower()} interest is on the register.")
        return redirect(_back(membership.id))
    return render_template("declarations/interest_form.html", form=form, entry=None, who=membership,
                           back=_back(membership.id))


def _new_gift(membership):
    form = GiftForm()
    gift = submit(form, lambda: register.declare_gift(tenancy.current_network(), membership, form.data, current_user))
    if gift:
        flash(f"The gift or hospitality from {gift.giver} is on the register.")
        return redirect(_back(membership.id))
    return render_template("declarations/gift_form.html", form=form, who=membership, back=_back(membership.id),
                           correcting=None)


@bp.route(f"{BASE}/gifts/<int:gift_id>/correct", methods=["GET", "POST"])
@requires(Permission.NETWORK_VIEW)
def correct_gift(gift_id):
    gift = _gift_or_404(gift_id)
    form = GiftCorrectionForm(data=corrections.gift_form_data(gift))
    row = submit(form, lambda: corrections.correct_gift(gift, form.data, current_user), every_error=True)
    if row:
        flash("The entry is corrected. The entry as first recorded stays on the register, marked corrected.")
        return redirect(_back(row) + f"#gift-{row.id}")
    return render_template("declarations/gift_form.html", form=form, who=gift.membership, back=_back(gift),
                           correcting=gift)


# ------------------------------------------------------------------------------ declarations at a meeting

@bp.route("/n/<network_slug>/meetings/<int:meeting_id>/declarations", methods=["GET", "POST"])
@requires(Permission.DECLARATIONS_MANAGE)
def meeting(meeting_id):
    record = tenancy.get_or_404(Meeting, meeting_id)
    view = at_meetings.meeting_page(record)
    form = MeetingDeclarationForm()
    form.agenda_item_id.choices = [("", "Choose an item")] + [(str(e.item.id), f"{e.item.position}. {e.item.title}")
                                                               for e in view.items]
    form.board_member_id.choices = [("", "Choose a member")] + [(str(s.id), f"{s.name}, {s.role_label.lower()}")
                                                                 for s in view.seats]
    form.declaration_id.choices = view.entry_choices()
    row = submit(form, lambda: at_meetings.record_declaration(tenancy.current_network(), record, form.data,
                                                              current_user))
    if row:
        flash(f"{row.seat.name}'s declaration on item {row.item.position} is recorded: "
              f"{row.management_enum.label.lower()}.")
        return redirect(url_for("declarations.meeting", meeting_id=record.id, _anchor=f"item-{row.agenda_item_id}"))
    return render_template("declarations/meeting.html", view=view, form=form, meeting=record)


@bp.route("/n/<network_slug>/meetings/<int:meeting_id>/declarations/<int:row_id>/correct", methods=["GET", "POST"])
@requires(Permission.DECLARATIONS_MANAGE)
def correct_at_meeting(meeting_id, row_id):
    record = tenancy.get_or_404(Meeting, meeting_id)
    old = tenancy.get_or_404(MeetingDeclaration, row_id)
    if old.meeting_id != record.id or not corrections.is_latest(MeetingDeclaration, old):
        abort(404)
    form = MeetingDeclarationCorrectionForm(data={"agenda_item_id": str(old.agenda_item_id),
                                                  "management": old.management, "note": old.note})
    form.agenda_item_id.choices = [(str(i.id), f"{i.position}. {i.title}")
                                   for i in corrections.correctable_items(record)]
    row = submit(form, lambda: corrections.correct_meeting_declaration(old, form.data, current_user),
                 every_error=True)
    approved_on = at_meetings.minutes_approved_on(record)
    if row:
        flash(f"{row.seat.name}'s declaration is corrected: {row.management_enum.label.lower()}."
              + (f" The minutes approved on {format_date(approved_on)} still record the original: record a "
                 "correction to the minutes if they must say so." if approved_on else ""))
        return redirect(url_for("declarations.meeting", meeting_id=record.id, _anchor=f"item-{row.agenda_item_id}"))
    return render_template("declarations/correct_at_meeting.html", form=form, old=old, meeting=record,
                           minutes_approved_on=approved_on)


# ------------------------------------------------------------------------------ the published register

@bp.route("/public/<slug>/register-of-interests")
@requires(Permission.PUBLIC)
def published(slug):
    network = publishing.published_network(slug) or abort(404)
    return render_template("declarations/published.html", public_network=network, rows=publishing.published_rows(),
                           today=clock.today())


@bp.route("/public/<slug>/register-of-interests.pdf")
@requires(Permission.PUBLIC)
def published_pdf(slug):
    network = publishing.published_network(slug) or abort(404)
    return pdf_response(publishing.published_pdf(network), f"register-of-interests-{network.slug}.pdf", inline=True)


# ------------------------------------------------------------------------------ registries

def _due_card(membership):
    duty = duties.duty_of(membership)
    return {"duty": duty, "confirm_form": ConfirmForm()} if duty.due_soon else None


def _overdue_card(membership):
    count = duties.overdue_count()
    return {"count": count} if count else None


cards.register(DashboardCard(key="declaration_due", template="declarations/_due_card.html", load=_due_card,
                             order=5, audience=cards.MEMBERS))
cards.register(DashboardCard(key="declarations_overdue", template="declarations/_overdue_card.html",
                             load=_overdue_card, order=40,
                             audience=frozenset({cards.Role.NETWORK_ADMIN, cards.Role.BOARD_SECRETARY})))
documents_services.register_read_check(
    publishing.FULL_KIND, lambda documents: {d.id for d in documents} if can(Permission.DECLARATIONS_MANAGE) else set())
