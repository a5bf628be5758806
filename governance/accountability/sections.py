"""Sections that other modules add to a workstream's page: feedback and activities, funding, outcomes, ...

The workstream is the unit that patient engagement, funding and outcomes attach to. A module that
links its records to workstreams registers a WorkstreamSection when it is imported (at the bottom
of its views, say). The workstream page's view calls every section's `load(workstream)` and the
template includes the section's partial with the returned dict as `data`, so no query runs from
inside a template. This module never imports the modules that build on it.
"""

from collections.abc import Callable
from dataclasses import dataclass

from governance.accountability.models import Workstream


@dataclass(frozen=True)
class WorkstreamSection:
    key: str  # e.g. "feedback"; also the section's HTML id
    title: str  # the section's h2, e.g. "What patients said"
    template: str  # a partial, e.g. "engagement/_workstream_feedback.html"; it receives `workstream` and `data`
    load: Callable[[Workstream], dict | None]  # runs in the view; None hides the section (e.g. no permission)
    order: int = 100


_SECTIONS: dict[str, WorkstreamSection] = {}


def register(section: WorkstreamSection) -> None:
    """Add (or replace) a section on every workstream's page."""
    _SECTIONS[section.key] = section


def load_sections(workstream: Workstream) -> list[tuple[WorkstreamSection, dict]]:
    """Each registered section with the data its partial shows for this workstream."""
    ordered = sorted(_SECTIONS.values(), key=lambda section: (section.order, section.key))
    loaded = [(section, section.load(workstream)) for section in ordered]
    return [(section, data) for section, data in loaded if data is not None]
