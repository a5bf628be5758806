"""Pages anyone can open, without an account: "You said, we did" and the public feedback form."""

from flask import abort, redirect, render_template, request, url_for

from governance.core.forms import optional_int
from governance.core.permissions import Permission, requires
from governance.core.views import client_ip, paginate, submit
from governance.engagement import feedback, links, public, queue
from governance.engagement.blueprint import PUBLIC, bp
from governance.engagement.forms import PublicFeedbackForm


@bp.route(f"{PUBLIC}/you-said-we-did")
@requires(Permission.PUBLIC)
def you_said(slug):
    network = public.network_or_404(slug)
    theme = request.args.get("theme") or None
    workstream_id = optional_int(request.args.get("workstream"))
    page = paginate(queue.published_query(theme, workstream_id), per_page=20)
    themes, workstreams = queue.published_filters()
    return render_template("engagement/public/you_said.html", public_network=network, page=page, themes=themes,
                           workstreams=workstreams, theme=theme, workstream_id=workstream_id,
                           links=links.links_for([item.id for item in page.items]),
                           form_open=feedback.settings_for(network.id).public_form_open)


@bp.route(f"{PUBLIC}/feedback", methods=["GET", "POST"])
@requires(Permission.PUBLIC)
def public_feedback(slug):
    network = public.network_or_404(slug)
    settings = feedback.settings_for(network.id)
    if not settings.public_form_open:
        abort(404)
    form = PublicFeedbackForm()
    if submit(form, lambda: feedback.submit_public_feedback(network, form.data, client_ip()) or "robot"):
        return redirect(url_for("engagement.public_sent", slug=slug))
    return render_template("engagement/public/feedback.html", public_network=network, form=form, settings=settings)


@bp.route(f"{PUBLIC}/feedback/sent")
@requires(Permission.PUBLIC)
def public_sent(slug):
    network = public.network_or_404(slug)
    return render_template("engagement/public/sent.html", public_network=network)
