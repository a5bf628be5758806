"""Sections that other modules add to a partner's page: MOUs and signatures, accountabilities, ...

A module registers a PartnerSection when it is imported (for example at the bottom of its
services module). The partner page's view calls every section's `load(partner)` and the
template includes the section's partial with the returned dict as `data`, so no query runs
from inside a template. The partners module never imports the modules that build on it.
"""

from collections.abc import Callable
from dataclasses import dataclass

from governance.partners.models import Partner


@dataclass(frozen=True)
class PartnerSection:
    key: str  # e.g. "mous"; also the section's HTML id
    title: str  # the section's h2, e.g. "MOUs and signatures"
    template: str  # a partial, e.g. "mous/_partner_section.html"; it receives `partner` and `data`
    load: Callable[[Partner], dict | None]  # runs in the view; None hides the section (e.g. no permission)
    order: int = 100


_SECTIONS: dict[str, PartnerSection] = {}


def register(section: PartnerSection) -> None:
    """Add (or replace) a section on every partner's page."""
    _SECTIONS[section.key] = section


def load_sections(partner: Partner) -> list[tuple[PartnerSection, dict]]:
    """Each registered section with the data its partial shows for this partner."""
    ordered = sorted(_SECTIONS.values(), key=lambda section: (section.order, section.key))
    loaded = [(section, section.load(partner)) for section in ordered]
    return [(section, data) for section, data in loaded if data is not None]
