"""Networks, memberships and invitations; and loading the current network for a request."""

import re
from collections.abc import Callable
from datetime import timedelta

from flask import abort, current_app, g
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from governance.auth import services as auth_services
from governance.auth.models import User
from governance.core import audit, clock, tenancy, tokens
from governance.core.concurrency import check_version
from governance.core.errors import ServiceError
from governance.core.outbox import external_url, queue_mail
from governance.core.permissions import Role
from governance.core.text import clean_line, clean_text
from governance.extensions import db
from governance.networks.models import CareModel, Invitation, Membership, Network

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def load_request_network():
    """Before-request hook: a /n/<slug>/ URL is answered only for active members (else 404)."""
    slug = g.pop("network_slug", None)
    if slug is None or not current_user.is_authenticated:
        return
    membership = db.session.execute(
        select(Membership)
        .join(Network, Membership.network_id == Network.id)
        .where(Network.slug == slug, Membership.user_id == current_user.id,
               Membership.active.is_(True))
        .options(selectinload(Membership.network))
    ).scalar_one_or_none()
    if membership is None:
        abort(404)
    g.network = membership.network
    g.membership = membership
    tenancy.activate(membership.network_id)


def release_request_network(exc=None):
    tenancy.activate(None)


def current_financial_year_start(today=None) -> int:
    today = today or clock.now().date()
    return today.year if today.month >= 4 else today.year - 1


def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:80]


def create_network(name: str, care_model: str, *, slug: str | None = None, ods_code: str | None = None,
                   footprint: str = "", financial_year_start: int | None = None) -> Network:
    """Create a network workspace with a unique slug."""
    slug = slug or slugify(name)
    if not SLUG_PATTERN.match(slug):
        raise ServiceError("Web address name can only use lower case letters, numbers and hyphens", "slug")
    if db.session.execute(select(Network.id).where(Network.slug == slug)).first():
        raise ServiceError("Another network already uses this web address name", "slug")
    network = Network(
        name=clean_line(name), slug=slug, care_model=CareModel(care_model).value,
        ods_code=clean_line(ods_code).upper() or None, footprint=clean_text(footprint),
        financial_year_start=financial_year_start or current_financial_year_start(),
    )
    db.session.add(network)
    db.session.flush()
    return network


def update_network(network: Network, data: dict, version) -> Network:
    """Edit the network profile, refusing to overwrite someone else's save."""
    check_version(network, version)
    network.name = clean_line(data["name"])
    network.care_model = CareModel(data["care_model"]).value
    network.ods_code = clean_line(data.get("ods_code")).upper() or None
    network.footprint = clean_text(data.get("footprint"))
    network.financial_year_start = data["financial_year_start"]
    db.session.flush()
    return network


def add_member(network: Network, user: User, role: str, *, partner_id: int | None = None,
               is_authorised_signatory: bool = False, job_title: str = "") -> Membership:
    """Make a user a member of a network with a role."""
    _check_role_fields(role, partner_id, is_authorised_signatory)
    existing = db.session.execute(
        select(Membership).where(Membership.network_id == network.id, Membership.user_id == user.id)
        .execution_options(all_networks=True)
    ).scalar_one_or_none()
    if existing is not None:
        raise ServiceError(f"{user.email} is already a member of {network.name}", "email")
    membership = Membership(network_id=network.id, user_id=user.id, role=Role(role).value,
                            partner_id=partner_id, job_title=clean_line(job_title),
                            is_authorised_signatory=bool(partner_id and is_authorised_signatory))
    db.session.add(membership)
    db.session.flush()
    return membership


def _check_role_fields(role: str, partner_id: int | None, is_signatory: bool) -> None:
    if role == Role.PARTNER_REPRESENTATIVE and not partner_id:
        raise ServiceError("Select the partner organisation this representative acts for", "partner_id")
    if is_signatory and role != Role.PARTNER_REPRESENTATIVE:
        raise ServiceError("Only a partner representative can be an authorised signatory",
                           "is_authorised_signatory")


def user_memberships(user: User) -> list[Membership]:
    """The active memberships of a user across networks, for the network switcher."""
    return list(db.session.execute(
        select(Membership).where(Membership.user_id == user.id, Membership.active.is_(True))
        .options(selectinload(Membership.network)).execution_options(all_networks=True)
    ).scalars())


def members_query():
    return (select(Membership).join(User, Membership.user_id == User.id)
            .options(selectinload(Membership.partner))
            .order_by(Membership.active.desc(), User.full_name))


def update_membership(membership: Membership, data: dict, version) -> Membership:
    """Change a member's role, partner and signatory status."""
    check_version(membership, version)
    role = data["role"]
    partner_id = data.get("partner_id") or None
    if role != Role.PARTNER_REPRESENTATIVE:
        partner_id = None
    signatory = bool(data.get("is_authorised_signatory"))
    _check_role_fields(role, partner_id, signatory)
    _keep_an_admin(membership, role)
    membership.role = role
    membership.partner_id = partner_id
    membership.is_authorised_signatory = signatory
    membership.job_title = clean_line(data.get("job_title"))
    db.session.flush()
    return membership


