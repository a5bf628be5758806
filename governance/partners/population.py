"""The network's registered population: its history, each practice's share, and the care model's size."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from governance.core import clock
from governance.extensions import db
from governance.networks.models import CareModel
from governance.partners.models import ListSize, MembershipStatus, Partner, PartnerKind

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class ExpectedSize:
    """The registered population a care model is designed for; None means no bound."""

    low: int | None
    high: int | None
    wording: str  # e.g. "30,000 to 50,000", "about 75,000"
    below: str  # what the population falls below, e.g. "the 30,000"
    above: str = ""


EXPECTED_SIZES = {
    CareModel.PRIMARY_CARE_HOME: ExpectedSize(30_000, 50_000, "30,000 to 50,000", "the 30,000", "the 50,000"),
    CareModel.PRIMARY_CARE_NETWORK: ExpectedSize(30_000, 50_000, "30,000 to 50,000", "the 30,000",
                                                 "the 50,000"),
    # "About 75,000": we treat 60,000 to 90,000 as about.
    CareModel.LOCAL_CARE_NETWORK: ExpectedSize(60_000, 90_000, "about 75,000", "the population of about 75,000",
                                               "the population of about 75,000"),
    CareModel.MCP: ExpectedSize(100_000, None, "at least 100,000", "the 100,000"),
    CareModel.PACS: ExpectedSize(250_000, None, "at least 250,000", "the 250,000"),
}


def _model_words(care_model: str) -> str:
    """'a primary care home', 'an integrated care system (ICS)'; 'this care model' for Other."""
    if care_model == CareModel.OTHER:
        return "this care model"
    label = CareModel(care_model).label
    words = label[0].lower() + label[1:]
    return ("an " if words[0] in "aeiou" else "a ") + words


def size_warning(population: int, care_model: str) -> str | None:
    """A plain-words warning when the population is outside the care model's expected size."""
    expected = EXPECTED_SIZES.get(CareModel(care_model))
    if expected is None:
        return None
    if expected.low is not None and population < expected.low:
        return (f"Registered population {population:,} is below {expected.below} expected for "
                f"{_model_words(care_model)}.")
    if expected.high is not None and population > expected.high:
        return (f"Registered population {population:,} is above {expected.above} expected for "
                f"{_model_words(care_model)}.")
    return None


def size_message(population: int, care_model: str) -> str:
    """The warning, or a plain statement that the population fits the care model."""
    warning = size_warning(population, care_model)
    if warning:
        return warning
    expected = EXPECTED_SIZES.get(CareModel(care_model))
    if expected is None:
        return (f"Registered population {population:,}. There is no expected size for "
                f"{_model_words(care_model)}.")
    return (f"Registered population {population:,} is within the size expected for "
            f"{_model_words(care_model)}: {expected.wording}.")


def counted_practices(partners, day: date) -> list[tuple[Partner, ListSize]]:
    """The GP practices active on a day that have a list size by then, with that list size."""
    counted = []
    for partner in partners:
        if partner.kind != PartnerKind.GP_PRACTICE or partner.status_on(day) != MembershipStatus.ACTIVE:
            continue
        size = partner.list_size_on(day)
        if size is not None:
            counted.append((partner, size))
    return counted


def population_on(partners, day: date) -> int:
    """Sum over GP practices active on the day of their latest list size as of that day."""
    return sum(size.patients for _, size in counted_practices(partners, day))


@dataclass
class PracticeShare:
    partner: Partner
    list_size: ListSize
    share: Fraction  # exact: the shares of all practices sum to exactly 1
    percent: Decimal  # to 2 places, rounded so that the percentages sum to exactly 100.00


def practice_shares(partners, day: date) -> list[PracticeShare]:
    """Each active practice's exact share of the registered population (empty when it is 0)."""
    counted = counted_practices(partners, day)
    total = sum(size.patients for _, size in counted)
    if total == 0:
        return []
    shares = [Fraction(size.patients, total) for _, size in counted]
    percents = _largest_remainder_percents(shares)
    return [PracticeShare(partner, size, share, percent)
            for (partner, size), share, percent in zip(counted, shares, percents, strict=True)]


def _largest_remainder_percents(shares: list[Fraction]) -> list[Decimal]:
    """Percentages to 2 places that add up to exactly 100.00 (largest remainder method)."""
    hundredths = [share * 10_000 for share in shares]
    floors = [int(value) for value in hundredths]
    missing = 10_000 - sum(floors)
    by_remainder = sorted(range(len(shares)), key=lambda i: hundredths[i] - floors[i], reverse=True)
    for i in by_remainder[:missing]:
        floors[i] += 1
    return [(Decimal(value) / HUNDRED).quantize(CENT) for value in floors]


@dataclass
class PopulationPoint:
    day: date
    population: int
    change: int
    events: list[str] = field(default_factory=list)
    is_future: bool = False


def _events(partners) -> dict[date, list[str]]:
    events: dict[date, list[str]] = {}
    for partner in partners:
        if partner.kind != PartnerKind.GP_PRACTICE:
            continue
        for change in partner.status_changes:
            events.setdefault(change.effective_on, []).append(
                f"{partner.name}: {MembershipStatus(change.status).label.lower()}")
        for size in partner.list_sizes:
            events.setdefault(size.as_of, []).append(f"{partner.name}: list size {size.patients:,}")
    return events


def population_history(partners, today: date | None = None) -> list[PopulationPoint]:
    """The registered population at each date on which a practice's status or list size changed."""
    today = today or clock.today()
    points, previous = [], 0
    for day, events in sorted(_events(partners).items()):
        population = population_on(partners, day)
        points.append(PopulationPoint(day, population, population - previous, events, day > today))
        previous = population
    return points


def gp_practices() -> list[Partner]:
    """The current network's GP practices with their status and list size histories."""
    return list(db.session.execute(
        select(Partner).where(Partner.kind == PartnerKind.GP_PRACTICE).order_by(func.lower(Partner.name), Partner.id)
        .options(selectinload(Partner.status_changes), selectinload(Partner.list_sizes))
    ).scalars())


@dataclass
class PopulationProfile:
    day: date
    care_model: str
    population: int
    expected: ExpectedSize | None
    warning: str | None
    message: str
    shares: list[PracticeShare]
    history: list[PopulationPoint]
    practices: list[Partner]


def population_profile(network, day: date | None = None, partners=None) -> PopulationProfile:
    """The network profile: population on a day, the care model's expected size, shares and history."""
    day = day or clock.today()
    practices = [p for p in (gp_practices() if partners is None else partners)
                 if p.kind == PartnerKind.GP_PRACTICE]
    population = population_on(practices, day)
    return PopulationProfile(
        day=day, care_model=network.care_model, population=population,
        expected=EXPECTED_SIZES.get(CareModel(network.care_model)),
        warning=size_warning(population, network.care_model),
        message=size_message(population, network.care_model),
        shares=practice_shares(practices, day), history=population_history(practices, day),
        practices=practices)


@dataclass
class ScheduleRow:
    partner: Partner
    status: MembershipStatus | None
    joined_on: date | None
    list_size: ListSize | None


def schedule_rows(partners, day: date) -> tuple[list[ScheduleRow], list[ScheduleRow]]:
    """The membership schedule's rows: current partners, and partners who have left."""
    current, former = [], []
    for partner in partners:
        status = partner.status_on(day)
        size = partner.list_size_on(day) if partner.kind == PartnerKind.GP_PRACTICE else None
        row = ScheduleRow(partner, status, partner.joined_on, size)
        (former if status == MembershipStatus.LEFT else current).append(row)
    return current, former
