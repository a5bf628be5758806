from flask import Blueprint, Response, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from governance.core import cards, tenancy
from governance.core.cards import DashboardCard
from governance.core.formatting import format_date
from governance.core.forms import ConfirmForm
from governance.core.pdf import pdf_response
from governance.core.permissions import Permission, can, requires
from governance.core.views import client_ip, confirm, paginate, safe_next, submit
from governance.documents.services import checked_pdf
from governance.mous import access, comments, notices, pages, pdfs, reminders, services, signing
from governance.mous.forms import (
    ClauseForm,
    CommentDeadlineForm,
    CommentForm,
    CompareForm,
    DeclineForm,
    EndMouForm,
    InviteCommentersForm,
    IssueForm,
    MouForm,
    NewClauseForm,
    NewMouForm,
    ReplyForm,
    SignForm,
    WetInkForm,
)
from governance.mous.models import Mou, MouClause, MouComment, MouCommentInvitation
from governance.networks.services import AwaitingCounter, register_awaiting
from governance.partners import sections
from governance.partners.sections import PartnerSection
from governance.partners.services import partner_choices

bp = Blueprint("mous", __name__)
PREFIX = "/n/<network_slug>/mous"


# ---------------------------------------------------------------- loading helpers

def _mou(mou_id) -> Mou:
    """The MOU, or 404; 403 when it has never been issued and the member may not read its draft."""
    mou = tenancy.get_or_404(Mou, mou_id)
    if not access.can_see(mou, g.membership):
        abort(403)
    return mou


def _draft(mou_id) -> Mou:
    mou = _mou(mou_id)
    if not access.can_read_draft(mou, g.membership):
        abort(403)
    return mou


def _version(mou_id, number):
    mou = _mou(mou_id)
    version = services.get_version(mou, number)
    if version is None:
        abort(404)
    return mou, version


def _record(model, record_id, mou: Mou):
    """A record of this MOU (a clause, comment or invitation), or 404."""
    record = tenancy.get_or_404(model, record_id)
    if record.mou_id != mou.id:
        abort(404)
    return record


def _mou_form(form_class, mou: Mou | None = None):
    form = form_class(obj=mou)
    form.parties.choices = partner_choices()
    form.varies_id.choices = [(None, "Not a variation")] + services.mou_choices(exclude=mou)
    if mou is not None and request.method == "GET":
        form.parties.data = [p.id for p in mou.parties]
    return form


def _draft_page(mou: Mou, active=None, active_key: str | None = None):
    view = pages.draft_page(mou, g.membership)
    forms = {f"clause-{c.clause.id}": CommentForm(formdata=None, prefix=f"clause-{c.clause.id}")
             for c in view.clauses}
    forms.update({f"reply-{t.comment.id}": ReplyForm(formdata=None, prefix=f"reply-{t.comment.id}")
                  for c in view.clauses for t in c.threads})
    if active is not None:
        forms[active_key] = active
    return render_template("mous/draft.html", mou=mou, view=view, forms_by_key=forms, active_form=active,
                           confirm=ConfirmForm())


# ---------------------------------------------------------------- lists

@bp.route(f"{PREFIX}/")
@requires(Permission.MOUS_VIEW)
def index():
    page = paginate(services.mous_query(g.membership, access.invited_mou_ids(g.membership.user_id)))
    return render_template("mous/index.html", page=page, rows=pages.mou_rows(page.items),
                           awaiting=services.awaiting_signature(g.membership))


@bp.route(f"{PREFIX}/awaiting-signature")
@requires(Permission.MOUS_SIGN)
def awaiting():
    page = paginate(services.awaiting_signature_query(g.membership))
    return render_template("mous/awaiting.html", page=page)


@bp.route(f"{PREFIX}/reminders", endpoint="reminders")
@requires(Permission.MOUS_DRAFT)
def reminders_page():
    page = paginate(reminders.reminders_query())
    return render_template("mous/reminders.html", page=page, rows=reminders.outstanding_parties(page.items),
                           confirm=ConfirmForm())


# ---------------------------------------------------------------- drafting

