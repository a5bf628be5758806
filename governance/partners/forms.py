import wtforms
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from markupsafe import escape
from wtforms import HiddenField, RadioField, SearchField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional, StopValidation

from governance.core.forms import DateInputField, VersionedForm
from governance.core.once import OnceForm
from governance.partners.models import PARTNER_KIND_LABELS, MembershipStatus

KIND_CHOICES = [(kind.value, label) for kind, label in PARTNER_KIND_LABELS.items()]
STATUS_CHOICES = [(status.value, status.label) for status in MembershipStatus]
TOO_MANY_DIGITS = 12
EMAIL_FORMAT = "Enter an email address in the correct format, like name@example.com"


def at_most(characters: int, what: str) -> Length:
    """A length limit with a message in the NHS style: 'Name must be 200 characters or fewer'."""
    return Length(max=characters, message=f"{what} must be {characters:,} characters or fewer")


class TextAreaField(wtforms.TextAreaField):
    """A textarea whose text arrives escaped: the NHS.UK textarea macro prints its value as given."""

    def _value(self):
        return escape(super()._value())


class WholeNumber:
    """Turn '9,200' into 9200, or stop with a message; an empty box gives None."""

    def __init__(self, message: str, required: str | None = None):
        self.message = message
        self.required = required

    def __call__(self, form, field):
        text = (field.data or "").replace(",", "").replace(" ", "") if isinstance(field.data, str) else ""
        if not text:
            field.data = None
            if self.required:
                raise StopValidation(self.required)
            return
        if not (text.isascii() and text.isdigit()):  # not '²' or '٣', which int() refuses or misreads
            raise StopValidation(self.message)
        # A number too long to be a list size stays too large for the service's range check,
        # without converting thousands of digits (which int() refuses).
        field.data = int(text) if len(text) <= TOO_MANY_DIGITS else 10 ** TOO_MANY_DIGITS


class PartnerFields:
    # Required fields are checked by the service, which reports every problem at once.
    name = StringField("Name", validators=[at_most(200, "Name")])
    kind = SelectField("Kind of organisation", choices=KIND_CHOICES, validate_choice=False)
    ods_code = StringField("ODS code (optional)", validators=[at_most(12, "ODS code")],
                           description="The NHS Organisation Data Service code, like A81001 for a GP "
                                       "practice or RYX for a trust")
    address = TextAreaField("Address (optional)", validators=[at_most(1000, "Address")])
    website = StringField("Website (optional)", validators=[at_most(300, "Website")])
    notes = TextAreaField("Notes (optional)", validators=[at_most(5000, "Notes")])


class PartnerForm(PartnerFields, VersionedForm):
    pass


class NewPartnerForm(PartnerFields, OnceForm):
    status = RadioField("Membership status", choices=STATUS_CHOICES[:2], default="active",
                        validate_choice=False)
    status_from = DateInputField("Status from")
    decision_reference = StringField(
        "Board decision (optional)", validators=[at_most(200, "Board decision")],
        description="The minute or decision that approved this, like Board minute 2026/14")
    list_size = StringField("Registered list size (GP practices only, optional)",
                            validators=[WholeNumber("Enter the list size as a whole number, like 9200")])
    list_size_as_of = DateInputField("List size as of", validators=[Optional()],
                                     description="The date the list was counted. For example, 1 10 2026")


class StatusChangeForm(FlaskForm):
    status = RadioField("New membership status", choices=STATUS_CHOICES, validate_choice=False,
                        validators=[DataRequired("Select the new membership status")])
    effective_on = DateInputField("Takes effect on",
                                  validators=[DataRequired("Enter the date the change takes effect")])
    decision_reference = StringField(
        "Board decision (optional)", validators=[at_most(200, "Board decision")],
        description="The minute or decision that approved this, like Board minute 2026/14")
    note = TextAreaField("Note (optional)", validators=[at_most(2000, "Note")])


class ListSizeForm(FlaskForm):
    patients = StringField("Registered list size", validators=[WholeNumber(
        "Enter the list size as a whole number, like 9200", required="Enter the registered list size")])
    as_of = DateInputField("As of", validators=[DataRequired("Enter the date the list was counted")],
                           description="The date the list was counted. For example, 1 10 2026")


class ContactFields:
    name = StringField("Name", validators=[DataRequired("Enter the contact's name"), at_most(200, "Name")])
    job_title = StringField("Job title (optional)", validators=[at_most(200, "Job title")])
    email = StringField("Email address (optional)",
                        validators=[Optional(), Email(EMAIL_FORMAT), at_most(254, "Email address")])
    phone = StringField("Phone number (optional)", validators=[at_most(40, "Phone number")])


class ContactForm(ContactFields, VersionedForm):
    pass


class NewContactForm(ContactFields, FlaskForm):
    pass


class PartnerSearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = SearchField("Search by name or ODS code", validators=[at_most(100, "Search")])
    kind = SelectField("Kind", choices=[("", "Any kind")] + KIND_CHOICES, validate_choice=False)
    status = SelectField("Status", choices=[("", "Any status")] + STATUS_CHOICES, validate_choice=False)


class ImportForm(FlaskForm):
    what = RadioField("What are you importing?", default="partners", validate_choice=False, choices=[
        ("partners", "New partner organisations"),
        ("list_sizes", "List sizes for GP practices already in Accord")])
    file = FileField("CSV file", description="A .csv file smaller than 200 KB. The first row must be "
                                             "the column headings.")


class ConfirmImportForm(FlaskForm):
    what = HiddenField()
    csv_text = HiddenField()
