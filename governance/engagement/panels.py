"""Patient panels: the network's panel and each practice's patient participation group, their members,
the yearly membership review, and the aggregate profile counts for representativeness."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from governance.core import clock
from governance.core.concurrency import check_version
from governance.core.errors import Checks, ServiceError
from governance.core.text import clean_line, clean_text
from governance.engagement.models import PROFILE_BANDS, PanelKind, PanelMember, PatientPanel, ProfileCount
from governance.extensions import db
from governance.networks.models import Network
from governance.partners.models import Partner, PartnerKind

NAME_LIMIT = 200


def practice_choices() -> list[tuple[int, str]]:
    """The network's GP practices, by name."""
    rows = db.session.execute(select(Partner.id, Partner.name).where(Partner.kind == PartnerKind.GP_PRACTICE.value)
                              .order_by(func.lower(Partner.name), Partner.id))
    return [(row.id, row.name) for row in rows]


def financial_year_of(day: date) -> int:
    """The year a financial year (1 April to 31 March) starts in."""
    return day.year if day.month >= 4 else day.year - 1


def review_due(panel: PatientPanel) -> date:
    """The last day of the financial year the next membership review falls in."""
    if panel.last_review_on is None:
        return date(financial_year_of(clock.today()) + 1, 3, 31)
    return date(financial_year_of(panel.last_review_on) + 2, 3, 31)


def review_overdue(panel: PatientPanel) -> bool:
    """No review in the previous financial year or this one (a panel never reviewed is due this year)."""
    if panel.last_review_on is None:
        return False
    return financial_year_of(panel.last_review_on) < financial_year_of(clock.today()) - 1


@dataclass
class PanelRow:
    panel: PatientPanel
    members: int
    review_due: date
    review_overdue: bool


def panel_rows() -> list[PanelRow]:
    """Every panel, the network's first, with its current member count and review dates (two queries)."""
    panels = list(db.session.execute(select(PatientPanel).options(selectinload(PatientPanel.partner))
                                      .order_by(PatientPanel.kind, func.lower(PatientPanel.name))).scalars())
    today = clock.today()
    counts = dict(db.session.execute(
        select(PanelMember.panel_id, func.count(PanelMember.id))
        .where(PanelMember.joined_on <= today, (PanelMember.left_on.is_(None)) | (PanelMember.left_on > today))
        .group_by(PanelMember.panel_id)).all())
    return [PanelRow(panel, counts.get(panel.id, 0), review_due(panel), review_overdue(panel)) for panel in panels]


def members_of(panel: PatientPanel) -> list[PanelMember]:
    """The panel's members, current first, by the date they joined."""
    return list(db.session.execute(select(PanelMember).where(PanelMember.panel_id == panel.id)
                                   .options(selectinload(PanelMember.partner))
                                   .order_by(PanelMember.left_on.is_not(None), PanelMember.joined_on,
                                             PanelMember.id)).scalars())


def _clean_panel(data: dict, checks: Checks, panel_id: int | None = None) -> dict:
    name = clean_line(data.get("name"))
    if not name:
        checks.add("Enter the panel's name", "name")
    elif len(name) > NAME_LIMIT:
        checks.add(f"Name must be {NAME_LIMIT} characters or fewer", "name")
    elif db.session.execute(select(PatientPanel.id).where(func.lower(PatientPanel.name) == name.lower(),
                                                          PatientPanel.id != (panel_id or 0))).first():
        checks.add(f"There is already a panel called {name}", "name")
    partner_id = data.get("partner_id")
    if partner_id is not None and partner_id not in {row[0] for row in practice_choices()}:
        checks.add("Select one of the network's GP practices", "partner_id")
    review = data.get("last_review_on")
    if review is not None and review > clock.today():
        checks.add("The last review date must be today or in the past", "last_review_on")
    return {"name": name, "partner_id": partner_id, "description": clean_text(data.get("description"))[:5000],
            "last_review_on": review,
            "kind": PanelKind.PRACTICE.value if partner_id else PanelKind.NETWORK.value}


def create_panel(network: Network, data: dict) -> PatientPanel:
    """Add the network's panel, or a practice's patient participation group (choose the practice)."""
    checks = Checks()
    values = _clean_panel(data, checks)
    checks.raise_any()
    panel = PatientPanel(network_id=network.id, **values)
    db.session.add(panel)
    db.session.flush()
    return panel


