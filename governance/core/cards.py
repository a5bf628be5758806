"""Cards that modules add to the network overview: MOUs awaiting your signature, population, ...

A module registers a DashboardCard when its views are imported; the dashboard module (on top of
every other) loads each card's data in its view and includes the card's partial with it as
`data`, so no query runs from a template and no module imports the dashboard.
"""

from collections.abc import Callable
from dataclasses import dataclass

from governance.core.permissions import Role

# Who a card is for. A patient panel member is a member of the public: their overview is plain and
# short, so a card is shown to them only when it says so.
EVERYONE = frozenset(Role)
MEMBERS = EVERYONE - {Role.PATIENT_PANEL_MEMBER}
STAFF = frozenset({Role.NETWORK_ADMIN, Role.BOARD_SECRETARY, Role.BOARD_MEMBER, Role.PARTNER_REPRESENTATIVE})


@dataclass(frozen=True)
class DashboardCard:
    key: str
    template: str  # a partial that receives `data`
    load: Callable[[object], dict | None]  # load(membership) in the view; None hides the card
    order: int = 100
    audience: frozenset = MEMBERS  # the roles that see it (EVERYONE, MEMBERS, STAFF or any set of Role)


_CARDS: dict[str, DashboardCard] = {}


def register(card: DashboardCard) -> None:
    """Add (or replace) a card on the overview page."""
    _CARDS[card.key] = card


def load_cards(membership) -> list[tuple[DashboardCard, dict]]:
    """Each registered card with the data its partial shows for this member."""
    ordered = sorted(_CARDS.values(), key=lambda card: (card.order, card.key))
    loaded = [(card, card.load(membership)) for card in ordered if membership.role in card.audience]
    return [(card, data) for card, data in loaded if data is not None]
