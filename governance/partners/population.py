"""The network's registered population: its history, each practice's share, and the care model's size.

Everything here is worked out by the database: a page reads the total, one page of practices and
one page of history, never every practice with its whole history. The population on a day is the
sum, over GP practices whose membership status on that day is active, of their latest list size
as of that day (for one date, its latest revision).
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction

from sqlalchemy import BigInteger, Integer, String, case, cast, func, literal, null, select, union

from governance.core import clock
from governance.core.views import paginate_rows
from governance.extensions import db
from governance.networks.models import CareModel
from governance.partners.models import ListSize, MembershipStatus, Partner, PartnerKind, PartnerStatusChange

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


GP = PartnerKind.GP_PRACTICE.value
ACTIVE = MembershipStatus.ACTIVE.value
EVENTS_SHOWN = 10  # per date in the history; "and 40 more" after that


# The state of each partner on a day, as correlated subqueries (each reads one index entry) ------

def status_on(day: date, partner=Partner):
    """The partner's membership status on a day: the latest effective by then, its latest revision."""
    return (select(PartnerStatusChange.status)
            .where(PartnerStatusChange.network_id == partner.network_id,
                   PartnerStatusChange.partner_id == partner.id, PartnerStatusChange.effective_on <= day)
            .order_by(PartnerStatusChange.effective_on.desc(), PartnerStatusChange.revision.desc())
            .limit(1).correlate(partner).scalar_subquery())


def status_since(day: date, partner=Partner):
    """The date from which the status on a day holds."""
    return (select(PartnerStatusChange.effective_on)
            .where(PartnerStatusChange.network_id == partner.network_id,
                   PartnerStatusChange.partner_id == partner.id, PartnerStatusChange.effective_on <= day)
            .order_by(PartnerStatusChange.effective_on.desc(), PartnerStatusChange.revision.desc())
            .limit(1).correlate(partner).scalar_subquery())


def joined_on(partner=Partner):
    """The first day the partner was an active member."""
    return (select(func.min(PartnerStatusChange.effective_on))
            .where(PartnerStatusChange.network_id == partner.network_id,
                   PartnerStatusChange.partner_id == partner.id, PartnerStatusChange.status == ACTIVE)
            .correlate(partner).scalar_subquery())


def list_size_on(day: date, column=ListSize.patients, partner=Partner):
    """A column of the practice's latest list size as of a day."""
    return (select(column)
            .where(ListSize.network_id == partner.network_id, ListSize.partner_id == partner.id,
                   ListSize.as_of <= day)
            .order_by(ListSize.as_of.desc(), ListSize.revision.desc())
            .limit(1).correlate(partner).scalar_subquery())


def _practices_on(network_id: int, day: date):
    """Every GP practice of the network with its status and latest list size on a day."""
    return (select(Partner.id, Partner.name, Partner.name_key, status_on(day).label("status"),
                   list_size_on(day).label("patients"), list_size_on(day, ListSize.as_of).label("as_of"))
            .where(Partner.network_id == network_id, Partner.kind == GP).subquery("practices"))


def _is_counted(practices):
    return (practices.c.status == ACTIVE) & practices.c.patients.is_not(None)


def population_on(network_id: int, day: date) -> int:
    """Sum over GP practices active on the day of their latest list size as of that day."""
    practices = _practices_on(network_id, day)
    return db.session.execute(select(func.coalesce(func.sum(practices.c.patients), 0))
                              .where(_is_counted(practices))).scalar_one()


# Each practice's share -------------------------------------------------------------------------

@dataclass
class PracticeShare:
    partner_id: int
    name: str
    patients: int
    as_of: date
    share: Fraction  # exact: the shares of all practices sum to exactly 1
    percent: Decimal  # to 2 places, rounded so that the percentages sum to exactly 100.00


