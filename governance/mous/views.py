from flask import Blueprint, Response, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from governance.core import cards, tenancy
from governance.core.cards import DashboardCard
from governance.core.forms import ConfirmForm
from governance.core.pdf import pdf_response
from governance.core.permissions import Permission, can, requires
from governance.core.views import client_ip, confirm, paginate, safe_next, submit
from governance.mous import pdfs, services, signing, versions
from governance.mous.forms import (
    ClauseForm,
    CommentForm,
    CompareForm,
    DeclineForm,
    EndMouForm,
    InviteCommenterForm,
    IssueForm,
    MouForm,
    NewClauseForm,
    NewMouForm,
    SignForm,
    WetInkForm,
)
from governance.mous.models import Mou, MouClause, MouComment
from governance.partners import sections
from governance.partners.sections import PartnerSection
from governance.partners.services import partner_choices

bp = Blueprint("mous", __name__)
PREFIX = "/n/<network_slug>/mous"


# ---------------------------------------------------------------- loading helpers

def _mou(mou_id) -> Mou:
    """The MOU, or 404; 403 when it has never been issued and the member may not read its draft."""
    mou = tenancy.get_or_404(Mou, mou_id)
    if not services.can_see(mou, g.membership):
        abort(403)
    return mou


def _draft(mou_id) -> Mou:
    mou = _mou(mou_id)
    if not services.can_read_draft(mou, g.membership):
        abort(403)
    return mou


def _version(mou_id, number):
    mou = _mou(mou_id)
    version = services.get_version(mou, number)
    if version is None:
        abort(404)
    return mou, version


def _clause(mou: Mou, clause_id) -> MouClause:
    clause = tenancy.get_or_404(MouClause, clause_id)
    if clause.mou_id != mou.id:
        abort(404)
    return clause


def _mou_form(form_class, mou: Mou | None = None):
    form = form_class(obj=mou)
    form.parties.choices = partner_choices()
    form.varies_id.choices = [(None, "Not a variation")] + services.mou_choices(exclude=mou)
    if mou is not None and request.method == "GET":
        form.parties.data = [p.id for p in mou.parties]
    return form


def _draft_page(mou: Mou, active: CommentForm | None = None, active_clause_id: int | None = None):
    comment_forms = {c.id: CommentForm(formdata=None, prefix=f"clause-{c.id}") for c in mou.clauses}
    if active is not None:
        comment_forms[active_clause_id] = active
    return render_template("mous/draft.html", mou=mou, comment_forms=comment_forms, active_form=active,
                           orphans=services.orphan_comments(mou), confirm=ConfirmForm(),
                           can_comment=services.can_comment(mou, g.membership))


# ---------------------------------------------------------------- lists

@bp.route(f"{PREFIX}/")
@requires(Permission.MOUS_VIEW)
def index():
    page = paginate(services.mous_query(g.membership))
    return render_template("mous/index.html", page=page, awaiting=services.awaiting_signature(g.membership))


@bp.route(f"{PREFIX}/awaiting-signature")
@requires(Permission.MOUS_SIGN)
def awaiting():
    page = paginate(services.awaiting_signature_query(g.membership))
    return render_template("mous/awaiting.html", page=page)


@bp.route(f"{PREFIX}/reminders")
@requires(Permission.MOUS_DRAFT)
def reminders():
    page = paginate(services.reminders_query())
    return render_template("mous/reminders.html", page=page, rows=services.outstanding_parties(page.items),
                           confirm=ConfirmForm())


# ---------------------------------------------------------------- drafting

@bp.route(f"{PREFIX}/new", methods=["GET", "POST"])
@requires(Permission.MOUS_DRAFT)
def new():
    form = _mou_form(NewMouForm)
    mou = submit(form, lambda: services.create_mou(tenancy.current_network(), form.data, current_user))
    if mou:
        flash(f"Draft MOU \"{mou.title}\" started from the clause library.")
        return redirect(url_for("mous.draft", mou_id=mou.id))
    return render_template("mous/form.html", form=form, mou=None)


