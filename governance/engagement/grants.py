"""The member appointed patient engagement lead works the feedback queue, whatever their role."""

from sqlalchemy import select

from governance.accountability.lead_roles import holders_on
from governance.accountability.models import LeadRole
from governance.core import clock
from governance.core.permissions import Permission, Role, grant_through
from governance.extensions import db

LEAD_ROLE_KEY = "patient_engagement_lead"


def is_engagement_lead(membership) -> bool:
    """Whether this member holds the patient engagement lead role today."""
    if membership.role in (Role.PATIENT_PANEL_MEMBER.value, Role.OBSERVER.value):
        return False
    role_id = db.session.execute(select(LeadRole.id).where(LeadRole.key == LEAD_ROLE_KEY)).scalar_one_or_none()
    return role_id is not None and bool(holders_on(clock.today(), [role_id], membership_id=membership.id))


grant_through(Permission.ENGAGEMENT_MANAGE, is_engagement_lead)