def _keep_an_admin(membership: Membership, new_role: str | None) -> None:
    if membership.role != Role.NETWORK_ADMIN or new_role == Role.NETWORK_ADMIN:
        return
    admins = db.session.execute(
        select(Membership.id).where(Membership.network_id == membership.network_id,
                                    Membership.role == Role.NETWORK_ADMIN.value,
                                    Membership.active.is_(True), Membership.id != membership.id)
    ).first()
    if admins is None:
        raise ServiceError("A network must keep at least one active network admin", "role")


def deactivate_member(membership: Membership, actor: User) -> Membership:
    """Remove a member's access; everything they recorded stays."""
    if membership.user_id == actor.id:
        raise ServiceError("You cannot deactivate your own membership")
    _keep_an_admin(membership, None)
    membership.active = False
    membership.deactivated_at = clock.now()
    db.session.flush()
    return membership


def reactivate_member(membership: Membership) -> Membership:
    membership.active = True
    membership.deactivated_at = None
    db.session.flush()
    return membership


def invite(network: Network, email: str, role: str, actor: User | None, *, full_name: str = "",
           partner_id: int | None = None, is_authorised_signatory: bool = False) -> tuple[Invitation, str]:
    """Create a one-time, expiring invitation and email its link. Returns it and the raw token."""
    email = auth_services.normalise_email(email)
    _check_role_fields(role, partner_id, is_authorised_signatory)
    user = auth_services.find_user(email)
    if user is not None and db.session.execute(
        select(Membership.id).where(Membership.network_id == network.id,
                                    Membership.user_id == user.id)
        .execution_options(all_networks=True)
    ).first():
        raise ServiceError(f"{email} is already a member of this network", "email")
    raw, hashed = tokens.new_token()
    days = current_app.config["INVITATION_DAYS"]
    invitation = Invitation(
        network_id=network.id, email=email, full_name=clean_line(full_name), role=Role(role).value,
        partner_id=partner_id, is_authorised_signatory=is_authorised_signatory,
        token_hash=hashed, invited_by_id=actor.id if actor else None,
        expires_at=clock.now() + timedelta(days=days),
    )
    db.session.add(invitation)
    db.session.flush()
    queue_mail(email, "invitation", network_id=network.id, secret=True, full_name=invitation.full_name,
               inviter=actor.full_name if actor else "The Accord administrator", network_name=network.name,
               role_label=Role(role).label, days=days, link=external_url("networks.accept_invitation", token=raw))
    return invitation, raw


def pending_invitations_query():
    return (select(Invitation).where(Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None))
            .options(selectinload(Invitation.partner)).order_by(Invitation.created_at.desc()))


def find_invitation(raw: str) -> Invitation | None:
    """The usable invitation behind a link, from any network (the link is the credential)."""
    invitation = db.session.execute(
        select(Invitation).where(Invitation.token_hash == tokens.hash_token(raw))
        .options(selectinload(Invitation.network)).execution_options(all_networks=True)
    ).scalar_one_or_none()
    if invitation is None or invitation.status != "Pending":
        return None
    return invitation


def accept_invitation(raw: str, *, full_name: str = "", password: str = "",
                      existing_user: User | None = None) -> Membership:
    """Use an invitation once: create the account (or use the signed-in one) and the membership."""
    invitation = find_invitation(raw)
    if invitation is None:
        raise ServiceError("This invitation has expired, been withdrawn or already been used")
    if existing_user is not None and existing_user.email != invitation.email:
        raise ServiceError(f"This invitation is for {invitation.email}. Sign out, then open the link "
                           "again and sign in with that address")
    user = existing_user or auth_services.find_user(invitation.email)
    if user is None:
        user = auth_services.create_user(invitation.email, full_name or invitation.full_name, password)
    elif existing_user is None:
        raise ServiceError("You already have an account: sign in to accept this invitation")
    membership = add_member(invitation.network, user, invitation.role, partner_id=invitation.partner_id,
                            is_authorised_signatory=invitation.is_authorised_signatory)
    invitation.accepted_at = clock.now()
    audit.record_event(invitation, "accepted", f"{user.full_name} accepted the invitation")
    return membership


def revoke_invitation(invitation: Invitation) -> Invitation:
    if invitation.status != "Pending":
        raise ServiceError("Only a pending invitation can be withdrawn")
    invitation.revoked_at = clock.now()
    db.session.flush()
    return invitation


def create_network_with_admin(data: dict, actor: User) -> Network:
    """Site admin: create a network and invite its first network admin."""
    network = create_network(data["name"], data["care_model"], slug=data["slug"],
                             ods_code=data.get("ods_code"), footprint=data.get("footprint") or "",
                             financial_year_start=data.get("financial_year_start"))
    invite(network, data["admin_email"], Role.NETWORK_ADMIN.value, actor,
           full_name=data.get("admin_name") or "")
    return network


def all_networks_query():
    return select(Network).order_by(Network.name)


# Partners are a module above this one: it registers how to list them for the role forms.
_partner_choices: list[Callable[[], list[tuple[int, str]]]] = []


def provide_partner_choices(provider: Callable[[], list[tuple[int, str]]]) -> None:
    """Called by the partners module: (id, name) of the current network's partners."""
    _partner_choices[:] = [provider]


def partner_choices() -> list[tuple[int, str]]:
    """The partners a member or invitation can be linked to (empty until partners registers)."""
    return _partner_choices[0]() if _partner_choices else []
