"""Cards that modules add to the network overview: MOUs awaiting your signature, population, ...

A module registers a DashboardCard when its views are imported; the dashboard module (on top of
every other) loads each card's data in its view and includes the card's partial with it as
`data`, so no query runs from a template and no module imports the dashboard.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class DashboardCard:
    key: str
    template: str  # a partial that receives `data`
    load: Callable[[object], dict | None]  # load(membership) in the view; None hides the card
    order: int = 100


_CARDS: dict[str, DashboardCard] = {}


def register(card: DashboardCard) -> None:
    """Add (or replace) a card on the overview page."""
    _CARDS[card.key] = card


def load_cards(membership) -> list[tuple[DashboardCard, dict]]:
    """Each registered card with the data its partial shows for this member."""
    ordered = sorted(_CARDS.values(), key=lambda card: (card.order, card.key))
    loaded = [(card, card.load(membership)) for card in ordered]
    return [(card, data) for card, data in loaded if data is not None]