@bp.route(f"{PREFIX}/<int:mou_id>")
@requires(Permission.MOUS_VIEW)
def show(mou_id):
    mou = _mou(mou_id)
    return render_template("mous/show.html", mou=mou, view=services.overview(mou, g.membership),
                           confirm=ConfirmForm())


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
    mou = services.load_draft(_draft(mou_id).id)
    return _draft_page(mou)


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
    form = NewClauseForm()
    clause = submit(form, lambda: services.add_clause(mou, form.heading.data, form.body.data))
    if clause:
        flash(f"Clause \"{clause.heading}\" added.")
        return redirect(url_for("mous.draft", mou_id=mou.id, _anchor=f"clause-{clause.id}"))
    return render_template("mous/clause_form.html", form=form, mou=mou, clause=None)


@bp.route(f"{PREFIX}/<int:mou_id>/clauses/<int:clause_id>/edit", methods=["GET", "POST"])
@requires(Permission.MOUS_DRAFT)
def edit_clause(mou_id, clause_id):
    mou = _mou(mou_id)
    clause = _clause(mou, clause_id)
    form = ClauseForm(obj=clause)
    if submit(form, lambda: services.update_clause(clause, form.data, form.version.data), editing=clause):
        flash(f"Clause \"{clause.heading}\" saved.")
        return redirect(url_for("mous.draft", mou_id=mou.id, _anchor=f"clause-{clause.id}"))
    return render_template("mous/clause_form.html", form=form, mou=mou, clause=clause)


@bp.route(f"{PREFIX}/<int:mou_id>/clauses/<int:clause_id>/delete", methods=["POST"])
@requires(Permission.MOUS_DRAFT)
def delete_clause(mou_id, clause_id):
    mou = _mou(mou_id)
    clause = _clause(mou, clause_id)
    confirm(lambda: services.delete_clause(clause), f"Clause \"{clause.heading}\" removed from the draft.")
    return redirect(url_for("mous.draft", mou_id=mou.id))


@bp.route(f"{PREFIX}/<int:mou_id>/clauses/<int:clause_id>/move/<any(up, down):direction>", methods=["POST"])
@requires(Permission.MOUS_DRAFT)
def move_clause(mou_id, clause_id, direction):
    mou = _mou(mou_id)
    clause = _clause(mou, clause_id)
    confirm(lambda: services.move_clause(clause, direction), f"Clause \"{clause.heading}\" moved {direction}.")
    return redirect(url_for("mous.draft", mou_id=mou.id, _anchor=f"clause-{clause.id}"))


# ---------------------------------------------------------------- comments

@bp.route(f"{PREFIX}/<int:mou_id>/commenters", methods=["GET", "POST"])
@requires(Permission.MOUS_DRAFT)
def commenters(mou_id):
    mou = _mou(mou_id)
    form = InviteCommenterForm()
    form.membership_id.choices = [(None, "Choose a member")] + services.commenter_choices(mou)
    if submit(form, lambda: services.invite_commenter(mou, form.membership_id.data, current_user)):
        flash("Invitation to comment sent.")
        return redirect(url_for("mous.commenters", mou_id=mou.id))
    return render_template("mous/commenters.html", form=form, mou=mou,
                           invitations=services.comment_invitations(mou))


@bp.route(f"{PREFIX}/<int:mou_id>/clauses/<int:clause_id>/comments", methods=["POST"])
@requires(Permission.MOUS_COMMENT)
def comment(mou_id, clause_id):
    mou = _draft(mou_id)
    clause = _clause(mou, clause_id)
    if not services.can_comment(mou, g.membership):
        abort(403)
    form = CommentForm(prefix=f"clause-{clause.id}")
    if submit(form, lambda: services.add_comment(mou, clause, form.body.data, current_user)):
        flash(f"Your comment on \"{clause.heading}\" has been added.")
        return redirect(url_for("mous.draft", mou_id=mou.id, _anchor=f"clause-{clause.id}"))
    return _draft_page(services.load_draft(mou.id), form, clause.id)


