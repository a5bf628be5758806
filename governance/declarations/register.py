"""The register of interests: declaring, updating, ending and withholding entries; nil and annual returns; gifts.

Nothing is edited in place. An update, an end date or a decision to withhold an entry from the
published register is a new declaration that replaces the one before (`replaces_id`); the entry's
current version is the one nothing replaces. Each declaration goes on the governance ledger.
"""

import re
from datetime import date
from decimal import Decimal

from sqlalchemy import exists, select
from sqlalchemy.orm import aliased

from governance.auth.models import User
from governance.core import clock
from governance.core.errors import Checks, ServiceError
from governance.core.formatting import format_date, format_money
from governance.core.locking import serialise_on
from governance.core.text import clean_line, clean_text
from governance.declarations import ledger_records
from governance.declarations.models import Category, DeclarationKind, GiftDeclaration, InterestDeclaration
from governance.extensions import db
from governance.networks.models import Membership

MAX_VALUE_PENCE = 100_000_000  # £1,000,000: beyond any gift a member could be offered


def _later() -> object:
    later = aliased(InterestDeclaration)
    return exists().where(later.replaces_id == InterestDeclaration.id,
                          later.network_id == InterestDeclaration.network_id)


def latest_versions():
    """Declarations that nothing replaces (each entry's current version, nil and annual returns included)."""
    return select(InterestDeclaration).where(~_later())


def is_current(row: InterestDeclaration, day: date) -> bool:
    return (row.is_interest and not row.ended_by(day)
            and (row.from_date is None or row.from_date <= day))


def declarations_of(membership_ids: list[int]) -> list[InterestDeclaration]:
    """Every declaration of these members, newest first, in one query."""
    if not membership_ids:
        return []
    return list(db.session.execute(select(InterestDeclaration).where(
        InterestDeclaration.membership_id.in_(membership_ids))
        .order_by(InterestDeclaration.declared_on.desc(), InterestDeclaration.id.desc())).scalars())


def replaced_ids(rows: list[InterestDeclaration]) -> set[int]:
    return {row.replaces_id for row in rows if row.replaces_id}


def current_interests(rows: list[InterestDeclaration], day: date) -> list[InterestDeclaration]:
    """Of a member's declarations, the interests in force on the day (their latest versions)."""
    replaced = replaced_ids(rows)
    return [row for row in rows if row.id not in replaced and is_current(row, day)]


def past_interests(rows: list[InterestDeclaration], day: date) -> list[InterestDeclaration]:
    replaced = replaced_ids(rows)
    return [row for row in rows if row.id not in replaced and row.is_interest and row.ended_by(day)]


# Declaring ----------------------------------------------------------------------------------------

def _clean(data: dict, checks: Checks) -> dict:
    category = data.get("category") or ""
    if category not in Category._value2member_map_:
        checks.add("Select the category of the interest", "category")
    description = clean_text(data.get("description"))
    if not description:
        checks.add("Describe the interest", "description")
    elif len(description) > 2000:
        checks.add("The interest must be 2,000 characters or fewer", "description")
    organisation = clean_line(data.get("organisation"))
    if len(organisation) > 300:
        checks.add("Organisation involved must be 300 characters or fewer", "organisation")
    from_date, to_date = data.get("from_date"), data.get("to_date")
    if from_date and from_date > clock.today():
        checks.add("The date the interest started must be today or in the past", "from_date")
    if from_date and to_date and to_date < from_date:
        checks.add("The date the interest ended must be on or after the date it started", "to_date")
    management = clean_text(data.get("management"))
    if len(management) > 2000:
        checks.add("How it is managed must be 2,000 characters or fewer", "management")
    direct = data.get("direct")
    if category == Category.INDIRECT:
        direct = "indirect"
    if direct not in ("direct", "indirect"):
        checks.add("Select whether the interest is yours or someone close to you", "direct")
    return {"category": category, "description": description, "organisation": organisation,
            "from_date": from_date, "to_date": to_date, "management": management, "direct": direct == "direct"}


def _role(membership: Membership) -> str:
    return membership.job_title or membership.role_label


def declare_interest(network, membership: Membership, data: dict, actor: User | None,
                     declared_on: date | None = None) -> InterestDeclaration:
    """Add an interest to a member's register entry."""
    checks = Checks()
    values = _clean(data, checks)
    checks.raise_any()
    row = InterestDeclaration(network_id=network.id, membership_id=membership.id, kind=DeclarationKind.INTEREST.value,
                              role=_role(membership), declared_on=declared_on or clock.today(),
                              recorded_by_id=actor.id if actor else None, recorded_at=clock.now(), **values)
    db.session.add(row)
    db.session.flush()
    ledger_records.record(row, "declaration.made", f"{membership.user.full_name} declared a "
                          f"{row.category_label.lower()} interest", row.recorded_by_id)
    return row


def _successor(old: InterestDeclaration, actor: User | None, **changes) -> InterestDeclaration:
    serialise_on(old)
    if db.session.execute(select(InterestDeclaration.id).where(InterestDeclaration.replaces_id == old.id)).first():
        raise ServiceError("That entry has already been updated by someone else. Open the register again to see "
                           "its latest version")
    values = {column: getattr(old, column) for column in (
        "network_id", "membership_id", "kind", "role", "category", "description", "organisation", "direct",
        "from_date", "to_date", "management", "withheld_reason")}
    values.update(changes)
    row = InterestDeclaration(replaces_id=old.id, declared_on=clock.today(), recorded_at=clock.now(),
                              recorded_by_id=actor.id if actor else None, **values)
    db.session.add(row)
    db.session.flush()
    return row


