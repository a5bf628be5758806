"""The shape of the engagement forms; the services check what the answers mean."""

import wtforms
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from markupsafe import escape
from wtforms import BooleanField, RadioField, SelectField, StringField
from wtforms.validators import StopValidation

from governance.core.forms import DateInputField, VersionedForm, at_most, optional_int
from governance.core.once import OnceForm
from governance.engagement.models import PROFILE_BANDS, ActivityKind, FeedbackStatus, Feeling

DATE_HINT = "For example, 14 3 2026"


class TextAreaField(wtforms.TextAreaField):
    """A textarea whose text arrives escaped: the NHS.UK textarea macro prints its value as given."""

    def _value(self):
        return escape(super()._value())


class CountField(StringField):
    """A whole number of people (blank is None); the message names the field."""

    def process_formdata(self, valuelist):
        self.raw = (valuelist[0] if valuelist else "").strip().replace(",", "")
        self.data = None
        if self.raw:
            try:
                self.data = int(self.raw)
            except ValueError:
                self.data = None

    def pre_validate(self, form):
        raw = getattr(self, "raw", "")
        if raw and (self.data is None or self.data < 0 or self.data > 10_000_000):
            self.errors.append(f"{self.label.text.removesuffix(' (optional)')} must be a whole number, 0 or more")
            raise StopValidation()

    def _value(self):
        return getattr(self, "raw", None) or ("" if self.data is None else str(self.data))


def _int_or_none(value):
    if value in (None, "", "None"):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


def _yes_no(value):
    return {"yes": True, "no": False, True: True, False: False}.get(value)


# ------------------------------------------------------------------------------------ the patient's question pages

class AboutForm(FlaskForm):
    about = RadioField("What is your feedback about?", coerce=_int_or_none, choices=[], validate_choice=False)


class TopicForm(FlaskForm):
    topic = StringField("In a few words, what is it about?", validators=[at_most(200, "What it is about")],
                        description="For example, booking appointments, or the new physiotherapy clinic")


class DetailsForm(FlaskForm):
    body = TextAreaField("What happened, or what do you suggest?", validators=[at_most(2000, "Your feedback")],
                         description="You can write up to 2,000 characters.")


FEELING_CHOICES = [(str(f.value), f.label) for f in Feeling]


class FeelingForm(FlaskForm):
    feeling = RadioField("Overall, how was your experience of our service?", coerce=_int_or_none,
                         choices=FEELING_CHOICES, validate_choice=False,
                         description="This question is optional. You can continue without answering it.")


class NameForm(FlaskForm):
    show_name = RadioField("Can we show your name to the board?", coerce=_yes_no, validate_choice=False, choices=[
        ("yes", "Yes, the board and staff may see my name"),
        ("no", "No, keep my name private. Staff and the board will see the feedback but not who sent it")])


class UpdatesForm(FlaskForm):
    email_on_change = RadioField("Do you want an email when there is news about your feedback?", coerce=_yes_no,
                                 validate_choice=False, choices=[("yes", "Yes, email me"), ("no", "No")])


class SendForm(OnceForm):
    pass


class EmailChoiceForm(FlaskForm):
    email_on_change = BooleanField("Email me when there is news about this feedback")


class PublicFeedbackForm(FlaskForm):
    topic = StringField("What is your feedback about?", validators=[at_most(200, "What it is about")],
                        description="For example, booking appointments, or a service you used")
    body = TextAreaField("What happened, or what do you suggest?", validators=[at_most(2000, "Your feedback")],
                         description="You can write up to 2,000 characters.")
    feeling = RadioField("Overall, how was your experience of our service? (optional)", coerce=_int_or_none,
                         choices=FEELING_CHOICES, validate_choice=False)
    website = StringField("Leave this blank")  # the honeypot: hidden from people, filled in by robots


# ------------------------------------------------------------------------------------ staff

class QueueFilterForm(FlaskForm):
    class Meta:
        csrf = False

    status = SelectField("Status", choices=[("", "Any status")] + [(s.value, s.label) for s in FeedbackStatus],
                         validate_choice=False)
    theme = SelectField("Theme", choices=[], validate_choice=False)
    overdue = BooleanField("Overdue only")


class RespondForm(FlaskForm):
    response = TextAreaField("Response", validators=[at_most(5000, "Response")],
                             description="What the network did or will do. The sender sees this.")


class HandlingForm(VersionedForm):
    theme = StringField("Theme (optional)", validators=[at_most(100, "Theme")],
                        description="A short theme used to group feedback, like Access or Communication")
    owner_id = SelectField("Owner (optional)", coerce=optional_int, choices=[], validate_choice=False)


class PublishForm(VersionedForm):
    published_wording = TextAreaField(
        "What the patient said, as it will be published", validators=[at_most(2000, "Published wording")],
        description="Remove anything that could identify someone. The original stays unchanged.")


class LinkForm(FlaskForm):
    target = SelectField("What the response led to", choices=[], validate_choice=False)


class SettingsForm(VersionedForm):
    acknowledge_days = CountField("Acknowledge within (working days)")
    respond_days = CountField("Respond within (working days)")
    public_form_open = BooleanField("Open the public feedback form (no account needed)")
    privacy_notice = TextAreaField("Privacy notice for the public form", validators=[at_most(5000, "Privacy notice")],
                                   description="Who keeps the feedback, why, for how long, and who to contact")


class PanelFields:
    name = StringField("Name", validators=[at_most(200, "Name")])
    partner_id = SelectField("Practice (for a patient participation group)", coerce=optional_int, choices=[],
                             validate_choice=False, description="Leave as None for the network-wide panel")
    description = TextAreaField("About the panel (optional)", validators=[at_most(5000, "About the panel")])
    last_review_on = DateInputField("Membership last reviewed (optional)", description=DATE_HINT)


class NewPanelForm(PanelFields, OnceForm):
    pass


class PanelForm(PanelFields, VersionedForm):
    pass


class PanelMemberForm(OnceForm):
    name = StringField("Name", validators=[at_most(200, "Name")])
    joined_on = DateInputField("Date they joined", description=DATE_HINT)
    partner_id = SelectField("Practice they are registered with (optional)", coerce=optional_int, choices=[],
                             validate_choice=False)


def profile_form_class():
    """A form with one count per age band and sex."""
    fields = {band: CountField(f"{label} (optional)") for band, label in PROFILE_BANDS}
    return type("ProfileForm", (FlaskForm,), fields)


class ActivityFields:
    kind = RadioField("Kind of activity", choices=[(k.value, k.label) for k in ActivityKind], validate_choice=False)
    held_on = DateInputField("Date", description=DATE_HINT)
    topic = StringField("Topic", validators=[at_most(300, "Topic")])
    workstream_id = SelectField("Workstream (optional)", coerce=optional_int, choices=[], validate_choice=False)
    participants = CountField("Number of participants (optional)")
    summary = TextAreaField("Summary (optional)", validators=[at_most(10000, "Summary")])
    learned = TextAreaField("What was learned (optional)", validators=[at_most(10000, "What was learned")])


class NewActivityForm(ActivityFields, OnceForm):
    pass


class ActivityForm(ActivityFields, VersionedForm):
    pass


class AttachmentForm(OnceForm):
    title = StringField("Title", validators=[at_most(300, "Title")])
    file = FileField("PDF file")


class ReportForm(FlaskForm):
    start = DateInputField("From", description=DATE_HINT)
    end = DateInputField("To", description=DATE_HINT)
