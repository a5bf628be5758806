"""One unit of work per request: commit once after a view returns, roll back on any failure.

Mail goes through the outbox: written in the request's transaction, sent after it commits,
kept and sent later when the mail server is down. A form that makes a record is accepted once.
"""

import threading

import pytest
from flask import abort
from sqlalchemy import func, select

from governance.core import tenancy
from governance.core.outbox import OutboxMessage, due_message_ids, queue_mail
from governance.core.permissions import Permission, requires
from governance.extensions import db
from governance.partners.models import Partner
from tests import factories
from tests.postgres import free_port


def _partners() -> list[str]:
    tenancy.activate(None)
    return list(db.session.execute(select(Partner.name).execution_options(all_networks=True)).scalars())


def _add_route(app, rule, view):
    view = requires(Permission.PUBLIC)(view)
    app.add_url_rule(rule, view.__name__, view, methods=["GET", "POST"])


@pytest.fixture
def writer(app, network):
    """Routes that write a partner and queue a mail, then end in different ways."""
    def write(name):
        db.session.add(Partner(network_id=network.id, name=name, kind="other"))
        queue_mail("someone@example.org", "password_reset", full_name="Someone", hours=2, link="https://x/y")

    def ok():
        write("Committed")
        return "ok"

    def raises():
        write("Raised")
        raise RuntimeError("boom")

    def error_status():
        write("Refused")
        abort(403)

    def error_response():
        write("Error response")
        return "not found", 404

    for view in (ok, raises, error_status, error_response):
        _add_route(app, f"/uow/{view.__name__}", view)
    return app.test_client()


def test_a_view_that_returns_normally_is_committed_once_and_its_mail_is_sent(writer, smtp_server):
    assert writer.get("/uow/ok").status_code == 200
    db.session.rollback()
    assert _partners() == ["Committed"]
    assert len(smtp_server) == 1 and b"Reset your Accord password" in smtp_server[0].content


@pytest.mark.parametrize("path, status", [("/uow/raises", 500), ("/uow/error_status", 403),
                                          ("/uow/error_response", 404)])
def test_a_failed_request_commits_nothing_and_sends_no_mail(app, writer, smtp_server, path, status):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    assert writer.get(path).status_code == status
    db.session.rollback()
    assert _partners() == []
    assert db.session.execute(select(func.count(OutboxMessage.id))).scalar_one() == 0
    assert smtp_server == []


def test_mail_committed_during_an_outage_is_sent_when_the_server_is_back(app, network, smtp_server,
                                                                         frozen_clock):
    from datetime import timedelta

    port = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = free_port()  # the mail server is down
    queue_mail("chair@example.org", "password_reset", full_name="Chair", hours=2, link="https://x/1")
    db.session.commit()
    message = db.session.execute(select(OutboxMessage)).scalar_one()
    assert message.status == "pending" and message.attempts == 1 and message.last_error
    assert smtp_server == [] and due_message_ids() == []  # it waits a minute before trying again

    app.config["MAIL_PORT"] = port  # the server is back
    frozen_clock.shift(timedelta(minutes=2))
    result = app.test_cli_runner().invoke(args=["send-mail"])
    assert result.exit_code == 0, result.output
    assert "1 sent" in result.output
    db.session.expire_all()
    assert message.status == "sent" and len(smtp_server) == 1
    assert "one-time link" not in message.body  # not marked secret: the text is kept


def test_a_message_that_keeps_failing_is_given_up_and_shown_to_site_admins(app, client, network, frozen_clock):
    from datetime import timedelta

    from governance.core.outbox import MAX_ATTEMPTS, send_messages

    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())
    queue_mail("board@example.org", "password_reset", full_name="Board", hours=2, link="https://x/2")
    db.session.commit()
    for _ in range(MAX_ATTEMPTS):
        frozen_clock.shift(timedelta(hours=7))
        send_messages(due_message_ids(), only_due=True)
    message = db.session.execute(select(OutboxMessage)).scalar_one()
    assert message.status == "failed" and message.attempts == MAX_ATTEMPTS
    admin = factories.make_user(is_site_admin=True)
    db.session.commit()
    client.post("/sign-in", data={"email": admin.email, "password": factories.PASSWORD})
    page = client.get("/admin/mail").get_data(as_text=True)
    assert "board@example.org" in page and "Not sent" in page and "ConnectionRefusedError" in page
    response = client.post(f"/admin/mail/{message.id}/retry")
    assert response.status_code == 302
    db.session.expire_all()
    assert message.status == "pending" and message.attempts == 1  # tried again at once, failed again


def test_secret_links_are_cleared_from_the_outbox_once_sent(app, network, smtp_server):
    queue_mail("new@example.org", "invitation", secret=True, full_name="", inviter="Sam", network_name="Riverside",
               role_label="Observer", days=7, link="https://accord.example/invitations/SECRET")
    db.session.commit()
    message = db.session.execute(select(OutboxMessage)).scalar_one()
    assert b"SECRET" in smtp_server[0].content
    assert message.status == "sent" and "SECRET" not in message.body


def test_subjects_never_carry_line_breaks(app, network, smtp_server):
    queue_mail("x@example.org", "invitation", full_name="", inviter="Sam", role_label="Observer", days=7,
               network_name="Riverside\u2028Bcc: victim@example.org\r\nX", link="https://x")
    db.session.commit()
    message = db.session.execute(select(OutboxMessage)).scalar_one()
    assert "\n" not in message.subject and "\u2028" not in message.subject and message.status == "sent"


def test_the_new_partner_form_makes_one_partner_however_often_it_is_sent(client, login_as, network):
    login_as("board_secretary")
    page = client.get(f"/n/{network.slug}/partners/new").get_data(as_text=True)
    token = page.split('name="once" value="')[1].split('"')[0]
    data = {"name": "Willow Surgery", "kind": "gp_practice", "ods_code": "A81055", "status": "active",
            "status_from[day]": "1", "status_from[month]": "4", "status_from[year]": "2026", "once": token}
    first = client.post(f"/n/{network.slug}/partners/new", data=data)
    again = client.post(f"/n/{network.slug}/partners/new", data=data)
    assert first.status_code == again.status_code == 302
    assert again.location == first.location
    assert _partners().count("Willow Surgery") == 1


def test_a_double_click_at_the_same_moment_makes_one_partner(any_app):
    """Two identical posts race (threads behind a barrier): one partner, both sent to its page."""
    app = any_app
    network = factories.make_network()
    member = factories.make_member(network, "board_secretary")
    db.session.commit()
    clients = [app.test_client() for _ in range(2)]
    for client in clients:
        client.post("/sign-in", data={"email": member.user.email, "password": factories.PASSWORD})
    data = {"name": "Rowan Practice", "kind": "gp_practice", "ods_code": "A81056", "status": "active",
            "status_from[day]": "1", "status_from[month]": "4", "status_from[year]": "2026",
            "once": "the-same-token-from-one-page"}
    barrier, responses, url = threading.Barrier(2), [], f"/n/{network.slug}/partners/new"

    def post(client):
        with app.app_context():
            barrier.wait()
            responses.append(client.post(url, data=data))

    threads = [threading.Thread(target=post, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(r.status_code for r in responses) == [302, 302]
    assert responses[0].location == responses[1].location
    assert _partners().count("Rowan Practice") == 1
