"""Networks, memberships and invitations; and loading the current network for a request."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from flask import abort, current_app, g, request, session
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from governance.auth import services as auth_services
from governance.auth.models import User
from governance.core import audit, clock, tenancy, tokens
from governance.core.concurrency import check_version
from governance.core.db import MAX_RECORD_ID
from governance.core.errors import Checks, ServiceError
from governance.core.outbox import external_url, queue_mail
from governance.core.permissions import Role
from governance.core.text import clean_line, clean_text
from governance.extensions import db
from governance.networks.models import CareModel, Invitation, Membership, Network

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LAST_NETWORK_KEY = "accord_network"


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
    _note_network_used(membership)


def _note_network_used(membership: Membership) -> None:
    """Remember the network a member moved to (from the chooser, or from another network's pages).

    Written once per switch, in its own short transaction; the first page of a visit (where signing
    in took them, or a bookmark) writes nothing.
    """
    previous = session.get(LAST_NETWORK_KEY)
    if previous == membership.network_id:
        return
    session[LAST_NETWORK_KEY] = membership.network_id
    if previous is None and not request.args.get("chosen"):
        return
    table = Membership.__table__
    with db.engine.begin() as connection:  # no version bump, no audit entry: not a change to the role
        connection.execute(table.update().where(table.c.id == membership.id)
                           .values(last_used_at=clock.now(), updated_at=table.c.updated_at))


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
    partner_id = _check_role_fields(network.id, role, partner_id, is_authorised_signatory)
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


def _check_role_fields(network_id: int, role: str, partner_id: int | None, is_signatory: bool) -> int | None:
    """Refuse role details that do not fit; the partner link to keep (only representatives have one)."""
    checks = Checks()
    if role not in Role._value2member_map_:
        checks.add("Select a role", "role")
    if role == Role.PARTNER_REPRESENTATIVE and not partner_id:
        checks.add("Select the partner organisation this representative acts for", "partner_id")
    elif role == Role.PARTNER_REPRESENTATIVE and not partner_in_network(network_id, partner_id):
        # The same answer for an id that exists nowhere and one of another network: it reveals nothing.
        checks.add("Select a partner organisation of this network", "partner_id")
    if is_signatory and role != Role.PARTNER_REPRESENTATIVE:
        checks.add("Only a partner representative can be an authorised signatory", "is_authorised_signatory")
    checks.raise_any()
    return partner_id if role == Role.PARTNER_REPRESENTATIVE else None


def partner_in_network(network_id: int, partner_id) -> bool:
    """Whether a partner with this id belongs to this network.

    Partners are a module above this one, so this reads their table without importing them.
    """
    if not isinstance(partner_id, int) or not 0 < partner_id <= MAX_RECORD_ID:
        return False
    partners = db.metadata.tables["partners"]
    return db.session.execute(select(partners.c.id).where(
        partners.c.id == partner_id, partners.c.network_id == network_id)).first() is not None


def user_memberships(user: User) -> list[Membership]:
    """The active memberships of a user across networks, for the network switcher, by network name."""
    memberships = db.session.execute(
        select(Membership).where(Membership.user_id == user.id, Membership.active.is_(True))
        .options(selectinload(Membership.network), selectinload(Membership.partner))
        .execution_options(all_networks=True)
    ).scalars()
    return sorted(memberships, key=lambda m: m.network.name.lower())


def network_to_resume(memberships: list[Membership]) -> Membership | None:
    """Where signing in takes a member: their only network, or the one they used last."""
    if len(memberships) == 1:
        return memberships[0]
    used = [m for m in memberships if m.last_used_at is not None]
    return max(used, key=lambda m: m.last_used_at) if used else None


# What awaits a member in each network (MOUs to sign, ...): modules above this one register a
# counter, so the network chooser can say it without networks importing them.
@dataclass(frozen=True)
class AwaitingCounter:
    key: str
    count: Callable[[list[Membership]], dict[int, int]]  # memberships -> {membership id: how many}
    describe: Callable[[int], str]  # how many -> words, e.g. "2 MOUs awaiting your signature"


_AWAITING: dict[str, AwaitingCounter] = {}


def register_awaiting(counter: AwaitingCounter) -> None:
    """Add (or replace) something the network chooser counts for each of a member's networks.

    `count` gets every active membership of one user (across networks, no tenancy scope) and
    should answer in one query.
    """
    _AWAITING[counter.key] = counter


def awaiting_in_networks(memberships: list[Membership]) -> dict[int, list[str]]:
    """For each membership id, what awaits the member there, in words (nothing when nothing does)."""
    waiting: dict[int, list[str]] = {m.id: [] for m in memberships}
    if not memberships:
        return waiting
    for counter in sorted(_AWAITING.values(), key=lambda c: c.key):
        for membership_id, number in counter.count(memberships).items():
            if number and membership_id in waiting:
                waiting[membership_id].append(counter.describe(number))
    return waiting


def members_query():
    return (select(Membership).join(User, Membership.user_id == User.id)
            .options(selectinload(Membership.partner))
            .order_by(Membership.active.desc(), User.full_name))


def update_membership(membership: Membership, data: dict, version) -> Membership:
    """Change a member's role, partner and signatory status."""
    check_version(membership, version)
    role = data["role"]
    signatory = bool(data.get("is_authorised_signatory"))
    partner_id = _check_role_fields(membership.network_id, role, data.get("partner_id") or None, signatory)
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
    partner_id = _check_role_fields(network.id, role, partner_id, is_authorised_signatory)
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
