"""Hostile input, found by a fuzzer rather than by hand: every GET route and every form, on SQLite
and PostgreSQL, must never answer 5xx.

Each route is sent hostile values (NUL, huge and negative numbers, far dates, very long and odd
Unicode strings) in its URL, its query string and every field of its form (read from the page),
as a signed-in member of a role that may use it, drawn for each route; across the walk every role
takes part. One example per database (about 100 requests) keeps it to some 20 seconds each; raise
`max_examples` locally for a longer hunt.
"""

import re
import time

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from governance import demo
from governance.auth import services as auth_services
from governance.core.permissions import OUTSIDE_NETWORK, POLICY, Role
from governance.extensions import db
from tests import factories

PASSWORD = factories.PASSWORD  # the demo template is seeded with it
ROLES = {  # one demo account of each role in Riverside
    "network_admin": "admin@riverside.example", "board_secretary": "secretary@riverside.example",
    "board_member": "chair@riverside.example", "partner_representative": "signatory@riverside.example",
    "patient_panel_member": "patient@riverside.example", "observer": "observer@riverside.example",
}
# Routes that end the fuzzer's own session are sent junk only after everything else.
SIGNING_OUT = {"auth.logout", "auth.logout_others"}
QUERY_ARGS = ("page", "kind", "entity_type", "user_id", "date_from", "date_to", "q", "status", "start", "next",
              "partner_id", "number", "year", "as_of", "sort")
FIELD_NAME = re.compile(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"')

HOSTILE = st.one_of(
    st.sampled_from(["\x00", "a\x00b", "9" * 30, "-1", "0", "2147483648", "9223372036854775808", "-9" * 20,
                     "1e308", "NaN", "9999-12-31", "0001-01-01", "2026-02-30", "\u2028\u2029\x85", "\u202egnp.exe",
                     "😀" * 60, "' OR 1=1 --", "<script>alert(1)</script>", "=HYPERLINK(\"x\")", "../../etc",
                     "x" * 5000, " ", "", "%00", "\ufeff", "\udcff".encode("utf-8", "surrogatepass").decode(
                         "utf-8", "replace")]),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.text(max_size=40),
    st.dates(max_value=__import__("datetime").date(9999, 12, 31)).map(str),
)
ID = st.one_of(st.sampled_from([1, 2, 3, 5, 8, 2**31 - 1, 2**31, 10**30]), st.integers(1, 50))


def _sign_in(app, email):
    client = app.test_client()
    response = client.post("/sign-in", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, email
    return client


def _url(rule, data):
    def fill(match):
        converter, name = match.group(1), match.group(3)
        if name == "network_slug":
            return "riverside"
        if converter == "int":
            return str(data.draw(ID, label=name))
        if converter == "any":
            return match.group(2).split(",")[0].strip(" '\"")
        return re.sub(r"[/?#]", "-", data.draw(HOSTILE, label=name)) or "x"

    return re.sub(r"<(?:(\w+)(?:\(([^)]*)\))?:)?(\w+)>", fill, rule.rule)


def _roles_for(app, rule) -> list[str]:
    """The roles that may use a route (refusals are the permission tests' business)."""
    permission = app.view_functions[rule.endpoint].accord_permission
    if permission in OUTSIDE_NETWORK:
        return sorted(ROLES)
    return sorted(role for role in ROLES if permission in POLICY[Role(role)])


ROUTES_PER_EXAMPLE = 20


def _rules(app) -> list:
    return sorted((r for r in app.url_map.iter_rules() if not r.endpoint.endswith("static")),
                  key=lambda r: (r.endpoint in SIGNING_OUT, r.rule))


def _walk(app, clients, data, failures, counter, used, rules, first_turn):
    turn = first_turn + data.draw(st.integers(0, len(ROLES) - 1), label="first role")
    for rule in rules:
        permitted = _roles_for(app, rule)
        role = permitted[turn % len(permitted)]  # the roles take turns, so every one of them takes part
        turn += 1
        client = clients[role]
        used.add(role)
        url = _url(rule, data)
        query = {name: data.draw(HOSTILE, label=name) for name in QUERY_ARGS
                 if data.draw(st.booleans(), label=f"use {name}")}
        if "GET" in rule.methods:
            response = client.get(url, query_string=query)
            counter.append(1)
            if response.status_code >= 500:
                failures.append((role, "GET", url, query, response.status_code))
            html = response.status_code == 200 and response.mimetype == "text/html"
            names = set(FIELD_NAME.findall(response.get_data(as_text=True))) if html else set()
        else:
            names = set()
        if "POST" in rule.methods:
            names |= {"name", "email", "title", "version", "once", "role", "partner_id", "date[day]"}
            form = {name: data.draw(HOSTILE, label=name) for name in sorted(names)
                    if name != "csrf_token"}
            response = client.post(url, data=form)
            counter.append(1)
            if response.status_code >= 500:
                failures.append((role, "POST", url, form, response.status_code))


@pytest.mark.postgres
@pytest.mark.demo  # on SQLite it starts from the demo seeded once; on PostgreSQL it seeds it here
def test_no_route_answers_5xx_to_hostile_input_for_any_role(any_app):
    any_app.config["PROPAGATE_EXCEPTIONS"] = False
    any_app.config["MAIL_SUPPRESS"] = True
    demo.seed_demo(PASSWORD)
    db.session.commit()
    admin = auth_services.find_user(ROLES["network_admin"])
    admin.is_site_admin = True  # the site admin's pages too
    db.session.commit()
    clients = {role: _sign_in(any_app, email) for role, email in ROLES.items()}
    failures, counter, used, started = [], [], set(), time.monotonic()

    # Failures are collected, not raised, so Hypothesis never spends minutes shrinking a walk. The routes
    # are walked a slice at a time: one example drawing hostile input for every route would outgrow
    # Hypothesis's buffer, and an overrun example is silently thrown away and drawn again, for ever.
    rules = _rules(any_app)
    def walker(chunk, first_turn):
        @settings(max_examples=1, deadline=None, database=None, derandomize=True, phases=[Phase.generate],
                  suppress_health_check=list(HealthCheck))
        @given(data=st.data())
        def walk(data):
            _walk(any_app, clients, data, failures, counter, used, chunk, first_turn)

        return walk

    for start in range(0, len(rules), ROUTES_PER_EXAMPLE):
        walker(rules[start:start + ROUTES_PER_EXAMPLE], start)()
    print(f"{len(counter)} requests in {time.monotonic() - started:.1f} s")
    assert not failures, failures[:10]
    assert len(counter) > 80 and used == set(ROLES), (len(counter), used)  # every route; every role
