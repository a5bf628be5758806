from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (BooleanField, PasswordField, RadioField, SelectField, SelectMultipleField, StringField,
                     TextAreaField)
from wtforms.validators import AnyOf, DataRequired, Length

from governance.core.forms import DateInputField, VersionedForm
from governance.mous.models import EndDateKind, MouStatus


_END_KIND_MESSAGE = "Choose whether the MOU ends or is reviewed on this date"
_OUTCOME_MESSAGE = "Choose whether the MOU was terminated or superseded"


def _optional_int(value):
    return int(value) if value not in (None, "", "None") else None


class MouFields:
    title = StringField("Title", validators=[DataRequired("Enter the title of the MOU"), Length(max=300)])
    parties = SelectMultipleField("Parties", coerce=int, choices=[], validate_choice=False,
                                  description="The partner organisations that will sign this MOU. Choose at least two.")
    varies_id = SelectField("Varies an earlier MOU (optional)", coerce=_optional_int, choices=[],
                            validate_choice=False,
                            description="For a variation, choose the MOU it varies")
    purpose = TextAreaField("Purpose", validators=[DataRequired("Enter the purpose of the MOU"), Length(max=5000)],
                            description="In a sentence or two: what the partners are agreeing to do together")
    start_date = DateInputField("Start date", validators=[DataRequired("Enter the start date")])
    end_date = DateInputField("End or review date", validators=[DataRequired("Enter the end or review date")])
    end_date_kind = RadioField("Is this the date the MOU ends, or the date it is reviewed?",
                               choices=[(EndDateKind.END.value, "The MOU ends on this date"),
                                        (EndDateKind.REVIEW.value, "The MOU is reviewed on this date")],
                               default=EndDateKind.END.value, validate_choice=False,
                               validators=[DataRequired(_END_KIND_MESSAGE),
                                           AnyOf([k.value for k in EndDateKind], message=_END_KIND_MESSAGE)])


class NewMouForm(MouFields, FlaskForm):
    pass


class MouForm(MouFields, VersionedForm):
    pass


class ClauseFields:
    heading = StringField("Heading", validators=[DataRequired("Enter the clause heading"), Length(max=200)])
    body = TextAreaField("Text", validators=[
        Length(max=20000, message="Clause text must be 20,000 characters or fewer")],
                         description="Markdown: **bold**, *italic*, lists starting with - or 1., links [text](https://…)")


class NewClauseForm(ClauseFields, FlaskForm):
    pass


class ClauseForm(ClauseFields, VersionedForm):
    pass


class CommentForm(FlaskForm):
    body = TextAreaField("Your comment", validators=[DataRequired("Enter your comment"), Length(max=5000)])


class InviteCommenterForm(FlaskForm):
    membership_id = SelectField("Member", coerce=_optional_int, choices=[], validate_choice=False,
                                validators=[DataRequired("Choose the member to invite")])


class SignForm(FlaskForm):
    full_name = StringField("Your full name", validators=[DataRequired("Enter your full name"), Length(max=200)])
    job_title = StringField("Your job title", validators=[DataRequired("Enter your job title"), Length(max=200)])
    confirm = BooleanField("I confirm", validators=[
        DataRequired("Confirm that you have read this version and may sign it")])
    password = PasswordField("Your password", validators=[DataRequired("Enter your password")],
                             description="Re-enter the password you use to sign in to Accord")


class DeclineForm(FlaskForm):
    reason = TextAreaField("Why are you declining to sign?", validators=[
        DataRequired("Enter the reason for declining"), Length(max=5000)],
        description="The board secretary and the other parties will see this")


class WetInkForm(FlaskForm):
    partner_id = SelectField("Party that signed", coerce=_optional_int, choices=[], validate_choice=False,
                             validators=[DataRequired("Choose the party that signed")])
    signatory_name = StringField("Full name of the person who signed", validators=[
        DataRequired("Enter the full name of the person who signed"), Length(max=200)])
    signatory_title = StringField("Their job title", validators=[
        DataRequired("Enter the job title of the person who signed"), Length(max=200)])
    signed_on = DateInputField("Date on the signed page", validators=[DataRequired("Enter the date it was signed")])
    evidence = FileField("Scan of the signed page", validators=[FileRequired("Choose the scan of the signed page")],
                         description="A PDF, PNG or JPEG file, smaller than 5 MB")


class EndMouForm(FlaskForm):
    outcome = RadioField("What happened to this MOU?", choices=[
        (MouStatus.TERMINATED.value, "It was terminated"),
        (MouStatus.SUPERSEDED.value, "It was superseded by a new agreement")], validate_choice=False,
        validators=[DataRequired(_OUTCOME_MESSAGE),
                    AnyOf([MouStatus.TERMINATED.value, MouStatus.SUPERSEDED.value], message=_OUTCOME_MESSAGE)])
    reason = TextAreaField("Reason", validators=[DataRequired("Enter the reason"), Length(max=5000)])


class CompareForm(FlaskForm):
    class Meta:
        csrf = False

    old = SelectField("Compare", choices=[])
    new = SelectField("with", choices=[])
