from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    HiddenField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import AnyOf, DataRequired, Optional, ValidationError

from governance.core.forms import DateInputField, VersionedForm, at_most, optional_int
from governance.core.once import OnceForm
from governance.mous.models import EndDateKind, MouStatus, name_differs_message, names_differ

_END_KIND_MESSAGE = "Choose whether the MOU ends or is reviewed on this date"
_OUTCOME_MESSAGE = "Choose whether the MOU was terminated or superseded"


def _party_id(value):
    """A chosen party's id; anything that is not a number becomes -1, which the service refuses by name."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


class MouFields:
    title = StringField("Title", validators=[DataRequired("Enter the title of the MOU"), at_most(300, "Title")],
                        description="For a variation, what it changes, for example \"weekend cover\": it is shown "
                                    "as \"<the MOU it varies> — variation 1: weekend cover\"")
    parties = SelectMultipleField("Parties", coerce=_party_id, choices=[], validate_choice=False,
                                  description="The partner organisations that will sign this MOU. Choose at least two.")
    varies_id = SelectField("Varies an earlier MOU (optional)", coerce=optional_int, choices=[],
                            validate_choice=False,
                            description="For a variation, choose the MOU it varies")
    purpose = TextAreaField("Purpose", validators=[DataRequired("Enter the purpose of the MOU"),
                                                   at_most(5000, "Purpose")],
                            description="In a sentence or two: what the partners are agreeing to do together")
    start_date = DateInputField("Start date", validators=[DataRequired("Enter the start date")])
    end_date = DateInputField("End or review date", validators=[DataRequired("Enter the end or review date")])
    end_date_kind = RadioField("Is this the date the MOU ends, or the date it is reviewed?",
                               choices=[(EndDateKind.END.value, "The MOU ends on this date"),
                                        (EndDateKind.REVIEW.value, "The MOU is reviewed on this date")],
                               default=EndDateKind.END.value, validate_choice=False,
                               validators=[DataRequired(_END_KIND_MESSAGE),
                                           AnyOf([k.value for k in EndDateKind], message=_END_KIND_MESSAGE)])


class NewMouForm(MouFields, OnceForm):
    pass


class MouForm(MouFields, VersionedForm):
    pass


class ClauseFields:
    heading = StringField("Heading", validators=[DataRequired("Enter the clause heading"), at_most(200, "Heading")])
    body = TextAreaField("Text", validators=[at_most(20000, "Clause text")],
                         description="Markdown: **bold**, *italic*, lists starting with - or 1., links [text](https://…)")


class NewClauseForm(ClauseFields, OnceForm):
    library_key = HiddenField()


class ClauseForm(ClauseFields, VersionedForm):
    pass


class CommentForm(OnceForm):
    body = TextAreaField("Your comment", validators=[DataRequired("Enter your comment"), at_most(5000, "Comment")])


class ReplyForm(OnceForm):
    body = TextAreaField("Your reply", validators=[DataRequired("Enter your reply"), at_most(5000, "Reply")])


class InviteCommentersForm(FlaskForm):
    membership_ids = SelectMultipleField("Members to invite", coerce=_party_id, choices=[], validate_choice=False,
                                         validators=[DataRequired("Choose at least one member to invite")],
                                         description="Select all that apply")
    due_on = DateInputField("Comments due by (optional)", validators=[Optional()],
                            description="The invited members can comment until the end of this day")


class CommentDeadlineForm(FlaskForm):
    due_on = DateInputField("Comments due by", validators=[Optional()],
                            description="Leave it empty for no deadline. For example, 4 12 2026")


class SignForm(FlaskForm):
    """Not a OnceForm: nothing may be written before the password check (it has its own transaction).

    `account_name` is the signing account's own name, so that a different typed name is reported
    with the form's other problems (the service checks it again).
    """

    def __init__(self, *args, account_name: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.account_name = account_name

    full_name = StringField("Your full name", validators=[DataRequired("Enter your full name"),
                                                         at_most(200, "Full name")])
    different_name = BooleanField("I sign under the name I typed, which is not the name on my account")
    job_title = StringField("Your job title", validators=[DataRequired("Enter your job title"),
                                                         at_most(200, "Job title")])
    confirm = BooleanField("I confirm", validators=[
        DataRequired("Confirm that you have read this version, may sign it and agree to sign it electronically")])
    password = PasswordField("Your password", validators=[DataRequired("Enter your password")],
                             description="Re-enter the password you use to sign in to Accord")

    def validate_full_name(self, field):
        if self.account_name and names_differ(field.data or "", self.account_name) and not self.different_name.data:
            raise ValidationError(name_differs_message(self.account_name))


class DeclineForm(OnceForm):
    reason = TextAreaField("Why are you declining to sign?", validators=[
        DataRequired("Enter the reason for declining"), at_most(5000, "Reason")],
        description="The board secretary and the other parties will see this")


class WetInkForm(OnceForm):
    partner_id = SelectField("Party that signed", coerce=optional_int, choices=[], validate_choice=False,
                             validators=[DataRequired("Choose the party that signed")])
    signatory_name = StringField("Full name of the person who signed", validators=[
        DataRequired("Enter the full name of the person who signed"), at_most(200, "Full name")])
    signatory_title = StringField("Their job title", validators=[
        DataRequired("Enter the job title of the person who signed"), at_most(200, "Job title")])
    signed_on = DateInputField("Date on the signed page", validators=[DataRequired("Enter the date it was signed")])
    evidence = FileField("Scan of the signed page", validators=[FileRequired("Choose the scan of the signed page")],
                         description="A PDF, PNG or JPEG file, smaller than 5 MB")


class EndMouForm(FlaskForm):
    outcome = RadioField("What happened to this MOU?", choices=[
        (MouStatus.TERMINATED.value, "It was terminated"),
        (MouStatus.SUPERSEDED.value, "It was superseded by a new agreement")], validate_choice=False,
        validators=[DataRequired(_OUTCOME_MESSAGE),
                    AnyOf([MouStatus.TERMINATED.value, MouStatus.SUPERSEDED.value], message=_OUTCOME_MESSAGE)])
    reason = TextAreaField("Reason", validators=[DataRequired("Enter the reason"), at_most(5000, "Reason")])


class CompareForm(FlaskForm):
    class Meta:
        csrf = False

    old = SelectField("Compare", choices=[])
    new = SelectField("with", choices=[])


class IssueForm(OnceForm):
    """Issue for signature; carries a fingerprint of the draft as it was shown."""

    draft_fingerprint = HiddenField()