def update_interest(old: InterestDeclaration, data: dict, actor: User | None) -> InterestDeclaration:
    """A new version of an entry: what changed is declared again, the old version stays on the register."""
    if not old.is_interest:
        raise ServiceError("Only a declared interest can be updated")
    checks = Checks()
    values = _clean(data, checks)
    checks.raise_any()
    row = _successor(old, actor, **values)
    ledger_records.record(row, "declaration.updated", f"{row.membership.user.full_name} updated a declared interest",
                          row.recorded_by_id)
    return row


def end_interest(old: InterestDeclaration, last_day: date | None, actor: User | None) -> InterestDeclaration:
    """The interest has ended: a new version with its end date; it stays on the register as a past interest."""
    checks = Checks()
    if not old.is_interest:
        checks.add("Only a declared interest can be ended", "to_date")
    if last_day is None:
        checks.add("Enter the date the interest ended", "to_date")
    elif old.from_date and last_day < old.from_date:
        checks.add("The date the interest ended must be on or after the date it started", "to_date")
    elif last_day > clock.today():
        checks.add("The date the interest ended must be today or in the past", "to_date")
    checks.raise_any()
    row = _successor(old, actor, to_date=last_day)
    ledger_records.record(row, "declaration.ended", f"{row.membership.user.full_name}'s interest ended on "
                          f"{format_date(last_day)}", row.recorded_by_id)
    return row


def withhold(old: InterestDeclaration, reason: str, actor: User | None) -> InterestDeclaration:
    """Keep an entry off the published register, for a recorded privacy or safety reason ("" publishes it again)."""
    reason = clean_text(reason)
    if not old.is_interest:
        raise ServiceError("Only a declared interest can be withheld", "reason")
    if len(reason) > 1000:
        raise ServiceError("The reason must be 1,000 characters or fewer", "reason")
    if reason == old.withheld_reason:
        raise ServiceError("Enter why the entry is withheld from the published register" if not reason
                           else "That is already the recorded reason", "reason")
    row = _successor(old, actor, withheld_reason=reason)
    words = "withheld from" if reason else "shown again on"
    ledger_records.record(row, "declaration.withheld" if reason else "declaration.published",
                          f"An interest of {row.membership.user.full_name} {words} the published register",
                          row.recorded_by_id)
    return row


def annual_return(network, membership: Membership, actor: User | None) -> InterestDeclaration:
    """A nil return (nothing to declare) or, for a member with interests on the register, confirmation that
    they are complete and current."""
    serialise_on(membership)
    rows = declarations_of([membership.id])
    kind = DeclarationKind.CONFIRMED if current_interests(rows, clock.today()) else DeclarationKind.NIL
    if any(r.kind == kind and r.declared_on == clock.today() for r in rows):
        raise ServiceError("Your declaration was already recorded today")
    row = InterestDeclaration(network_id=network.id, membership_id=membership.id, kind=kind.value,
                              role=_role(membership), declared_on=clock.today(), recorded_at=clock.now(),
                              recorded_by_id=actor.id if actor else None)
    db.session.add(row)
    db.session.flush()
    ledger_records.record(row, f"declaration.{kind.value}", f"{membership.user.full_name}: {kind.label.lower()}",
                          row.recorded_by_id)
    return row


# Gifts and hospitality ------------------------------------------------------------------------

def gift_values(data: dict, checks: Checks) -> dict:
    """The gift's details as entered, checked (every problem goes on `checks`)."""
    received_on = data.get("received_on")
    if received_on is None:
        checks.add("Enter the date the gift or hospitality was offered", "received_on")
    elif received_on > clock.today():
        checks.add("The date it was offered must be today or in the past", "received_on")
    giver = clean_line(data.get("giver"))
    if not giver:
        checks.add("Enter who offered it", "giver")
    description = clean_text(data.get("description"))
    if not description:
        checks.add("Describe the gift or hospitality", "description")
    value = pence(data.get("value"))
    if value is None:
        checks.add("Enter the estimated value in pounds and pence, like 25.00", "value")
    elif value < 0 or value > MAX_VALUE_PENCE:
        checks.add(f"The estimated value must be between £0.00 and {format_money(MAX_VALUE_PENCE)}", "value")
    if data.get("accepted") not in ("accepted", "declined"):
        checks.add("Select whether it was accepted or declined", "accepted")
    return {"received_on": received_on, "giver": giver[:300], "description": description[:2000],
            "value_pence": value, "accepted": data.get("accepted") == "accepted"}


def declare_gift(network, membership: Membership, data: dict, actor: User | None) -> GiftDeclaration:
    """Record a gift or hospitality offered to a member, accepted or declined, with its estimated value."""
    checks = Checks()
    values = gift_values(data, checks)
    checks.raise_any()
    gift = GiftDeclaration(network_id=network.id, membership_id=membership.id, declared_on=clock.today(),
                           recorded_by_id=actor.id if actor else None, recorded_at=clock.now(), **values)
    db.session.add(gift)
    db.session.flush()
    ledger_records.record(gift, "gift.declared", f"{membership.user.full_name}: {gift.outcome.lower()} "
                          f"{gift.description[:60]} from {gift.giver[:60]}", gift.recorded_by_id)
    return gift


def pence(text) -> int | None:
    """'£1,234.50' -> 123450, exactly (no floating point); None when it is not an amount of money."""
    cleaned = clean_line(text).replace("£", "").replace(",", "").strip()
    if not re.fullmatch(r"\d{1,9}(\.\d{1,2})?", cleaned):
        return None
    return int(Decimal(cleaned) * 100)


def gifts_of(membership_ids: list[int]) -> list[GiftDeclaration]:
    if not membership_ids:
        return []
    return list(db.session.execute(select(GiftDeclaration).where(GiftDeclaration.membership_id.in_(membership_ids))
                                   .order_by(GiftDeclaration.received_on.desc(), GiftDeclaration.id.desc())).scalars())
