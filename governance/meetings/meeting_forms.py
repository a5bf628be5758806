"""Forms for meetings: scheduling, agenda items, papers, issuing, cancelling, attendance."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField

from governance.core.forms import DateInputField, VersionedForm, at_most, optional_int
from governance.core.once import OnceForm
from governance.meetings.forms import TextAreaField, WholeNumber
from governance.meetings.meeting_models import ATTENDANCE_LABELS, ItemPurpose

PURPOSE_CHOICES = [(purpose.value, purpose.label) for purpose in ItemPurpose]
MEMBER_STATUS_CHOICES = [(status.value, label) for status, label in ATTENDANCE_LABELS.items()
                         if status != "in_attendance"]


class MeetingFields:
    title = StringField("Title (optional)", validators=[at_most(300, "Title")],
                        description="Leave empty for the board's name and 'meeting'")
    day = DateInputField("Date")
    start_time = StringField("Starts at", validators=[at_most(10, "Start time")],
                             description="UK time, like 10:00 or 2:30pm")
    end_time = StringField("Ends at", validators=[at_most(10, "End time")],
                           description="UK time, like 12:00 or 4pm")
    place = StringField("Place (optional if there is a video link)", validators=[at_most(300, "Place")])
    video_link = StringField("Video link (optional)", validators=[at_most(500, "Video link")],
                             description="The web address members use to join, starting https://")


class NewMeetingForm(MeetingFields, OnceForm):
    board_id = SelectField("Board or committee", coerce=optional_int, validate_choice=False)


class MeetingForm(MeetingFields, VersionedForm):
    pass


class CancelForm(FlaskForm):
    reason = TextAreaField("Why is the meeting cancelled?", validators=[at_most(2000, "Reason")],
                           description="Members see this, and it goes in the message telling them")


class ItemFields:
    title = StringField("Title", validators=[at_most(300, "Title")])
    presenter = StringField("Presented by (optional)", validators=[at_most(200, "Presented by")])
    purpose = RadioField("What is the item for?", choices=PURPOSE_CHOICES, default="discussion",
                         validate_choice=False)
    duration_minutes = StringField("Time allowed, in minutes", default="15", validators=[
        WholeNumber("Enter the time allowed as a whole number of minutes, like 15")])
    description = TextAreaField("What the meeting is asked to do (optional)",
                                validators=[at_most(5000, "What the meeting is asked to do")])
    confidential = BooleanField("Confidential (part 2): only members of the board or committee see it")
    papers_public = BooleanField("Papers may be read by every member of the network, patient panel "
                                 "members and observers included")


class NewItemForm(ItemFields, OnceForm):
    pass


class ItemForm(ItemFields, VersionedForm):
    pass


class PaperForm(OnceForm):
    title = StringField("Title of the paper", validators=[at_most(300, "Title")])
    author = StringField("Author", validators=[at_most(200, "Author")],
                         description="Who wrote it, like Finance lead, Riverside Community Health NHS Trust")
    file = FileField("PDF file")


class IssueForm(FlaskForm):
    late_confirmed = HiddenField()


class GuestForm(FlaskForm):
    guest_name = StringField("Name", validators=[at_most(200, "Name")])
    guest_role = StringField("Role or organisation (optional)", validators=[at_most(200, "Role")])


def attendance_form(seats, item_choices, records):
    """A form with, for each seat, its attendance, deputy, and the items at which they joined or left."""
    fields = {}
    for seat in seats:
        fields[f"status_{seat.id}"] = RadioField(
            seat.name, choices=[("", "Not recorded")] + MEMBER_STATUS_CHOICES, default="", validate_choice=False)
        fields[f"deputy_{seat.id}"] = StringField("Deputy's name", validators=[at_most(200, "Deputy's name")])
        fields[f"arrived_{seat.id}"] = SelectField("Joined the meeting at item", coerce=optional_int,
                                                   choices=item_choices, validate_choice=False)
        fields[f"left_{seat.id}"] = SelectField("Left the meeting at item", coerce=optional_int,
                                                choices=item_choices, validate_choice=False)
    form_class = type("AttendanceForm", (FlaskForm,), fields)
    data = {}
    for record in records:
        seat_id = record.board_member_id
        data.update({f"status_{seat_id}": record.status, f"deputy_{seat_id}": record.deputy_name,
                     f"arrived_{seat_id}": record.arrived_at_item_id, f"left_{seat_id}": record.left_at_item_id})
    return form_class(data=data)


def attendance_entries(form, seats) -> dict[int, dict]:
    return {seat.id: {"status": form[f"status_{seat.id}"].data, "deputy_name": form[f"deputy_{seat.id}"].data,
                      "arrived_at_item_id": form[f"arrived_{seat.id}"].data,
                      "left_at_item_id": form[f"left_{seat.id}"].data} for seat in seats}


class DateRangeForm(FlaskForm):
    class Meta:
        csrf = False

    start = DateInputField("From")
    end = DateInputField("To")
