"""Who may read, draft and comment on an MOU. Readers who are not drafters see only what was issued."""

from sqlalchemy import select

from governance.core import clock
from governance.core.permissions import Permission, role_can
from governance.extensions import db
from governance.mous.models import Mou, MouCommentInvitation
from governance.networks.models import Membership


def can_draft(membership: Membership) -> bool:
    """Whether the member's role drafts MOUs (board secretaries and network admins)."""
    return role_can(membership.role, Permission.MOUS_DRAFT)


def is_invited(mou: Mou, user_id: int) -> bool:
    """Whether this user has been invited to comment on the MOU's draft."""
    return db.session.execute(
        select(MouCommentInvitation.id).where(MouCommentInvitation.mou_id == mou.id,
                                              MouCommentInvitation.user_id == user_id)
    ).first() is not None


def invited_mou_ids(user_id: int) -> set[int]:
    """The MOUs whose drafts this user is invited to read, in one query."""
    return set(db.session.execute(
        select(MouCommentInvitation.mou_id).where(MouCommentInvitation.user_id == user_id)).scalars())


def can_read_draft(mou: Mou, membership: Membership) -> bool:
    """Drafters read every draft; other members only the drafts they are invited to comment on."""
    return can_draft(membership) or is_invited(mou, membership.user_id)


def comments_closed(mou: Mou) -> bool:
    """Whether the deadline for comments on the draft has passed."""
    return mou.comments_due_on is not None and mou.comments_due_on < clock.today()


def may_comment(mou: Mou, membership: Membership) -> bool:
    """A commenting role and access to the draft."""
    return role_can(membership.role, Permission.MOUS_COMMENT) and can_read_draft(mou, membership)


def can_comment(mou: Mou, membership: Membership) -> bool:
    """Whether the member may comment now: after the deadline, only drafters still comment."""
    return may_comment(mou, membership) and (can_draft(membership) or not comments_closed(mou))


def can_see(mou: Mou, membership: Membership) -> bool:
    """An issued MOU is open to every reader; one never issued only to those who may read its draft."""
    return mou.issued_count > 0 or can_read_draft(mou, membership)
