"""Comments on a draft: who is invited (several at once, and withdrawn), by when, comments and replies."""

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from governance.auth.models import User
from governance.core import clock
from governance.core.errors import ServiceError
from governance.core.formatting import format_date
from governance.core.outbox import external_url, queue_mail
from governance.core.permissions import Permission, role_can
from governance.extensions import db
from governance.mous import text
from governance.mous.access import can_draft, comments_closed
from governance.mous.models import Mou, MouClause, MouComment, MouCommentInvitation, MouStatus, parse_id
from governance.networks.models import Membership


def comment_invitations(mou: Mou) -> list[MouCommentInvitation]:
    """The members invited to comment on an MOU's draft."""
    return list(db.session.execute(
        select(MouCommentInvitation).where(MouCommentInvitation.mou_id == mou.id)
        .options(selectinload(MouCommentInvitation.user)).order_by(MouCommentInvitation.created_at)
    ).scalars())


def commenter_choices(mou: Mou) -> list[tuple[int, str]]:
    """Active members who may comment but not draft, and are not yet invited to this MOU."""
    invited = select(MouCommentInvitation.user_id).where(MouCommentInvitation.mou_id == mou.id)
    members = db.session.execute(
        select(Membership).where(Membership.active.is_(True), Membership.user_id.not_in(invited))
    ).scalars()
    return sorted(((m.id, f"{m.user.full_name} ({m.role_label})") for m in members
                   if role_can(m.role, Permission.MOUS_COMMENT) and not can_draft(m)), key=lambda c: c[1])


def _check_deadline(due_on: date | None) -> None:
    if due_on is not None and due_on < clock.today():
        raise ServiceError("The date comments are due by must be today or in the future", "due_on")


def invite_commenters(mou: Mou, membership_ids, actor: User | None, due_on: date | None = None
                      ) -> list[MouCommentInvitation]:
    """Let several members read the draft and comment on it, by a date when one is given."""
    ids = [parse_id(value) for value in (membership_ids or [])]
    allowed = {choice[0] for choice in commenter_choices(mou)}
    if not ids or any(i not in allowed for i in ids):
        raise ServiceError("Choose members who can comment and are not already invited", "membership_ids")
    _check_deadline(due_on)
    if due_on is not None:
        mou.comments_due_on = due_on
    members = db.session.execute(select(Membership).where(Membership.id.in_(ids))).scalars().all()
    invitations = [MouCommentInvitation(network_id=mou.network_id, mou_id=mou.id, user_id=m.user_id,
                                        invited_by_id=actor.id if actor else None) for m in members]
    db.session.add_all(invitations)
    db.session.flush()
    inviter = actor.full_name if actor else "The board secretary"
    for member in members:
        queue_mail(member.user.email, "mou_comment_invitation", network_id=mou.network_id,
                   full_name=member.user.full_name, inviter=inviter, mou_title=mou.full_title,
                   due_on=format_date(mou.comments_due_on),
                   link=external_url("mous.draft", network_slug=member.network.slug, mou_id=mou.id))
    return invitations


def invite_commenter(mou: Mou, membership_id, actor: User | None) -> MouCommentInvitation:
    """Let one member read the draft and comment on it."""
    return invite_commenters(mou, [membership_id], actor)[0]


def withdraw_invitation(invitation: MouCommentInvitation) -> None:
    """Withdraw an invitation to comment: the member no longer reads the draft; their comments stay."""
    db.session.delete(invitation)
    db.session.flush()


def set_comment_deadline(mou: Mou, due_on: date | None) -> Mou:
    """Set (or clear) the date comments on the draft are due by."""
    _check_deadline(due_on)
    mou.comments_due_on = due_on
    db.session.flush()
    return mou


def add_comment(mou: Mou, clause: MouClause, body: str, membership: Membership,
                reply_to: MouComment | None = None) -> MouComment:
    """Comment on one clause of the draft, or reply to a comment on it (until the deadline, for commenters)."""
    if clause.mou_id != mou.id or (reply_to is not None and reply_to.clause_id != clause.id):
        raise ServiceError("That clause is not part of this MOU", "body")
    if mou.is_ended:
        raise ServiceError(f"This MOU has been {MouStatus(mou.status).label.lower()}; it is closed for comments",
                           "body")
    if comments_closed(mou) and not can_draft(membership):
        raise ServiceError(f"Comments on this draft closed on {format_date(mou.comments_due_on)}", "body")
    body = text.normalise_text(body)
    if not body:
        raise ServiceError("Enter your reply" if reply_to is not None else "Enter your comment", "body")
    thread = (reply_to.reply_to_id or reply_to.id) if reply_to is not None else None  # one level of replies
    comment = MouComment(network_id=mou.network_id, mou_id=mou.id, clause=clause, clause_id=clause.id,
                         clause_heading=clause.heading, author_id=membership.user_id, body=body,
                         reply_to_id=thread)
    db.session.add(comment)
    db.session.flush()
    return comment


def set_comment_resolved(comment: MouComment, resolved: bool, membership: Membership) -> MouComment:
    """Resolve or reopen a comment: the drafters and the comment's author may."""
    if not (can_draft(membership) or comment.author_id == membership.user_id):
        raise ServiceError("Only the board secretary or the comment's author can resolve it")
    if comment.is_open != resolved:
        return comment  # already as asked (a form sent twice): keep who resolved it and when
    comment.resolved_at = clock.now() if resolved else None
    comment.resolved_by_id = membership.user_id if resolved else None
    db.session.flush()
    return comment


def orphan_comments(mou: Mou) -> list[MouComment]:
    """Comments left on clauses that have since been removed from the draft."""
    return list(db.session.execute(
        select(MouComment).where(MouComment.mou_id == mou.id, MouComment.clause_id.is_(None))
        .options(selectinload(MouComment.author), selectinload(MouComment.resolved_by))
        .order_by(MouComment.created_at)
    ).scalars())


def count_open_comments(mou: Mou) -> int:
    """How many comments on the MOU's draft are still open."""
    return db.session.execute(
        select(func.count(MouComment.id)).where(MouComment.mou_id == mou.id, MouComment.resolved_at.is_(None),
                                                MouComment.reply_to_id.is_(None))
    ).scalar_one()
