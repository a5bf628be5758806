"""The board decision a membership status change cites. The decisions module sits above partners, so it
registers how to find one of its decisions by reference; partners links to it without importing decisions.

A reference that matches one of the network's decisions (e.g. RIV-2026-014, any case) becomes a link;
one shaped like a decision reference that matches none is refused by name; anything else (a reference
from before Accord, like "Board minute 2025/03") is kept as written."""

import re
from collections.abc import Callable

from governance.core.errors import Checks

# reference as typed -> (decision id, reference as recorded) in the current network, or None
Resolver = Callable[[str], tuple[int, str] | None]
_RESOLVERS: list[Resolver] = []
REFERENCE_SHAPE = re.compile(r"[A-Za-z0-9]{1,12}-\d{4}-\d{1,6}")


def register_resolver(resolver: Resolver) -> None:
    if resolver not in _RESOLVERS:
        _RESOLVERS.append(resolver)


def resolve(reference: str, checks: Checks) -> tuple[int | None, str]:
    """(the decision's id or None, the reference to keep) for what was typed."""
    if not reference:
        return None, reference
    for resolver in _RESOLVERS:
        found = resolver(reference)
        if found is not None:
            return found
    if _RESOLVERS and REFERENCE_SHAPE.fullmatch(reference):
        checks.add(f"There is no decision {reference.upper()} in this network. Check the reference in the "
                   "decision log", "decision_reference")
    return None, reference