@bp.route(f"{PREFIX}/<int:mou_id>/comments/<int:comment_id>/<any(resolve, reopen):action>", methods=["POST"])
@requires(Permission.MOUS_COMMENT)
def resolve_comment(mou_id, comment_id, action):
    mou = _draft(mou_id)
    comment = tenancy.get_or_404(MouComment, comment_id)
    if comment.mou_id != mou.id:
        abort(404)
    confirm(lambda: services.set_comment_resolved(comment, action == "resolve", g.membership),
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
    return render_template("mous/issue.html", form=form, mou=mou, view=services.overview(mou, g.membership),
                           signatories=services.signatories_by_partner({p.id for p in mou.parties}),
                           unfilled=services.unfilled_placeholders(mou))


@bp.route(f"{PREFIX}/<int:mou_id>/compare")
@requires(Permission.MOUS_VIEW)
def compare(mou_id):
    mou = _mou(mou_id)
    versions = services.versions_of(mou)
    result = services.comparison(mou, versions, request.args.get("old"), request.args.get("new"),
                                 services.can_read_draft(mou, g.membership))
    form = CompareForm(formdata=None, data={"old": result and result["old"], "new": result and result["new"]})
    form.old.choices = form.new.choices = result["choices"] if result else []
    return render_template("mous/compare.html", mou=mou, form=form, result=result)


@bp.route(f"{PREFIX}/<int:mou_id>/end", methods=["GET", "POST"])
@requires(Permission.MOUS_DRAFT)
def end(mou_id):
    mou = _mou(mou_id)
    form = EndMouForm()
    if submit(form, lambda: services.end_mou(mou, form.outcome.data, form.reason.data, current_user)):
        flash(f"\"{mou.title}\" has been recorded as {mou.effective_status.label.lower()}.")
        return redirect(url_for("mous.show", mou_id=mou.id))
    return render_template("mous/end.html", form=form, mou=mou)


@bp.route(f"{PREFIX}/<int:mou_id>/remind", methods=["POST"])
@requires(Permission.MOUS_DRAFT)
def remind(mou_id):
    mou = _mou(mou_id)
    confirm(lambda: services.send_reminders(tenancy.current_network(), mou),
            lambda sent: f"Reminder sent to {sent} signator{'y' if sent == 1 else 'ies'}." if sent else
            "No authorised signatories are recorded for the parties still to sign.")
    return redirect(safe_next(url_for("mous.show", mou_id=mou.id)))


# ---------------------------------------------------------------- versions and documents

@bp.route(f"{PREFIX}/<int:mou_id>/versions/<int:number>")
@requires(Permission.MOUS_VIEW)
def version(mou_id, number):
    mou, version = _version(mou_id, number)
    return render_template("mous/version.html", mou=mou, version=version, integrity=versions.integrity(version),
                           document=pdfs.executed_document(version),
                           refusal=signing.signing_refusal(version, g.membership))


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
    response = pdf_response(document.pdf, f"mou-{mou.id}-version-{version.number}-executed.pdf")
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

@bp.route(f"{PREFIX}/<int:mou_id>/versions/<int:number>/sign", methods=["GET", "POST"])
@requires(Permission.MOUS_SIGN)
def sign(mou_id, number):
    mou, version = _version(mou_id, number)
    form = SignForm()
    if submit(form, lambda: signing.sign_mou_version(
            tenancy.current_network(), version, g.membership, full_name=form.full_name.data,
            job_title=form.job_title.data, confirmed=form.confirm.data, password=form.password.data,
            ip_address=client_ip(), user_agent=request.user_agent.string)):
        flash(f"You have signed version {version.number} of \"{mou.title}\".")
        return redirect(url_for("mous.version", mou_id=mou.id, number=version.number))
    return render_template("mous/sign.html", form=form, mou=mou, version=version,
                           refusal=signing.signing_refusal(version, g.membership))


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
                           refusal=signing.signing_refusal(version, g.membership))


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
    return {"partner_mous": services.mous_for_partner(partner.id)}


sections.register(PartnerSection(key="mous", title="MOUs and signatures",
                                 template="mous/_partner_mous.html", load=_partner_section, order=10))


def _awaiting_card(membership):
    return {"awaiting": services.awaiting_signature(membership)}


cards.register(DashboardCard(key="mous_awaiting", template="mous/_awaiting_card.html", load=_awaiting_card,
                             order=10))
