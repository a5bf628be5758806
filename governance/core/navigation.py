"""The header navigation: one list, filtered by what the member's role may see. No queries."""

from flask import current_app, g, request, url_for

from governance.core.permissions import Permission, can

ITEMS = [
    ("Overview", "dashboard.index", Permission.NETWORK_VIEW),
    ("Partners", "partners.index", Permission.PARTNERS_VIEW),
    ("MOUs", "mous.index", Permission.MOUS_VIEW),
    ("Accountability", "accountability.index", Permission.WORKSTREAMS_VIEW),
    ("Meetings", "meetings.index", Permission.MEETINGS_VIEW),
    ("Decisions", "decisions.index", Permission.DECISIONS_VIEW),
    ("Engagement", "engagement.index", Permission.ENGAGEMENT_VIEW),
    ("Your feedback", "engagement.mine", Permission.FEEDBACK_SEND),
    ("Interests", "declarations.index", Permission.DECLARATIONS_MANAGE),  # the register, for the secretary
    ("Interests", "declarations.mine", Permission.NETWORK_VIEW),  # everyone else: their own declarations
    ("Documents", "documents.index", Permission.DOCUMENTS_VIEW),
    ("Members", "networks.members", Permission.MEMBERS_MANAGE),
    ("Audit trail", "audit.index", Permission.AUDIT_VIEW),
]


def navigation_items() -> list[dict]:
    if g.get("network") is None:
        return []
    items = []
    for label, endpoint, permission in ITEMS:
        if endpoint not in current_app.view_functions or not can(permission):
            continue
        if any(item["text"] == label for item in items):  # the first of two entries of that name wins
            continue
        blueprint = endpoint.split(".")[0]
        current = request.endpoint == endpoint or (
            blueprint not in ("networks", "dashboard") and request.blueprint == blueprint
        )
        items.append({"text": label, "href": url_for(endpoint), "active": current})
    return items
