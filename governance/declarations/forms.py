"""The shape of the declarations forms; the services check what the fields mean."""

import wtforms
from flask_wtf import FlaskForm
from markupsafe import escape
from wtforms import RadioField, SelectField, StringField

from governance.core.forms import DateInputField, at_most
from governance.core.once import OnceForm
from governance.declarations.models import CATEGORY_LABELS, MANAGEMENT_LABELS

CATEGORY_CHOICES = [(c.value, label) for c, label in CATEGORY_LABELS.items()]
DIRECT_CHOICES = [("direct", "Mine (a direct interest)"),
                  ("indirect", "Someone close to me: a family member, friend or business associate (indirect)")]
MANAGEMENT_CHOICES = [(m.value, label) for m, label in MANAGEMENT_LABELS.items()]


class TextAreaField(wtforms.TextAreaField):
    """A textarea whose text arrives escaped: the NHS.UK textarea macro prints its value as given."""

    def _value(self):
        return escape(super()._value())


class InterestFields:
    category = RadioField("Category", choices=CATEGORY_CHOICES, validate_choice=False)
    description = TextAreaField("Describe the interest", validators=[at_most(2000, "The interest")],
                                description="For example, Director and shareholder of Quayside Pharmacy Ltd")
    organisation = StringField("Organisation involved (optional)", validators=[at_most(300, "Organisation involved")])
    direct = RadioField("Whose interest is it?", choices=DIRECT_CHOICES, default="direct", validate_choice=False)
    from_date = DateInputField("When did the interest start? (optional)")
    to_date = DateInputField("When did it end? (optional, leave blank if it continues)")
    management = TextAreaField("How is it managed? (optional)", validators=[at_most(2000, "How it is managed")],
                               description="For example, Leaves the meeting for any item about pharmacy contracts")


class InterestForm(InterestFields, OnceForm):
    pass


class EndForm(OnceForm):
    to_date = DateInputField("When did the interest end?")


class WithholdForm(OnceForm):
    reason = TextAreaField("Why is it withheld from the published register?", validators=[at_most(1000, "The reason")],
                           description="A privacy or safety reason, kept on the full register. Leave it blank to "
                                       "show the entry on the published register again.")


class GiftForm(OnceForm):
    received_on = DateInputField("When was it offered?")
    giver = StringField("Who offered it?", validators=[at_most(300, "Who offered it")])
    description = TextAreaField("What was it?", validators=[at_most(2000, "What it was")],
                                description="For example, Dinner at a supplier's conference")
    value = StringField("Estimated value, in pounds", description="For example, 45.00")
    accepted = RadioField("Was it accepted?", choices=[("accepted", "Accepted"), ("declined", "Declined")],
                          validate_choice=False)


class MeetingDeclarationForm(InterestFields, OnceForm):
    agenda_item_id = SelectField("Agenda item", choices=[], validate_choice=False)
    board_member_id = SelectField("Who declared it?", choices=[], validate_choice=False)
    declaration_id = SelectField("Which interest?", choices=[], validate_choice=False)
    category = RadioField("Category (for a new interest)", choices=CATEGORY_CHOICES, validate_choice=False)
    description = TextAreaField("Describe the new interest", validators=[at_most(2000, "The interest")])
    management = RadioField("How did the chair manage it?", choices=MANAGEMENT_CHOICES, validate_choice=False)
    note = TextAreaField("Note for the minutes (optional)", validators=[at_most(1000, "The note")])


class PublishForm(FlaskForm):
    published = RadioField("Publish the register of interests?", validate_choice=False,
                           choices=[("yes", "Yes, anyone can read the published register without signing in"),
                                    ("no", "No, do not publish it")])


CORRECTION_REASON_HINT = "For example, The value was entered as £450 instead of £45. The reason is kept with the entry."


class GiftCorrectionForm(GiftForm):
    reason = TextAreaField("Why is the entry corrected?", validators=[at_most(1000, "The reason")],
                           description=CORRECTION_REASON_HINT)


class MeetingDeclarationCorrectionForm(OnceForm):
    agenda_item_id = SelectField("Agenda item", choices=[], validate_choice=False)
    management = RadioField("How did the chair manage it?", choices=MANAGEMENT_CHOICES, validate_choice=False)
    note = TextAreaField("Note for the minutes (optional)", validators=[at_most(1000, "The note")])
    reason = TextAreaField("Why is the declaration corrected?", validators=[at_most(1000, "The reason")],
                           description="For example, The chair asked the member to leave the room, not only to "
                                       "abstain. The reason is kept with the declaration.")
