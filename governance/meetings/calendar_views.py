"""Calendar pages: the member's subscription address (made or replaced here) and the feed itself."""

from flask import Response, abort, g, render_template

from governance.core.forms import ConfirmForm
from governance.core.permissions import Permission, requires
from governance.core.views import confirm
from governance.meetings import calendars
from governance.meetings.blueprint import PREFIX, bp


@bp.route(f"{PREFIX}/calendar")
@requires(Permission.MEETINGS_VIEW)
def calendar():
    return render_template("meetings/calendar.html", feed=calendars.feed_of(g.membership), address=None,
                           confirm_form=ConfirmForm())


@bp.route(f"{PREFIX}/calendar", methods=["POST"])
@requires(Permission.MEETINGS_VIEW)
def new_calendar_address():
    made = confirm(lambda: calendars.new_feed_token(g.membership), "Your calendar address is ready. "
                   "Copy it now: it is shown only once.")
    address = calendars.feed_url(*made) if made else None
    # The address is shown once, in this response (never stored, never in a redirect).
    return render_template("meetings/calendar.html", feed=made[0] if made else calendars.feed_of(g.membership),
                           address=address, confirm_form=ConfirmForm())


@bp.route("/calendar/<int:feed_id>/<token>.ics")
@requires(Permission.PUBLIC)  # the secret token in the address is the credential
def calendar_feed(feed_id, token):
    feed = calendars.find_feed(feed_id, token)
    body = calendars.feed_ics(feed) if feed is not None else None
    if body is None:
        abort(404)
    return Response(body, mimetype="text/calendar", headers={
        "Content-Disposition": 'inline; filename="meetings.ics"', "Cache-Control": "private, max-age=900"})