def update_panel(panel: PatientPanel, data: dict, version) -> PatientPanel:
    """Change a panel's details, including when its membership was last reviewed."""
    check_version(panel, version)
    checks = Checks()
    values = _clean_panel(data, checks, panel.id)
    checks.raise_any()
    for key, value in values.items():
        setattr(panel, key, value)
    db.session.flush()
    db.session.expire(panel, ["partner"])
    return panel


def add_member(panel: PatientPanel, data: dict) -> PanelMember:
    """Add a member with the date they joined and the practice they are registered with."""
    checks = Checks()
    name = clean_line(data.get("name"))
    if not name:
        checks.add("Enter the member's name", "name")
    elif len(name) > NAME_LIMIT:
        checks.add(f"Name must be {NAME_LIMIT} characters or fewer", "name")
    joined = data.get("joined_on")
    if joined is None:
        checks.add("Enter the date they joined", "joined_on")
    elif joined > clock.today():
        checks.add("The date they joined must be today or in the past", "joined_on")
    partner_id = data.get("partner_id")
    if partner_id is not None and partner_id not in {row[0] for row in practice_choices()}:
        checks.add("Select one of the network's GP practices", "partner_id")
    checks.raise_any()
    member = PanelMember(network_id=panel.network_id, panel_id=panel.id, name=name, joined_on=joined,
                         partner_id=partner_id)
    db.session.add(member)
    db.session.flush()
    return member


def member_leaves(member: PanelMember, day: date | None) -> PanelMember:
    """Record the day a member left the panel."""
    if member.left_on is not None:
        raise ServiceError("This member has already left")
    day = day or clock.today()
    if day < member.joined_on:
        raise ServiceError("The day they left must be on or after the day they joined", "left_on")
    member.left_on = day
    db.session.flush()
    return member


# ------------------------------------------------------------------------------------ representativeness

def profile_of(panel_id: int | None) -> dict[str, int]:
    """A panel's counts by band (None: the practices' list profile)."""
    condition = ProfileCount.panel_id.is_(None) if panel_id is None else ProfileCount.panel_id == panel_id
    return {row.band: row.people for row in db.session.execute(select(ProfileCount).where(condition)).scalars()}


def save_profile(network: Network, panel: PatientPanel | None, counts: dict) -> None:
    """Record the aggregate counts (age band, sex) for a panel, or for the practices' lists."""
    checks = Checks()
    for band, label in PROFILE_BANDS:
        value = counts.get(band)
        if value is not None and (not isinstance(value, int) or not 0 <= value <= 10_000_000):
            checks.add(f"{label} must be a whole number, 0 or more", band)
    checks.raise_any()
    panel_id = panel.id if panel is not None else None
    existing = {row.band: row for row in db.session.execute(select(ProfileCount).where(
        ProfileCount.panel_id.is_(None) if panel_id is None else ProfileCount.panel_id == panel_id)).scalars()}
    for band, _label in PROFILE_BANDS:
        value = counts.get(band)
        row = existing.get(band)
        if value is None and row is not None:
            db.session.delete(row)
        elif value is not None and row is None:
            db.session.add(ProfileCount(network_id=network.id, panel_id=panel_id, band=band, people=value))
        elif value is not None:
            row.people = value
    db.session.flush()


@dataclass
class ProfileRow:
    label: str
    panel_people: int | None
    panel_share: float | None
    list_share: float | None


def _shares(counts: dict[str, int], prefix: str) -> dict[str, float]:
    total = sum(v for k, v in counts.items() if k.startswith(prefix))
    return {k: v * 100 / total for k, v in counts.items() if k.startswith(prefix) and total}


def representativeness(panel_counts: dict[str, int], list_counts: dict[str, int]) -> list[ProfileRow]:
    """Each band's share of the panel beside its share of the practices' lists (percent, per age or sex)."""
    rows = []
    panel_share = _shares(panel_counts, "age_") | _shares(panel_counts, "sex_")
    list_share = _shares(list_counts, "age_") | _shares(list_counts, "sex_")
    for band, label in PROFILE_BANDS:
        rows.append(ProfileRow(label, panel_counts.get(band), panel_share.get(band), list_share.get(band)))
    return rows