def shares_query(network_id: int, day: date):
    """Each counted practice's share, in name order. Percentages to 2 places add up to exactly 100.00:
    each practice gets the floor of its hundredths of a percent, and the practices with the largest
    remainders get one more until the total is 10,000 (the largest remainder method); ties go in
    name order."""
    practices = _practices_on(network_id, day)
    counted = (select(practices, func.sum(practices.c.patients).over().label("total"))
               .where(_is_counted(practices)).subquery("counted"))
    scaled = cast(counted.c.patients, BigInteger) * 10_000
    split = (select(counted, (scaled // counted.c.total).label("floor"),
                    (scaled % counted.c.total).label("remainder"))
             .where(counted.c.total > 0).subquery("split"))
    ranked = select(split, (10_000 - func.sum(split.c.floor).over()).label("missing"),
                    func.row_number().over(order_by=(split.c.remainder.desc(), split.c.name_key, split.c.id))
                    .label("rank")).subquery("ranked")
    hundredths = ranked.c.floor + case((ranked.c.rank <= ranked.c.missing, 1), else_=0)
    return (select(ranked.c.id, ranked.c.name, ranked.c.patients, ranked.c.as_of, ranked.c.total,
                   hundredths.label("hundredths"))
            .order_by(ranked.c.name_key, ranked.c.id))


def _share(row) -> PracticeShare:
    return PracticeShare(row.id, row.name, row.patients, row.as_of, Fraction(row.patients, row.total),
                         (Decimal(row.hundredths) / HUNDRED).quantize(CENT))


def practice_shares(network_id: int, day: date) -> list[PracticeShare]:
    """Every counted practice's share (empty when the population is 0): for documents."""
    return [_share(row) for row in db.session.execute(shares_query(network_id, day))]


def practice_shares_page(network_id: int, day: date, per_page: int | None = None):
    """One page of practice shares, for the population page."""
    page = paginate_rows(shares_query(network_id, day), per_page)
    page.items = [_share(row) for row in page.items]
    return page


@dataclass
class UncountedPractice:
    partner_id: int
    name: str
    reason: str  # "left", "no membership status", "no list size recorded"


def uncounted_practices(network_id: int, day: date, limit: int = 25) -> tuple[list[UncountedPractice], int]:
    """GP practices not counted on a day and why (the first `limit`, in name order), and how many."""
    practices = _practices_on(network_id, day)
    rows = db.session.execute(
        select(practices.c.id, practices.c.name, practices.c.status, practices.c.patients,
               func.count().over().label("how_many"))
        .where(~_is_counted(practices))
        .order_by(practices.c.name_key, practices.c.id).limit(limit)).all()
    return [UncountedPractice(row.id, row.name, _reason(row)) for row in rows], (rows[0].how_many if rows else 0)


def _reason(row) -> str:
    if row.status is None:
        return "no membership status"
    if row.status != ACTIVE:
        return MembershipStatus(row.status).label.lower()
    return "no list size recorded"


# The population over time ----------------------------------------------------------------------

@dataclass
class PopulationPoint:
    day: date
    population: int
    change: int
    events: list[str] = field(default_factory=list)
    more_events: int = 0
    is_future: bool = False


def _change_points(network_id: int):
    """Every (practice, date) on which a GP practice's status or list size changed."""
    practice = select(Partner.id).where(Partner.network_id == network_id, Partner.kind == GP)
    return union(
        select(PartnerStatusChange.partner_id, PartnerStatusChange.effective_on.label("day"))
        .where(PartnerStatusChange.network_id == network_id, PartnerStatusChange.partner_id.in_(practice)),
        select(ListSize.partner_id, ListSize.as_of.label("day"))
        .where(ListSize.network_id == network_id, ListSize.partner_id.in_(practice)),
    ).subquery("points")


def history_query(network_id: int):
    """The population on every date a practice's status or list size changed, latest first.

    One pass: at each of its change points a practice counts for its list size if active (else 0);
    its change there is the difference from its previous point; a date's change is the sum over
    its practices, and the population the running total of the changes.
    """
    points = _change_points(network_id)
    status = (select(PartnerStatusChange.status)
              .where(PartnerStatusChange.network_id == network_id,
                     PartnerStatusChange.partner_id == points.c.partner_id,
                     PartnerStatusChange.effective_on <= points.c.day)
              .order_by(PartnerStatusChange.effective_on.desc(), PartnerStatusChange.revision.desc())
              .limit(1).scalar_subquery())
    size = (select(ListSize.patients)
            .where(ListSize.network_id == network_id, ListSize.partner_id == points.c.partner_id,
                   ListSize.as_of <= points.c.day)
            .order_by(ListSize.as_of.desc(), ListSize.revision.desc()).limit(1).scalar_subquery())
    counts = case((status == ACTIVE, func.coalesce(size, 0)), else_=0)
    counted = select(points.c.partner_id, points.c.day, counts.label("counts")).subquery("counted")
    previous = func.lag(counted.c.counts, 1, 0).over(partition_by=counted.c.partner_id, order_by=counted.c.day)
    deltas = select(counted.c.day, (counted.c.counts - previous).label("delta")).subquery("deltas")
    change = func.sum(deltas.c.delta)
    return (select(deltas.c.day, change.label("change"),
                   func.sum(change).over(order_by=deltas.c.day).label("population"))
            .group_by(deltas.c.day).order_by(deltas.c.day.desc()))


def _events(network_id: int, days: list[date]) -> dict[date, tuple[list[str], int]]:
    """What changed on each of some dates: the first few events of each date, and how many in all."""
    if not days:
        return {}
    statuses = (select(PartnerStatusChange.effective_on.label("day"), Partner.name_key, Partner.name,
                       literal(0).label("sort"), PartnerStatusChange.status,
                       cast(null(), Integer).label("patients"), PartnerStatusChange.revision)
                .join(Partner, (Partner.id == PartnerStatusChange.partner_id)
                      & (Partner.network_id == PartnerStatusChange.network_id))
                .where(PartnerStatusChange.network_id == network_id, Partner.kind == GP,
                       PartnerStatusChange.effective_on.in_(days)))
    sizes = (select(ListSize.as_of.label("day"), Partner.name_key, Partner.name, literal(1).label("sort"),
                    cast(null(), String).label("status"), ListSize.patients, ListSize.revision)
             .join(Partner, (Partner.id == ListSize.partner_id) & (Partner.network_id == ListSize.network_id))
             .where(ListSize.network_id == network_id, Partner.kind == GP, ListSize.as_of.in_(days)))
    events = union(statuses, sizes).subquery("events")
    numbered = select(events, func.row_number().over(
        partition_by=events.c.day, order_by=(events.c.name_key, events.c.sort, events.c.revision)).label("n"),
                      func.count().over(partition_by=events.c.day).label("how_many")).subquery("numbered")
    rows = db.session.execute(select(numbered).where(numbered.c.n <= EVENTS_SHOWN)
                              .order_by(numbered.c.day, numbered.c.n)).all()
    found: dict[date, tuple[list[str], int]] = {}
    for row in rows:
        texts, _ = found.setdefault(row.day, ([], row.how_many))
        texts.append(_event_text(row))
    return found


def _event_text(row) -> str:
    correction = " (correction)" if row.revision > 1 else ""
    if row.status is not None:
        return f"{row.name}: {MembershipStatus(row.status).label.lower()}{correction}"
    return f"{row.name}: list size {row.patients:,}{correction}"


def _points(network_id: int, rows, today: date) -> list[PopulationPoint]:
    events = _events(network_id, [row.day for row in rows])
    points = []
    for row in rows:
        texts, how_many = events.get(row.day, ([], 0))
        points.append(PopulationPoint(row.day, row.population, row.change, texts, how_many - len(texts),
                                      row.day > today))
    return points


def population_history(network_id: int, today: date | None = None, limit: int | None = None):
    """The population at each change, latest first (the latest `limit` points when given)."""
    statement = history_query(network_id)
    if limit is not None:
        statement = statement.limit(limit)
    return _points(network_id, db.session.execute(statement).all(), today or clock.today())


def population_history_page(network_id: int, today: date | None = None):
    """One page of the population history, latest first, for the history page."""
    points = _change_points(network_id)
    days = select(func.count(func.distinct(points.c.day)))
    page = paginate_rows(history_query(network_id), count_select=days)
    page.items = _points(network_id, page.items, today or clock.today())
    return page


# The profile the pages and documents show ---------------------------------------------------

@dataclass
class PopulationProfile:
    day: date
    care_model: str
    population: int
    expected: ExpectedSize | None
    warning: str | None
    message: str


def population_profile(network, day: date | None = None) -> PopulationProfile:
    """The network's population on a day (today by default) against its care model's expected size."""
    day = day or clock.today()
    population = population_on(network.id, day)
    return PopulationProfile(
        day=day, care_model=network.care_model, population=population,
        expected=EXPECTED_SIZES.get(CareModel(network.care_model)),
        warning=size_warning(population, network.care_model),
        message=size_message(population, network.care_model))


@dataclass
class ScheduleRow:
    name: str
    kind_label: str
    ods_code: str | None
    is_gp_practice: bool
    status: MembershipStatus | None
    status_since: date | None
    joined_on: date | None
    patients: int | None


def schedule_rows(network_id: int, day: date) -> tuple[list[ScheduleRow], list[ScheduleRow]]:
    """The membership schedule's rows, in name order: current partners, and partners who have left."""
    rows = db.session.execute(
        select(Partner.name, Partner.kind, Partner.ods_code, status_on(day).label("status"),
               status_since(day).label("since"), joined_on().label("joined_on"),
               case((Partner.kind == GP, list_size_on(day)), else_=None).label("patients"))
        .where(Partner.network_id == network_id).order_by(Partner.name_key, Partner.id)).all()
    current, former = [], []
    for row in rows:
        status = MembershipStatus(row.status) if row.status else None
        item = ScheduleRow(row.name, PartnerKind(row.kind).label, row.ods_code, row.kind == GP, status,
                           row.since, row.joined_on, row.patients)
        (former if status == MembershipStatus.LEFT else current).append(item)
    return current, former
