"""A patient panel member's pages: give feedback one question at a time, and follow what they sent."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from governance.core import tenancy
from governance.core.permissions import Permission, requires
from governance.core.views import paginate, submit
from governance.engagement import feedback, links, wizard
from governance.engagement.blueprint import BASE, bp
from governance.engagement.forms import EmailChoiceForm, SendForm

MINE = f"{BASE}/my-feedback"


@bp.route(f"{MINE}/")
@requires(Permission.FEEDBACK_SEND)
def mine():
    page = paginate(feedback.own_items_query(current_user), per_page=10)
    return render_template("engagement/mine.html", page=page,
                           links=links.links_for([item.id for item in page.items]))


@bp.route(f"{MINE}/<int:feedback_id>", methods=["GET", "POST"])
@requires(Permission.FEEDBACK_SEND)
def my_item(feedback_id):
    record = feedback.own_item(current_user, feedback_id)
    if record is None:
        abort(404)
    sender = feedback.sender_of(record)
    form = EmailChoiceForm(email_on_change=sender.email_on_change)
    if submit(form, lambda: feedback.set_email_on_change(current_user, record, form.email_on_change.data)):
        flash("We will email you when there is news." if form.email_on_change.data else "We will not email you.")
        return redirect(url_for("engagement.my_item", feedback_id=record.id))
    return render_template("engagement/my_item.html", item=record, form=form,
                           links=links.links_for([record.id]).get(record.id, []))


@bp.route(f"{MINE}/new")
@requires(Permission.FEEDBACK_SEND)
def start_feedback():
    return render_template("engagement/start.html")


@bp.route(f"{MINE}/new/<step>", methods=["GET", "POST"])
@requires(Permission.FEEDBACK_SEND)
def question(step):
    if step not in wizard.STEPS:
        abort(404)
    network_id = tenancy.current_network().id
    form = wizard.form_for(step, network_id, request.form if request.method == "POST" else None)
    following = submit(form, lambda: wizard.answer(network_id, step, form) or "check")
    if following:
        return redirect(url_for("engagement.check_answers") if following == "check" or request.args.get("change")
                        else url_for("engagement.question", step=following))
    back = wizard.previous_step(step, wizard.draft(network_id))
    return render_template("engagement/question.html", form=form, step=step, field=getattr(form, wizard.FIELDS[step]),
                           back=url_for("engagement.question", step=back) if back
                           else url_for("engagement.start_feedback"))


@bp.route(f"{MINE}/new/check", methods=["GET", "POST"])
@requires(Permission.FEEDBACK_SEND)
def check_answers():
    network = tenancy.current_network()
    answers = wizard.draft(network.id)
    missing = wizard.first_missing(answers)
    if missing:
        return redirect(url_for("engagement.question", step=missing))
    form = SendForm()
    record = submit(form, lambda: feedback.submit_feedback(network, answers, current_user))
    if record:
        wizard.forget(network.id)
        flash(f"Your feedback has been sent. Your reference is {record.reference}.")
        return redirect(url_for("engagement.my_item", feedback_id=record.id))
    return render_template("engagement/check.html", form=form, rows=wizard.check_rows(network.id))