@bp.route(f"{PREFIX}/new", methods=["GET", "POST"])
@requires(Permission.MOUS_DRAFT)
def new():
    form = _mou_form(NewMouForm)
    mou = submit(form, lambda: services.create_mou(tenancy.current_network(), form.data, current_user))
    if mou:
        flash(f"Draft MOU \"{mou.full_title}\" started from the clause library.")
        return redirect(url_for("mous.draft", mou_id=mou.id))
    return render_template("mous/form.html", form=form, mou=None)


@bp.route(f"{PREFIX}/<int:mou_id>")
@requires(Permission.MOUS_VIEW)
def show(mou_id):
    mou = _mou(mou_id)
    return render_template("mous/show.html", mou=mou, view=pages.overview(mou, g.membership), confirm=ConfirmForm())


@bp.route(f"{PREFIX}/<int:mou_id>/edit", methods=["GET", "POST"])
@requires(Permission.MOUS_DRAFT)
def edit(mou_id):
    mou = _mou(mou_id)
    form = _mou_form(MouForm, mou)
    if submit(form, lambda: services.update_mou(mou, form.data, form.version.data), editing=mou):
        flash("The draft's details have been saved.")
        return redirect(url_for("mous.show", mou_id=mou.id))
    return render_template("mous/form.html", form=form, mou=mou)


@bp.route(f"{PREFIX}/<int:mou_id>/draft")
@requires(Permission.MOUS_VIEW)
def draft(mou_id):
    return _draft_page(services.load_draft(_draft(mou_id).id))


@bp.route(f"{PREFIX}/<int:mou_id>/draft.pdf")
@requires(Permission.MOUS_VIEW)
def draft_pdf(mou_id):
    mou = _draft(mou_id)
    pdf = pdfs.draft_pdf(tenancy.current_network(), mou)
    return pdf_response(pdf, f"mou-{mou.id}-draft.pdf")


@bp.route(f"{PREFIX}/<int:mou_id>/clauses/new", methods=["GET", "POST"])
@requires(Permission.MOUS_DRAFT)
def new_clause(mou_id):
    mou = _mou(mou_id)
    chosen = services.library_clause(request.args.get("from"))
    form = NewClauseForm(data={"heading": chosen.heading, "body": chosen.body, "library_key": chosen.key}
                         if chosen and request.method == "GET" else None)
    clause = submit(form, lambda: services.add_clause(mou, form.heading.data, form.body.data, form.library_key.data))
    if clause:
        flash(f"Clause \"{clause.heading}\" added.")
        return redirect(url_for("mous.draft", mou_id=mou.id, _anchor=f"clause-{clause.id}"))
    return render_template("mous/clause_form.html", form=form, mou=mou, clause=None,
                           library=services.library_choices(mou))


@bp.route(f"{PREFIX}/<int:mou_id>/clauses/<int:clause_id>/edit", methods=["GET", "POST"])
@requires(Permission.MOUS_DRAFT)
def edit_clause(mou_id, clause_id):
    mou = _mou(mou_id)
    clause = _record(MouClause, clause_id, mou)
    form = ClauseForm(obj=clause)
    if submit(form, lambda: services.update_clause(clause, form.data, form.version.data), editing=clause):
        flash(f"Clause \"{clause.heading}\" saved.")
        return redirect(url_for("mous.draft", mou_id=mou.id, _anchor=f"clause-{clause.id}"))
    return render_template("mous/clause_form.html", form=form, mou=mou, clause=clause, library=[])


@bp.route(f"{PREFIX}/<int:mou_id>/clauses/<int:clause_id>/delete", methods=["GET", "POST"])
@requires(Permission.MOUS_DRAFT)
def delete_clause(mou_id, clause_id):
    mou = _mou(mou_id)
    clause = _record(MouClause, clause_id, mou)
    if request.method == "GET":
        return render_template("mous/remove_clause.html", mou=mou, clause=clause, confirm=ConfirmForm())
    confirm(lambda: services.delete_clause(clause), f"Clause \"{clause.heading}\" removed from the draft.")
    return redirect(url_for("mous.draft", mou_id=mou.id))


@bp.route(f"{PREFIX}/<int:mou_id>/clauses/<int:clause_id>/move/<any(up, down):direction>", methods=["POST"])
@requires(Permission.MOUS_DRAFT)
def move_clause(mou_id, clause_id, direction):
    mou = _mou(mou_id)
    clause = _record(MouClause, clause_id, mou)
    confirm(lambda: services.move_clause(clause, direction), f"Clause \"{clause.heading}\" moved {direction}.")
    return redirect(url_for("mous.draft", mou_id=mou.id, _anchor=f"clause-{clause.id}"))


