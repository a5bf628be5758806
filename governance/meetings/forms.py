"""Forms for boards and committees: details, seats, quorum rules, terms of reference."""

import wtforms
from flask_wtf import FlaskForm
from markupsafe import escape
from wtforms import BooleanField, RadioField, SelectField, StringField
from wtforms.validators import StopValidation

from governance.core.forms import DateInputField, VersionedForm, at_most, optional_int
from governance.core.once import OnceForm
from governance.meetings.models import FREQUENCY_LABELS, ROLE_LABELS, BoardKind
from governance.partners.models import PartnerKind

KIND_CHOICES = [(kind.value, kind.label) for kind in BoardKind]
FREQUENCY_CHOICES = [(f.value, label) for f, label in FREQUENCY_LABELS.items()]
ROLE_CHOICES = [(role.value, label) for role, label in ROLE_LABELS.items()]
FRACTION_CHOICES = [("", "No fraction"), ("1/3", "A third"), ("1/2", "Half"), ("2/3", "Two thirds"),
                    ("3/4", "Three quarters")]
MAX_DIGITS = 6


class TextAreaField(wtforms.TextAreaField):
    """A textarea whose text arrives escaped: the NHS.UK textarea macro prints its value as given."""

    def _value(self):
        return escape(super()._value())


class WholeNumber:
    """Turn '15' into 15, or stop with a message; an empty box gives None."""

    def __init__(self, message: str):
        self.message = message

    def __call__(self, form, field):
        text = field.data.strip() if isinstance(field.data, str) else ""
        if not text:
            field.data = None
            return
        if not (text.isascii() and text.isdigit()) or len(text) > MAX_DIGITS:
            raise StopValidation(self.message)
        field.data = int(text)


class BoardFields:
    name = StringField("Name", validators=[at_most(200, "Name")])
    kind = RadioField("Is it a board, a committee or a subgroup?", choices=KIND_CHOICES, default="committee",
                      validate_choice=False)
    reports_to_id = SelectField("Reports to", coerce=optional_int, validate_choice=False,
                                description="A committee or subgroup reports to a board or another committee")
    purpose = TextAreaField("Purpose", validators=[at_most(5000, "Purpose")],
                            description="What it is for, in a sentence or two")
    frequency = SelectField("How often it meets", choices=FREQUENCY_CHOICES, validate_choice=False)


class NewBoardForm(BoardFields, OnceForm):
    pass


class BoardForm(BoardFields, VersionedForm):
    pass


class SeatFields:
    partner_id = SelectField("Partner they represent (optional)", coerce=optional_int, validate_choice=False)
    role = RadioField("Role", choices=ROLE_CHOICES, default="member", validate_choice=False)
    voting = BooleanField("Voting member", default=True)
    from_date = DateInputField("Joined on")
    to_date = DateInputField("Left on (optional)", description="Leave empty while they still sit on it")
    note = TextAreaField("Note (optional)", validators=[at_most(2000, "Note")],
                         description="For example, the decision that appointed them")


class NewSeatForm(SeatFields, OnceForm):
    membership_id = SelectField("Member", coerce=optional_int, validate_choice=False)


class SeatForm(SeatFields, VersionedForm):
    pass


class EndSeatForm(FlaskForm):
    to_date = DateInputField("Last day on the board or committee")


class _QuorumBase(FlaskForm):
    effective_from = DateInputField("Takes effect from")
    minimum_present = StringField("Minimum number of voting members present (optional)",
                                  validators=[WholeNumber("Enter the minimum number as a whole number, like 4")])
    fraction = RadioField("Fraction of the voting members who must be present", choices=FRACTION_CHOICES,
                          default="", validate_choice=False,
                          description="Rounded up: half of 9 voting members is 5")
    chair_required = BooleanField("The chair or the vice-chair must be present")
    deputies_count = BooleanField("Deputies count towards the quorum")


def _kind_field(kind: PartnerKind) -> StringField:
    return StringField(f"{kind.label} representatives", validators=[
        WholeNumber(f"Enter the minimum for {kind.label} as a whole number, like 2")])


QuorumForm = type("QuorumForm", (_QuorumBase,), {f"min_{kind.value}": _kind_field(kind) for kind in PartnerKind})


def kind_minimum_fields(form) -> list:
    return [getattr(form, f"min_{kind.value}") for kind in PartnerKind]


class TermsForm(VersionedForm):
    body = TextAreaField("Terms of reference", validators=[at_most(100_000, "Terms of reference")],
                         description="Markdown: # for a heading, - for a list, **bold**")


class ApproveTermsForm(FlaskForm):
    decision_reference = StringField("Decision that approved them", validators=[at_most(30, "Decision reference")],
                                     description="Its reference in the decision log, for example RIV-2026-014")
    approved_on = DateInputField("Approved on", description="Leave blank to use the date of the decision")
    note = StringField("How it was approved (optional with a decision)",
                       validators=[at_most(300, "How it was approved")],
                       description="For example, Board meeting of 12 March 2026, item 6")


class SeatsOnForm(FlaskForm):
    class Meta:
        csrf = False

    on = DateInputField("Who sat on it on")

