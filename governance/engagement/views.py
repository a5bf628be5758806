"""The engagement module's pages: the feedback queue (staff), settings and the report. Panels and
activities, the patient's pages and the public pages register on the same blueprint."""

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from governance.core import cards, clock, tenancy
from governance.core.cards import STAFF, DashboardCard
from governance.core.forms import ConfirmForm
from governance.core.permissions import Permission, Role, can, requires
from governance.core.views import confirm, paginate, submit
from governance.engagement import (  # noqa: F401  each registers its routes on the blueprint
    board_links,
    feedback,
    grants,
    links,
    panel_views,
    patient_views,
    public_views,
    queue,
    report,
)
from governance.engagement.blueprint import BASE, bp
from governance.engagement.forms import (
    HandlingForm,
    LinkForm,
    PublishForm,
    QueueFilterForm,
    ReportForm,
    RespondForm,
    SettingsForm,
)
from governance.engagement.models import Feedback, FeedbackLink

__all__ = ["bp"]
ITEM = f"{BASE}/feedback-queue/<int:feedback_id>"


def _filters():
    form = QueueFilterForm(request.args)
    form.theme.choices = [("", "Any theme")] + [(t, t) for t in queue.themes()]
    return form


@bp.route(f"{BASE}/")
@requires(Permission.ENGAGEMENT_VIEW)
def index():
    form = _filters()
    page = paginate(queue.queue_query(form.status.data, form.theme.data, bool(form.overdue.data)))
    return render_template("engagement/index.html", page=page, form=form, counts=queue.queue_counts(),
                           today=clock.today(), is_overdue=queue.is_overdue, due_text=queue.due_text,
                           settings=feedback.settings_for(tenancy.current_network().id))