# ---------------------------------------------------------------- comments

def _commenters_page(mou: Mou, form: InviteCommentersForm, deadline: CommentDeadlineForm):
    form.membership_ids.choices = comments.commenter_choices(mou)
    return render_template("mous/commenters.html", form=form, mou=mou, confirm=ConfirmForm(),
                           invitations=comments.comment_invitations(mou), deadline=deadline)


@bp.route(f"{PREFIX}/<int:mou_id>/commenters", methods=["GET", "POST"])
@requires(Permission.MOUS_DRAFT)
def commenters(mou_id):
    mou = _mou(mou_id)
    form = InviteCommentersForm()
    form.membership_ids.choices = comments.commenter_choices(mou)
    invited = submit(form, lambda: comments.invite_commenters(mou, form.membership_ids.data, current_user,
                                                                form.due_on.data))
    if invited:
        flash(f"{len(invited)} member{'s' if len(invited) != 1 else ''} invited to comment.")
        return redirect(url_for("mous.commenters", mou_id=mou.id))
    return _commenters_page(mou, form, CommentDeadlineForm(formdata=None, due_on=mou.comments_due_on))


@bp.route(f"{PREFIX}/<int:mou_id>/commenters/<int:invitation_id>/withdraw", methods=["POST"])
@requires(Permission.MOUS_DRAFT)
def withdraw_invitation(mou_id, invitation_id):
    mou = _mou(mou_id)
    invitation = _record(MouCommentInvitation, invitation_id, mou)
    confirm(lambda: comments.withdraw_invitation(invitation),
            f"{invitation.user.full_name} is no longer invited to comment.")
    return redirect(url_for("mous.commenters", mou_id=mou.id))


@bp.route(f"{PREFIX}/<int:mou_id>/comments-due", methods=["POST"])
@requires(Permission.MOUS_DRAFT)
def comment_deadline(mou_id):
    mou = _mou(mou_id)
    form = CommentDeadlineForm()
    if submit(form, lambda: comments.set_comment_deadline(mou, form.due_on.data)):
        flash(f"Comments are due by {format_date(mou.comments_due_on)}." if mou.comments_due_on
              else "Comments on the draft have no deadline.")
        return redirect(url_for("mous.commenters", mou_id=mou.id))
    return _commenters_page(mou, InviteCommentersForm(formdata=None), form)


@bp.route(f"{PREFIX}/<int:mou_id>/clauses/<int:clause_id>/comments", methods=["POST"])
@requires(Permission.MOUS_COMMENT)
def comment(mou_id, clause_id):
    mou = _draft(mou_id)
    clause = _record(MouClause, clause_id, mou)
    if not access.may_comment(mou, g.membership):
        abort(403)
    form = CommentForm(prefix=f"clause-{clause.id}")
    if submit(form, lambda: comments.add_comment(mou, clause, form.body.data, g.membership)):
        flash(f"Your comment on \"{clause.heading}\" has been added.")
        return redirect(url_for("mous.draft", mou_id=mou.id, _anchor=f"clause-{clause.id}"))
    return _draft_page(services.load_draft(mou.id), form, f"clause-{clause.id}")


@bp.route(f"{PREFIX}/<int:mou_id>/comments/<int:comment_id>/reply", methods=["POST"])
@requires(Permission.MOUS_COMMENT)
def reply(mou_id, comment_id):
    mou = _draft(mou_id)
    original = _record(MouComment, comment_id, mou)
    if not access.may_comment(mou, g.membership):
        abort(403)
    if original.clause is None:
        abort(404)
    form = ReplyForm(prefix=f"reply-{original.id}")
    if submit(form, lambda: comments.add_comment(mou, original.clause, form.body.data, g.membership, original)):
        flash(f"Your reply to {original.author.full_name} has been added.")
        return redirect(url_for("mous.draft", mou_id=mou.id, _anchor=f"comment-{original.id}"))
    return _draft_page(services.load_draft(mou.id), form, f"reply-{original.id}")


