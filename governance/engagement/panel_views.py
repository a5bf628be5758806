"""Staff pages for patient panels (members, reviews, profile counts) and engagement activities."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from governance.core import tenancy
from governance.core.forms import ConfirmForm
from governance.core.pdf import pdf_response
from governance.core.permissions import Permission, requires
from governance.core.views import confirm, paginate, submit
from governance.engagement import activities, feedback, panels
from governance.engagement.blueprint import BASE, bp
from governance.engagement.forms import (
    ActivityForm,
    AttachmentForm,
    NewActivityForm,
    NewPanelForm,
    PanelForm,
    PanelMemberForm,
    profile_form_class,
)
from governance.engagement.models import (
    PROFILE_BANDS,
    ActivityAttachment,
    EngagementActivity,
    PanelMember,
    PatientPanel,
)

PANEL = f"{BASE}/panels/<int:panel_id>"
ACTIVITY = f"{BASE}/activities/<int:activity_id>"


def _practices(form):
    form.partner_id.choices = [(None, "None")] + panels.practice_choices()
    return form


@bp.route(f"{BASE}/panels/")
@requires(Permission.ENGAGEMENT_VIEW)
def panel_list():
    list_profile = panels.profile_of(None)
    return render_template("engagement/panels.html", rows=panels.panel_rows(), list_profile=list_profile,
                           bands=PROFILE_BANDS)


@bp.route(f"{BASE}/panels/new", methods=["GET", "POST"])
@requires(Permission.ENGAGEMENT_MANAGE)
def new_panel():
    form = _practices(NewPanelForm())
    panel = submit(form, lambda: panels.create_panel(tenancy.current_network(), form.data))
    if panel:
        flash(f"{panel.name} has been added.")
        return redirect(url_for("engagement.panel", panel_id=panel.id))
    return render_template("engagement/panel_form.html", form=form, panel=None)


@bp.route(PANEL)
@requires(Permission.ENGAGEMENT_VIEW)
def panel(panel_id):
    record = tenancy.get_or_404(PatientPanel, panel_id)
    return render_template("engagement/panel.html", panel=record, members=panels.members_of(record),
                           due=panels.review_due(record), overdue=panels.review_overdue(record),
                           profile=panels.representativeness(panels.profile_of(record.id), panels.profile_of(None)),
                           confirm=ConfirmForm())


@bp.route(f"{PANEL}/edit", methods=["GET", "POST"])
@requires(Permission.ENGAGEMENT_MANAGE)
def edit_panel(panel_id):
    record = tenancy.get_or_404(PatientPanel, panel_id)
    form = _practices(PanelForm(obj=record))
    if submit(form, lambda: panels.update_panel(record, form.data, form.version.data), editing=record):
        flash(f"{record.name} has been saved.")
        return redirect(url_for("engagement.panel", panel_id=record.id))
    return render_template("engagement/panel_form.html", form=form, panel=record)


@bp.route(f"{PANEL}/members/new", methods=["GET", "POST"])
@requires(Permission.ENGAGEMENT_MANAGE)
def new_member(panel_id):
    record = tenancy.get_or_404(PatientPanel, panel_id)
    form = _practices(PanelMemberForm())
    member = submit(form, lambda: panels.add_member(record, form.data))
    if member:
        flash(f"{member.name} has been added to {record.name}.")
        return redirect(url_for("engagement.panel", panel_id=record.id))
    return render_template("engagement/member_form.html", form=form, panel=record)


@bp.route(f"{PANEL}/members/<int:member_id>/leave", methods=["POST"])
@requires(Permission.ENGAGEMENT_MANAGE)
def member_leaves(panel_id, member_id):
    member = tenancy.get_or_404(PanelMember, member_id)
    if member.panel_id != panel_id:
        abort(404)
    confirm(lambda: panels.member_leaves(member, None), f"{member.name} has left the panel.")
    return redirect(url_for("engagement.panel", panel_id=panel_id))


def _profile_page(panel_record):
    form = profile_form_class()(data=panels.profile_of(panel_record.id if panel_record else None))
    network = tenancy.current_network()
    if submit(form, lambda: panels.save_profile(network, panel_record, form.data)):
        flash("The profile has been saved.")
        return redirect(url_for("engagement.panel", panel_id=panel_record.id) if panel_record
                        else url_for("engagement.panel_list"))
    return render_template("engagement/profile_form.html", form=form, panel=panel_record, bands=PROFILE_BANDS)


@bp.route(f"{PANEL}/profile", methods=["GET", "POST"])
@requires(Permission.ENGAGEMENT_MANAGE)
def panel_profile(panel_id):
    return _profile_page(tenancy.get_or_404(PatientPanel, panel_id))


@bp.route(f"{BASE}/panels/list-profile", methods=["GET", "POST"])
@requires(Permission.ENGAGEMENT_MANAGE)
def list_profile():
    return _profile_page(None)


# ------------------------------------------------------------------------------------ activities

def _workstreams(form):
    form.workstream_id.choices = [(None, "None")] + feedback.workstream_options()
    return form


@bp.route(f"{BASE}/activities/")
@requires(Permission.ENGAGEMENT_VIEW)
def activity_list():
    page = paginate(activities.activities_query(request.args.get("kind")))
    return render_template("engagement/activities.html", page=page)


@bp.route(f"{BASE}/activities/new", methods=["GET", "POST"])
@requires(Permission.ENGAGEMENT_MANAGE)
def new_activity():
    form = _workstreams(NewActivityForm())
    activity = submit(form, lambda: activities.create_activity(tenancy.current_network(), form.data))
    if activity:
        flash(f"{activity.topic} has been recorded.")
        return redirect(url_for("engagement.activity", activity_id=activity.id))
    return render_template("engagement/activity_form.html", form=form, activity=None)


@bp.route(ACTIVITY)
@requires(Permission.ENGAGEMENT_VIEW)
def activity(activity_id):
    record = activities.load_activity(tenancy.get_or_404(EngagementActivity, activity_id))
    return render_template("engagement/activity.html", activity=record, confirm=ConfirmForm())


@bp.route(f"{ACTIVITY}/edit", methods=["GET", "POST"])
@requires(Permission.ENGAGEMENT_MANAGE)
def edit_activity(activity_id):
    record = tenancy.get_or_404(EngagementActivity, activity_id)
    form = _workstreams(ActivityForm(obj=record))
    if submit(form, lambda: activities.update_activity(record, form.data, form.version.data), editing=record):
        flash(f"{record.topic} has been saved.")
        return redirect(url_for("engagement.activity", activity_id=record.id))
    return render_template("engagement/activity_form.html", form=form, activity=record)


@bp.route(f"{ACTIVITY}/attachments/new", methods=["GET", "POST"])
@requires(Permission.ENGAGEMENT_MANAGE)
def new_attachment(activity_id):
    record = tenancy.get_or_404(EngagementActivity, activity_id)
    form = AttachmentForm()
    if submit(form, lambda: activities.add_attachment(record, form.file.data, form.title.data, current_user)):
        flash("The attachment has been added.")
        return redirect(url_for("engagement.activity", activity_id=record.id))
    return render_template("engagement/attachment_form.html", form=form, activity=record)


def _attachment(activity_id, attachment_id) -> ActivityAttachment:
    found = tenancy.get_or_404(ActivityAttachment, attachment_id)
    if found.activity_id != activity_id:
        abort(404)
    return found


@bp.route(f"{ACTIVITY}/attachments/<int:attachment_id>")
@requires(Permission.ENGAGEMENT_VIEW)
def attachment(activity_id, attachment_id):
    loaded = activities.attachment_content(_attachment(activity_id, attachment_id).id)
    return pdf_response(loaded.content, loaded.filename, inline=True)


@bp.route(f"{ACTIVITY}/attachments/<int:attachment_id>/remove", methods=["POST"])
@requires(Permission.ENGAGEMENT_MANAGE)
def remove_attachment(activity_id, attachment_id):
    found = _attachment(activity_id, attachment_id)
    confirm(lambda: activities.remove_attachment(found), "The attachment has been removed.")
    return redirect(url_for("engagement.activity", activity_id=activity_id))
