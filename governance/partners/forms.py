"""The shape of the partner forms. Rules, lengths and messages are the services' (they report every
problem at once, and the CSV import shares them); the forms only turn what was typed into values."""

import wtforms
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from markupsafe import escape
from wtforms import BooleanField, HiddenField, RadioField, SearchField, SelectField, StringField

from governance.core.forms import DateInputField, VersionedForm
from governance.core.once import OnceForm
from governance.partners.models import EARLIEST_LIST_SIZE_YEAR, PARTNER_KIND_LABELS, MembershipStatus

KIND_CHOICES = [(kind.value, label) for kind, label in PARTNER_KIND_LABELS.items()]
STATUS_CHOICES = [(status.value, status.label) for status in MembershipStatus]
TOO_MANY_DIGITS = 12
DECISION_HINT = ("The reference of the board decision that approved this, like RIV-2026-014 (it links to the "
                 "decision), or the minute from before Accord, like Board minute 2025/03")
COUNTED_HINT = "The date the list was counted. For example, 1 10 2026"


class TextAreaField(wtforms.TextAreaField):
    """A textarea whose text arrives escaped: the NHS.UK textarea macro prints its value as given."""

    def _value(self):
        return escape(super()._value())


class WholeNumberField(StringField):
    """'9,200' becomes 9200 and an empty box None; anything else stays as typed, for the service
    to refuse by name ("Enter the list size as a whole number, like 9200")."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.type = "StringField"  # the form macros render it as the text input it is

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        text = (self.data or "").replace(",", "").replace(" ", "")
        if not text:
            self.data = None
        elif text.isascii() and text.isdigit():  # not '²' or '٣', which int() refuses or misreads
            # A number too long to be a list size stays too large for the service's range check,
            # without converting thousands of digits (which int() refuses).
            self.data = int(text) if len(text) <= TOO_MANY_DIGITS else 10 ** TOO_MANY_DIGITS

    def _value(self):
        return "" if self.data is None else str(self.data)


class PartnerFields:
    name = StringField("Name")
    kind = SelectField("Kind of organisation", choices=KIND_CHOICES, validate_choice=False)
    ods_code = StringField("ODS code (optional)",
                           description="The NHS Organisation Data Service code, like A81001 for a GP "
                                       "practice or RYX for a trust")
    address = TextAreaField("Address (optional)")
    website = StringField("Website (optional)")
    notes = TextAreaField("Notes (optional)")


class PartnerForm(PartnerFields, VersionedForm):
    pass


class NewPartnerForm(PartnerFields, OnceForm):
    status = RadioField("Membership status", choices=STATUS_CHOICES[:2], default="active", validate_choice=False)
    status_from = DateInputField("Date this status starts")
    decision_reference = StringField("Board decision (optional)", description=DECISION_HINT)
    list_size = WholeNumberField("Registered list size (GP practices only, optional)")
    list_size_as_of = DateInputField("Date the list size was taken", description=COUNTED_HINT,
                                     earliest_year=EARLIEST_LIST_SIZE_YEAR)


class StatusChangeForm(OnceForm):
    status = RadioField("New membership status", choices=STATUS_CHOICES, validate_choice=False)
    effective_on = DateInputField("Date the change takes effect")
    decision_reference = StringField("Board decision (optional)", description=DECISION_HINT)
    note = TextAreaField("Note (optional)")


class ListSizeForm(OnceForm):
    patients = WholeNumberField("Registered list size")
    as_of = DateInputField("Date the list size was taken", description=COUNTED_HINT,
                           earliest_year=EARLIEST_LIST_SIZE_YEAR)
    corrects = BooleanField("This corrects the list size already recorded for that date")


class ContactFields:
    name = StringField("Name")
    job_title = StringField("Job title (optional)")
    email = StringField("Email address (optional)")
    phone = StringField("Phone number (optional)")


class ContactForm(ContactFields, VersionedForm):
    pass


class NewContactForm(ContactFields, OnceForm):
    pass


class PartnerSearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = SearchField("Search by name or ODS code")
    kind = SelectField("Kind", choices=[("", "Any kind")] + KIND_CHOICES, validate_choice=False)
    status = SelectField("Status", choices=[("", "Any status")] + STATUS_CHOICES, validate_choice=False)


class ImportForm(FlaskForm):
    what = RadioField("What are you importing?", default="partners", validate_choice=False, choices=[
        ("partners", "Partners: new ones are added, and partners with the same ODS code are updated"),
        ("list_sizes", "List sizes for GP practices already in Accord")])
    file = FileField("CSV file", description="A .csv file smaller than 200 KB. The first row must be "
                                             "the column headings.")


class ConfirmImportForm(OnceForm):
    what = HiddenField()
    csv_text = HiddenField()
    digest = HiddenField()  # what the preview showed: confirming saves exactly that, or nothing


class IssueScheduleForm(OnceForm):
    again = BooleanField("Issue it again: I want another copy of the same schedule")