@bp.route(f"{PREFIX}/<int:mou_id>/comments/<int:comment_id>/<any(resolve, reopen):action>", methods=["POST"])
@requires(Permission.MOUS_COMMENT)
def resolve_comment(mou_id, comment_id, action):
    mou = _draft(mou_id)
    comment = _record(MouComment, comment_id, mou)
    confirm(lambda: comments.set_comment_resolved(comment, action == "resolve", g.membership),
            "Comment resolved." if action == "resolve" else "Comment reopened.")
    return redirect(url_for("mous.draft", mou_id=mou.id, _anchor=f"comment-{comment.id}"))


# ---------------------------------------------------------------- issuing, comparing, ending

@bp.route(f"{PREFIX}/<int:mou_id>/issue", methods=["GET", "POST"])
@requires(Permission.MOUS_DRAFT)
def issue(mou_id):
    mou = _mou(mou_id)
    form = IssueForm()
    version = submit(form, lambda: services.issue_version(tenancy.current_network(), mou, current_user, client_ip(),
                                                          expected_fingerprint=form.draft_fingerprint.data))
    if version:
        flash(f"Version {version.number} has been issued for signature.")
        return redirect(url_for("mous.version", mou_id=mou.id, number=version.number))
    form.draft_fingerprint.data = services.draft_fingerprint(mou)  # what this page shows
    return render_template("mous/issue.html", form=form, mou=mou, view=pages.overview(mou, g.membership),
                           signatories=notices.signatories_by_partner({p.id for p in mou.parties}),
                           unfilled=services.unfilled_placeholders(mou), blank=services.blank_clauses(mou))


@bp.route(f"{PREFIX}/<int:mou_id>/compare")
@requires(Permission.MOUS_VIEW)
def compare(mou_id):
    mou = _mou(mou_id)
    versions = services.versions_of(mou)
    result = services.comparison(mou, versions, request.args.get("old"), request.args.get("new"),
                                 access.can_read_draft(mou, g.membership))
    form = CompareForm(formdata=None, data={"old": result and result["old"], "new": result and result["new"]})
    form.old.choices = form.new.choices = result["choices"] if result else []
    return render_template("mous/compare.html", mou=mou, form=form, result=result, title=mou.issued_title)


@bp.route(f"{PREFIX}/<int:mou_id>/end", methods=["GET", "POST"])
@requires(Permission.MOUS_DRAFT)
def end(mou_id):
    mou = _mou(mou_id)
    form = EndMouForm()
    if submit(form, lambda: services.end_mou(mou, form.outcome.data, form.reason.data, current_user)):
        flash(f"\"{mou.issued_title}\" has been recorded as {mou.effective_status.label.lower()}.")
        return redirect(url_for("mous.show", mou_id=mou.id))
    return render_template("mous/end.html", form=form, mou=mou)


@bp.route(f"{PREFIX}/<int:mou_id>/remind", methods=["POST"])
@requires(Permission.MOUS_DRAFT)
def remind(mou_id):
    mou = _mou(mou_id)
    confirm(lambda: reminders.send_reminders(tenancy.current_network(), mou, current_user),
            lambda result: result.message)
    return redirect(safe_next(url_for("mous.show", mou_id=mou.id)))


# ---------------------------------------------------------------- versions and documents

@bp.route(f"{PREFIX}/<int:mou_id>/versions/<int:number>")
@requires(Permission.MOUS_VIEW)
def version(mou_id, number):
    mou, version = _version(mou_id, number)
    return render_template("mous/version.html", mou=mou, version=version,
                           view=pages.version_page(version, g.membership))


@bp.route(f"{PREFIX}/<int:mou_id>/versions/<int:number>.pdf")
@requires(Permission.MOUS_VIEW)
def version_pdf(mou_id, number):
    mou, version = _version(mou_id, number)
    pdf = pdfs.version_pdf(tenancy.current_network(), version)
    return pdf_response(pdf, f"mou-{mou.id}-version-{version.number}.pdf")


@bp.route(f"{PREFIX}/<int:mou_id>/versions/<int:number>/executed.pdf")
@requires(Permission.MOUS_VIEW)
def executed_pdf(mou_id, number):
    mou, version = _version(mou_id, number)
    document = pdfs.executed_document(version, with_pdf=True)
    if document is None:
        abort(404)
    pdf = checked_pdf(document)
    if pdf is None:  # the stored copy no longer matches its fingerprint: refused, never served
        return render_template("documents/failed_check.html", document=document), 500
    response = pdf_response(pdf, notices.executed_filename(version))
    response.headers["X-Content-SHA256"] = document.sha256
    return response


