"""Roles, permissions and the one policy that maps them. Every view declares a permission.

A view declares what it needs with @requires(Permission.X). A before-request hook
refuses any endpoint that declares nothing (deny by default).
"""

from collections.abc import Callable
from enum import StrEnum

from flask import abort, current_app, g, redirect, request, url_for
from flask_login import current_user


class Role(StrEnum):
    NETWORK_ADMIN = "network_admin"
    BOARD_SECRETARY = "board_secretary"
    BOARD_MEMBER = "board_member"
    PARTNER_REPRESENTATIVE = "partner_representative"
    PATIENT_PANEL_MEMBER = "patient_panel_member"
    OBSERVER = "observer"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.NETWORK_ADMIN: "Network admin",
    Role.BOARD_SECRETARY: "Board secretary",
    Role.BOARD_MEMBER: "Board member",
    Role.PARTNER_REPRESENTATIVE: "Partner representative",
    Role.PATIENT_PANEL_MEMBER: "Patient panel member",
    Role.OBSERVER: "Observer",
}


class Permission(StrEnum):
    # Outside any network
    PUBLIC = "public"
    SIGNED_IN = "signed_in"
    SITE_ADMIN = "site_admin"
    # Inside a network
    NETWORK_VIEW = "network.view"
    NETWORK_EDIT = "network.edit"
    MEMBERS_MANAGE = "members.manage"
    AUDIT_VIEW = "audit.view"
    DOCUMENTS_VIEW = "documents.view"
    DOCUMENTS_ISSUE = "documents.issue"
    PARTNERS_VIEW = "partners.view"
    PARTNERS_EDIT = "partners.edit"
    # Phone numbers and emails of partner staff, and representatives' sign-in emails: not for
    # patient panel members (members of the public) or observers.
    PARTNER_CONTACTS_VIEW = "partners.contacts"
    MOUS_VIEW = "mous.view"
    MOUS_DRAFT = "mous.draft"
    MOUS_COMMENT = "mous.comment"
    MOUS_SIGN = "mous.sign"
    WORKSTREAMS_VIEW = "workstreams.view"  # workstream names and leads: every member, patients included
    ACCOUNTABILITY_VIEW = "accountability.view"
    ACCOUNTABILITY_EDIT = "accountability.edit"
    MEETINGS_VIEW = "meetings.view"
    MEETINGS_MANAGE = "meetings.manage"
    DECISIONS_VIEW = "decisions.view"  # the decision and action logs; confidential items need a seat too
    DECISIONS_RECORD = "decisions.record"
    ENGAGEMENT_VIEW = "engagement.view"
    ENGAGEMENT_MANAGE = "engagement.manage"  # the feedback queue, panels, activities, publishing
    FEEDBACK_SEND = "feedback.send"  # a patient panel member's own feedback pages
    DECLARATIONS_MANAGE = "declarations.manage"  # the full register, declarations at meetings, withholding


OUTSIDE_NETWORK = {Permission.PUBLIC, Permission.SIGNED_IN, Permission.SITE_ADMIN}

# Every member sees that meetings exist and their open agendas; which papers they may read depends on
# the boards they sit on (governance.meetings.access), not on their role alone.
_EVERYONE = {Permission.NETWORK_VIEW, Permission.PARTNERS_VIEW, Permission.MEETINGS_VIEW}
_READERS = _EVERYONE | {Permission.DOCUMENTS_VIEW, Permission.MOUS_VIEW, Permission.MOUS_COMMENT}
_COLLEAGUES = {Permission.PARTNER_CONTACTS_VIEW}  # staff of the partners: not the public, not observers
_EDITORS = _READERS | {
    Permission.AUDIT_VIEW,
    Permission.DOCUMENTS_ISSUE,
    Permission.PARTNERS_EDIT,
    Permission.MOUS_DRAFT,
    Permission.MEETINGS_MANAGE,
}

POLICY: dict[Role, frozenset[Permission]] = {
    Role.NETWORK_ADMIN: frozenset(_EDITORS | _COLLEAGUES | {Permission.MEMBERS_MANAGE, Permission.NETWORK_EDIT}),
    Role.BOARD_SECRETARY: frozenset(_EDITORS | _COLLEAGUES),
    Role.BOARD_MEMBER: frozenset(_READERS | _COLLEAGUES),
    Role.PARTNER_REPRESENTATIVE: frozenset(_READERS | _COLLEAGUES | {Permission.MOUS_SIGN}),
    Role.PATIENT_PANEL_MEMBER: frozenset(_EVERYONE),
    Role.OBSERVER: frozenset(_READERS - {Permission.MOUS_COMMENT}),
}


# Accountability (workstreams, RACI, lead roles): secretaries and admins edit; other members read;
# patient panel members see workstream names and leads only.
_ACCOUNTABILITY_READ = {Permission.WORKSTREAMS_VIEW, Permission.ACCOUNTABILITY_VIEW}
_ACCOUNTABILITY = {
    Role.NETWORK_ADMIN: _ACCOUNTABILITY_READ | {Permission.ACCOUNTABILITY_EDIT},
    Role.BOARD_SECRETARY: _ACCOUNTABILITY_READ | {Permission.ACCOUNTABILITY_EDIT},
    Role.BOARD_MEMBER: _ACCOUNTABILITY_READ,
    Role.PARTNER_REPRESENTATIVE: _ACCOUNTABILITY_READ,
    Role.PATIENT_PANEL_MEMBER: {Permission.WORKSTREAMS_VIEW},
    Role.OBSERVER: _ACCOUNTABILITY_READ,
}
POLICY = {role: permissions | _ACCOUNTABILITY[role] for role, permissions in POLICY.items()}