@bp.route(f"{BASE}/feedback-queue.csv")
@requires(Permission.ENGAGEMENT_VIEW)
def queue_csv():
    form = _filters()
    text = queue.queue_csv(queue.queue_query(form.status.data, form.theme.data, bool(form.overdue.data)))
    return Response("\ufeff" + text, mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="feedback.csv"'})


@bp.route(ITEM)
@requires(Permission.ENGAGEMENT_VIEW)
def item(feedback_id):
    record = queue.load_item(tenancy.get_or_404(Feedback, feedback_id))
    today = clock.today()
    return render_template("engagement/item.html", item=record, confirm=ConfirmForm(),
                           overdue=queue.is_overdue(record, today), due=queue.due_text(record, today),
                           taken=queue.days_taken(record), links=links.links_for([record.id]).get(record.id, []),
                           can_link=bool(links.link_choices()), manage=can(Permission.ENGAGEMENT_MANAGE))


def _step(feedback_id, action, done):
    record = tenancy.get_or_404(Feedback, feedback_id)
    confirm(lambda: action(record), done(record))
    return redirect(url_for("engagement.item", feedback_id=record.id))


@bp.route(f"{ITEM}/acknowledge", methods=["POST"])
@requires(Permission.ENGAGEMENT_MANAGE)
def acknowledge(feedback_id):
    return _step(feedback_id, queue.acknowledge, lambda r: f"{r.reference} has been acknowledged.")


@bp.route(f"{ITEM}/start", methods=["POST"])
@requires(Permission.ENGAGEMENT_MANAGE)
def start(feedback_id):
    return _step(feedback_id, queue.start_work, lambda r: f"{r.reference} is in progress.")


@bp.route(f"{ITEM}/close", methods=["POST"])
@requires(Permission.ENGAGEMENT_MANAGE)
def close(feedback_id):
    return _step(feedback_id, queue.close, lambda r: f"{r.reference} has been closed.")


@bp.route(f"{ITEM}/unpublish", methods=["POST"])
@requires(Permission.ENGAGEMENT_MANAGE)
def unpublish(feedback_id):
    return _step(feedback_id, queue.unpublish, lambda r: f"{r.reference} is no longer published.")


def _item_form(feedback_id, form_class, template, action, done, obj=False, prefill=None):
    """An item's form page: staff change one thing about the item and return to its page."""
    record = queue.load_item(tenancy.get_or_404(Feedback, feedback_id))
    form = form_class(obj=record) if obj else form_class()
    if prefill is not None and not form.is_submitted():
        for name, value in prefill(record).items():
            getattr(form, name).data = value
    if hasattr(form, "owner_id"):
        form.owner_id.choices = [(None, "None")] + queue.owner_choices()
    if hasattr(form, "target"):
        form.target.choices = [("", "Choose")] + links.link_choices()
    if submit(form, lambda: action(record, form), editing=record if obj else None):
        flash(done(record))
        return redirect(url_for("engagement.item", feedback_id=record.id))
    return render_template(template, form=form, item=record)


@bp.route(f"{ITEM}/respond", methods=["GET", "POST"])
@requires(Permission.ENGAGEMENT_MANAGE)
def respond(feedback_id):
    return _item_form(feedback_id, RespondForm, "engagement/respond.html",
                      lambda r, f: queue.respond(r, f.response.data),
                      lambda r: f"The response to {r.reference} has been saved.")


@bp.route(f"{ITEM}/handling", methods=["GET", "POST"])
@requires(Permission.ENGAGEMENT_MANAGE)
def handling(feedback_id):
    return _item_form(feedback_id, HandlingForm, "engagement/handling.html",
                      lambda r, f: queue.update_handling(r, f.data, f.version.data),
                      lambda r: f"{r.reference} has been saved.", obj=True)


@bp.route(f"{ITEM}/publish", methods=["GET", "POST"])
@requires(Permission.ENGAGEMENT_MANAGE)
def publish(feedback_id):
    return _item_form(feedback_id, PublishForm, "engagement/publish.html",
                      lambda r, f: queue.publish(r, f.published_wording.data, f.version.data),
                      lambda r: f"{r.reference} is published on \u201cYou said, we did\u201d.", obj=True,
                      prefill=queue.publish_prefill)


@bp.route(f"{ITEM}/links", methods=["GET", "POST"])
@requires(Permission.ENGAGEMENT_MANAGE)
def add_link(feedback_id):
    return _item_form(feedback_id, LinkForm, "engagement/link_form.html",
                      lambda r, f: links.add_link(r, f.target.data), lambda r: "The link has been added.")


@bp.route(f"{ITEM}/links/<int:link_id>/remove", methods=["POST"])
@requires(Permission.ENGAGEMENT_MANAGE)
def remove_link(feedback_id, link_id):
    link = tenancy.get_or_404(FeedbackLink, link_id)
    if link.feedback_id != feedback_id:
        abort(404)
    confirm(lambda: links.remove_link(link), "The link has been removed.")
    return redirect(url_for("engagement.item", feedback_id=feedback_id))


@bp.route(f"{BASE}/settings", methods=["GET", "POST"])
@requires(Permission.ENGAGEMENT_MANAGE)
def settings():
    network = tenancy.current_network()
    record = feedback.settings_for(network.id)
    form = SettingsForm(obj=record)
    if submit(form, lambda: feedback.update_settings(network, form.data, form.version.data), editing=record):
        flash("The engagement settings have been saved.")
        return redirect(url_for("engagement.index"))
    return render_template("engagement/settings.html", form=form)


@bp.route(f"{BASE}/report", methods=["GET", "POST"])
@requires(Permission.DOCUMENTS_ISSUE)
def report_form():
    form = ReportForm(**report.default_period())
    job = submit(form, lambda: report.request_report(tenancy.current_network(), form.start.data, form.end.data,
                                                      current_user))
    if job:
        return redirect(url_for("documents.job", job_id=job.id))
    return render_template("engagement/report_form.html", form=form)


# ------------------------------------------------------------------------------------ overview cards

def _queue_card(membership) -> dict:
    return {"counts": queue.queue_counts()}


def _patient_card(membership) -> dict:
    return {}


cards.register(DashboardCard(key="engagement_queue", template="engagement/_queue_card.html", load=_queue_card,
                             order=40, audience=STAFF))
cards.register(DashboardCard(key="engagement_give_feedback", template="engagement/_patient_card.html",
                             load=_patient_card, order=5, audience=frozenset({Role.PATIENT_PANEL_MEMBER})))