@bp.route(f"{PREFIX}/<int:mou_id>/signatures/<int:signature_id>/evidence")
@requires(Permission.MOUS_VIEW)
def evidence(mou_id, signature_id):
    mou = _mou(mou_id)
    signature = signing.load_evidence(signature_id)
    if signature is None or signature.version.mou_id != mou.id:
        abort(404)
    return Response(signature.evidence, mimetype=signature.evidence_mime, headers={
        "Content-Disposition": f'attachment; filename="{signature.evidence_filename}"'})


# ---------------------------------------------------------------- signing

def _sign_form() -> SignForm:
    membership = g.membership
    return SignForm(data={"full_name": membership.user.full_name, "job_title": membership.job_title}
                    if request.method == "GET" else None, account_name=membership.user.full_name)


@bp.route(f"{PREFIX}/<int:mou_id>/versions/<int:number>/sign", methods=["GET", "POST"])
@requires(Permission.MOUS_SIGN)
def sign(mou_id, number):
    mou, version = _version(mou_id, number)
    form = _sign_form()
    if submit(form, lambda: signing.sign_mou_version(
            tenancy.current_network(), version, g.membership, full_name=form.full_name.data,
            job_title=form.job_title.data, confirmed=form.confirm.data, password=form.password.data,
            different_name=form.different_name.data, ip_address=client_ip(), user_agent=request.user_agent.string)):
        flash(f"You have signed version {version.number} of \"{version.title}\". What happens next is below.")
        return redirect(url_for("mous.version", mou_id=mou.id, number=version.number, _anchor="next-steps"))
    return render_template("mous/sign.html", form=form, mou=mou, version=version,
                           view=pages.sign_page(version, g.membership))


@bp.route(f"{PREFIX}/<int:mou_id>/versions/<int:number>/decline", methods=["GET", "POST"])
@requires(Permission.MOUS_SIGN)
def decline(mou_id, number):
    mou, version = _version(mou_id, number)
    form = DeclineForm()
    if submit(form, lambda: signing.decline_mou_version(version, g.membership, form.reason.data,
                                                        ip_address=client_ip(), user_agent=request.user_agent.string)):
        flash(f"You have declined to sign version {version.number}. The board secretary can see your reason.")
        return redirect(url_for("mous.version", mou_id=mou.id, number=version.number))
    return render_template("mous/decline.html", form=form, mou=mou, version=version,
                           view=pages.sign_page(version, g.membership, with_changes=False))


@bp.route(f"{PREFIX}/<int:mou_id>/versions/<int:number>/wet-ink", methods=["GET", "POST"])
@requires(Permission.MOUS_DRAFT)
def wet_ink(mou_id, number):
    mou, version = _version(mou_id, number)
    form = WetInkForm()
    form.partner_id.choices = [(None, "Choose a party")] + signing.wet_ink_choices(version)
    if submit(form, lambda: signing.record_wet_ink_signature(
            tenancy.current_network(), version, upload=form.evidence.data, actor=current_user,
            partner_id=form.partner_id.data, signatory_name=form.signatory_name.data,
            signatory_title=form.signatory_title.data, signed_on=form.signed_on.data,
            ip_address=client_ip(), user_agent=request.user_agent.string)):
        flash("The wet-ink signature has been recorded with its scan.")
        return redirect(url_for("mous.version", mou_id=mou.id, number=version.number))
    return render_template("mous/wet_ink.html", form=form, mou=mou, version=version,
                           max_mb=current_app.config["UPLOAD_MAX_BYTES"] // (1024 * 1024))


def _partner_section(partner):
    if not can(Permission.MOUS_VIEW):
        return None
    return pages.partner_section(partner, g.membership)


sections.register(PartnerSection(key="mous", title="MOUs and signatures",
                                 template="mous/_partner_mous.html", load=_partner_section, order=10))


def _awaiting_card(membership):
    return {"awaiting": services.awaiting_signature(membership)}


cards.register(DashboardCard(key="mous_awaiting", template="mous/_awaiting_card.html", load=_awaiting_card,
                             order=10))


register_awaiting(AwaitingCounter("mous_to_sign", services.awaiting_in_networks, services.describe_awaiting))