# Decisions and actions: secretaries and admins record them; members who are not the public read the logs.
# Every member sees and updates the actions they own ("My actions" needs NETWORK_VIEW only).
_DECISIONS = {
    Role.NETWORK_ADMIN: {Permission.DECISIONS_VIEW, Permission.DECISIONS_RECORD},
    Role.BOARD_SECRETARY: {Permission.DECISIONS_VIEW, Permission.DECISIONS_RECORD},
    Role.BOARD_MEMBER: {Permission.DECISIONS_VIEW},
    Role.PARTNER_REPRESENTATIVE: {Permission.DECISIONS_VIEW},
    Role.PATIENT_PANEL_MEMBER: set(),
    Role.OBSERVER: {Permission.DECISIONS_VIEW},
}
POLICY = {role: permissions | _DECISIONS[role] for role, permissions in POLICY.items()}
# Patient engagement: secretaries and admins work the feedback queue (so does the member appointed
# patient engagement lead: see `grant_through`); the board reads it (hidden names never appear);
# patient panel members send feedback and follow their own.
_ENGAGEMENT = {
    Role.NETWORK_ADMIN: {Permission.ENGAGEMENT_VIEW, Permission.ENGAGEMENT_MANAGE},
    Role.BOARD_SECRETARY: {Permission.ENGAGEMENT_VIEW, Permission.ENGAGEMENT_MANAGE},
    Role.BOARD_MEMBER: {Permission.ENGAGEMENT_VIEW},
    Role.PARTNER_REPRESENTATIVE: {Permission.ENGAGEMENT_VIEW},
    Role.PATIENT_PANEL_MEMBER: {Permission.FEEDBACK_SEND},
    Role.OBSERVER: {Permission.ENGAGEMENT_VIEW},
}
POLICY = {role: permissions | _ENGAGEMENT[role] for role, permissions in POLICY.items()}

# Permissions a member holds through an appointment rather than their role (the patient engagement
# lead works the feedback queue whatever their role). A higher module registers the check; it is
# asked only when the role says no, at most once per permission per request.
_GRANTS: dict[Permission, Callable[[object], bool]] = {}


def grant_through(permission: Permission, check: Callable[[object], bool]) -> None:
    """Let `check(membership)` grant a permission the member's role does not give."""
    _GRANTS[permission] = check


def _granted(membership, permission: Permission) -> bool:
    check = _GRANTS.get(permission)
    if check is None:
        return False
    cache = g.setdefault("accord_grants", {})
    if permission not in cache:
        cache[permission] = bool(check(membership))
    return cache[permission]
# Declarations of interest: every member declares their own (NETWORK_VIEW); secretaries and admins keep the
# full register (withheld entries included) and record declarations made at meetings.
_DECLARATIONS = {Role.NETWORK_ADMIN: {Permission.DECLARATIONS_MANAGE},
                 Role.BOARD_SECRETARY: {Permission.DECLARATIONS_MANAGE}}
POLICY = {role: permissions | _DECLARATIONS.get(role, set()) for role, permissions in POLICY.items()}


def role_can(role: str | None, permission: Permission) -> bool:
    if role is None:
        return False
    return permission in POLICY.get(Role(role), frozenset())


def can(permission: Permission) -> bool:
    """Whether the signed-in user may do this in the current request's network."""
    if permission == Permission.PUBLIC:
        return True
    if not current_user.is_authenticated:
        return False
    if permission == Permission.SIGNED_IN:
        return True
    if permission == Permission.SITE_ADMIN:
        return bool(current_user.is_site_admin)
    membership = g.get("membership")
    if membership is None:
        return False
    return role_can(membership.role, permission) or _granted(membership, permission)


def requires(permission: Permission):
    """Declare the permission a view needs; enforced before the request by `enforce`."""

    def decorate(view):
        view.accord_permission = permission
        return view

    return decorate


def declared_permission(endpoint: str | None):
    if endpoint is None:
        return None
    if endpoint == "static" or endpoint.endswith(".static"):
        return Permission.PUBLIC
    view = current_app.view_functions.get(endpoint)
    return getattr(view, "accord_permission", None)


def enforce():
    """Before-request hook: deny by default, ask to sign in, then check the role."""
    if request.endpoint is None:
        return None  # routing failed: the 404/405 handler answers
    permission = declared_permission(request.endpoint)
    if permission is None:
        current_app.logger.error("endpoint %s declares no permission", request.endpoint)
        abort(403)
    if permission == Permission.PUBLIC:
        return None
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    if permission not in OUTSIDE_NETWORK and g.get("network") is None:
        abort(404)
    if not can(permission):
        abort(403)
    return None
